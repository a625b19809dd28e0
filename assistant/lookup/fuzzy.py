"""Near-verbatim matching with rapidfuzz: how closely a quote follows a sentence, which words differ, and whether a
difference changes a fact (then it is a look-alike, not an edited quote)."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from assistant.lookup.text import NEGATIONS, fact_words, holds, normalise, word_set, words
from assistant.lookup.types import WordDiff


@dataclass(frozen=True)
class Closeness:
    """How a quote compares with one sentence."""

    score: float  # 0..1, 1 = same words in the same order (spacing, case, quotes and dashes aside)
    diffs: tuple[WordDiff, ...]
    changed_facts: tuple[str, ...]  # the quote's names/numbers the sentence does not hold, or a 'not' on one side only


class Quote:
    """A quote folded once, to be compared with many sentences."""

    def __init__(self, text: str) -> None:
        self.folded = normalise(text)
        self.words = [w.lower() for w in words(self.folded)]
        self.joined = " ".join(self.words)
        self.facts = fact_words(text)

    def compare(self, sentence: str, floor: float = 0.0) -> Closeness:
        """Align the quote's words with the sentence's (a cut quote matches the span it was cut from). Below `floor`
        only the score is computed (no differing words, no fact check): such a sentence is neither match nor look-alike."""
        s = normalise(sentence)
        qw, sw = self.words, [w.lower() for w in words(s)]
        if not qw or not sw:
            return Closeness(0.0, (), ())
        ops = list(Levenshtein.opcodes(sw, qw))
        matched = [op for op in ops if op.tag == "equal"]
        if matched:  # the span of the sentence the quote covers: from its first to its last shared word
            lo, hi = matched[0].src_start, matched[-1].src_end
            window = " ".join(sw[lo:hi])
        else:
            lo, hi, window = 0, len(sw), s
        qj = self.joined
        score = max(fuzz.partial_ratio(qj, " ".join(sw)) if len(qj) < len(s) else 0.0, fuzz.ratio(qj, window))
        score = max(score, fuzz.token_sort_ratio(qj, window) - 5.0) / 100.0  # word order changed: a small penalty
        if score < floor:
            return Closeness(round(score, 4), (), ())
        diffs = []
        negation_changed = False
        for op in ops:
            if op.tag == "equal":
                continue
            art, quo = sw[op.src_start : op.src_end], qw[op.dest_start : op.dest_end]
            if op.tag == "delete" and (op.src_end <= lo or op.src_start >= hi):
                continue  # the part of the sentence the quote leaves out at either end
            negation_changed |= any(w in NEGATIONS for w in art) != any(w in NEGATIONS for w in quo)
            diffs.append(WordDiff(" ".join(art), " ".join(quo)))
        have = word_set(sentence)
        changed = [f for f in self.facts if not holds(f, have)]
        if negation_changed:
            changed.append("not")
        return Closeness(round(score, 4), tuple(diffs), tuple(changed))


def compare(quote: str, sentence: str) -> Closeness:
    """How a quote compares with one sentence (`Quote(quote).compare(sentence)`)."""
    return Quote(quote).compare(sentence)


def fact_note(close: Closeness) -> str:
    """Why a close sentence is not the quote's source."""
    if not close.changed_facts:
        return ""
    missing = [f for f in close.changed_facts if f != "not"]
    parts = [f"the sentence does not say {', '.join(missing)}"] if missing else []
    parts += ["one of them says 'not'"] if "not" in close.changed_facts else []
    return "a fact differs: " + "; ".join(parts)
