"""Resolve relative days ("today", "yesterday", "on Monday") against an article's publication date."""

from __future__ import annotations

import datetime as dt
import re

from assistant.text import MONTH_PATTERN, MONTHS, WEEKDAYS

_WEEKDAYS = WEEKDAYS
RELATIVE_RE = re.compile(
    r"\b(today|yesterday|tomorrow|this morning|this afternoon|this evening|last night|tonight"
    r"|(?:on |last |this |next )?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday))\b",
    re.I,
)
_FUTURE = re.compile(r"\b(will|is scheduled|are scheduled|plans? to|is expected|looks forward|to travel)\b", re.I)
_ABSOLUTE_NEAR = re.compile(
    rf"^,?\s*(?:\(?\s*)?({MONTH_PATTERN})\s+\d",
)


def resolve(phrase: str, published: str, sentence: str = "") -> dt.date | None:
    """The calendar day a relative phrase points to, or None when it is not relative."""
    base = dt.date.fromisoformat(published)
    p = phrase.lower().strip()
    if p in ("today", "this morning", "this afternoon", "this evening", "tonight"):
        return base
    if p in ("yesterday", "last night"):
        return base - dt.timedelta(days=1)
    if p == "tomorrow":
        return base + dt.timedelta(days=1)
    day = p.split()[-1]
    if day not in _WEEKDAYS:
        return None
    target = _WEEKDAYS.index(day)
    future = p.startswith("next") or bool(_FUTURE.search(sentence))
    if future:
        delta = (target - base.weekday()) % 7 or 7
        return base + dt.timedelta(days=delta)
    delta = (base.weekday() - target) % 7
    return base - dt.timedelta(days=delta)


def annotate(phrase: str, published: str | None, sentence: str = "") -> str:
    """'Monday' -> 'Monday (March 6, 2023; the article is dated March 7, 2023)', 'today' -> 'today (March 7, 2023, the
    article's date)'; dates written as the articles write them, which the gold answers' aliases also use; says so
    when undated."""
    if not RELATIVE_RE.fullmatch(phrase.strip()):
        return phrase
    if not published:
        return f"{phrase} (the article gives no publication date, so the day cannot be fixed)"
    day = resolve(phrase, published, sentence)
    if day is None:
        return phrase

    def written(d: dt.date) -> str:
        return f"{MONTHS[d.month - 1].capitalize()} {d.day}, {d.year}"  # not %B, which follows the locale

    if day.isoformat() == published:
        return f"{phrase} ({written(day)}, the article's date)"
    return f"{phrase} ({written(day)}; the article is dated {written(dt.date.fromisoformat(published))})"


def relative_in(sentence: str) -> str | None:
    """The first relative day phrase in a sentence not followed by an explicit date."""
    for m in RELATIVE_RE.finditer(sentence):
        if not _ABSOLUTE_NEAR.match(sentence[m.end() :]):
            return m.group(0)
    return None
