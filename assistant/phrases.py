"""Answer types in a sentence, and the short answer phrase for who/when/where/how-many questions."""

from __future__ import annotations

import re

from .question import QuestionInfo, name_terms
from .text_terms import stem, words

_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
DATE_RE = re.compile(
    rf"\b(?:{_MONTH}\s+\d{{1,2}}(?:,\s*\d{{4}})?|\d{{1,2}}\s+{_MONTH}(?:\s+\d{{4}})?|{_MONTH}\s+\d{{4}}"
    rf"|(?:on\s+)?{_WEEKDAY}|today|yesterday|tomorrow|this (?:week|morning|afternoon|evening)"
    rf"|last (?:week|month|year)|\d{{4}}-\d{{2}}-\d{{2}}|in \d{{4}})\b"
)
_NUMBER_WORDS = "one two three four five six seven eight nine ten eleven twelve dozen dozens hundred hundreds thousand thousands million millions billion billions"  # noqa: E501
NUMBER_RE = re.compile(
    rf"(?:\$\s?)?\b(?:\d[\d,.]*|{'|'.join(_NUMBER_WORDS.split())})\b(?:\s+(?:million|billion|percent))?", re.I
)
_CONNECT = r"(?:of|the|and|for|de|du|al|bin|van|von|la|le|’s|'s|-)"
_CAP = r"[A-Z][\w’'.-]*"
NAME_RE = re.compile(rf"{_CAP}(?:\s+(?:{_CONNECT}\s+)*{_CAP})*")
PLACE_RE = re.compile(rf"\b(?:in|at|to|from)\s+(?:the\s+)?({_CAP}(?:\s+(?:{_CONNECT}\s+)*{_CAP})*)")
_SENTENCE_START_NOISE = {"The", "He", "She", "They", "It", "This", "That", "These", "In", "On", "At", "During", "Today",
                         "Both", "We", "I", "As", "A", "An", "Upon", "After", "Before", "Also"}  # fmt: skip
_TITLES = re.compile(
    r"\b(President|Minister|Secretary|Prime|Deputy|Ambassador|King|Queen|Prince|Chancellor|Foreign|General|Envoy"
    r"|Senator|Governor|Chairman|Director|Advisor|Adviser|Spokesperson|Emir|Sultan|Premier|Vice|Crown)\b"
)


_PLACES = re.compile(
    r"\b(Airport|Palace|House|Office|Street|Hotel|Center|Centre|Summit|University|Hall|Square|Building|Media)\b"
)


def has_answer_type(info: QuestionInfo, sentence: str) -> bool:
    """Does the sentence contain the kind of thing the question asks for?"""
    if info.qtype == "when":
        return bool(DATE_RE.search(sentence))
    if info.qtype == "how_many":
        return bool(NUMBER_RE.search(sentence))
    if info.qtype in ("who", "where", "list", "which"):
        return bool(_new_names(info, sentence))
    return True


def _new_names(info: QuestionInfo, sentence: str) -> list[str]:
    """Capitalised spans of the sentence that the question does not already name."""
    qnames = name_terms(info) | set(info.terms)
    out = []
    for m in NAME_RE.finditer(sentence):
        span = m.group(0)
        toks = span.split()
        while toks and toks[0] in _SENTENCE_START_NOISE:
            toks = toks[1:]
        if not toks:
            continue
        span = " ".join(toks)
        stems = {stem(w) for w in words(span)}
        if stems and stems <= qnames:
            continue
        out.append(span)
    return out


def answer_phrase(info: QuestionInfo, sentence: str) -> str | None:
    """A short answer taken verbatim from the sentence, or None when unsure."""
    if info.qtype == "when":
        m = DATE_RE.search(sentence)
        return m.group(0) if m else None
    if info.qtype == "how_many":
        m = NUMBER_RE.search(sentence)
        return m.group(0).strip() if m else None
    if info.qtype == "where":
        qn = name_terms(info) | set(info.terms)
        for m in PLACE_RE.finditer(sentence):
            place = m.group(1)
            if not {stem(w) for w in words(place)} <= qn:
                return place.rstrip(".,;:")
        return None
    if info.qtype == "who":
        names = [n for n in _new_names(info, sentence) if len(n.split()) >= 2 and not _PLACES.search(n)]
        titled = [n for n in names if _TITLES.search(n)]
        people = (titled or names)[:3]
        return " and ".join(p.rstrip(".,;:") for p in people) if people else None
    return None
