"""RSS/Atom feeds: read entries, fetch their pages, remember each feed's ETag/Last-Modified in SQLite."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from dataclasses import dataclass, field

from assistant.documents import Article, content_hash
from assistant.ingest.parse import IngestError
from assistant.ingest.web import FetchError, article_from_html, fetch

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

    def commit(self, read: FeedRead) -> None:
        """Store the validators once the feed's articles are indexed (never before: a crash would lose them)."""
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        with self.lock, self.db:
            self.db.execute(
                "INSERT INTO feeds(url, title, etag, last_modified, last_checked, items) VALUES(?,?,?,?,?,?) "
                "ON CONFLICT(url) DO UPDATE SET title=coalesce(excluded.title, title), etag=excluded.etag, "
                "last_modified=excluded.last_modified, last_checked=excluded.last_checked, items=excluded.items",
                (read.url, read.title, read.etag, read.last_modified, now, len(read.items)),
            )


@dataclass
class FeedRead:
    """One read of a feed: its articles (or per-item errors) and the validators to store afterwards."""

    url: str
    items: list[Article | IngestError] = field(default_factory=list)
    title: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    failed: bool = False


def _entry_date(entry: dict) -> str | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    return dt.date(*parsed[:3]).isoformat() if parsed else None


def read_feed(url: str, state: FeedState | None = None, timeout: float = 10.0) -> FeedRead:
    """Fetch a feed (conditionally when it was read before) and every entry's page."""
    import feedparser

    etag, modified = state.validators(url) if state else (None, None)
    read = FeedRead(url)
    try:
        resp = fetch(url, timeout, etag, modified)
    except FetchError as exc:
        read.items.append(IngestError(url, _reason(exc, url)))
        read.failed = True
        return read
    if resp.status == 304:
        read.not_modified, read.etag, read.last_modified = True, etag, modified
        return read
    parsed = feedparser.parse(resp.body)
    if parsed.get("bozo"):  # feedparser is lenient: report the damage, keep whatever entries survived
        read.items.append(IngestError(url, f"malformed feed ({parsed.get('bozo_exception')})"))
        read.failed = True
    if not parsed.entries:
        if not read.failed:
            read.items.append(IngestError(url, "feed has no entries"))
        read.failed = True
        return read
    read.title = parsed.feed.get("title")
    read.etag, read.last_modified = resp.etag, resp.last_modified
    for n, entry in enumerate(parsed.entries, 1):
        link = entry.get("link")
        item_id = entry.get("id") or link
        if not link:
            read.items.append(IngestError(f"{url} entry {n}", "entry has no link"))
            continue
        try:
            page = fetch(link, timeout)
            read.items.append(
                article_from_html(link, page.body, fallback={
                    "id": "feed-" + content_hash(item_id)[:16], "title": entry.get("title"), "date": _entry_date(entry),
                    "source": read.title or "", "summary": entry.get("summary"),
                })
            )
        except FetchError as exc:
            read.items.append(IngestError(link, _reason(exc, link)))
    return read


def _reason(exc: Exception, url: str) -> str:
    return str(exc).removeprefix(f"{url}: ")
