"""`CitationLookup`: from a quote or a claim to the sentences that state it - verbatim, near-verbatim, paraphrase -
sentence by sentence, with wire copies grouped under the earliest publication."""

from __future__ import annotations

import time

import numpy as np

from assistant.embedder import Embedder
from assistant.lookup.candidates import CandidateFinder
from assistant.lookup.checker import ClaimChecker, OverlapChecker
from assistant.lookup.fuzzy import Quote, fact_note
from assistant.lookup.grouping import group
from assistant.lookup.text import keyword_text, normalise, strip_quote, words
from assistant.lookup.types import NEAR, NONE, PARAPHRASE, VERBATIM, Candidate, CiteResult, Scored, SentenceLookup
from assistant.lookup.validate import MAX_SENTENCES, LookupInputError, check_text
from assistant.retrieval.filters import Filters
from assistant.retrieval.retriever import Retriever
from assistant.store.facade import Store
from assistant.text import split_sentences

NEAR_THRESHOLD = 0.85  # rapidfuzz closeness (0..1) of an edited quote to its sentence
PARAPHRASE_THRESHOLD = 0.3  # the checker's score above which a sentence states the claim (tuned on evals/cite_dev.jsonl)
MIN_SIMILARITY = 0.4  # sentence-vector cosine below which a sentence is not even checked
CHECKED = 10  # sentences per claim handed to the checker, best cosine first
CLOSEST = 3  # closest sentences shown, labelled as not matching, when nothing states the text


class CitationLookup:
    """Finds who published a quote or claim, where and when first; the claim checker is injected."""

    def __init__(
        self,
        store: Store,
        embedder: Embedder,
        checker: ClaimChecker | None = None,
        retriever: Retriever | None = None,
        near_threshold: float = NEAR_THRESHOLD,
        paraphrase_threshold: float = PARAPHRASE_THRESHOLD,
        min_similarity: float = MIN_SIMILARITY,
    ) -> None:
        self.store = store
        self.finder = CandidateFinder(store, embedder, retriever)
        self.checker: ClaimChecker = checker or OverlapChecker()
        self.near_threshold = near_threshold
        self.paraphrase_threshold = paraphrase_threshold
        self.min_similarity = min_similarity

    def cite(self, text: str, filters: Filters | None = None, k: int = 5) -> CiteResult:
        """Look up each sentence of `text`; at most `k` statements per sentence."""
        t0 = time.perf_counter()
        text = check_text(text)
        parts = [text[s.start : s.end] for s in split_sentences(text)]
        parts = [p for p in parts if len(words(p)) >= 2] or [text]
        if len(parts) > MAX_SENTENCES:
            raise LookupInputError(f"the text has {len(parts)} sentences; look up at most {MAX_SENTENCES} at a time")
        found = tuple(self.lookup_sentence(p, filters or Filters(), k) for p in parts)
        return CiteResult(text, found, (time.perf_counter() - t0) * 1000)

    def lookup_sentence(self, text: str, filters: Filters, k: int = 5) -> SentenceLookup:
        """One sentence: verbatim, else near-verbatim, else paraphrase, else the closest sentences (not matching)."""
        quote = strip_quote(text) or text
        verbatim = self.verbatim(quote, filters)
        if verbatim:
            return SentenceLookup(text, tuple(group(self.store, verbatim, filters)[:k]))
        by_words = self.finder.by_keywords(keyword_text(quote), filters)
        prepared = Quote(quote)
        close = [(c, prepared.compare(c.text, self.near_threshold)) for c in by_words]
        near = [
            Scored(c, NEAR, cl.score, cl.diffs) for c, cl in close if cl.score >= self.near_threshold and not cl.changed_facts
        ]
        if near:
            return SentenceLookup(text, tuple(group(self.store, near, filters)[:k]))
        lookalikes = {c.key: cl for c, cl in close if self._near(cl.score) and cl.changed_facts}
        pool = _unique(by_words + self.finder.by_meaning(quote, filters))
        sims = self.finder.similarities(quote, pool)
        order = [int(i) for i in np.argsort(-sims)[:CHECKED] if sims[i] >= self.min_similarity]
        probs = self.checker.score(quote, [pool[i].text for i in order]) if order else []
        para = [
            Scored(pool[i], PARAPHRASE, float(p))
            for i, p in zip(order, probs, strict=True)
            if p >= self.paraphrase_threshold and pool[i].key not in lookalikes
        ]
        if para:
            return SentenceLookup(text, tuple(group(self.store, para, filters)[:k]))
        return SentenceLookup(text, (), tuple(self._closest(pool, sims, lookalikes, dict(zip(order, probs, strict=True)))))

    def _near(self, score: float) -> bool:
        return score >= self.near_threshold

    def verbatim(self, quote: str, filters: Filters) -> list[Scored]:
        """Sentences that hold the quote word for word (quotes, dashes, spacing and case aside), found by phrase search."""
        target = normalise(quote).rstrip(".!?")
        if len(words(target)) < 2:
            return []
        out = []
        for c in self.finder.by_phrase(quote, filters):
            folded = normalise(c.text)
            if target in folded:
                out.append(Scored(c, VERBATIM, 1.0 if len(target) >= 0.9 * len(folded.rstrip(".!?")) else 0.99))
        return out

    def _closest(self, pool: list[Candidate], sims: np.ndarray, lookalikes: dict, probs: dict[int, float]) -> list:
        """The nearest sentences, labelled NONE: look-alikes with a fact changed first, then by vector similarity."""
        scored = []
        for c in pool:
            if c.key in lookalikes:
                cl = lookalikes[c.key]
                scored.append(Scored(c, NONE, cl.score, cl.diffs, fact_note(cl)))
        for i in [int(i) for i in np.argsort(-sims)[: CLOSEST + len(scored)]]:
            if pool[i].key not in lookalikes:
                p = probs.get(i)
                note = "similar words, but does not state it" + (f" (checker {p:.2f})" if p is not None else "")
                scored.append(Scored(pool[i], NONE, float(sims[i]), (), note))
        return group(self.store, scored, Filters())[:CLOSEST]


def _unique(cands: list[Candidate]) -> list[Candidate]:
    seen: dict[tuple[str, int], Candidate] = {}
    for c in cands:
        seen.setdefault(c.key, c)
    return list(seen.values())
