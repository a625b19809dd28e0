"""RSS/Atom feeds: read entries and fetch their pages; `store.feed_state` remembers each feed's ETag/Last-Modified."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from assistant.documents import Article, content_hash
from assistant.ingest.parse import IngestError
from assistant.ingest.web import FetchError, article_from_html, fetch


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


def read_feed(url: str, validators: tuple[str | None, str | None] = (None, None), timeout: float = 10.0) -> FeedRead:
    """Fetch a feed (conditionally, with the (ETag, Last-Modified) of its last read) and every entry's page."""
    import feedparser

    etag, modified = validators
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
                article_from_html(
                    link,
                    page.body,
                    fallback={
                        "id": "feed-" + content_hash(item_id)[:16],
                        "title": entry.get("title"),
                        "date": _entry_date(entry),
                        "source": read.title or "",
                        "summary": entry.get("summary"),
                    },
                )
            )
        except FetchError as exc:
            read.items.append(IngestError(link, _reason(exc, link)))
    return read


def _reason(exc: Exception, url: str) -> str:
    return str(exc).removeprefix(f"{url}: ")
