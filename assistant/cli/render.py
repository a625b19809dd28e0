"""An answer as terminal text: the answer, then each cited article once with every sentence quoted from it."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from assistant.answer.markers import marker

if TYPE_CHECKING:
    from assistant.answer.types import Answer, Citation

URL_WIDTH = 80  # longer links are shortened for reading; `ask --json` keeps them whole
MONTHS = "January February March April May June July August September October November December".split()


def render_text(ans: Answer) -> str:
    """The answer's text and its notes (a doubt, a flagged quote, a fallback); then, in marker order, each cited
    article once (markers, title, source, date, link) with the sentences the answer quotes from it beneath; for a
    refusal, the closest articles."""
    lines = [ans.answer, *(f"Note: {n}" for n in ans.notes)]
    if ans.citations:
        lines.append("\nSources:")
        for group in _by_article(ans.citations):
            first = group[0]
            markers = "".join(marker(c.marker) for c in group)
            lines.append(f"{markers} {first.title} - {first.source or 'unknown source'}, {long_date(first.date)}")
            if first.url:
                lines.append(f"    {short_url(first.url)}")
            for c in group:
                flag = "" if c.verified else " (UNVERIFIED)"
                lines.append(f"    {marker(c.marker) + ' ' if len(group) > 1 else ''}{quoted(c.quote)}{flag}")
            for other in first.also_reported_by:
                lines.append(f"    also reported by {other['source'] or 'unknown'}: {other['url'] or other['title']}")
    elif ans.closest:
        lines.append("\nClosest articles:")
        for d in ans.closest[:3]:
            lines.append(f"- {d['title']} ({long_date(d['date'])}) {short_url(d['url'] or '')}".rstrip())
    return "\n".join(lines)


def _by_article(citations: list[Citation]) -> list[list[Citation]]:
    groups: dict[str, list[Citation]] = {}
    for c in sorted(citations, key=lambda c: c.marker):
        groups.setdefault(c.doc_id, []).append(c)
    return list(groups.values())


def long_date(date: str | None) -> str:
    """'2023-11-15' -> 'November 15, 2023' (as the articles and the answers write dates); None -> 'date unknown'."""
    if not date:
        return "date unknown"
    try:
        day = dt.date.fromisoformat(date)
    except ValueError:
        return date
    return f"{MONTHS[day.month - 1]} {day.day}, {day.year}"  # not %B, which follows the locale


def quoted(text: str) -> str:
    """The quote in quotation marks: “…”, or ‘…’ when it holds double quotation marks itself, so a sentence that
    ends in a closing quote never prints as …”” and a quote inside it stays readable."""
    return f"‘{text}’" if any(ch in text for ch in '“”"') else f"“{text}”"


def short_url(url: str, width: int = URL_WIDTH) -> str:
    """A link as short as reading needs: unchanged up to `width`, else without scheme, 'www.' and query, and then
    with the middle of its path cut: 'state.gov/…/secretary-blinkens-call-with-indonesian-foreign-minister-marsudi/'."""
    if len(url) <= width:
        return url
    parts = urlsplit(url)
    host = parts.netloc.removeprefix("www.")
    segments = [s for s in parts.path.split("/") if s]
    slash = "/" if parts.path.endswith("/") else ""
    text = "/".join([host, *segments]) + slash
    if len(text) <= width or not segments:
        return text[:width]
    head = f"{host}/…/" if len(segments) > 1 else f"{host}/"
    last, room = segments[-1] + slash, width - len(head)
    return head + (last if len(last) <= room else last[: max(room - 1, 8)] + "…")
