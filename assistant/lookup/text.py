"""Text helpers of citation lookup: normalisation with an offset map, words, crude stems and the 'fact' words of a text."""

from __future__ import annotations

import re
import unicodedata

_QUOTES = {c: '"' for c in "“”„‟«»″〝〞＂"} | {c: "'" for c in "‘’‚‛′`´"}
_DASHES = set("‐‑‒–—―−﹘﹣－")
_WORD = re.compile(r"[^\W_]+")
_SPACE_DASH = re.compile(r"\s*-+\s*")

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being below between
    both but by can could did do does doing down during each few for from further had has have having he her here hers
    herself him himself his how i if in into is it its itself just me more most my myself no nor not now of off on once
    only or other our ours ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were what when where which
    while who whom whose why will with would you your yours yourself yourselves said say says mr mrs ms""".split()
)
NEGATIONS = frozenset({"not", "no", "never", "nor", "t", "neither", "without"})
MONTHS = frozenset("january february march april may june july august september october november december".split())
# Capitalised role words: part of what a sentence says, not facts that make another claim when they are missing.
TITLES = frozenset(
    """president secretary minister prime deputy foreign state ambassador general vice house department spokesperson
    leader leaders government senior official officials administration chancellor premier king queen crown prince
    assistant under special envoy representative counselor advisor adviser national security council joint statement
    readout remarks press""".split()
)
_INITIALISM = re.compile(r"\b[A-Za-z](?:\.[A-Za-z])+\b\.?")
_SUFFIXES = ("ations", "ation", "ments", "ment", "ings", "ing", "edly", "ies", "ed", "es", "s", "ly")


_FOLD = str.maketrans({**_QUOTES, **{c: "-" for c in _DASHES}, "…": "..."})
_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Text folded for quotes, dashes, spacing and case ('a - b' = 'a-b'), as verbatim matching compares it."""
    folded = unicodedata.normalize("NFKC", text).translate(_FOLD)
    return _SPACE_DASH.sub("-", _SPACES.sub(" ", folded).strip().lower())


def strip_quote(text: str) -> str:
    """The quoted words of a pasted quote: surrounding quote marks, spaces and a final full stop removed."""
    return text.strip().strip("\"'“”‘’«»„ ").rstrip(".,;:").strip()


def words(text: str) -> list[str]:
    """Words as both keyword indexes tokenise them (letters and digits; punctuation and '_' separate)."""
    return _WORD.findall(text)


def keyword_text(text: str, limit: int = 10) -> str:
    """The text's `limit` longest distinct content words (long words are the rare ones): a short, selective BM25 query
    that an edited quote still shares with its source."""
    found = dict.fromkeys(w.lower() for w in words(text) if len(w) > 2 and w.lower() not in STOPWORDS)
    return " ".join(sorted(found, key=len, reverse=True)[:limit])


def stem(word: str) -> str:
    """A crude stem that lets 'agreed'/'agreement' and 'communications'/'communication' meet; not a lemmatiser."""
    w = word.lower()
    for suffix in _SUFFIXES:
        if len(w) - len(suffix) >= 4 and w.endswith(suffix):
            w = w[: -len(suffix)]
            break
    if len(w) > 4 and w.endswith("e"):
        w = w[:-1]
    return w[:6]


def content_stems(text: str) -> set[str]:
    """Stems of the words that carry meaning (no stop words, no single letters)."""
    return {stem(w) for w in words(text) if len(w) > 1 and w.lower() not in STOPWORDS}


def fact_words(text: str) -> list[str]:
    """Words that name a fact, lower-cased, in order: numbers, years, months and capitalised words that are not stop
    words (names of people, places, bodies; a capitalised first word counts too unless it is a stop word)."""
    out = []
    for w in words(_INITIALISM.sub(lambda m: m.group(0).replace(".", ""), text)):
        low = w.lower()
        if any(c.isdigit() for c in w) or low in MONTHS:
            out.append(low)
        elif w[0].isupper() and len(w) > 1 and low not in STOPWORDS and low not in TITLES:
            out.append(low)
    return list(dict.fromkeys(out))


def word_set(text: str) -> set[str]:
    """The text's words lower-cased, with initialisms also joined ('U.S.' gives 'u', 's' and 'us')."""
    joined = _INITIALISM.sub(lambda m: " " + m.group(0).replace(".", "") + " ", text)
    return {w.lower() for w in words(text) + words(joined)}


US_NAMES = frozenset({"us", "usa", "america", "american", "americans"})  # 'united states' is two words, both facts


def holds(fact: str, have: set[str]) -> bool:
    """Does a text whose words are `have` (from `word_set`) hold this fact word? Numbers must be equal; a name may
    differ in its ending ('Chinese'/'China', 'Ukrainian'/'Ukraine': a shared beginning of 4+ letters that leaves at most
    3 letters of the shorter word); 'American', 'America', 'US' and 'U.S.' are one."""
    if fact in have:
        return True
    if any(c.isdigit() for c in fact):
        return False
    if fact in US_NAMES:
        return bool(have & US_NAMES) or {"united", "states"} <= have
    for w in have:
        n = 0
        for a, b in zip(fact, w, strict=False):
            if a != b:
                break
            n += 1
        if n >= 4 and n >= min(len(fact), len(w)) - 3:
            return True
    return False
