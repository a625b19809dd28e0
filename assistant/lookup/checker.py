"""Does a sentence state a claim? The `ClaimChecker` protocol, and the default lexical checker shipped until a trained
reading model (a cross-encoder) implements the protocol."""

from __future__ import annotations

import math
from typing import Protocol, runtime_checkable

from assistant.lookup.text import NEGATIONS, content_stems, fact_words, holds, stem, word_set, words


@runtime_checkable
class ClaimChecker(Protocol):
    """Scores sentences against a claim: for each sentence, the probability that it states the claim."""

    name: str

    def score(self, claim: str, sentences: list[str]) -> list[float]:
        """One probability in [0, 1] per sentence, in order."""
        ...


class OverlapChecker:
    """Content-word and fact overlap, NOT a reading model. A sentence states the claim when it holds most of the
    claim's predicate (its content words other than names and numbers: what was said or done, compared as crude
    stems) and its facts (names, places, numbers, years): the predicate's share goes through a logistic curve, and
    each missing fact multiplies the result down (a missing number or a 'not' on one side only, more). So a sentence
    that only mentions the same names scores low, and so does one with another person, place, year or number. It
    cannot see synonyms beyond shared stems, nor who did what to whom."""

    name = "overlap"

    def __init__(self, slope: float = 8.0, center: float = 0.35, missing_fact: float = 0.5) -> None:
        self.slope = slope  # steepness of the logistic curve over the predicate's share
        self.center = center  # the predicate share that gives 0.5 when every fact is held
        self.missing_fact = missing_fact  # each of the claim's names the sentence lacks multiplies by this

    def score(self, claim: str, sentences: list[str]) -> list[float]:
        """Probability-like scores, one per sentence."""
        facts = fact_words(claim)
        fact_stems = {stem(f) for f in facts}
        predicate = content_stems(claim) - fact_stems
        negated = any(w.lower() in NEGATIONS for w in words(claim))
        return [self._one(s, facts, predicate, negated) for s in sentences]

    def _one(self, sentence: str, facts: list[str], predicate: set[str], negated: bool) -> float:
        have = word_set(sentence)
        stems = content_stems(sentence) | {stem(w) for w in have}
        missing = [f for f in facts if not holds(f, have) and stem(f) not in stems]
        share = len(predicate & stems) / len(predicate) if predicate else 0.5
        p = 1.0 / (1.0 + math.exp(-self.slope * (share - self.center)))
        for f in missing:
            p *= 0.2 if any(c.isdigit() for c in f) else self.missing_fact  # another number or year: another claim
        if negated != any(w in NEGATIONS for w in have):
            p *= 0.3  # one says 'not', the other does not
        return p
