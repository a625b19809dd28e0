"""Checks and rebuilds of the SQLite file: `PRAGMA integrity_check`, FTS5's own check, and a copy of what is readable."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from assistant.store.fts import rebuild_fts

# The tables the rest of the store created; the FTS5 index (chunks_fts and its shadow tables) is derived from
# `documents` + `chunks`, so it is rebuilt, never copied.
SOURCE_TABLES = ("documents", "chunks", "sentences", "minhash", "doc_sources", "feeds")


MAX_ROWID_SCAN = 2_000_000  # rowids tried one by one when even a table's last rowid cannot be read


def integrity_problems(path: Path, limit: int = 5) -> list[str]:
    """SQLite's own verdict on the file (every page, every index), as at most `limit` lines; [] when sound."""
    if not path.exists():
        return []
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
        try:
            rows = [r[0] for r in db.execute(f"PRAGMA integrity_check({limit})")]
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        return [f"cannot be read: {exc}"]
    return [] if rows == ["ok"] else rows


def _copy_table(src: sqlite3.Connection, dst: sqlite3.Connection, table: str) -> bool:
    """Copy the readable rows of `table`, row by row where a page is damaged; False when some could not be read."""
    cols = [r[1] for r in dst.execute(f"PRAGMA table_info({table})")]
    names = ",".join(cols)
    insert = f"INSERT OR IGNORE INTO {table}({names}) VALUES({','.join('?' * len(cols))})"
    try:
        dst.executemany(insert, src.execute(f"SELECT {names} FROM {table}").fetchall())
        return True
    except sqlite3.DatabaseError:
        pass  # a damaged page: go row by row over the rowid range
    try:
        top = src.execute(f"SELECT max(rowid) FROM {table}").fetchone()[0] or 0
    except sqlite3.DatabaseError:
        top = MAX_ROWID_SCAN
    for rowid in range(1, top + 1):
        try:
            row = src.execute(f"SELECT {names} FROM {table} WHERE rowid=?", (rowid,)).fetchone()
        except sqlite3.DatabaseError:
            continue
        if row is not None:
            dst.execute(insert, row)
    return False


def salvage(path: Path, create_schema) -> tuple[Path, dict[str, int]]:
    """Copy every readable row of the source tables into a fresh file, rebuild the FTS5 index there and put it in
    place of `path`; the damaged file is kept beside it. `create_schema(path)` creates the empty tables.
    Returns (where the damaged file went, {table: rows recovered} for the tables that could not be read in full)."""
    fresh = path.with_name(path.name + ".rebuilt")
    for p in (fresh, Path(f"{fresh}-wal"), Path(f"{fresh}-shm")):
        p.unlink(missing_ok=True)
    create_schema(fresh)
    src = sqlite3.connect(str(path), timeout=30)
    dst = sqlite3.connect(str(fresh), timeout=30)
    partial: dict[str, int] = {}
    try:
        with dst:
            for table in SOURCE_TABLES:
                if dst.execute("SELECT 1 FROM sqlite_schema WHERE name=?", (table,)).fetchone():
                    if not _copy_table(src, dst, table):
                        partial[table] = dst.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        # chunks whose document is gone cannot be shown; they go, and `check` then re-embeds or drops vectors
        with dst:
            dst.execute("DELETE FROM chunks WHERE doc_id NOT IN (SELECT doc_id FROM documents)")
        rebuild_fts(dst)
        dst.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        src.close()
        dst.close()
    damaged = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
    path.rename(damaged)
    if Path(f"{path}-wal").exists():
        Path(f"{path}-wal").rename(f"{damaged}-wal")
    for p in (Path(f"{path}-shm"), Path(f"{fresh}-wal"), Path(f"{fresh}-shm")):
        p.unlink(missing_ok=True)
    fresh.rename(path)
    return damaged, partial
