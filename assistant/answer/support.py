"""An offline support judge: does a cited text back a claim?

No entailment cross-encoder ships its weights on PyPI, so this is a documented
lexical judge. It is independent of the extractive answerer (its own tokenisation, no shared
scoring code), so the evaluator can use it to grade answers, and the citation check reuses it.

support(claim, evidence) = share of the claim's content words (IDF-free, lower-cased, light
plural/tense folding) that occur in the evidence, with numbers and capitalised names required:
a claim that names a number or a name absent from the evidence scores at most 0.5.
"""

from __future__ import annotations

import re

SUPPORT_THRESHOLD = 0.75

_STOP = frozenset(
    """a an the and or but of in on at to for from by with as is are was were be been being it its this that
    these those he she they them his her their we our you your i me my has have had do does did will would
    can could should may might not no so than then there here also which who whom whose what when where why
    how all any both each few more most other some such only own same too very just into over under about
    after before during between through said says according""".split()
)
_TOKEN = re.compile(r"[A-Za-zÀ-ÿ]+|\d+(?:[.,]\d+)*")  # "10," at a clause end is the number 10


# Date annotations the answerer adds from the article's publication date are derived, not quoted.
_DAY = r"(?:\d{4}-\d{2}-\d{2}|[A-Z][a-z]+ \d{1,2}, \d{4})"  # 2023-03-07 or March 7, 2023 (as dates.annotate writes)
ANNOTATION_RE = re.compile(
    rf"\s*\((?:{_DAY}[,;] the article(?: is dated {_DAY}|'s date)"
    r"|the article gives no publication date, so the day cannot be fixed)\)"
)


def _fold(word: str) -> str:
    w = word.lower()
    for suf in ("ing", "ed", "es", "s"):
        if len(w) > len(suf) + 3 and w.endswith(suf):
            return w[: -len(suf)]
    return w


def _tokens(text: str) -> list[str]:
    return [t for t in _TOKEN.findall(text) if t.lower() not in _STOP]


def support_score(claim: str, evidence: str) -> float:
    """0..1: how much of the claim the evidence states."""
    claim_toks = _tokens(ANNOTATION_RE.sub("", claim))
    if not claim_toks:
        return 1.0
    ev = {_fold(t) for t in _tokens(evidence)}
    hits = [_fold(t) in ev for t in claim_toks]
    score = sum(hits) / len(hits)
    critical_missing = any(
        not hit and (t[0].isdigit() or (t[0].isupper() and i > 0))
        for i, (t, hit) in enumerate(zip(claim_toks, hits, strict=True))
    )
    return min(score, 0.5) if critical_missing else score
