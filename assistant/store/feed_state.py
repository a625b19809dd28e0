"""Configured feeds and their HTTP validators (ETag/Last-Modified), kept in the store's SQLite file."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.store.base import FeedValidators

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feeds(
  url TEXT PRIMARY KEY, title TEXT, etag TEXT, last_modified TEXT, last_checked TEXT, items INTEGER DEFAULT 0);
"""


class FeedState:
    """Configured feeds and their HTTP validators, in the store's SQLite file."""

    def __init__(self, db: sqlite3.Connection, lock: threading.RLock) -> None:
        self.db = db
        self.lock = lock
        with lock, db:
            db.executescript(_SCHEMA)

    def add(self, url: str) -> None:
        """Register a feed for `assistant sync`."""
        with self.lock, self.db:
            self.db.execute("INSERT OR IGNORE INTO feeds(url) VALUES(?)", (url,))

    def urls(self) -> list[str]:
        """Every configured feed."""
        with self.lock:
            return [r[0] for r in self.db.execute("SELECT url FROM feeds ORDER BY url")]

    def validators(self, url: str) -> tuple[str | None, str | None]:
        """(ETag, Last-Modified) of the last successful read."""
        with self.lock:
            row = self.db.execute("SELECT etag, last_modified FROM feeds WHERE url=?", (url,)).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def commit(self, read: FeedValidators) -> None:
        """Store the validators once the feed's articles are indexed (never before: a crash would lose them)."""
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        with self.lock, self.db:
            self.db.execute(
                "INSERT INTO feeds(url, title, etag, last_modified, last_checked, items) VALUES(?,?,?,?,?,?) "
                "ON CONFLICT(url) DO UPDATE SET title=coalesce(excluded.title, title), etag=excluded.etag, "
                "last_modified=excluded.last_modified, last_checked=excluded.last_checked, items=excluded.items",
                (read.url, read.title, read.etag, read.last_modified, now, len(read.items)),
            )
