"""The short answer an extractive answer leads with: the entities of the asked type in the chosen sentence, or the
reading model's answer span when it is confident, a relative day resolved."""

from __future__ import annotations

import re

from assistant.answer.extractive.dates import annotate
from assistant.answer.extractive.features import Candidate, focus_weights, nearness, new_entities
from assistant.answer.extractive.question import ParsedQuestion
from assistant.answer.markers import cited
from assistant.documents import Entity
from assistant.text import MONTHS

_YEAR = re.compile(r"\b(1[89]|20)\d\d\b")
SPAN_MIN = 0.2  # the reader's answer span is used when its probability is at least this (chosen on dev: evals/tune_span.py)
SPAN_MODE = "union"  # the span, then the entities of the asked type outside it (`_with_span`; chosen on dev)
NAME_SUFFIXES = {"jr", "sr"}  # the recogniser sometimes tags "Jr." in "Joseph R. Biden, Jr." as a place


def answer_items(q: ParsedQuestion, c: Candidate, weights: dict[str, float] | None = None) -> list[str]:
    """The entities of the expected label that the question does not name, best first: for a list question every
    one of them in reading order (an itinerary names several countries), for "who" every person (up to three, as
    written), otherwise the most specific one nearest the question's rarest terms in the sentence."""
    if not q.expected:
        return []
    found = [e for e in new_entities(q, c, q.expected) if e.text.strip(".").lower() not in NAME_SUFFIXES]
    if not found:
        return []
    people = [e for e in found if e.label == "PERSON"]
    if q.kind == "who" and people:  # a person answers "who" before an organisation or nationality does
        found = people
    elif q.kind == "who" and any(e.label == "ORG" for e in found):  # "which firm": an organisation, not "Polish"
        found = [e for e in found if e.label == "ORG"]
    if q.multi or (q.kind == "who" and people):
        return list(dict.fromkeys(e.text for e in sorted(found, key=lambda e: e.start)))[: 5 if q.multi else 3]
    focus = focus_weights(q, weights or {t: 1.0 for t in q.lemmas})

    def preference(e: Entity) -> tuple:
        """Nouns first, then the more specific, then the nearer to the question's focus, then the earlier."""
        return (not _is_noun(q, e), _specificity(e, c.text), -nearness(c.text, e.start, e.end, focus), e.start)

    return [min(found, key=preference).text]


def _is_noun(q: ParsedQuestion, e: Entity) -> bool:
    """The entity is named as the kind of thing asked for ("which alliance" -> "the U.S.-ROK Alliance")."""
    words = e.text.lower().split()
    last = words[-1].removesuffix("'s").removesuffix("’s") if words else ""
    return bool(q.noun) and len(words) > 1 and last.rstrip("s") == q.noun.rstrip("s")


def _specificity(e: Entity, text: str) -> int:
    """How precisely an entity answers, 0 the most: for places a facility or a named location before a city or
    country, and in "Vilnius, Lithuania" the first name (the second only locates it); for dates an explicit one
    ("June 19, 2023") before a relative one ("today") or a number the recogniser took for a date."""
    if e.label in ("DATE", "TIME"):
        words = e.text.lower().split()
        if any(w.strip(",.") in MONTHS for w in words) or _YEAR.search(e.text):
            return 0
        return 1 if not any(ch.isdigit() for ch in e.text) else 2
    if e.label not in ("GPE", "LOC", "FAC"):
        return 0
    if e.label == "FAC":
        return 0
    if text[max(0, e.start - 2) : e.start] == ", ":
        return 2  # "..., Lithuania": qualifies the place before it
    if text[e.end : e.end + 2] == ", " and text[e.end + 2 : e.end + 3].isupper():
        return 0  # "San Diego, California": a place located by the name after it
    return 1


def short_answer(q: ParsedQuestion, c: Candidate, marker: int, weights: dict[str, float] | None = None) -> str | None:
    """The short answer led with, or None: the items joined, each relative day ("today") resolved against the
    article's date, whatever the question's kind ("On what day did Sweden join?" -> "Today (March 7, 2024, ...)")."""
    items = _with_span(answer_items(q, c, weights), _span(q, c))
    if not items:
        return None
    items = [annotate(it, c.passage.date, c.text) for it in items]
    phrase = ", ".join(items[:-1]) + (" and " if len(items) > 1 else "") + items[-1]
    return phrase + cited([marker])


def _with_span(items: list[str], span: str | None) -> list[str]:
    """The short answer's items once the reader's span is known (SPAN_MODE): "lead" - the span, or the entities of the
    asked type inside it when it holds several; "fallback" - the entities, the span only when there are none; "union"
    - the span, then the entities outside it."""
    if span is None:
        return items
    inside = [it for it in items if it in span]
    if SPAN_MODE == "fallback":
        return items or [span]
    if SPAN_MODE == "union":
        return [span, *(it for it in items if it not in span and span not in it)]
    return inside if len(inside) > 1 else [span]


def _span(q: ParsedQuestion, c: Candidate) -> str | None:
    """The reading model's answer span in the sentence when it is confident (not for lists and overviews, whose
    points are whole sentences)."""
    r = c.reading
    if r is None or r.span is None or r.span_prob < SPAN_MIN or q.kind == "overview" or q.multi:
        return None
    text = c.text[r.span[0] : r.span[1]].strip(" ,;:.\"'“”‘’()")
    return text if len(text) >= 2 else None
