"""SQLite side of the store: documents, chunk offsets and an FTS5 BM25 index. Implements `store.base.KeywordIndex`."""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path

from assistant.documents import Article, Chunk, Sentence, date_to_int
from assistant.store.base import OK, PENDING
from assistant.text import query_words

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents(
  doc_id TEXT PRIMARY KEY, title TEXT NOT NULL, date TEXT, date_int INTEGER, source TEXT NOT NULL,
  url TEXT, hash TEXT NOT NULL, text TEXT NOT NULL, origin TEXT, status TEXT NOT NULL,
  n_chunks INTEGER NOT NULL DEFAULT 0, updated_at TEXT DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE IF NOT EXISTS chunks(
  id INTEGER PRIMARY KEY AUTOINCREMENT, chunk_id TEXT UNIQUE NOT NULL, doc_id TEXT NOT NULL,
  idx INTEGER NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL, sentences TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id);
CREATE INDEX IF NOT EXISTS documents_date ON documents(date_int);
"""
# The keyword index over chunk titles and bodies; `rebuild_fts` (below) recreates it from this same definition.
FTS_TABLE = "CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5(title, body, tokenize='porter unicode61')"


def fts_query(question: str) -> str:
    """An FTS5 MATCH expression: each content word quoted, OR-ed; no user syntax survives."""
    return " OR ".join(f'"{w}"' for w in query_words(question))


class SqliteKeywordIndex:
    """Documents and chunk metadata in SQLite, with FTS5 for BM25 search."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.lock = threading.RLock()
        self.db = sqlite3.connect(str(path), check_same_thread=False, timeout=30)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(_SCHEMA + FTS_TABLE + ";")

    def close(self) -> None:
        """Close the connection."""
        self.db.close()

    def integrity_problems(self) -> list[str]:
        """FTS5's integrity check and the chunks table against the FTS rows."""
        return fts_problems(self.db)

    def rebuild_search_index(self) -> int:
        """Drop the FTS5 index and fill it again from the documents and chunks tables."""
        with self.lock:
            return rebuild_fts(self.db)

    def status(self, doc_id: str) -> tuple[str, str] | None:
        """(hash, status) of a stored document, or None."""
        row = self.db.execute("SELECT hash, status FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        return (row["hash"], row["status"]) if row else None

    def mark_pending(self, articles: Iterable[Article]) -> None:
        """Record articles as being (re)indexed, before their vectors are written."""
        with self.lock, self.db:
            for a in articles:
                self.db.execute(
                    "INSERT INTO documents(doc_id,title,date,date_int,source,url,hash,text,origin,status)"
                    " VALUES(?,?,?,?,?,?,?,?,?,?) ON CONFLICT(doc_id) DO UPDATE SET status=excluded.status",
                    (a.id, a.title, a.date, date_to_int(a.date), a.source, a.url, a.hash, a.text, a.origin, PENDING),
                )

    def commit_articles(self, items: list[tuple[Article, list[Chunk]]]) -> None:
        """Replace these articles' chunks and FTS rows and mark them complete, in one transaction."""
        with self.lock, self.db:
            for a, chunks in items:
                self._commit_one(a, chunks)

    def _commit_one(self, a: Article, chunks: list[Chunk]) -> None:
        self._delete_chunks(a.id)
        self.db.execute(
            "UPDATE documents SET title=?,date=?,date_int=?,source=?,url=?,hash=?,text=?,origin=?,status=?,"
            "n_chunks=?,updated_at=CURRENT_TIMESTAMP WHERE doc_id=?",
            (a.title, a.date, date_to_int(a.date), a.source, a.url, a.hash, a.text, a.origin, OK, len(chunks), a.id),
        )
        for c in chunks:
            sents = json.dumps([[s.start, s.end] for s in c.sentences])
            cur = self.db.execute(
                "INSERT INTO chunks(chunk_id,doc_id,idx,start,end,sentences) VALUES(?,?,?,?,?,?)",
                (c.id, c.doc_id, c.index, c.start, c.end, sents),
            )
            self.db.execute("INSERT INTO chunks_fts(rowid,title,body) VALUES(?,?,?)", (cur.lastrowid, a.title, c.text))

    def _delete_chunks(self, doc_id: str) -> None:
        self.db.execute("DELETE FROM chunks_fts WHERE rowid IN (SELECT id FROM chunks WHERE doc_id=?)", (doc_id,))
        self.db.execute("DELETE FROM chunks WHERE doc_id=?", (doc_id,))

    def delete_document(self, doc_id: str) -> None:
        """Remove a document and its chunks."""
        with self.lock, self.db:
            self._delete_chunks(doc_id)
            self.db.execute("DELETE FROM documents WHERE doc_id=?", (doc_id,))

    def search(
        self, question: str, limit: int, since: int | None = None, until: int | None = None, source: str | None = None
    ) -> list[tuple[str, float]]:
        """(chunk_id, bm25 score, higher is better) for the question's words."""
        match = fts_query(question)
        if not match:
            return []
        sql = (
            "SELECT c.chunk_id, -bm25(chunks_fts, 0.5, 1.0) AS s FROM chunks_fts"
            " JOIN chunks c ON c.id = chunks_fts.rowid JOIN documents d ON d.doc_id = c.doc_id"
            " WHERE chunks_fts MATCH ? AND d.status = 'ok'"
        )
        args: list[object] = [match]
        if since is not None:
            sql += " AND d.date_int >= ?"
            args.append(since)
        if until is not None:
            sql += " AND d.date_int <= ?"
            args.append(until)
        if source:
            sql += " AND d.source = ?"
            args.append(source)
        sql += " ORDER BY s DESC LIMIT ?"
        args.append(limit)
        with self.lock:
            return [(r[0], float(r[1])) for r in self.db.execute(sql, args)]

    def doc_freqs(self, terms: list[str]) -> tuple[int, dict[str, int]]:
        """(number of chunks, chunks containing each term); FTS5 applies its own stemmer."""
        out = {}
        with self.lock:
            n = self.db.execute("SELECT count(*) FROM chunks").fetchone()[0]
            for t in terms:
                clean = re.sub(r"[^\w]", "", t)
                if not clean:
                    out[t] = 0
                    continue
                q = f'body : "{clean}"*'
                out[t] = self.db.execute("SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH ?", (q,)).fetchone()[0]
        return n, out

    def chunk_rows(self, chunk_ids: list[str]) -> dict[str, dict]:
        """Chunk text, sentence offsets and article metadata for the given ids."""
        if not chunk_ids:
            return {}
        marks = ",".join("?" * len(chunk_ids))
        sql = (
            "SELECT c.chunk_id, c.doc_id, c.start, c.end, c.sentences, d.title, d.date, d.source, d.url,"
            f" substr(d.text, c.start + 1, c.end - c.start) AS body FROM chunks c JOIN documents d USING(doc_id)"
            f" WHERE c.chunk_id IN ({marks})"
        )
        with self.lock:
            rows = self.db.execute(sql, chunk_ids).fetchall()
        out = {}
        for r in rows:
            d = dict(r)
            d["sentences"] = [Sentence(s, e) for s, e in json.loads(d["sentences"])]
            out[r["chunk_id"]] = d
        return out

    def article_chunk_ids(self, doc_ids: list[str]) -> dict[str, list[str]]:
        """doc_id -> its chunk ids in reading order."""
        if not doc_ids:
            return {}
        marks = ",".join("?" * len(doc_ids))
        with self.lock:
            rows = self.db.execute(f"SELECT doc_id, chunk_id FROM chunks WHERE doc_id IN ({marks}) ORDER BY idx", doc_ids)
            rows = rows.fetchall()
        out: dict[str, list[str]] = {}
        for r in rows:
            out.setdefault(r[0], []).append(r[1])
        return out

    def document(self, doc_id: str) -> dict | None:
        """A stored document's fields, including its full text."""
        with self.lock:
            row = self.db.execute("SELECT * FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        return dict(row) if row else None

    def counts(self) -> dict[str, int]:
        """Numbers of complete documents, pending documents and chunks."""
        with self.lock:
            docs = self.db.execute("SELECT count(*) FROM documents WHERE status='ok'").fetchone()[0]
            pending = self.db.execute("SELECT count(*) FROM documents WHERE status!='ok'").fetchone()[0]
            chunks = self.db.execute("SELECT count(*) FROM chunks").fetchone()[0]
        return {"documents": docs, "pending": pending, "chunks": chunks}

    def pending_ids(self) -> list[str]:
        """Documents whose indexing did not finish."""
        with self.lock:
            return [r[0] for r in self.db.execute("SELECT doc_id FROM documents WHERE status!='ok'")]

    def all_chunk_ids(self) -> set[str]:
        """Every chunk id in SQLite."""
        with self.lock:
            return {r[0] for r in self.db.execute("SELECT chunk_id FROM chunks")}

    def by_source_year(self) -> list[tuple[str, str | None, int]]:
        """(source, year, documents), for the corpus overview."""
        q = (
            "SELECT source, substr(date, 1, 4) AS y, count(*) FROM documents WHERE status='ok'"
            " GROUP BY source, y ORDER BY source, y"
        )
        with self.lock:
            return [(r[0], r[1], r[2]) for r in self.db.execute(q)]

    def find_documents(self, query: str, limit: int = 200) -> list[dict]:
        """Documents whose title contains `query` (case-insensitive), newest first."""
        like = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        q = (
            "SELECT doc_id, title, date, source FROM documents WHERE status='ok' AND title LIKE ? ESCAPE '\\'"
            " ORDER BY date DESC LIMIT ?"
        )
        with self.lock:
            return [dict(r) for r in self.db.execute(q, (like, limit))]

    def date_ranges(self) -> list[tuple[str, str | None, str | None, int, int]]:
        """(source, first date, last date, documents, undated documents) per source, most documents first."""
        q = (
            "SELECT source, min(date), max(date), count(*), sum(date IS NULL) FROM documents WHERE status='ok'"
            " GROUP BY source ORDER BY 4 DESC, source"
        )
        with self.lock:
            return [(r[0], r[1], r[2], r[3], r[4]) for r in self.db.execute(q)]

    def sources(self) -> list[tuple[str, int]]:
        """Sources with their document counts."""
        with self.lock:
            q = "SELECT source, count(*) FROM documents WHERE status='ok' GROUP BY source ORDER BY 2 DESC"
            return [(r[0], r[1]) for r in self.db.execute(q)]


FTS_FILL = (
    "INSERT INTO chunks_fts(rowid, title, body) SELECT c.id, d.title, substr(d.text, c.start + 1, c.end - c.start)"
    " FROM chunks c JOIN documents d USING(doc_id)"
)


def fts_problems(db: sqlite3.Connection) -> list[str]:
    """FTS5's 'integrity-check' (index against its content) and the chunks table against the FTS rows."""
    out = []
    try:
        with db:
            db.execute("INSERT INTO chunks_fts(chunks_fts) VALUES('integrity-check')")
    except sqlite3.DatabaseError as exc:
        out.append(f"FTS5 integrity-check failed: {exc}")
    try:
        missing = db.execute("SELECT count(*) FROM chunks WHERE id NOT IN (SELECT rowid FROM chunks_fts)").fetchone()[0]
        extra = db.execute("SELECT count(*) FROM chunks_fts WHERE rowid NOT IN (SELECT id FROM chunks)").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        return [*out, f"the keyword index cannot be read: {exc}"]
    if missing:
        out.append(f"{missing} chunks have no keyword-index row")
    if extra:
        out.append(f"{extra} keyword-index rows belong to no chunk")
    return out


def rebuild_fts(db: sqlite3.Connection) -> int:
    """Drop the FTS5 index and fill it again from `documents` + `chunks`; the number of rows written."""
    with db:
        db.execute("DROP TABLE IF EXISTS chunks_fts")
        db.execute(FTS_TABLE)
        db.execute(FTS_FILL)
        return db.execute("SELECT count(*) FROM chunks_fts").fetchone()[0]
