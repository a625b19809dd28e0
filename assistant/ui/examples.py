"""Example questions for the empty chat, made from the titles of the newest indexed articles (nothing hard-coded)."""

from __future__ import annotations

import re
from collections.abc import Iterable

# Labels that say what kind of release a title is, not what it is about.
_LABEL = re.compile(r"^(fact sheet|statement|press release|media note|readout|remarks|news report)\s*:\s*", re.I)
_READOUT = re.compile(r"^readout of (the )?", re.I)
MAX_TITLE = 90  # longer titles make unwieldy buttons; shorter recent ones are preferred


def question_from_title(title: str) -> str | None:
    """A question the article with this title answers, or None when the title is too long or empty."""
    title = " ".join(title.split()).rstrip(" .")
    title = _LABEL.sub("", title)
    if not title or len(title) > MAX_TITLE:
        return None
    if _READOUT.match(title):
        return f"What came out of the {_READOUT.sub('', title)}?"
    quoted = title if "“" in title or '"' in title else f"“{title}”"  # no quotes inside quotes
    return f"What do the articles say about {quoted}?"


def example_questions(documents: Iterable[dict], n: int = 5) -> list[str]:
    """Up to n questions from titles (documents newest first): one per source in turn, so each source shows."""
    by_source: dict[str, list[str]] = {}
    seen: set[str] = set()
    for doc in documents:
        q = question_from_title(doc.get("title") or "")
        if q and q.lower() not in seen:
            seen.add(q.lower())
            by_source.setdefault(doc.get("source") or "", []).append(q)
    out: list[str] = []
    queues = list(by_source.values())
    while len(out) < n and any(queues):
        for queue in queues:
            if queue and len(out) < n:
                out.append(queue.pop(0))
    return out
