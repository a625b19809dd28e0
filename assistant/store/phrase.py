"""Phrase search in the keyword index (the words in this order, punctuation aside): FTS5 phrase queries on SQLite,
`phraseto_tsquery` over the chunks' GIN-indexed tsvector on PostgreSQL. Citation lookup's verbatim step; no scan."""

from __future__ import annotations

import re

from assistant.store.base import KeywordIndex, StoreError

MAX_WORDS = 64  # a longer phrase is cut: its first 64 words select the chunks as surely


def _clean(phrase_words: list[str]) -> list[str]:
    return [w for w in (re.sub(r"[^\w]|_", "", w) for w in phrase_words) if w][:MAX_WORDS]


def search_phrase(
    keyword: KeywordIndex,
    phrase_words: list[str],
    limit: int,
    since: int | None = None,
    until: int | None = None,
    source: str | None = None,
) -> list[str]:
    """Chunk ids (of complete documents) whose body holds these words consecutively, oldest article first."""
    found = _clean(phrase_words)
    if not found:
        return []
    from assistant.store.fts import SqliteKeywordIndex

    if isinstance(keyword, SqliteKeywordIndex):
        return _sqlite(keyword, found, limit, since, until, source)
    if type(keyword).__name__ == "PgKeywordIndex":
        return _postgres(keyword, found, limit, since, until, source)
    raise StoreError(f"phrase search is not available on {type(keyword).__name__}: citation lookup needs SQLite or PostgreSQL")


def _sqlite(kw, found: list[str], limit: int, since, until, source) -> list[str]:
    sql = (
        "SELECT c.chunk_id FROM chunks_fts JOIN chunks c ON c.id = chunks_fts.rowid JOIN documents d ON d.doc_id = c.doc_id"
        " WHERE chunks_fts MATCH ? AND d.status = 'ok'"
    )
    args: list[object] = ['body : "' + " ".join(found) + '"']
    sql, args = _filters(sql, args, since, until, source, "?")
    sql += " ORDER BY d.date_int IS NULL, d.date_int, c.doc_id, c.idx LIMIT ?"
    with kw.lock:
        return [r[0] for r in kw.db.execute(sql, [*args, limit])]


def _postgres(kw, found: list[str], limit: int, since, until, source) -> list[str]:
    sql = (
        "SELECT c.chunk_id FROM chunks c JOIN documents d ON d.doc_id = c.doc_id"
        " WHERE c.tsv @@ phraseto_tsquery('english', %s) AND d.status = 'ok'"
    )
    sql, args = _filters(sql, [" ".join(found)], since, until, source, "%s")
    sql += " ORDER BY d.date_int NULLS LAST, c.doc_id, c.idx LIMIT %s"
    with kw.db.connection() as conn:
        return [r[0] for r in conn.execute(sql, [*args, limit])]


def _filters(sql: str, args: list[object], since, until, source, mark: str) -> tuple[str, list[object]]:
    if since is not None:
        sql += f" AND d.date_int >= {mark}"
        args.append(since)
    if until is not None:
        sql += f" AND d.date_int <= {mark}"
        args.append(until)
    if source:
        sql += f" AND d.source = {mark}"
        args.append(source)
    return sql, args
