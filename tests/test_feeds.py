"""Feeds and pages from a real HTTP server on 127.0.0.1: ingest, sync (one replaced, one added), failures."""

import hashlib
import html
import json
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner
from conftest import corpus_records

from assistant.cli import main
from assistant.settings import Settings
from assistant.store import Store


class Site:
    """Pages and feeds served from memory; tests edit them between requests."""

    def __init__(self, records: list[dict]) -> None:
        self.pages: dict[str, str] = {}
        self.items: list[dict] = []
        for i, r in enumerate(records):
            self.add(i, r)

    def add(self, i: int, r: dict) -> None:
        paras = "".join(f"<p>{html.escape(p)}</p>" for p in r["text"].split("\n") if p.strip())
        self.pages[f"/a/{i}.html"] = (
            f"<html><head><title>{html.escape(r['title'])}</title>"
            f'<meta property="article:published_time" content="{r["date"]}T12:00:00Z"></head><body>'
            "<nav><a href='/'>Home</a> | <a href='/world'>World</a> | Subscribe</nav>"
            f"<article><h1>{html.escape(r['title'])}</h1>{paras}</article>"
            "<footer>Copyright Example Wire. All rights reserved.</footer></body></html>"
        )
        self.items.append({"id": f"urn:item:{i}", "path": f"/a/{i}.html", "title": r["title"], "date": r["date"]})

    def feed(self, host: str, items: list[dict] | None = None) -> str:
        entries = "".join(
            f"<item><title>{html.escape(it['title'])}</title><link>http://{host}{it['path']}</link>"
            f"<guid>{it['id']}</guid><pubDate>{formatdate(time.mktime(time.strptime(it['date'], '%Y-%m-%d')))}</pubDate></item>"
            for it in (self.items if items is None else items)
        )
        return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Example Wire</title>{entries}</channel></rss>'


@pytest.fixture
def site():
    records = corpus_records(6)
    s = Site(records[:5])
    s.spare = records[5]
    s.records = records[:5]

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # keep test output clean
            pass

        def handle(self):
            try:
                super().handle()
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up on /slow.html, as intended

        def do_GET(self):
            host = self.headers["Host"]
            if self.path == "/feed.xml":
                body, ctype = s.feed(host), "application/rss+xml"
            elif self.path == "/slowfeed.xml":
                items = [s.items[0], {"id": "urn:slow", "path": "/slow.html", "title": "Slow", "date": "2024-01-02"}]
                body, ctype = s.feed(host, items), "application/rss+xml"
            elif self.path == "/broken.xml":
                self.send_response(500)
                self.end_headers()
                return
            elif self.path == "/malformed.xml":
                body, ctype = "<rss><channel><item><title>oops</ti", "application/rss+xml"
            elif self.path == "/slow.html":
                time.sleep(3)
                body, ctype = "<html><body><p>late</p></body></html>", "text/html"
            elif self.path in s.pages:
                body, ctype = s.pages[self.path], "text/html"
            else:
                self.send_response(404)
                self.end_headers()
                return
            data = body.encode()
            etag = '"' + hashlib.sha1(data).hexdigest() + '"'
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    s.base = f"http://127.0.0.1:{server.server_address[1]}"
    yield s
    server.shutdown()


def cli(*args):
    res = CliRunner().invoke(main, ["--embed-model", "hash", *args, "--json"], catch_exceptions=False)
    lines = [line for line in res.output.strip().splitlines() if line.startswith("{")]
    return res, json.loads(lines[-1]) if lines else {}


def test_feed_ingest_then_sync_replaces_one_and_adds_one(site):
    res, out = cli("ingest", "--feed", f"{site.base}/feed.xml")
    assert res.exit_code == 0, res.output
    assert (out["added"], out["errors"]) == (5, 0)
    res, out = cli("sync")
    assert "not modified" in res.output  # the feed's ETag matched: nothing fetched again
    # change one article, add one
    update = "<article><p>Update: the talks resumed in Vienna on Friday.</p>"
    site.pages["/a/2.html"] = site.pages["/a/2.html"].replace("<article>", update)
    site.add(5, site.spare)
    res, out = cli("sync")
    assert res.exit_code == 0, res.output
    assert (out["updated"], out["added"], out["unchanged"]) == (1, 1, 4)
    stats = json.loads(CliRunner().invoke(main, ["--embed-model", "hash", "stats", "--json"]).output)
    assert stats["documents"] == 6
    q = "Where did the talks resume on Friday?"
    ask = json.loads(CliRunner().invoke(main, ["--embed-model", "hash", "ask", "--json", q]).output)
    assert "Vienna" in ask["answer"] and ask["citations"][0]["url"].endswith("/a/2.html")
    assert "Subscribe" not in json.dumps(ask) and "Copyright Example Wire" not in json.dumps(ask)


def test_page_ingest_extracts_main_text(site):
    res, out = cli("ingest", "--url", f"{site.base}/a/1.html")
    assert res.exit_code == 0 and out["added"] == 1
    record = site.records[1]
    with Store(Settings.from_env().with_(embed_model="hash")) as store:
        (doc,) = store.find_documents("")
        text = store.document(doc["doc_id"])["text"]
    assert doc["title"] == record["title"] and doc["date"] == record["date"]
    first = next(p for p in record["text"].split("\n") if p.strip())
    assert " ".join(first.split()) in " ".join(text.split())  # the article's paragraphs...
    assert "Subscribe" not in text and "All rights reserved" not in text  # ...without navigation and footer


def test_failures_are_clear_and_the_rest_still_ingests(site):
    res, out = cli(
        "ingest",
        "--timeout",
        "1",
        "--feed",
        f"{site.base}/broken.xml",
        "--feed",
        f"{site.base}/malformed.xml",
        "--feed",
        f"{site.base}/slowfeed.xml",
        "--url",
        f"{site.base}/missing.html",
    )
    assert res.exit_code == 1
    errors = "\n".join(out["error_list"])
    assert "broken.xml: HTTP 500" in errors
    assert "malformed.xml: malformed feed" in errors
    assert "slow.html: timed out after 1 s" in errors
    assert "missing.html: HTTP 404" in errors
    assert out["added"] == 1  # the slow feed's other item
