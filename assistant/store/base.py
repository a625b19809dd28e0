"""What the `Store` needs from its two indexes, declared as Protocols.

A second vector store (Qdrant, OpenSearch, an in-memory one in tests/test_memory_store.py) implements `VectorIndex`
and is handed to `Store(settings, vectors=...)`; nothing else in the assistant changes. `KeywordIndex` is what
`fts.py` (SQLite FTS5, which also holds the documents) and `postgres_keyword.py` (PostgreSQL, chosen with
`ASSISTANT_DATABASE_URL` in `engines.py`) offer the facade.

Filters are passed as `since`/`until` (days since 1970-01-01, inclusive, see `documents.date_to_int`) and `source`
(exact match); an index applies them before ranking.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, runtime_checkable

from assistant.documents import Article, Chunk, Sentence
from assistant.errors import AssistantError


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

    def upsert(self, article: Article, chunks: list[Chunk], vectors: list[list[float]]) -> None:
        """Write one article's chunk vectors (replacing same ids)."""
        ...

    def upsert_many(self, items: list[VectorItem]) -> None:
        """Write several articles' chunk vectors."""
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

    def document(self, doc_id: str) -> dict | None: ...

    def counts(self) -> dict[str, int]: ...

    def pending_ids(self) -> list[str]: ...

    def all_chunk_ids(self) -> set[str]: ...

    def by_source_year(self) -> list[tuple[str, str | None, int]]: ...

    def find_documents(self, query: str, limit: int = 200) -> list[dict]: ...

    def sources(self) -> list[tuple[str, int]]: ...

    def date_ranges(self) -> list[tuple[str, str | None, str | None, int, int]]: ...


__all__ = ["KeywordIndex", "Sentence", "StoreError", "VectorIndex", "VectorItem", "VectorStoreUnreadable"]
