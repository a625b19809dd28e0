"""PostgreSQL side of the store: documents, chunks and BM25 keyword search over postings unnested from each chunk's
tsvector. Implements `store.base.KeywordIndex` like `fts.py` does for SQLite, with the same pending/ok contract."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from assistant.documents import Article, Chunk, Sentence, date_to_int
from assistant.store.base import OK, PENDING
from assistant.store.postgres_db import PgDatabase
from assistant.text import query_words

WRITE_LOCK = 0x6B657977  # pg_advisory_xact_lock key: keyword writes of all processes in turn ("keyw")
TERM_CAP = 2000  # postings read per query term, best impact first (all of them for rarer terms)
K1, B = 1.2, 0.75  # FTS5's bm25() constants

# Old rows of some documents out of the postings, the lexicon and the statistics, then out of the chunks.
_DROP = [
    "UPDATE lexicon l SET df = l.df - o.n FROM (SELECT p.lexeme, count(*) AS n FROM chunks c JOIN postings p"
    " ON p.chunk = c.id WHERE c.doc_id = ANY(%(ids)s) GROUP BY p.lexeme) o WHERE l.lexeme = o.lexeme",
    "UPDATE keyword_stats SET n_chunks = n_chunks - o.n, total_len = total_len - o.len FROM (SELECT count(*) AS n,"
    " coalesce(sum(n_tokens), 0) AS len FROM chunks WHERE doc_id = ANY(%(ids)s)) o",
    "DELETE FROM postings WHERE chunk IN (SELECT id FROM chunks WHERE doc_id = ANY(%(ids)s))",
    "DELETE FROM chunks WHERE doc_id = ANY(%(ids)s)",
]
# New chunks' lengths, statistics, postings (title tokens weigh half, as bm25(chunks_fts, 0.5, 1.0)) and lexicon.
_ADD = [
    "UPDATE chunks SET n_tokens = (SELECT coalesce(sum(array_length(positions, 1)), 0) FROM unnest(tsv))"
    " WHERE doc_id = ANY(%(ids)s)",
    "UPDATE keyword_stats SET n_chunks = n_chunks + o.n, total_len = total_len + o.len FROM (SELECT count(*) AS n,"
    " coalesce(sum(n_tokens), 0) AS len FROM chunks WHERE doc_id = ANY(%(ids)s)) o",
    "INSERT INTO postings(lexeme, chunk, date_int, source, impact)"
    f" SELECT u.lexeme, c.id, d.date_int, d.source, u.tf * {K1 + 1} / (u.tf + {K1} * ({1 - B}"
    f" + {B} * c.n_tokens / s.avgdl)) FROM chunks c JOIN documents d ON d.doc_id = c.doc_id"
    " CROSS JOIN (SELECT greatest(total_len::float8 / greatest(n_chunks, 1), 1) AS avgdl FROM keyword_stats) s"
    " CROSS JOIN LATERAL (SELECT lexeme, cardinality(weights) - 0.5 * cardinality(array_positions(weights, 'B')) AS tf"
    " FROM unnest(c.tsv)) u WHERE c.doc_id = ANY(%(ids)s)",
    "INSERT INTO lexicon(lexeme, df) SELECT p.lexeme, count(*) FROM chunks c JOIN postings p ON p.chunk = c.id"
    " WHERE c.doc_id = ANY(%(ids)s) GROUP BY p.lexeme ORDER BY p.lexeme"
    " ON CONFLICT (lexeme) DO UPDATE SET df = lexicon.df + excluded.df",
]
# BM25 over the question's lexemes: idf as FTS5 (floored at 1e-6), the best TERM_CAP postings of each term; chunks of
# pending documents (being re-indexed) left out.
_SEARCH = (
    "WITH st AS (SELECT n_chunks::float8 AS n FROM keyword_stats),"
    " terms AS (SELECT l.lexeme, greatest(ln((st.n - l.df + 0.5) / (l.df + 0.5)), 1e-6) AS idf"
    " FROM (SELECT DISTINCT unnest(tsvector_to_array(to_tsvector('english', %(q)s))) AS lexeme) t"
    " JOIN lexicon l ON l.lexeme = t.lexeme AND l.df > 0 CROSS JOIN st),"
    " hits AS (SELECT p.chunk, t.idf * p.impact AS s FROM terms t CROSS JOIN LATERAL"
    " (SELECT chunk, impact FROM postings WHERE lexeme = t.lexeme{filters} ORDER BY impact DESC LIMIT %(cap)s) p),"
    " best AS (SELECT chunk, sum(s) AS score FROM hits WHERE chunk NOT IN (SELECT c.id FROM documents d"
    " JOIN chunks c ON c.doc_id = d.doc_id WHERE d.status <> 'ok') GROUP BY chunk ORDER BY score DESC, chunk"
    " LIMIT %(limit)s)"
    " SELECT c.chunk_id, b.score FROM best b JOIN chunks c ON c.id = b.chunk ORDER BY b.score DESC, b.chunk"
)


class PgKeywordIndex:
    """Documents and chunks in PostgreSQL; each chunk's generated tsvector is unnested into BM25 postings, which
    `search` reads best-first, so a query costs the same at 4k and 100k chunks."""

    def __init__(self, db: PgDatabase) -> None:
        self.db = db

    def close(self) -> None:
        """Nothing of its own: the pool belongs to the `Store`."""

    def integrity_problems(self) -> list[str]:
        """None of its own to report: PostgreSQL keeps its indexes consistent with their tables."""
        return []

    def rebuild_search_index(self) -> None:
        """Nothing to rebuild: the postings are generated columns of the chunks table."""
        return None

    def status(self, doc_id: str) -> tuple[str, str] | None:
        """(hash, status) of a stored document, or None."""
        with self.db.connection() as conn:
            row = conn.execute("SELECT hash, status FROM documents WHERE doc_id=%s", (doc_id,)).fetchone()
        return (row[0], row[1]) if row else None

    def mark_pending(self, articles: Iterable[Article]) -> None:
        """Record articles as being (re)indexed, before their vectors are written."""
        rows = [
            (a.id, a.title, a.date, date_to_int(a.date), a.source, a.url, a.hash, a.text, a.origin, PENDING)
            for a in sorted(articles, key=lambda a: a.id)  # one lock order across processes: no deadlock
        ]
        with self.db.connection() as conn, conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO documents(doc_id,title,date,date_int,source,url,hash,text,origin,status)"
                " VALUES(%s,%s,%s,%s,%s,%s,%s,%s,%s,%s) ON CONFLICT(doc_id) DO UPDATE SET status=excluded.status",
                rows,
            )

    def commit_articles(self, items: list[tuple[Article, list[Chunk]]]) -> None:
        """Replace the articles' chunks and mark them complete, in one transaction."""
        items = sorted(items, key=lambda item: item[0].id)
        docs = [
            (a.title, a.date, date_to_int(a.date), a.source, a.url, a.hash, a.text, a.origin, OK, len(chunks), a.id)
            for a, chunks in items
        ]
        chunk_rows = [
            (c.id, c.doc_id, c.index, c.start, c.end, _sentences_json(c), a.title, c.text) for a, chunks in items for c in chunks
        ]
        ids = [a.id for a, _ in items]
        with self.db.connection() as conn, conn.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            cur.executemany(
                "UPDATE documents SET title=%s,date=%s,date_int=%s,source=%s,url=%s,hash=%s,text=%s,origin=%s,status=%s,"
                "n_chunks=%s,updated_at=now() WHERE doc_id=%s",
                docs,
            )
            for sql in _DROP:
                cur.execute(sql, {"ids": ids})
            with cur.copy('COPY chunks(chunk_id,doc_id,idx,start,"end",sentences,title,body) FROM STDIN') as copy:
                for row in chunk_rows:
                    copy.write_row(row)
            for sql in _ADD:
                cur.execute(sql, {"ids": ids})

    def delete_document(self, doc_id: str) -> None:
        """Remove a document and its chunks."""
        with self.db.connection() as conn, conn.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            for sql in _DROP:
                cur.execute(sql, {"ids": [doc_id]})
            cur.execute("DELETE FROM documents WHERE doc_id=%s", (doc_id,))

    def search(
        self, question: str, limit: int, since: int | None = None, until: int | None = None, source: str | None = None
    ) -> list[tuple[str, float]]:
        """(chunk_id, BM25 score, higher is better) for the question's words; filters applied in SQL."""
        text = " ".join(query_words(question))
        if not text:
            return []
        filters, args = "", {"q": text, "cap": TERM_CAP, "limit": limit}
        if since is not None:
            filters += " AND date_int >= %(since)s"
            args["since"] = since
        if until is not None:
            filters += " AND date_int <= %(until)s"
            args["until"] = until
        if source:
            filters += " AND source = %(source)s"
            args["source"] = source
        with self.db.connection() as conn:
            return [(r[0], float(r[1])) for r in conn.execute(_SEARCH.format(filters=filters), args)]

    def doc_freqs(self, terms: list[str]) -> tuple[int, dict[str, int]]:
        """(number of chunks, chunks whose body has a word starting with each term's stem)."""
        out: dict[str, int] = {}
        with self.db.connection() as conn:
            n = conn.execute("SELECT count(*) FROM chunks").fetchone()[0]
            for t in terms:
                clean = re.sub(r"[^\w]", "", t)
                if not clean:
                    out[t] = 0
                    continue
                row = conn.execute(
                    "SELECT count(*) FROM chunks WHERE tsv @@ to_tsquery('english', %s)", (f"{clean}:*A",)
                ).fetchone()
                out[t] = row[0]
        return n, out

    def chunk_rows(self, chunk_ids: list[str]) -> dict[str, dict]:
        """Chunk text, sentence offsets and article metadata for the given ids."""
        if not chunk_ids:
            return {}
        sql = (
            'SELECT c.chunk_id, c.doc_id, c.start, c."end", c.sentences, d.title, d.date, d.source, d.url, c.body'
            " FROM chunks c JOIN documents d ON d.doc_id = c.doc_id WHERE c.chunk_id = ANY(%s)"
        )
        keys = ("chunk_id", "doc_id", "start", "end", "sentences", "title", "date", "source", "url", "body")
        with self.db.connection() as conn:
            rows = conn.execute(sql, (list(chunk_ids),)).fetchall()
        out = {}
        for r in rows:
            d = dict(zip(keys, r, strict=True))
            d["sentences"] = [Sentence(s, e) for s, e in d["sentences"]]
            out[d["chunk_id"]] = d
        return out

    def article_chunk_ids(self, doc_ids: list[str]) -> dict[str, list[str]]:
        """doc_id -> its chunk ids in reading order."""
        if not doc_ids:
            return {}
        with self.db.connection() as conn:
            rows = conn.execute("SELECT doc_id, chunk_id FROM chunks WHERE doc_id = ANY(%s) ORDER BY idx", (list(doc_ids),))
            rows = rows.fetchall()
        out: dict[str, list[str]] = {}
        for doc_id, chunk_id in rows:
            out.setdefault(doc_id, []).append(chunk_id)
        return out

    def document(self, doc_id: str) -> dict | None:
        """A stored document's fields, including its full text."""
        with self.db.connection() as conn, conn.cursor() as cur:
            cur.execute("SELECT * FROM documents WHERE doc_id=%s", (doc_id,))
            row = cur.fetchone()
            names = [c.name for c in cur.description] if cur.description else []
        if row is None:
            return None
        d = dict(zip(names, row, strict=True))
        d["updated_at"] = d["updated_at"].isoformat(sep=" ", timespec="seconds")
        return d

    def counts(self) -> dict[str, int]:
        """Numbers of complete documents, pending documents and chunks."""
        with self.db.connection() as conn:
            docs, pending = conn.execute(
                "SELECT count(*) FILTER (WHERE status='ok'), count(*) FILTER (WHERE status<>'ok') FROM documents"
            ).fetchone()
            chunks = conn.execute("SELECT count(*) FROM chunks").fetchone()[0]
        return {"documents": docs, "pending": pending, "chunks": chunks}

    def pending_ids(self) -> list[str]:
        """Documents whose indexing did not finish."""
        with self.db.connection() as conn:
            return [r[0] for r in conn.execute("SELECT doc_id FROM documents WHERE status<>'ok' ORDER BY doc_id")]

    def all_chunk_ids(self) -> set[str]:
        """Every chunk id stored."""
        with self.db.connection() as conn:
            return {r[0] for r in conn.execute("SELECT chunk_id FROM chunks")}

    def by_source_year(self) -> list[tuple[str, str | None, int]]:
        """(source, year, documents), for the corpus overview."""
        q = (
            "SELECT source, substr(date, 1, 4) AS y, count(*) FROM documents WHERE status='ok'"
            " GROUP BY source, y ORDER BY source, y NULLS FIRST"
        )
        with self.db.connection() as conn:
            return [(r[0], r[1], r[2]) for r in conn.execute(q)]

    def find_documents(self, query: str, limit: int = 200) -> list[dict]:
        """Documents whose title contains `query` (case-insensitive), newest first."""
        like = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        q = (
            "SELECT doc_id, title, date, source FROM documents WHERE status='ok' AND title ILIKE %s"
            " ORDER BY date DESC NULLS LAST LIMIT %s"
        )
        with self.db.connection() as conn:
            rows = conn.execute(q, (like, limit)).fetchall()
        return [dict(zip(("doc_id", "title", "date", "source"), r, strict=True)) for r in rows]

    def sources(self) -> list[tuple[str, int]]:
        """Sources with their document counts."""
        q = "SELECT source, count(*) FROM documents WHERE status='ok' GROUP BY source ORDER BY 2 DESC, 1"
        with self.db.connection() as conn:
            return [(r[0], r[1]) for r in conn.execute(q)]

    def date_ranges(self) -> list[tuple[str, str | None, str | None, int, int]]:
        """(source, first date, last date, documents, undated documents) per source, most documents first."""
        q = (
            "SELECT source, min(date), max(date), count(*), count(*) FILTER (WHERE date IS NULL) FROM documents"
            " WHERE status='ok' GROUP BY source ORDER BY 4 DESC, source"
        )
        with self.db.connection() as conn:
            return [(r[0], r[1], r[2], int(r[3]), int(r[4])) for r in conn.execute(q)]


def _sentences_json(chunk: Chunk) -> str:
    return json.dumps([[s.start, s.end] for s in chunk.sentences])
