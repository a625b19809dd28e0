"""Words, stop words and a light stemmer shared by keyword search and answer scoring."""

from __future__ import annotations

import re

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had has
    have having he her here hers herself him himself his how i if in into is it its itself just me more
    most my myself no nor not now of off on once only or other our ours ourselves out over own same she
    should so some such than that the their theirs them themselves then there these they this those
    through to too under until up very was we were what when where which while who whom whose why will
    with would you your yours yourself yourselves did does said say says according tell told mr mrs ms
    name names many much one ones two did get got make made take took give gave go went us u s""".split()
)

_WORD = re.compile(r"[\w’']+", re.UNICODE)
_SUFFIXES = ("ational", "ization", "fulness", "iveness", "ations", "ation", "ments", "ment", "ness",
             "ings", "ing", "edly", "ied", "ies", "ed", "es", "ly", "s")  # fmt: skip


def words(text: str) -> list[str]:
    """Lower-cased word tokens, possessives stripped."""
    out = []
    for w in _WORD.findall(text.lower()):
        w = re.sub(r"[’']s?$", "", w)
        if w:
            out.append(w)
    return out


def stem(word: str) -> str:
    """Crude suffix stripping: 'greeted' -> 'greet', 'meetings' -> 'meet'."""
    if len(word) <= 4 or word.isdigit():
        return word
    for suf in _SUFFIXES:
        if word.endswith(suf) and len(word) - len(suf) >= 3:
            base = word[: -len(suf)]
            if suf in ("ied", "ies"):
                base += "y"
            if len(base) > 3 and base[-1] == base[-2] and base[-1] not in "lsz":
                base = base[:-1]  # 'planned' -> 'plan'
            return base
    return word


def content_terms(text: str) -> list[str]:
    """Stemmed words that are not stop words, in order, de-duplicated."""
    return list(dict.fromkeys(stem(w) for w in words(text) if w not in STOPWORDS and len(w) > 1))
