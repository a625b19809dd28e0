"""Candidate sentences from the index: by phrase (verbatim), by keywords (near-verbatim), by the hybrid retriever
(paraphrase), with their stored sentence vectors. Every read goes through the `Store` facade and the `Retriever`."""

from __future__ import annotations

import numpy as np

from assistant.documents import Passage
from assistant.embedder import Embedder
from assistant.lookup.text import words
from assistant.lookup.types import Candidate
from assistant.retrieval.filters import Filters
from assistant.retrieval.retriever import Retriever
from assistant.store.facade import Store


def sentences_of(passages: list[Passage]) -> list[Candidate]:
    """Each distinct sentence of the passages once, in passage order."""
    seen: set[tuple[str, int]] = set()
    out = []
    for p in passages:
        for s in p.sentences:
            if (p.doc_id, s.start) in seen:
                continue
            seen.add((p.doc_id, s.start))
            text = p.text[s.start - p.start : s.end - p.start]
            out.append(Candidate(p.doc_id, s.start, s.end, text, p.title, p.source, p.date, p.url))
    return out


class CandidateFinder:
    """Finds the sentences a text may come from."""

    def __init__(self, store: Store, embedder: Embedder, retriever: Retriever | None = None) -> None:
        self.store = store
        self.embedder = embedder
        self.retriever = retriever or Retriever(store, embedder)

    def by_phrase(self, text: str, filters: Filters, limit: int = 50) -> list[Candidate]:
        """Sentences of the chunks that hold the text's words in order (to be checked verbatim by the caller)."""
        since, until, source = filters.as_ints()
        ids = self.store.search_phrase(words(text), limit, since, until, source)
        return sentences_of(self.store.passages([(cid, 0.0) for cid in ids]))

    def by_keywords(self, text: str, filters: Filters, limit: int = 12) -> list[Candidate]:
        """Sentences of the best BM25 chunks for the text's words."""
        since, until, source = filters.as_ints()
        return sentences_of(self.store.passages(self.store.search_keywords(text, limit, since, until, source)))

    def by_meaning(self, text: str, filters: Filters, k: int = 10) -> list[Candidate]:
        """Sentences of the hybrid retriever's best chunks (Chroma vectors fused with BM25)."""
        return sentences_of(self.retriever.retrieve(text, k=k, mode="hybrid", filters=filters))

    def similarities(self, text: str, candidates: list[Candidate]) -> np.ndarray:
        """Cosine of the text's vector with each candidate's stored sentence vector (computed when the index lacks it)."""
        if not candidates:
            return np.zeros(0, dtype=np.float32)
        query = np.asarray(self.embedder.embed(text), dtype=np.float32)
        stored = self.store.sentence_infos([c.key for c in candidates])
        missing = [c for c in candidates if c.key not in stored]
        computed = dict(zip([c.key for c in missing], self.embedder.embed_batch([c.text for c in missing]), strict=True))
        rows = [stored[c.key].vector if c.key in stored else computed[c.key] for c in candidates]
        mat = np.asarray(rows, dtype=np.float32)
        norms = np.linalg.norm(mat, axis=1)
        return mat @ query / np.where(norms == 0, 1.0, norms) / max(float(np.linalg.norm(query)), 1e-9)
