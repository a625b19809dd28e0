"""Near-duplicate articles (the same wire story from several outlets) by MinHash over word shingles."""

from __future__ import annotations

import re
import sqlite3
import threading

import numpy as np

NUM_PERM = 128
THRESHOLD = 0.8  # estimated Jaccard similarity of 5-word shingles
SCHEME = "affine32"  # datasketch's hashing scheme; stored signatures are only comparable within one scheme
_SCHEMA = """
CREATE TABLE IF NOT EXISTS minhash(doc_id TEXT PRIMARY KEY, sig BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS doc_sources(
  doc_id TEXT NOT NULL, origin_id TEXT NOT NULL, source TEXT, url TEXT, title TEXT, date TEXT,
  PRIMARY KEY(doc_id, origin_id));
"""


def shingles(text: str, n: int = 5) -> set[bytes]:
    """Lower-cased word n-grams."""
    words = re.findall(r"\w+", text.lower())
    if len(words) < n:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i : i + n]).encode() for i in range(len(words) - n + 1)}


def signature(text: str):
    """A datasketch MinHash of the text's shingles."""
    from datasketch import MinHash

    m = MinHash(num_perm=NUM_PERM, seed=1, scheme=SCHEME)
    m.update_batch(list(shingles(text)))
    return m


class NearDuplicates:
    """MinHash LSH over every indexed article, persisted in the store's SQLite file."""

    def __init__(self, db: sqlite3.Connection, lock: threading.RLock) -> None:
        self.db = db
        self.lock = lock
        with lock, db:
            db.executescript(_SCHEMA)
        self._lsh = None

    def _index(self):
        if self._lsh is None:
            from datasketch import LeanMinHash, MinHashLSH

            lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
            with self.lock:
                rows = self.db.execute("SELECT doc_id, sig FROM minhash").fetchall()
            for doc_id, sig in rows:
                lsh.insert(doc_id, LeanMinHash(seed=1, hashvalues=np.frombuffer(sig, dtype=np.uint64), scheme=SCHEME))
            self._lsh = lsh
        return self._lsh

    def find(self, doc_id: str, sig) -> str | None:
        """An already indexed article (other than `doc_id`) that this one nearly duplicates."""
        matches = [m for m in self._index().query(sig) if m != doc_id]
        return sorted(matches)[0] if matches else None

    def add(self, doc_id: str, sig) -> None:
        """Remember an indexed article's signature."""
        self.add_many([(doc_id, sig)])

    def add_many(self, items: list[tuple[str, object]]) -> None:
        """Remember several signatures in one transaction."""
        rows = [(doc_id, np.asarray(sig.hashvalues, dtype=np.uint64).tobytes()) for doc_id, sig in items]
        with self.lock, self.db:
            self.db.executemany("INSERT OR REPLACE INTO minhash(doc_id, sig) VALUES(?, ?)", rows)
        lsh = self._index()
        for doc_id, sig in items:
            if doc_id in lsh.keys:
                lsh.remove(doc_id)
            lsh.insert(doc_id, sig)

    def forget(self, doc_id: str) -> None:
        """Drop a deleted article's signature."""
        with self.lock, self.db:
            self.db.execute("DELETE FROM minhash WHERE doc_id=?", (doc_id,))
        if self._lsh is not None and doc_id in self._lsh.keys:
            self._lsh.remove(doc_id)

    def add_source(self, doc_id: str, origin_id: str, source: str, url: str | None, title: str, date: str | None) -> None:
        """Record another outlet that published the article `doc_id`."""
        with self.lock, self.db:
            self.db.execute(
                "INSERT OR REPLACE INTO doc_sources(doc_id, origin_id, source, url, title, date) VALUES(?,?,?,?,?,?)",
                (doc_id, origin_id, source, url, title, date),
            )

    def sources_of(self, doc_id: str) -> list[dict]:
        """The other outlets of an article."""
        with self.lock:
            rows = self.db.execute(
                "SELECT origin_id, source, url, title, date FROM doc_sources WHERE doc_id=? ORDER BY source", (doc_id,)
            ).fetchall()
        return [dict(zip(("id", "source", "url", "title", "date"), r, strict=True)) for r in rows]
