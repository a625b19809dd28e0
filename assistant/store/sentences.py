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
        rows = [encode(s) for s in infos]
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
                    out[(doc_id, start)] = decode(doc_id, start, end, lemmas, json.loads(ents), blob)
        return out


Row = tuple[str, int, int, str, str, bytes]


def encode(info: SentenceInfo) -> Row:
    """A stored row: lemmas space-separated, entities as JSON [label, start, end, text], the vector as float16."""
    ents = json.dumps([[e.label, e.start, e.end, e.text] for e in info.entities])
    return (info.doc_id, info.start, info.end, " ".join(info.lemmas), ents, np.asarray(info.vector, np.float16).tobytes())


def decode(doc_id: str, start: int, end: int, lemmas: str, entities: list, blob: bytes) -> SentenceInfo:
    """`encode` undone (`entities` already parsed from JSON)."""
    vec = np.frombuffer(blob, dtype=np.float16).astype(np.float32)
    ents = tuple(Entity(label, s, e, text) for label, s, e, text in entities)
    return SentenceInfo(doc_id, start, end, tuple(lemmas.split()), ents, vec)
