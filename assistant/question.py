"""What a question asks for: its type, its terms, and the names it mentions."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .text_terms import content_terms, stem, words

_TYPES = [
    ("how_many", r"\bhow (many|much)\b|\bnumber of\b"),
    ("when", r"^\s*(when|what (date|day|year|month|time))\b|\bon what (date|day)\b|\bwhich (date|day|year|month)\b"),
    ("where", r"^\s*where\b|\bin what (city|country|place)\b|\bwhich (city|country|venue|place|capital)\b"),
    ("who", r"^\s*(who|whom|whose)\b|\bwhich (official|leader|minister|president|person|people|officials)\b"),
    ("why", r"^\s*why\b"),
    ("list", r"^\s*(list|name)\b|\bwhich (countries|nations|leaders|cities|issues|topics)\b"),
    ("which", r"^\s*which\b"),
    ("what", r"^\s*what\b"),
    ("how", r"^\s*how\b"),
    ("yesno", r"^\s*(did|does|do|is|was|were|are|has|have|had|will|can)\b"),
]
_WH = {"who", "whom", "whose", "what", "when", "where", "which", "why", "how"}
_QUESTION_NOISE = {
    stem(w) for w in ("happen", "mention", "discuss", "article", "report", "state", "statement", "release")
}


@dataclass(frozen=True)
class QuestionInfo:
    """A parsed question."""

    text: str
    qtype: str
    terms: tuple[str, ...]  # stemmed content words
    names: tuple[str, ...]  # capitalised words as written (not the first word)
    years: tuple[str, ...]


def analyse(question: str) -> QuestionInfo:
    """Classify and tokenise a question."""
    q = question.strip()
    low = q.lower()
    qtype = next((name for name, pat in _TYPES if re.search(pat, low)), "other")
    terms = tuple(t for t in content_terms(q) if t not in _WH and t not in _QUESTION_NOISE)
    raw_words = re.findall(r"[A-Za-zÀ-ÿ][\w’'-]*", q)
    names = tuple(
        dict.fromkeys(w for i, w in enumerate(raw_words) if w[0].isupper() and (i > 0 or w.lower() not in _WH))
    )
    years = tuple(re.findall(r"\b(19\d\d|20\d\d)\b", q))
    return QuestionInfo(text=q, qtype=qtype, terms=terms, names=names, years=years)


def name_terms(info: QuestionInfo) -> set[str]:
    """Stemmed forms of the names the question mentions."""
    return {stem(w) for n in info.names for w in words(n)}
