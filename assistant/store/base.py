"""What the `Store` needs from its two indexes, declared as Protocols.

A second vector store (Qdrant, OpenSearch, an in-memory one in tests/test_memory_store.py) implements `VectorIndex`
and is handed to `Store(settings, vectors=...)`; nothing else in the assistant changes. `KeywordIndex` is what
`fts.py` (SQLite FTS5, which also holds the documents) and `postgres_keyword.py` (PostgreSQL, chosen with
`ASSISTANT_DATABASE_URL` in `engines.py`) offer the facade.

Filters are passed as `since`/`until` (days since 1970-01-01, inclusive, see `documents.date_to_int`) and `source`
(exact match); an index applies them before ranking.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol, runtime_checkable

from assistant.documents import Article, Chunk, Sentence, SentenceInfo
from assistant.errors import AssistantError

PENDING, OK = "pending", "ok"  # a document's status: being (re)indexed, or complete in every part of the store


class StoreError(AssistantError, RuntimeError):
    """The index cannot be opened or used."""


class VectorStoreUnreadable(StoreError):
    """The vector store's files cannot be read (damaged); `assistant check --repair` rebuilds them."""


# (article, its chunks, one vector per chunk)
VectorItem = tuple[Article, list[Chunk], list[list[float]]]


@runtime_checkable
class VectorIndex(Protocol):
    """Chunk vectors with their article's metadata; cosine similarity search."""

    location: str  # where the vectors live, for `assistant stats`

    def upsert_many(self, items: list[VectorItem]) -> None:
        """Write several articles' chunk vectors (replacing same ids)."""
        ...

    def delete_documents(self, doc_ids: list[str]) -> None:
        """Remove every chunk of these documents."""
        ...

    def delete_ids(self, ids: list[str]) -> None:
        """Remove chunks by id."""
        ...

    def search(
        self, vector: list[float], limit: int, since: int | None = None, until: int | None = None, source: str | None = None
    ) -> list[tuple[str, float]]:
        """(chunk_id, cosine similarity), best first, at most `limit`, filters applied."""
        ...

    def all_ids(self) -> set[str]:
        """Every chunk id stored."""
        ...

    def count(self) -> int:
        """Number of vectors."""
        ...

    def vectors_of(self, ids: list[str]) -> dict[str, list[float]]:
        """The stored vectors of these chunk ids (those found); `assistant check` searches for them."""
        ...

    def recreate(self) -> str | None:
        """Start the vectors afresh (`check --repair`); where the damaged files were moved, if anywhere."""
        ...


@runtime_checkable
class KeywordIndex(Protocol):
    """Documents, chunk offsets and BM25 search over chunk text."""

    def close(self) -> None: ...

    def status(self, doc_id: str) -> tuple[str, str] | None:
        """(content hash, 'pending' | 'ok') of a stored document, or None."""
        ...

    def mark_pending(self, articles: Iterable[Article]) -> None: ...

    def commit_articles(self, items: list[tuple[Article, list[Chunk]]]) -> None: ...

    def delete_document(self, doc_id: str) -> None: ...

    def search(
        self, question: str, limit: int, since: int | None = None, until: int | None = None, source: str | None = None
    ) -> list[tuple[str, float]]:
        """(chunk_id, BM25 score, higher is better), best first."""
        ...

    def doc_freqs(self, terms: list[str]) -> tuple[int, dict[str, int]]: ...

    def chunk_rows(self, chunk_ids: list[str]) -> dict[str, dict]:
        """chunk_id -> {doc_id, start, end, sentences: list[Sentence], title, date, source, url, body}."""
        ...

    def article_chunk_ids(self, doc_ids: list[str]) -> dict[str, list[str]]:
        """doc_id -> its chunk ids in reading order (articles not stored are left out)."""
        ...

    def document(self, doc_id: str) -> dict | None: ...

    def counts(self) -> dict[str, int]: ...

    def pending_ids(self) -> list[str]: ...

    def all_chunk_ids(self) -> set[str]: ...

    def by_source_year(self) -> list[tuple[str, str | None, int]]: ...

    def integrity_problems(self) -> list[str]:
        """What a check of the index's own structures finds (`assistant check`); empty when the engine checks itself."""
        ...

    def rebuild_search_index(self) -> int | None:
        """Rebuild the search index from the stored documents and chunks (`check --repair`); rows written, or None
        when the engine keeps no separate search index."""
        ...

    def find_documents(self, query: str, limit: int = 200) -> list[dict]: ...

    def sources(self) -> list[tuple[str, int]]: ...

    def date_ranges(self) -> list[tuple[str, str | None, str | None, int, int]]: ...


class DuplicateTable(Protocol):
    """Near-duplicate signatures (MinHash, `dedup.signature`) and the other outlets of an article: `dedup.py`
    (SQLite) and `postgres_dedup.py`."""

    def find(self, doc_id: str, sig) -> str | None: ...

    def add_many(self, items: list[tuple[str, object]]) -> None: ...

    def forget(self, doc_id: str) -> None: ...

    def add_source(self, doc_id: str, origin_id: str, source: str, url: str | None, title: str, date: str | None) -> None: ...

    def sources_of(self, doc_id: str) -> list[dict]: ...


class FeedValidators(Protocol):
    """What the feeds table keeps of one read of a feed (ingest's `FeedRead` has these fields)."""

    url: str
    title: str | None
    etag: str | None
    last_modified: str | None
    items: Sequence[object]


class FeedTable(Protocol):
    """Configured feeds and their HTTP validators: `feed_state.py` (SQLite) and `postgres_feeds.py`."""

    def add(self, url: str) -> None: ...

    def urls(self) -> list[str]: ...

    def validators(self, url: str) -> tuple[str | None, str | None]: ...

    def commit(self, read: FeedValidators) -> None: ...


class SentenceAnnotations(Protocol):
    """The reader's per-sentence annotations by (doc_id, start): `sentences.py` (SQLite) and
    `postgres_sentences.py`."""

    def replace(self, doc_ids: list[str], infos: list[SentenceInfo]) -> None: ...

    def delete(self, doc_id: str) -> None: ...

    def get(self, keys: list[tuple[str, int]]) -> dict[tuple[str, int], SentenceInfo]: ...


__all__ = [
    "OK",
    "PENDING",
    "DuplicateTable",
    "FeedTable",
    "FeedValidators",
    "KeywordIndex",
    "Sentence",
    "SentenceAnnotations",
    "StoreError",
    "VectorIndex",
    "VectorItem",
    "VectorStoreUnreadable",
]
