"""Dense, BM25 and hybrid retrieval with date and source filters."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.documents import Passage, date_to_int
from assistant.retrieval.embeddings import Embedder
from assistant.retrieval.fusion import reciprocal_rank_fusion
from assistant.store.facade import Store

MODES = ("hybrid", "dense", "bm25")


@dataclass(frozen=True)
class Filters:
    """Restrictions on which articles may be retrieved."""

    since: str | None = None  # ISO date, inclusive
    until: str | None = None  # ISO date, inclusive
    source: str | None = None

    def as_ints(self) -> tuple[int | None, int | None, str | None]:
        """Dates as day numbers, as both indexes store them."""
        return date_to_int(self.since), date_to_int(self.until), self.source or None


class Retriever:
    """Finds passages for a question in a Store."""

    def __init__(self, store: Store, embedder: Embedder, candidates: int = 30, rrf_k: int = 60) -> None:
        self.store = store
        self.embedder = embedder
        self.candidates = candidates
        self.rrf_k = rrf_k

    def retrieve(
        self, question: str, k: int = 8, mode: str = "hybrid", filters: Filters | None = None
    ) -> list[Passage]:
        """Top-k passages; each keeps its rank in the dense and BM25 lists."""
        if mode not in MODES:
            raise ValueError(f"unknown retrieval mode {mode!r}; choose one of {', '.join(MODES)}")
        since, until, source = (filters or Filters()).as_ints()
        dense: list[tuple[str, float]] = []
        sparse: list[tuple[str, float]] = []
        if mode in ("hybrid", "dense"):
            vec = self.embedder.embed(question)
            dense = self.store.vectors.search(vec, self.candidates, since, until, source)
        if mode in ("hybrid", "bm25"):
            sparse = self.store.keyword.search(question, self.candidates, since, until, source)
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
