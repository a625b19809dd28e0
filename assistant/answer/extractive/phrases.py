"""Answer types in a sentence, and the short answer phrase for who/when/where/how-many questions."""

from __future__ import annotations

import re

from assistant.answer.extractive.question import QuestionInfo, name_terms
from assistant.answer.extractive.text_terms import MONTH_PATTERN, WEEKDAY_PATTERN, stem, words

_MONTH = rf"(?:{MONTH_PATTERN})"
_WEEKDAY = rf"(?:{WEEKDAY_PATTERN})"
DATE_RE = re.compile(
    rf"\b(?:{_MONTH}\s+\d{{1,2}}(?:,\s*\d{{4}})?|\d{{1,2}}\s+{_MONTH}(?:\s+\d{{4}})?|{_MONTH}\s+\d{{4}}"
    rf"|(?:on\s+)?{_WEEKDAY}|today|yesterday|tomorrow|this (?:week|morning|afternoon|evening)"
    rf"|last (?:week|month|year)|\d{{4}}-\d{{2}}-\d{{2}}|in \d{{4}})\b"
)
_NUMBER_WORDS = "one two three four five six seven eight nine ten eleven twelve dozen dozens hundred hundreds thousand thousands million millions billion billions"  # noqa: E501
NUMBER_RE = re.compile(rf"(?:\$\s?)?\b(?:\d[\d,.]*|{'|'.join(_NUMBER_WORDS.split())})\b(?:\s+(?:million|billion|percent))?", re.I)
_CONNECT = r"(?:of|the|and|for|de|du|al|bin|van|von|la|le|’s|'s|-)"
_CAP = r"[A-Z][\w’'.-]*"
NAME_RE = re.compile(rf"{_CAP}(?:\s+(?:{_CONNECT}\s+)*{_CAP})*")
PLACE_RE = re.compile(rf"\b(?:in|at|to|from)\s+(?:the\s+)?({_CAP}(?:\s+(?:{_CONNECT}\s+)*{_CAP})*)")
_SENTENCE_START_NOISE = {
    "The",
    "He",
    "She",
    "They",
    "It",
    "This",
    "That",
    "These",
    "In",
    "On",
    "At",
    "During",
    "Today",
    "Both",
    "We",
    "I",
    "As",
    "A",
    "An",
    "Upon",
    "After",
    "Before",
    "Also",
}
_TITLES = re.compile(
    r"\b(President|Minister|Secretary|Prime|Deputy|Ambassador|King|Queen|Prince|Chancellor|Foreign|General|Envoy"
    r"|Senator|Governor|Chairman|Director|Advisor|Adviser|Spokesperson|Emir|Sultan|Premier|Vice|Crown)\b"
)


_NOT_PERSON = re.compile(
    r"\b(America|American|States|Nations|Union|Council|Department|Ministry|Republic|Kingdom|Alliance|Summit|Partnership"
    r"|Agreement|Accords?|Committee|Community|Forces|Command|Commission|Assembly|Organization|Corridor|Framework|Fund"
    r"|Initiative|Dialogue|Strategy|Treaty|Sea|Ocean|Peninsula|Island|Islands|Region|Government|Administration"
    r"|Airport|Palace|House|Office|Street|Hotel|Center|Centre|University|Hall|Square|Building|Media|Room|COVID|Indo"
    rf"|{MONTH_PATTERN}"
    rf"|{WEEKDAY_PATTERN})\b"
)
_TITLE_WORDS = set(
    """President Vice Minister Secretary Prime Deputy Ambassador King Queen Prince Princess Chancellor Foreign General
    Envoy Senator Governor Chairman Chair Director Advisor Adviser Spokesperson Emir Amir Sultan Premier Crown Special
    Assistant Under National Security Affairs External Defense Defence State First Lady His Her Majesty Highness
    Excellency Holiness Mr. Mrs. Ms. Dr. Lt. Gen. Representative Counselor Principal Senior Sheikh Taoiseach Chief
    Executive Commissioner High Minister’s President’s Secretary’s of the and for""".split()
)


def has_answer_type(info: QuestionInfo, sentence: str) -> bool:
    """Does the sentence contain the kind of thing the question asks for?"""
    if info.qtype == "when":
        return bool(DATE_RE.search(sentence))
    if info.qtype == "how_many":
        return bool(NUMBER_RE.search(sentence))
    if info.qtype == "who":
        return bool(people(info, sentence))
    if info.qtype in ("where", "list", "which"):
        return bool(_new_names(info, sentence))
    return True


def _question_words(info: QuestionInfo) -> set[str]:
    return name_terms(info) | set(info.terms)


def _new_names(info: QuestionInfo, sentence: str) -> list[str]:
    """Capitalised spans of the sentence that the question does not already name."""
    qnames = _question_words(info)
    out = []
    for m in NAME_RE.finditer(sentence):
        toks = m.group(0).split()
        if m.start() == 0 and len(toks) == 1:
            continue  # a capitalised first word is usually just the start of the sentence
        while toks and toks[0] in _SENTENCE_START_NOISE:
            toks = toks[1:]
        if not toks:
            continue
        span = " ".join(toks).rstrip(".,;:")
        stems = {stem(w) for w in words(span)}
        if stems and stems <= qnames:
            continue
        out.append(span)
    return out


def people(info: QuestionInfo, sentence: str) -> list[str]:
    """Spans that look like people (a name beyond titles) and that the question does not name."""
    qnames = name_terms(info)
    out = []
    for span in _new_names(info, sentence):
        if _NOT_PERSON.search(span):
            continue
        bare = [w for w in span.split() if w not in _TITLE_WORDS]
        if not bare:
            continue  # titles only, e.g. 'Vice President'
        if any(stem(w) in qnames for b in bare for w in words(b)):
            continue  # the question's own subject
        if len(span.split()) >= 2 or _TITLES.search(span):
            out.append(span)
    return out


def is_multi(info: QuestionInfo) -> bool:
    """Does the question ask for several items (a list, or one per year or meeting)?"""
    low = info.text.lower()
    if info.qtype == "list" or len(info.years) > 1 or len(info.months) > 1:
        return True
    if re.search(r"\b(which|what|name)\s+(?:two|three|four|five|several|all)\b", low):
        return True
    m = re.search(r"\b(?:which|what)\s+(?:[a-z’'-]+\s+){0,2}([a-z]+)\b", low)
    return bool(m) and m.group(1).endswith("s") and not m.group(1).endswith(("ss", "us", "is"))


def answer_phrase(info: QuestionInfo, sentence: str) -> str | None:
    """A short answer taken verbatim from the sentence, or None when unsure."""
    if info.qtype == "when":
        m = DATE_RE.search(sentence)
        return m.group(0) if m else None
    if info.qtype == "how_many":
        m = NUMBER_RE.search(sentence)
        return m.group(0).strip() if m else None
    if info.qtype == "where":
        qn = _question_words(info)
        for m in PLACE_RE.finditer(sentence):
            place = m.group(1).rstrip(".,;:")
            if not {stem(w) for w in words(place)} <= qn:
                return place
        return None
    if info.qtype == "who":
        found = people(info, sentence)[:3]
        return " and ".join(found) if found else None
    return None
