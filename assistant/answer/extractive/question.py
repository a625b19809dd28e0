"""What a question asks for: its type, its terms, and the names it mentions."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.answer.extractive.text_terms import IRREGULAR_PAST, MONTHS, content_terms, stem, words

_TYPES = [
    ("how_many", r"\bhow (many|much)\b|\bnumber of\b"),
    ("when", r"^\s*(when|what (date|day|year|month|time))\b|\bon what (date|day)\b|\bwhich (date|day|year|month)s?\b"),
    ("where", r"^\s*where\b|\bin (what|which)\b|\bwhich (two |three |four )?(city|cities|venue|place|places|capital)\b"),
    ("who", r"^\s*(who|whom|whose)\b|\bwhich (official|leader|minister|president|person|people|officials)\b"),
    ("why", r"^\s*why\b"),
    ("list", r"^\s*(list|name)\b|\bwhich (countries|nations|leaders|cities|issues|topics)\b"),
    ("which", r"^\s*which\b"),
    ("what", r"^\s*what\b"),
    ("how", r"^\s*how\b"),
    ("yesno", r"^\s*(did|does|do|is|was|were|are|has|have|had|will|can)\b"),
]
_WH = {"who", "whom", "whose", "what", "when", "where", "which", "why", "how"}
# Words that frame a question but say nothing about which fact answers it.
_QUESTION_NOISE = {
    stem(w)
    for w in """happen mention discuss article report state statement release speak spoke talk talked meet met call
    called plan planned hold held due expect expected schedule scheduled come came date day kind type subject event
    city country countries region group time year month together new take took place according""".split()
}


@dataclass(frozen=True)
class QuestionInfo:
    """A parsed question."""

    text: str
    qtype: str
    terms: tuple[str, ...]  # stemmed content words
    names: tuple[str, ...]  # capitalised words as written (not the first word)
    years: tuple[str, ...]
    months: tuple[int, ...] = ()


def analyse(question: str) -> QuestionInfo:
    """Classify and tokenise a question."""
    q = question.strip()
    low = q.lower()
    qtype = next((name for name, pat in _TYPES if re.search(pat, low)), "other")
    years = tuple(re.findall(r"\b(19\d\d|20\d\d)\b", q))
    months = tuple(
        MONTHS.index(m) + 1
        for m in re.findall(rf"\b({'|'.join(MONTHS)})\b", low)
        if m != "may" or re.search(r"\bin may\b|\bmay \d", low)
    )
    dates = set(years) | {MONTHS[m - 1] for m in months}
    terms = tuple(t for t in content_terms(q) if t not in _WH and t not in _QUESTION_NOISE and t not in dates)
    raw_words = re.findall(r"[A-Za-zÀ-ÿ][\w’'-]*", q)
    names = tuple(dict.fromkeys(w for i, w in enumerate(raw_words) if w[0].isupper() and (i > 0 or w.lower() not in _WH)))
    return QuestionInfo(text=q, qtype=qtype, terms=terms, names=names, years=years, months=months)


_AUX = {
    "did",
    "does",
    "do",
    "was",
    "were",
    "is",
    "are",
    "has",
    "have",
    "had",
    "will",
    "would",
    "could",
    "can",
    "should",
    "may",
    "might",
}
_SKIP = {
    "the",
    "a",
    "an",
    "this",
    "that",
    "these",
    "those",
    "his",
    "her",
    "their",
    "its",
    "our",
    "new",
    "he",
    "she",
    "they",
    "it",
    "we",
    "you",
    "i",
    "newly",
}
_BOUNDARY = {
    "on",
    "in",
    "with",
    "for",
    "to",
    "at",
    "from",
    "by",
    "during",
    "about",
    "into",
    "when",
    "where",
    "that",
    "who",
    "which",
    "after",
    "before",
    "under",
    "over",
    "as",
    "and",
    "or",
}
_VERBISH = re.compile(r".+(ed|ing)$")
# Heads that name the answer's kind rather than a fact to find (the answer type checks cover them).
_GENERIC_HEADS = set(
    """name names kind type one ones two three four five many much other main key specific particular exact
    official officials diplomat diplomats leader leaders minister ministers person people adviser advisor advisers
    advisors representative envoy president presidents secretary counterpart counterparts say said tell told do""".split()
)


def focus_words(info: QuestionInfo) -> list[str]:
    """Words the answer sentence must speak of: the asked-for thing or action.

    'What gift did Biden give?' -> ['gift']; 'Who greeted X?' -> ['greeted'];
    'How many votes did X get?' -> ['votes']; 'What did X eat?' -> ['eat'].
    """
    if info.qtype in ("when", "where", "yesno", "why"):
        return []
    toks = re.findall(r"[A-Za-zÀ-ÿ][\w’'.-]*", info.text)
    low = [t.lower().rstrip(".") for t in toks]
    wh = next((i for i, w in enumerate(low) if w in ("who", "whom", "what", "which", "how")), None)
    if wh is None or wh + 1 >= len(low):
        return []
    i = wh + 1
    if low[wh] == "how":
        if low[i] == "much" and "cost" in low:
            return ["cost"]
        if low[i] not in ("many", "much"):
            return []
        i += 1
    elif low[wh] == "who" and low[i] not in _AUX:
        return [] if stem(low[i]) in _QUESTION_NOISE else [low[i]]
    if i < len(low) and low[i] in _AUX:
        return _after_subject(toks, low, i + 1)
    head = None
    for j in range(i, min(len(low), i + 7)):
        w = low[j]
        if w in _AUX or w in _BOUNDARY or w in IRREGULAR_PAST or (_VERBISH.match(w) and j > i):
            break
        if toks[j][0].islower() and w not in _SKIP and w != "of":
            head = w
    return _keep(head)


def _after_subject(toks: list[str], low: list[str], i: int) -> list[str]:
    """'What did X eat', 'Who was X's interpreter': the head of the first lower-case phrase after the subject."""
    head = None
    for j in range(i, min(len(low), i + 10)):
        w = low[j]
        if w in _BOUNDARY or w in _AUX:
            if head:
                break
            continue
        if toks[j][0].isupper() or w in _SKIP or w == "of":
            if head and toks[j][0].isupper() and low[j - 1] != "of":
                break
            continue
        head = w
    return _keep(head)


def _keep(word: str | None) -> list[str]:
    if not word or word in _GENERIC_HEADS or stem(word) in _QUESTION_NOISE or word in _BOUNDARY:
        return []
    return [word]


def name_terms(info: QuestionInfo) -> set[str]:
    """Stemmed forms of the names the question mentions."""
    return {stem(w) for n in info.names for w in words(n)}
