"""Per-sentence annotations for the reader (lemmas, entities, float16 vectors), kept in the store's SQLite file."""

from __future__ import annotations

import json
import sqlite3
import threading

import numpy as np

from assistant.documents import Entity, SentenceInfo

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sentences(
  doc_id TEXT NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL, lemmas TEXT NOT NULL, entities TEXT NOT NULL,
  vector BLOB NOT NULL, PRIMARY KEY (doc_id, start));
"""


class SentenceTable:
    """Sentence annotations by (doc_id, start); written while a document is still pending, so a document marked
    complete always has them (an older index without them is answered with annotations computed per question)."""

    def __init__(self, db: sqlite3.Connection, lock: threading.RLock) -> None:
        self.db = db
        self.lock = lock
        with lock, db:
            db.executescript(_SCHEMA)

    def replace(self, doc_ids: list[str], infos: list[SentenceInfo]) -> None:
        """Drop these documents' rows and write the new ones, in one transaction."""
        rows = [
            (s.doc_id, s.start, s.end, " ".join(s.lemmas), json.dumps([[e.label, e.start, e.end, e.text] for e in s.entities]),
             np.asarray(s.vector, dtype=np.float16).tobytes())
            for s in infos
        ]  # fmt: skip
        with self.lock, self.db:
            self.db.executemany("DELETE FROM sentences WHERE doc_id=?", [(d,) for d in doc_ids])
            self.db.executemany("INSERT OR REPLACE INTO sentences VALUES (?,?,?,?,?,?)", rows)

    def delete(self, doc_id: str) -> None:
        """Remove a document's rows."""
        with self.lock, self.db:
            self.db.execute("DELETE FROM sentences WHERE doc_id=?", (doc_id,))

    def get(self, keys: list[tuple[str, int]]) -> dict[tuple[str, int], SentenceInfo]:
        """The stored rows for these keys (missing keys are absent from the result)."""
        out: dict[tuple[str, int], SentenceInfo] = {}
        by_doc: dict[str, list[int]] = {}
        for doc_id, start in keys:
            by_doc.setdefault(doc_id, []).append(start)
        with self.lock:
            for doc_id, starts in by_doc.items():
                marks = ",".join("?" * len(starts))
                sql = f"SELECT start, end, lemmas, entities, vector FROM sentences WHERE doc_id=? AND start IN ({marks})"
                for start, end, lemmas, ents, blob in self.db.execute(sql, (doc_id, *starts)):
                    vec = np.frombuffer(blob, dtype=np.float16).astype(np.float32)
                    entities = tuple(Entity(lab, s, e, t) for lab, s, e, t in json.loads(ents))
                    out[(doc_id, start)] = SentenceInfo(doc_id, start, end, tuple(lemmas.split()), entities, vec)
        return out

    def count(self) -> int:
        """Number of stored sentences."""
        with self.lock:
            return self.db.execute("SELECT COUNT(*) FROM sentences").fetchone()[0]
