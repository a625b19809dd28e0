"""Citation markers: parse, drop the invalid, renumber in order, check quotes are verbatim."""

from __future__ import annotations

import re
from dataclasses import replace

from .answer import Citation, Draft

MARKER_RE = re.compile(r"\s?\[(\d{1,3})\]")


def markers_in(text: str) -> list[int]:
    """Marker numbers in order of appearance."""
    return [int(m) for m in MARKER_RE.findall(text)]


def normalise(draft: Draft) -> Draft:
    """Remove markers that point to no citation, drop uncited citations, renumber 1..n by first use."""
    by_marker = {c.marker: c for c in draft.citations}
    order: list[int] = []
    for m in markers_in(draft.text):
        if m in by_marker and m not in order:
            order.append(m)
    new_number = {old: i for i, old in enumerate(order, 1)}

    def sub(m: re.Match) -> str:
        old = int(m.group(1))
        return f" [{new_number[old]}]" if old in new_number else ""

    text = MARKER_RE.sub(sub, draft.text).strip()
    cites = [replace(by_marker[old], marker=new_number[old]) for old in order]
    return replace(draft, text=text, citations=cites)


def quote_is_verbatim(citation: Citation, article_text: str) -> bool:
    """The quote equals the article's text at the cited offsets."""
    return article_text[citation.start : citation.end] == citation.quote and bool(citation.quote)
