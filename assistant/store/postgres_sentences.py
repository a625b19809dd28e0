"""Per-sentence reader annotations in PostgreSQL: `SentenceTable`'s contract, so app servers on other hosts read them."""

from __future__ import annotations

from assistant.documents import SentenceInfo
from assistant.store.postgres_db import PgDatabase
from assistant.store.sentences import decode, encode

WRITE_LOCK = 0x73656E74  # pg_advisory_xact_lock key: two processes indexing the same article write in turn ("sent")


class PgSentenceTable:
    """Sentence annotations by (doc_id, start), written while a document is still pending (see `SentenceTable`)."""

    def __init__(self, db: PgDatabase) -> None:
        self.db = db

    def replace(self, doc_ids: list[str], infos: list[SentenceInfo]) -> None:
        """Drop these documents' rows and write the new ones, in one transaction."""
        rows = [encode(s) for s in infos]
        latest = {(r[0], r[1]): r for r in rows}  # one row per key, the last one wins (as INSERT OR REPLACE)
        with self.db.connection() as conn, conn.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            cur.execute("DELETE FROM sentences WHERE doc_id = ANY(%s)", (sorted(set(doc_ids)),))
            cur.execute(  # rows of other documents replace only their own keys
                "DELETE FROM sentences s USING unnest(%s::text[], %s::int[]) AS k(doc_id, start)"
                " WHERE k.doc_id = s.doc_id AND k.start = s.start",
                ([k[0] for k in latest], [k[1] for k in latest]),
            )
            with cur.copy('COPY sentences(doc_id, start, "end", lemmas, entities, vector) FROM STDIN') as copy:
                for row in latest.values():
                    copy.write_row(row)

    def delete(self, doc_id: str) -> None:
        """Remove a document's rows."""
        with self.db.connection() as conn:
            conn.execute("DELETE FROM sentences WHERE doc_id=%s", (doc_id,))

    def get(self, keys: list[tuple[str, int]]) -> dict[tuple[str, int], SentenceInfo]:
        """The stored rows for these keys (missing keys are absent from the result)."""
        if not keys:
            return {}
        out: dict[tuple[str, int], SentenceInfo] = {}
        sql = (
            'SELECT s.doc_id, s.start, s."end", s.lemmas, s.entities, s.vector FROM sentences s'
            " JOIN unnest(%s::text[], %s::int[]) AS k(doc_id, start) ON k.doc_id = s.doc_id AND k.start = s.start"
        )
        with self.db.connection() as conn:
            rows = conn.execute(sql, ([d for d, _ in keys], [s for _, s in keys])).fetchall()
        for doc_id, start, end, lemmas, ents, blob in rows:
            out[(doc_id, start)] = decode(doc_id, start, end, lemmas, ents, blob)
        return out
