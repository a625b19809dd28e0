"""Near-duplicate signatures and other outlets in PostgreSQL: `NearDuplicates` for several app processes on one index.

Each process keeps its LSH in memory, as the SQLite version does; before each lookup it loads the signatures other
processes added since (the `seq` column grows with every write; a transaction that took its numbers earlier but
committed later is caught by looking LOOKBACK numbers back).
"""

from __future__ import annotations

import numpy as np

from assistant.store.dedup import NUM_PERM, SCHEME, THRESHOLD, NearDuplicates
from assistant.store.postgres_db import PgDatabase

LOOKBACK = 500  # sequence numbers re-read at each refresh: several concurrent 64-article batches


class PgNearDuplicates(NearDuplicates):
    """MinHash LSH over every indexed article, its signatures in the shared database."""

    def __init__(self, db: PgDatabase) -> None:  # no super().__init__: there is no SQLite connection
        self.pg = db
        self._lsh = None
        self._seq = 0
        self._seen: dict[str, int] = {}  # doc_id -> seq of the signature in the LSH

    def _index(self):
        from datasketch import LeanMinHash, MinHashLSH

        if self._lsh is None:
            self._lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
        with self.pg.connection() as conn:
            recent = conn.execute("SELECT doc_id, seq FROM minhash WHERE seq > %s", (self._seq - LOOKBACK,)).fetchall()
            new = [doc_id for doc_id, seq in recent if self._seen.get(doc_id) != seq]
            rows = conn.execute("SELECT doc_id, sig, seq FROM minhash WHERE doc_id = ANY(%s)", (new,)).fetchall() if new else []
        for doc_id, sig, seq in rows:
            if doc_id in self._lsh.keys:
                self._lsh.remove(doc_id)
            self._lsh.insert(doc_id, LeanMinHash(seed=1, hashvalues=np.frombuffer(sig, dtype=np.uint64), scheme=SCHEME))
            self._seen[doc_id] = seq
            self._seq = max(self._seq, seq)
        return self._lsh

    def add_many(self, items: list[tuple[str, object]]) -> None:
        """Remember several signatures in one transaction."""
        rows = sorted((doc_id, np.asarray(sig.hashvalues, dtype=np.uint64).tobytes()) for doc_id, sig in items)
        with self.pg.connection() as conn, conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO minhash(doc_id, sig) VALUES(%s, %s)"
                " ON CONFLICT(doc_id) DO UPDATE SET sig=excluded.sig, seq=nextval('minhash_seq_seq')",
                rows,
            )
        self._index()

    def forget(self, doc_id: str) -> None:
        """Drop a deleted article's signature."""
        with self.pg.connection() as conn:
            conn.execute("DELETE FROM minhash WHERE doc_id=%s", (doc_id,))
        if self._lsh is not None and doc_id in self._lsh.keys:
            self._lsh.remove(doc_id)
        self._seen.pop(doc_id, None)

    def add_source(self, doc_id: str, origin_id: str, source: str, url: str | None, title: str, date: str | None) -> None:
        """Record another outlet that published the article `doc_id`."""
        with self.pg.connection() as conn:
            conn.execute(
                "INSERT INTO doc_sources(doc_id, origin_id, source, url, title, date) VALUES(%s,%s,%s,%s,%s,%s)"
                " ON CONFLICT(doc_id, origin_id) DO UPDATE SET source=excluded.source, url=excluded.url,"
                " title=excluded.title, date=excluded.date",
                (doc_id, origin_id, source, url, title, date),
            )

    def sources_of(self, doc_id: str) -> list[dict]:
        """The other outlets of an article."""
        with self.pg.connection() as conn:
            rows = conn.execute(
                "SELECT origin_id, source, url, title, date FROM doc_sources WHERE doc_id=%s ORDER BY source", (doc_id,)
            ).fetchall()
        return [dict(zip(("id", "source", "url", "title", "date"), r, strict=True)) for r in rows]
