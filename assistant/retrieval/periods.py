"""The calendar periods a question names ("in May 2021 and in February 2022"): each is searched on its own, so a
question about two meetings finds the article of each (`Retriever.retrieve`)."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

from assistant.text import MONTH_PATTERN, MONTHS, STOPWORDS

_TOKEN = re.compile(rf"\b(?P<month>{MONTH_PATTERN})\b|\b(?P<year>(?:19|20)\d\d)\b")
_DATE_AFTER = re.compile(rf"\s*(?:\d|,?\s*(?:and|or)\s+(?:{MONTH_PATTERN}))")  # "May 2021", "May and June"
_WORD_BEFORE = re.compile(r"([A-Za-z]+)\s+$")
_RANGE = re.compile(rf"\b(?:between|from)\s+(?:{MONTH_PATTERN})(?:\s+(?:19|20)\d\d)?\s+(?:and|to|through)\s+", re.I)


@dataclass(frozen=True)
class Period:
    """A month or a year the question names, as inclusive ISO days."""

    since: str
    until: str

    def contains(self, other: Period) -> bool:
        """`other` lies inside this period (and is not the same)."""
        return self != other and self.since <= other.since and other.until <= self.until


def named_periods(question: str) -> list[Period]:
    """Each month ("May 2021"; "February and March 2022" gives two) or year ("in 2021") the question names, in order.
    A year that holds a month also named is left out, and a range ("between February and May 2022") names no
    separate periods: it is one span of time, not several."""
    if _RANGE.search(question):
        return []
    found: list[Period] = []
    months: list[int] = []
    for m in _TOKEN.finditer(question):
        if m.group("month"):
            if m.group("month") == "May" and not _followed_by_date(question, m.end()):
                continue  # the verb "may" capitalised at the start of a question
            months.append(MONTHS.index(m.group("month").lower()) + 1)
            continue
        year = int(m.group("year"))
        if not months and _in_name(question, m.start()):
            continue
        if months:
            found += [Period(f"{year}-{mo:02d}-01", f"{year}-{mo:02d}-{calendar.monthrange(year, mo)[1]:02d}") for mo in months]
            months = []
        else:
            found.append(Period(f"{year}-01-01", f"{year}-12-31"))
    unique = list(dict.fromkeys(found))
    return [p for p in unique if not any(p.contains(q) for q in unique)]


def _in_name(text: str, at: int) -> bool:
    """A year that is part of a name ("PACC 2030", "Expo 2020"): a capitalised word, not a month, just before it."""
    before = _WORD_BEFORE.search(text[:at])
    word = before.group(1) if before else ""
    return word[:1].isupper() and word.lower() not in MONTHS and word.lower() not in STOPWORDS


def _followed_by_date(text: str, at: int) -> bool:
    """A month word followed by a year or a day ("May 2021", "May 24"), or by another month ("May and June 2022")."""
    return _DATE_AFTER.match(text, at) is not None
