"""Chroma side of the store (the one module that imports chromadb): embedded PersistentClient or a `chroma run`
server. Implements `store.base.VectorIndex`."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlparse

from assistant.documents import Article, Chunk, date_to_int
from assistant.store.base import StoreError


def _where(since: int | None, until: int | None, source: str | None) -> dict | None:
    clauses: list[dict] = []
    if since is not None:
        clauses.append({"date_int": {"$gte": since}})
    if until is not None:
        clauses.append({"date_int": {"$lte": until}})
    if source:
        clauses.append({"source": {"$eq": source}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


class ChromaIndex:
    """A Chroma collection created with `embedding_function=None`: we pass vectors ourselves."""

    def __init__(self, path: Path, collection: str, url: str | None = None) -> None:
        os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        settings = ChromaSettings(anonymized_telemetry=False)
        if url:
            parts = urlparse(url)
            if not parts.hostname:
                raise StoreError(f"ASSISTANT_CHROMA_URL {url!r} is not a URL like http://127.0.0.1:8000")
            try:
                self.client = chromadb.HttpClient(
                    host=parts.hostname, port=parts.port or 8000, ssl=parts.scheme == "https", settings=settings
                )
                self.client.heartbeat()
            except Exception as exc:  # noqa: BLE001 - chromadb raises many transport errors
                raise StoreError(f"cannot reach the Chroma server at {url}: {exc}") from None
            self.location = url
        else:
            path.mkdir(parents=True, exist_ok=True)
            self.client = chromadb.PersistentClient(path=str(path), settings=settings)
            self.location = str(path)
        self.collection = self.client.get_or_create_collection(
            collection, embedding_function=None, metadata={"hnsw:space": "cosine"}
        )
        self.max_batch = int(self.client.get_max_batch_size())

    def upsert(self, article: Article, chunks: list[Chunk], vectors: list[list[float]]) -> None:
        """Write one article's chunk vectors with their metadata."""
        self.upsert_many([(article, chunks, vectors)])

    def upsert_many(self, items: list[tuple[Article, list[Chunk], list[list[float]]]]) -> None:
        """Write several articles' vectors in as few Chroma calls as its batch limit allows."""
        ids, embs, metas, docs = [], [], [], []
        for article, chunks, vectors in items:
            for c, v in zip(chunks, vectors, strict=True):
                meta: dict[str, object] = {
                    "doc_id": article.id,
                    "title": article.title,
                    "source": article.source,
                    "chunk": c.index,
                    "start": c.start,
                    "end": c.end,
                }
                if article.url:
                    meta["url"] = article.url
                if article.date:
                    meta["date"] = article.date
                    meta["date_int"] = date_to_int(article.date)
                ids.append(c.id)
                embs.append(v)
                metas.append(meta)
                docs.append(c.text)
        for i in range(0, len(ids), self.max_batch):
            sl = slice(i, i + self.max_batch)
            self.collection.upsert(ids=ids[sl], embeddings=embs[sl], metadatas=metas[sl], documents=docs[sl])

    def delete_documents(self, doc_ids: list[str]) -> None:
        """Remove every chunk of these documents."""
        if doc_ids:
            self.collection.delete(where={"doc_id": {"$in": doc_ids}})

    def delete_ids(self, ids: list[str]) -> None:
        """Remove chunks by id."""
        for i in range(0, len(ids), self.max_batch):
            self.collection.delete(ids=ids[i : i + self.max_batch])

    def search(
        self,
        vector: list[float],
        limit: int,
        since: int | None = None,
        until: int | None = None,
        source: str | None = None,
    ) -> list[tuple[str, float]]:
        """(chunk_id, cosine similarity) of the nearest chunks."""
        # No count() guard: on 100k vectors it cost 25 ms a query, ten times the search itself.
        res = self.collection.query(
            query_embeddings=[vector], n_results=limit, where=_where(since, until, source), include=["distances"]
        )
        return [(cid, 1.0 - float(d)) for cid, d in zip(res["ids"][0], res["distances"][0], strict=True)]

    def all_ids(self) -> set[str]:
        """Every chunk id in the collection."""
        ids: set[str] = set()
        total, offset, page = self.collection.count(), 0, 5000
        while offset < total:
            ids.update(self.collection.get(include=[], limit=page, offset=offset)["ids"])
            offset += page
        return ids

    def count(self) -> int:
        """Number of vectors."""
        return self.collection.count()
