"""Does a sentence state a claim? The `ClaimChecker` protocol, and the default lexical checker shipped until a trained
reading model (a cross-encoder) implements the protocol."""

from __future__ import annotations

import math
from typing import Protocol, runtime_checkable

from assistant.lookup.text import NEGATIONS, content_stems, fact_words, stem, word_set, words


@runtime_checkable
class ClaimChecker(Protocol):
    """Scores sentences against a claim: for each sentence, the probability that it states the claim."""

    name: str

    def score(self, claim: str, sentences: list[str]) -> list[float]:
        """One probability in [0, 1] per sentence, in order."""
        ...


class OverlapChecker:
    """Content-word and fact overlap, NOT a reading model: a sentence states the claim when it holds the claim's facts
    (names, places, numbers, years: every one of them) and most of its other content words (the predicate: what was
    said or done), compared as crude stems. A sentence that only mentions the same names scores low; so does one
    with another year or number. It cannot see synonyms beyond shared stems, nor who did what to whom."""

    name = "overlap"

    def __init__(
        self, predicate_weight: float = 6.0, fact_weight: float = 4.0, bias: float = 6.0, missing_fact: float = 0.35
    ) -> None:
        self.missing_fact = missing_fact  # each of the claim's names or numbers the sentence lacks multiplies by this
        self.predicate_weight = predicate_weight
        self.fact_weight = fact_weight
        self.bias = bias

    def score(self, claim: str, sentences: list[str]) -> list[float]:
        """Probability-like scores from the share of predicate words and facts each sentence holds."""
        facts = fact_words(claim)
        fact_stems = {stem(f) for f in facts}
        predicate = content_stems(claim) - fact_stems
        numbers = [f for f in facts if any(c.isdigit() for c in f)]
        negated = any(w.lower() in NEGATIONS for w in words(claim))
        return [self._one(s, facts, predicate, numbers, negated) for s in sentences]

    def _one(self, sentence: str, facts: list[str], predicate: set[str], numbers: list[str], negated: bool) -> float:
        lower = word_set(sentence)
        stems = content_stems(sentence) | {stem(w) for w in lower}
        held = [f in lower or stem(f) in stems for f in facts]
        fact_cov = sum(held) / len(facts) if facts else 1.0
        pred_cov = len(predicate & stems) / len(predicate) if predicate else 0.5
        z = self.predicate_weight * pred_cov + self.fact_weight * fact_cov - self.bias
        p = 1.0 / (1.0 + math.exp(-z)) * self.missing_fact ** (len(held) - sum(held))
        if any(n not in lower for n in numbers):
            p *= 0.2  # another number or year is another claim
        if negated != any(w in NEGATIONS for w in lower):
            p *= 0.5  # one says 'not', the other does not
        return p
