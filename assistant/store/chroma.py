"""Chroma side of the store (the one module that imports chromadb): embedded PersistentClient or a `chroma run`
server. Implements `store.base.VectorIndex`."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlparse

from assistant.documents import Article, Chunk, date_to_int
from assistant.errors import disk_full
from assistant.store.base import StoreError, VectorStoreUnreadable

T = TypeVar("T")


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


def move_aside(path: Path) -> Path:
    """Move an embedded store's files to `chroma.damaged-<time>` beside them; this process forgets its client."""
    import time

    from chromadb.api.shared_system_client import SharedSystemClient

    system = SharedSystemClient._identifier_to_system.pop(str(path), None)
    SharedSystemClient._identifier_to_refcount.pop(str(path), None)
    if system is not None:
        try:
            system.stop()
        except Exception:  # noqa: BLE001 - a damaged store may fail to stop; its files are moved away regardless
            pass
    aside = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
    n = 1
    while aside.exists():  # twice in one second
        aside, n = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}-{n}"), n + 1
    if path.exists():
        path.rename(aside)
    return aside


def _heartbeat(url: str, timeout: float) -> None:
    """Fail fast, with one line, when the server is down or does not answer within `timeout`."""
    import httpx

    try:
        httpx.get(url.rstrip("/") + "/api/v2/heartbeat", timeout=timeout).raise_for_status()
    except httpx.HTTPError as exc:
        raise StoreError(
            f"cannot reach the Chroma server at {url} ({type(exc).__name__}, timeout {timeout:g} s): check that "
            "`chroma run` is up, then try again"
        ) from None


def _set_timeout(client, seconds: float) -> None:
    """chromadb's HTTP client waits forever by default; give every request a deadline."""
    import httpx

    session = getattr(getattr(client, "_server", None), "_session", None)
    if isinstance(session, httpx.Client):
        session.timeout = httpx.Timeout(seconds)


class ChromaIndex:
    """A Chroma collection created with `embedding_function=None`: we pass vectors ourselves."""

    def __init__(self, path: Path, collection: str, url: str | None = None, timeout: float = 10.0) -> None:
        """`timeout`: seconds a Chroma server may take to answer one request (embedded Chroma has none)."""
        self.path, self.url, self.timeout = path, url, timeout
        os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        settings = ChromaSettings(anonymized_telemetry=False)
        if url:
            parts = urlparse(url)
            if not parts.hostname:
                raise StoreError(f"ASSISTANT_CHROMA_URL {url!r} is not a URL like http://127.0.0.1:8000")
            _heartbeat(url, timeout)  # chromadb's client makes requests before a timeout can be set on it
            try:
                self.client = chromadb.HttpClient(
                    host=parts.hostname, port=parts.port or 8000, ssl=parts.scheme == "https", settings=settings
                )
                _set_timeout(self.client, timeout)
                self.client.heartbeat()
            except Exception as exc:  # noqa: BLE001 - chromadb raises many transport errors
                raise StoreError(f"cannot reach the Chroma server at {url}: {exc}") from None
            self.location = url
        else:
            path.mkdir(parents=True, exist_ok=True)
            self.location = str(path)
            self.client = self._call("open", lambda: chromadb.PersistentClient(path=str(path), settings=settings))
        self.name = collection
        self.collection = self._call("open", self._open_collection)
        self.max_batch = int(self._call("open", self.client.get_max_batch_size))

    def _open_collection(self):
        return self.client.get_or_create_collection(self.name, embedding_function=None, metadata={"hnsw:space": "cosine"})

    def _call(self, what: str, fn: Callable[[], T]) -> T:
        """Run one Chroma call; a server that does not answer, a full disk and embedded files that cannot be read
        each become their own one-line error (the original exception stays chained as its cause)."""
        import httpx

        try:
            return fn()
        except httpx.TransportError as exc:
            raise StoreError(
                f"the Chroma server at {self.url} did not answer ({type(exc).__name__}, timeout {self.timeout:g} s) "
                f"during {what}; check that `chroma run` is up, then try again"
            ) from exc
        except Exception as exc:
            if self.url:
                raise  # the server's own error (its disk, its files) is already one line
            if (full := disk_full(exc, self.path, causeless_write=True)) is not None:
                raise full from exc
            raise VectorStoreUnreadable(
                f"the vector store at {self.location} failed during {what}: {type(exc).__name__}: {exc}; "
                "`assistant check` says what is damaged and `assistant check --repair` rebuilds it from the documents"
            ) from exc

    def recreate(self) -> str | None:
        """Start again empty (`check --repair` then re-embeds every document): a server's collection is dropped;
        an embedded store's files, which may be what is damaged, are moved aside (returns where)."""
        if self.url:
            try:
                self.client.delete_collection(self.name)
            except Exception:  # noqa: BLE001 - a damaged collection may not delete; the fresh one replaces it anyway
                pass
            self.collection = self._call("open", self._open_collection)
            return None
        aside = move_aside(self.path)
        self.__init__(self.path, self.name, None, self.timeout)
        return str(aside)

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
            self._call(
                "upsert",
                lambda sl=sl: self.collection.upsert(ids=ids[sl], embeddings=embs[sl], metadatas=metas[sl], documents=docs[sl]),
            )

    def delete_documents(self, doc_ids: list[str]) -> None:
        """Remove every chunk of these documents."""
        if doc_ids:
            self._call("delete", lambda: self.collection.delete(where={"doc_id": {"$in": doc_ids}}))

    def delete_ids(self, ids: list[str]) -> None:
        """Remove chunks by id."""
        for i in range(0, len(ids), self.max_batch):
            self._call("delete", lambda i=i: self.collection.delete(ids=ids[i : i + self.max_batch]))

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
        where = _where(since, until, source)
        res = self._call(
            "search",
            lambda: self.collection.query(query_embeddings=[vector], n_results=limit, where=where, include=["distances"]),
        )
        return [(cid, 1.0 - float(d)) for cid, d in zip(res["ids"][0], res["distances"][0], strict=True)]

    def all_ids(self) -> set[str]:
        """Every chunk id in the collection."""
        ids: set[str] = set()
        total, offset, page = self.count(), 0, 5000
        while offset < total:
            got = self._call("get", lambda offset=offset: self.collection.get(include=[], limit=page, offset=offset))
            ids.update(got["ids"])
            offset += page
        return ids

    def count(self) -> int:
        """Number of vectors."""
        return self._call("count", self.collection.count)

    def vectors_of(self, ids: list[str]) -> dict[str, list[float]]:
        """The stored vectors of these chunk ids (absent ids are left out)."""
        got = self._call("get", lambda: self.collection.get(ids=ids, include=["embeddings"]))
        return {cid: list(map(float, v)) for cid, v in zip(got["ids"], got["embeddings"], strict=True)}
