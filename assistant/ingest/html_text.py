"""Main text of an HTML page with the standard library: title, date, paragraphs."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser

_SKIP = {"script", "style", "nav", "header", "footer", "aside", "form", "noscript", "svg", "template"}
_BLOCKS = {"p", "h1", "h2", "h3", "h4", "li", "blockquote", "pre", "div", "section", "article", "br", "tr"}
_DATE_META = ("article:published_time", "date", "dc.date", "pubdate", "og:published_time")


@dataclass
class Page:
    """What was extracted from a page."""

    title: str
    text: str
    date: str | None
    url: str | None
    site: str


class _Extractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.skip_depth = 0
        self.parts: list[str] = []
        self.title = ""
        self.h1 = ""
        self.in_title = False
        self.in_h1 = False
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skip_depth += 1
        elif tag == "title":
            self.in_title = True
        elif tag == "h1":
            self.in_h1 = True
        if tag == "meta":
            a = {k.lower(): v or "" for k, v in attrs}
            key = (a.get("property") or a.get("name") or a.get("itemprop") or "").lower()
            if key and "content" in a:
                self.meta.setdefault(key, a["content"])
        if tag == "link":
            a = {k.lower(): v or "" for k, v in attrs}
            if a.get("rel") == "canonical":
                self.meta.setdefault("canonical", a.get("href", ""))
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP and self.skip_depth:
            self.skip_depth -= 1
        elif tag == "title":
            self.in_title = False
        elif tag == "h1":
            self.in_h1 = False
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title += data
            return
        if self.skip_depth:
            return
        if self.in_h1:
            self.h1 += data
        self.parts.append(data)


def extract_html(html: str) -> Page:
    """Parse `html` and return its title, main text and metadata."""
    p = _Extractor()
    p.feed(html)
    p.close()
    lines = [" ".join(line.split()) for line in "".join(p.parts).split("\n")]
    text = "\n".join(line for line in lines if line)
    title = " ".join((p.meta.get("og:title") or p.h1 or p.title).split())
    date = next((p.meta[k] for k in _DATE_META if p.meta.get(k)), None)
    url = p.meta.get("og:url") or p.meta.get("canonical") or None
    return Page(title=title, text=text, date=date, url=url, site=p.meta.get("og:site_name", ""))
