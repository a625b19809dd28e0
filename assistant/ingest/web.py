"""Fetch pages and feeds over HTTP (httpx, with timeouts) and turn them into articles."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.documents import Article, content_hash
from assistant.errors import AssistantError, RecordError
from assistant.ingest.parse import make_article_lenient_date

USER_AGENT = "diplomacy-assistant/0.1 (+offline news QA)"
MAX_BYTES = 10_000_000


class FetchError(AssistantError, RuntimeError):
    """A URL could not be fetched or read; the message names the URL."""


@dataclass
class Response:
    """What a fetch returned."""

    url: str
    status: int
    body: bytes
    etag: str | None
    last_modified: str | None


def fetch(url: str, timeout: float = 10.0, etag: str | None = None, last_modified: str | None = None) -> Response:
    """GET with timeouts and conditional headers; 304 comes back as status 304 with an empty body."""
    import httpx

    headers = {"User-Agent": USER_AGENT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        with httpx.Client(timeout=httpx.Timeout(timeout), follow_redirects=True, headers=headers) as client:
            r = client.get(url)
    except httpx.TimeoutException:
        raise FetchError(f"{url}: timed out after {timeout:g} s") from None
    except httpx.HTTPError as exc:
        raise FetchError(f"{url}: {type(exc).__name__}: {exc}") from None
    if r.status_code == 304:
        return Response(url, 304, b"", etag, last_modified)
    if r.status_code >= 400:
        raise FetchError(f"{url}: HTTP {r.status_code}")
    if len(r.content) > MAX_BYTES:
        raise FetchError(f"{url}: larger than {MAX_BYTES} bytes")
    return Response(str(r.url), r.status_code, r.content, r.headers.get("etag"), r.headers.get("last-modified"))


def article_from_html(url: str, html: bytes | str, fallback: dict | None = None) -> Article:
    """Main text, title and date of a page (trafilatura); feed entry fields fill what the page lacks."""
    import trafilatura

    text = html.decode("utf-8", "replace") if isinstance(html, bytes) else html
    doc = trafilatura.bare_extraction(text, url=url, with_metadata=True, include_comments=False)
    fb = fallback or {}
    get = (lambda k: getattr(doc, k, None)) if doc is not None else (lambda k: None)
    body = get("text") or fb.get("summary") or ""
    record = {
        "id": fb.get("id") or "url-" + content_hash(url)[:16],
        "title": get("title") or fb.get("title") or url,
        "date": (get("date") or fb.get("date") or None),
        "source": fb.get("source") or get("sitename") or "",
        "url": url,
        "text": body,
    }
    try:
        return make_article_lenient_date(record, url)
    except RecordError as exc:
        raise FetchError(f"{url}: {exc}") from None
