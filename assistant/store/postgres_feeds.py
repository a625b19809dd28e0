"""Configured feeds and their HTTP validators in PostgreSQL: `FeedState`'s contract for a shared database."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from assistant.store.postgres_db import PgDatabase

if TYPE_CHECKING:
    from assistant.store.base import FeedValidators


class PgFeedState:
    """Configured feeds and their HTTP validators (see `FeedState`)."""

    def __init__(self, db: PgDatabase) -> None:
        self.db = db

    def add(self, url: str) -> None:
        """Register a feed for `assistant sync`."""
        with self.db.connection() as conn:
            conn.execute("INSERT INTO feeds(url) VALUES(%s) ON CONFLICT DO NOTHING", (url,))

    def urls(self) -> list[str]:
        """Every configured feed."""
        with self.db.connection() as conn:
            return [r[0] for r in conn.execute("SELECT url FROM feeds ORDER BY url")]

    def validators(self, url: str) -> tuple[str | None, str | None]:
        """(ETag, Last-Modified) of the last successful read."""
        with self.db.connection() as conn:
            row = conn.execute("SELECT etag, last_modified FROM feeds WHERE url=%s", (url,)).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def commit(self, read: FeedValidators) -> None:
        """Store the validators once the feed's articles are indexed (never before: a crash would lose them)."""
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        with self.db.connection() as conn:
            conn.execute(
                "INSERT INTO feeds(url, title, etag, last_modified, last_checked, items) VALUES(%s,%s,%s,%s,%s,%s) "
                "ON CONFLICT(url) DO UPDATE SET title=coalesce(excluded.title, feeds.title), etag=excluded.etag, "
                "last_modified=excluded.last_modified, last_checked=excluded.last_checked, items=excluded.items",
                (read.url, read.title, read.etag, read.last_modified, now, len(read.items)),
            )
