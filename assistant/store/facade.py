"""The store: a vector index (Chroma) and SQLite FTS5 behind one interface, kept in step.

Retrieval, the chain and the UI talk to `Store` only; its parts implement the Protocols of `store/base.py`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from assistant.documents import Article, Chunk, Passage, SentenceInfo
from assistant.errors import disk_full
from assistant.settings import Settings
from assistant.store.base import OK, FeedValidators, KeywordIndex, StoreError, VectorIndex
from assistant.store.engines import open_tables
from assistant.store.lock import acquire, release

__all__ = ["CheckReport", "Store", "StoreError"]


@dataclass(frozen=True)
class SourceRange:
    """The dates one source's articles cover."""

    source: str
    first: str | None  # YYYY-MM-DD; None when no article of the source is dated
    last: str | None
    documents: int
    undated: int


@dataclass
class CheckReport:
    """What `check` found: differences between the two indexes."""

    pending: list[str]
    orphan_vectors: int
    missing_vectors: int
    repaired: bool

    @property
    def ok(self) -> bool:
        """True when both indexes agree and no document is half-indexed."""
        return not self.pending and not self.orphan_vectors and not self.missing_vectors


class Store:
    """Documents, chunks, vectors and keywords under `settings.home` (or a Chroma server).

    Embedded Chroma opens on first use, so a question that needs only BM25 never imports chromadb; a Chroma server
    is reached at once, so a wrong URL is a start-up error."""

    keyword: KeywordIndex

    def __init__(self, settings: Settings, vectors: VectorIndex | None = None) -> None:
        """`vectors` replaces Chroma with another `VectorIndex` (the lock then is the caller's business)."""
        self.settings = settings
        self.chroma_url = settings.chroma_url
        self._lock_path = settings.home / ".lock"
        self._locked = not self.chroma_url and vectors is None
        self._vectors = vectors
        self._vectors_guard = threading.Lock()
        if self._locked:
            acquire(self._lock_path)
        try:
            self.tables = open_tables(settings)  # SQLite under `home`, or PostgreSQL (ASSISTANT_DATABASE_URL)
            self.keyword, self.dups = self.tables.keyword, self.tables.dups
            self.feeds, self.sentences = self.tables.feeds, self.tables.sentences
            if self.chroma_url:
                self._open_vectors()
        except Exception as exc:
            self.close()
            if (full := disk_full(exc, settings.home)) is not None:  # SQLite or Chroma could not create a file
                raise full from exc
            raise

    @property
    def vectors(self) -> VectorIndex:
        """The vector index (Chroma unless another was given), opened on first use."""
        if self._vectors is None:
            try:
                self._open_vectors()
            except Exception as exc:
                if (full := disk_full(exc, self.settings.home)) is not None:
                    raise full from exc
                raise
        assert self._vectors is not None
        return self._vectors

    def _open_vectors(self) -> None:
        with self._vectors_guard:
            if self._vectors is None:
                from assistant.store.chroma import ChromaIndex

                s = self.settings
                self._vectors = ChromaIndex(s.chroma_path, s.collection, self.chroma_url, s.chroma_timeout)

    def close(self) -> None:
        """Release the index lock and the SQLite connection."""
        tables = getattr(self, "tables", None)
        if tables is not None:
            tables.close()
        if getattr(self, "_locked", False):
            release(self._lock_path)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def is_current(self, article: Article) -> bool:
        """True when this exact article is already fully indexed."""
        return self.keyword.status(article.id) == (article.hash, OK)

    def begin(self, articles: list[Article]) -> None:
        """Mark articles pending and drop any vectors a previous version left."""
        existed = [a.id for a in articles if self.keyword.status(a.id) is not None]
        self.keyword.mark_pending(articles)
        self.vectors.delete_documents(existed)

    def write_many(
        self, items: list[tuple[Article, list[Chunk], list[list[float]]]], sentences: list[SentenceInfo] | None = None
    ) -> None:
        """Vectors first (one upsert), the sentence annotations, then one SQLite transaction that marks the articles
        complete (per-article calls cost 10x). Until that last step the articles stay pending."""
        with_chunks = [item for item in items if item[1]]
        if with_chunks:
            self.vectors.upsert_many(with_chunks)
        if sentences is not None:
            self.sentences.replace([a.id for a, _, _ in items], sentences)
        self.keyword.commit_articles([(a, chunks) for a, chunks, _ in items])

    def sentence_infos(self, keys: list[tuple[str, int]]) -> dict[tuple[str, int], SentenceInfo]:
        """Stored reader annotations of these sentences (absent when the index predates them)."""
        return self.sentences.get(keys)

    def delete(self, doc_id: str) -> None:
        """Remove a document from both indexes."""
        self.vectors.delete_documents([doc_id])
        self.sentences.delete(doc_id)
        self.keyword.delete_document(doc_id)
        self.dups.forget(doc_id)

    # ---- reads, for retrieval, the chain and the UI
    def search_vectors(
        self, vector: list[float], limit: int, since: int | None = None, until: int | None = None, source: str | None = None
    ) -> list[tuple[str, float]]:
        """(chunk_id, cosine similarity) of the nearest chunks."""
        return self.vectors.search(vector, limit, since, until, source)

    def search_keywords(
        self, question: str, limit: int, since: int | None = None, until: int | None = None, source: str | None = None
    ) -> list[tuple[str, float]]:
        """(chunk_id, BM25 score) for the question's words."""
        return self.keyword.search(question, limit, since, until, source)

    def search_phrase(
        self, words: list[str], limit: int, since: int | None = None, until: int | None = None, source: str | None = None
    ) -> list[str]:
        """Chunk ids whose text holds these words in this order (the keyword index's phrase search), oldest first."""
        from assistant.store.phrase import search_phrase

        return search_phrase(self.keyword, words, limit, since, until, source)

    def doc_freqs(self, terms: list[str]) -> tuple[int, dict[str, int]]:
        """(number of chunks, chunks containing each term)."""
        return self.keyword.doc_freqs(terms)

    def document(self, doc_id: str) -> dict | None:
        """A stored document's fields, including its full text."""
        return self.keyword.document(doc_id)

    def status(self, doc_id: str) -> tuple[str, str] | None:
        """(hash, status) of a stored document, or None."""
        return self.keyword.status(doc_id)

    def also_reported_by(self, doc_id: str) -> list[dict]:
        """Other outlets that published the same story."""
        return self.dups.sources_of(doc_id)

    # ---- near-duplicates (the indexer) and feeds (`ingest --feed`, `sync`)
    def duplicate_of(self, doc_id: str, sig) -> str | None:
        """An indexed article (other than `doc_id`) that one with this MinHash signature nearly duplicates."""
        return self.dups.find(doc_id, sig)

    def add_other_source(self, doc_id: str, origin_id: str, source: str, url: str | None, title: str, date: str | None) -> None:
        """Record another outlet that published the article `doc_id` (shown by `also_reported_by`)."""
        self.dups.add_source(doc_id, origin_id, source, url, title, date)

    def add_signatures(self, items: list[tuple[str, object]]) -> None:
        """Remember the signatures of newly indexed articles."""
        self.dups.add_many(items)

    def add_feed(self, url: str) -> None:
        """Register a feed for `assistant sync`."""
        self.feeds.add(url)

    def feed_urls(self) -> list[str]:
        """Every configured feed."""
        return self.feeds.urls()

    def feed_validators(self, url: str) -> tuple[str | None, str | None]:
        """(ETag, Last-Modified) of the feed's last successful read."""
        return self.feeds.validators(url)

    def commit_feed(self, read: FeedValidators) -> None:
        """Store a feed's validators once its articles are indexed."""
        self.feeds.commit(read)

    def counts(self) -> dict[str, int]:
        """Numbers of complete documents, pending documents and chunks."""
        return self.keyword.counts()

    def by_source_year(self) -> list[tuple[str, str | None, int]]:
        """(source, year, documents), for the corpus overview."""
        return self.keyword.by_source_year()

    def find_documents(self, query: str, limit: int = 200) -> list[dict]:
        """Documents whose title contains `query`, newest first."""
        return self.keyword.find_documents(query, limit)

    def sources(self) -> list[tuple[str, int]]:
        """Sources with their document counts."""
        return self.keyword.sources()

    def date_ranges(self) -> list[SourceRange]:
        """The dates each source covers, for the corpus overview."""
        return [SourceRange(*row) for row in self.keyword.date_ranges()]

    def passages(self, scored: list[tuple[str, float]]) -> list[Passage]:
        """Passages for (chunk_id, score) pairs, in the given order."""
        rows = self.keyword.chunk_rows([cid for cid, _ in scored])
        out = []
        for cid, score in scored:
            r = rows.get(cid)
            if r is None:
                continue  # a vector whose SQLite row is gone: `assistant check` repairs it
            out.append(
                Passage(
                    chunk_id=cid,
                    doc_id=r["doc_id"],
                    text=r["body"],
                    start=r["start"],
                    end=r["end"],
                    sentences=r["sentences"],
                    title=r["title"],
                    date=r["date"],
                    source=r["source"],
                    url=r["url"],
                    score=score,
                )
            )
        return out

    def article_passages(self, doc_ids: list[str]) -> dict[str, list[Passage]]:
        """Every chunk of the given articles as passages (score 0), in reading order."""
        ids = self.keyword.article_chunk_ids(doc_ids)
        found = self.passages([(cid, 0.0) for chunk_ids in ids.values() for cid in chunk_ids])
        out: dict[str, list[Passage]] = {}
        for p in found:
            out.setdefault(p.doc_id, []).append(p)
        return out

    def stats(self) -> dict[str, object]:
        """Counts and locations."""
        counts = self.keyword.counts()
        return {
            **counts,
            "vectors": self.vectors.count(),
            "home": str(self.settings.home),
            "chroma": self.vectors.location,
            "database": self.tables.location,
            "sources": dict(self.keyword.sources()),
        }

    def check(self, repair: bool = False) -> CheckReport:
        """Compare Chroma with SQLite; with `repair`, delete orphans and half-indexed documents."""
        pending = self.keyword.pending_ids()
        sql_ids = self.keyword.all_chunk_ids()
        vec_ids = self.vectors.all_ids()
        orphans = sorted(vec_ids - sql_ids)
        missing = sorted(sql_ids - vec_ids)
        if repair:
            self.vectors.delete_ids(orphans)
            for doc_id in pending:
                self.delete(doc_id)
        return CheckReport(pending=pending, orphan_vectors=len(orphans), missing_vectors=len(missing), repaired=repair)
