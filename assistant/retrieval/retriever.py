"""Dense, BM25 and hybrid retrieval with date and source filters."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from itertools import zip_longest
from typing import TYPE_CHECKING

from assistant.documents import Passage
from assistant.embedder import Embedder
from assistant.errors import QuestionError
from assistant.retrieval.filters import Filters
from assistant.retrieval.fusion import reciprocal_rank_fusion
from assistant.retrieval.periods import Period, named_periods
from assistant.store.facade import Store

if TYPE_CHECKING:
    from assistant.retrieval.langchain import HybridRetriever

MODES = ("hybrid", "dense", "bm25")


class Retriever:
    """Finds passages for a question in a Store."""

    def __init__(self, store: Store, embedder: Embedder, candidates: int = 30, rrf_k: int = 60) -> None:
        self.store = store
        self.embedder = embedder
        self.candidates = candidates
        self.rrf_k = rrf_k

    def retrieve(
        self,
        question: str,
        k: int = 8,
        mode: str = "hybrid",
        filters: Filters | None = None,
        vector: Sequence[float] | None = None,
    ) -> list[Passage]:
        """Top-k passages; each keeps its rank in the dense and BM25 lists. `vector`: the question's, already embedded.

        A question that names two or more months or years ("in May 2021 and in February 2022") is also searched within
        each (inside the filters' dates): the best k // (periods + 1) passages of each period come first, in turn, then
        the unrestricted search's, k in all; one search lets the busier period's articles fill every place."""
        if mode not in MODES:
            raise QuestionError(f"unknown retrieval mode {mode!r}; choose one of {', '.join(MODES)}")
        filters = filters or Filters()
        if mode != "bm25" and vector is None:
            vector = self.embedder.embed(question)  # once, for every search below
        passages = self._search(question, k, mode, filters, vector)
        periods = [f for f in (_within(filters, p) for p in named_periods(question)) if f is not None]
        if len(periods) < 2:
            return passages
        per = max(2, k // (len(periods) + 1))
        found = [self._search(question, per, mode, f, vector) for f in periods]
        merged: dict[str, Passage] = {}
        for p in [p for turn in zip_longest(*found) for p in turn if p is not None] + passages:
            merged.setdefault(p.chunk_id, p)
        return list(merged.values())[:k]

    def _search(self, question: str, k: int, mode: str, filters: Filters, vector: Sequence[float] | None) -> list[Passage]:
        """One fused search within the filters."""
        since, until, source = filters.as_ints()
        dense: list[tuple[str, float]] = []
        sparse: list[tuple[str, float]] = []
        if mode in ("hybrid", "dense") and vector is not None:
            dense = self.store.search_vectors(vector, self.candidates, since, until, source)
        if mode in ("hybrid", "bm25"):
            sparse = self.store.search_keywords(question, self.candidates, since, until, source)
        if mode == "dense":
            fused = dense
        elif mode == "bm25":
            fused = sparse
        else:
            fused = reciprocal_rank_fusion([[c for c, _ in dense], [c for c, _ in sparse]], k=self.rrf_k)
        passages = self.store.passages(fused[:k])
        dense_rank = {c: i for i, (c, _) in enumerate(dense, 1)}
        dense_sim = dict(dense)
        sparse_rank = {c: i for i, (c, _) in enumerate(sparse, 1)}
        for p in passages:
            if p.chunk_id in dense_rank:
                p.ranks["dense"] = dense_rank[p.chunk_id]
                p.dense_sim = dense_sim[p.chunk_id]
            if p.chunk_id in sparse_rank:
                p.ranks["bm25"] = sparse_rank[p.chunk_id]
        return passages

    def as_retriever(
        self, filters: Filters | None = None, k: int = 8, mode: str = "hybrid", vector: Sequence[float] | None = None
    ) -> HybridRetriever:
        """This retriever as a LangChain `BaseRetriever`, to drop into a user's own chain (the pipeline's own retrieve
        step is one, given the question's vector)."""
        from assistant.retrieval.langchain import HybridRetriever

        return HybridRetriever(retriever=self, filters=filters or Filters(), k=k, mode=mode, vector=vector)


def _within(filters: Filters, period: Period) -> Filters | None:
    """The filters narrowed to a period; None when the two do not overlap."""
    since = max(filters.since or period.since, period.since)
    until = min(filters.until or period.until, period.until)
    return replace(filters, since=since, until=until) if since <= until else None
