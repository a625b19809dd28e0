"""The LCEL chain that wires condense -> retrieve -> answer -> cite, and the Pipeline facade."""

from __future__ import annotations

import time
from typing import Any

from .answer import Answer, Answerer, Draft
from .citations import check_claims, normalise, quote_is_verbatim
from .documents import Passage
from .embeddings import Embedder, make_embedder
from .extractive import ExtractiveAnswerer, idf_from_counts
from .followup import condense
from .retrieval import Filters, Retriever
from .settings import Settings
from .store import Store
from .support import SUPPORT_THRESHOLD

REFUSAL = "The indexed articles do not say."


class Pipeline:
    """Owns one store, one embedder and one answerer; thread-safe for concurrent `ask` calls."""

    def __init__(
        self,
        settings: Settings,
        store: Store | None = None,
        embedder: Embedder | None = None,
        answerer: Answerer | None = None,
    ) -> None:
        self.settings = settings
        self.embedder = embedder or make_embedder(settings.embed_model)
        self.store = store or Store(settings)
        self.retriever = Retriever(self.store, self.embedder, settings.candidates, settings.rrf_k)
        self.answerer = answerer or ExtractiveAnswerer(self.embedder, self.idf)
        self._chain = None

    def idf(self, terms: list[str]) -> dict[str, float]:
        """IDF of stemmed terms over the indexed chunks."""
        n, dfs = self.store.keyword.doc_freqs(terms)
        return idf_from_counts(n, dfs)

    @property
    def chain(self) -> Any:
        """The LCEL runnable: {question, history, filters, k, mode} -> Answer."""
        if self._chain is None:
            from langchain_core.runnables import RunnableLambda, RunnablePassthrough

            self._chain = (
                RunnablePassthrough.assign(standalone=RunnableLambda(self._condense))
                | RunnablePassthrough.assign(passages=RunnableLambda(self._retrieve))
                | RunnablePassthrough.assign(draft=RunnableLambda(self._answer))
                | RunnableLambda(self._finish)
            )
        return self._chain

    def ask(
        self,
        question: str,
        history: list[dict] | None = None,
        filters: Filters | None = None,
        k: int | None = None,
        mode: str | None = None,
    ) -> Answer:
        """Answer one question (with optional chat history)."""
        question = " ".join(question.split())
        if not question:
            raise ValueError("the question is empty")
        if len(question) > 2000:
            raise ValueError(f"the question is {len(question)} characters long; the limit is 2000")
        return self.chain.invoke(
            {
                "question": question, "history": history or [], "filters": filters or Filters(),
                "k": k or self.settings.k, "mode": mode or self.settings.mode, "t0": time.perf_counter(), "timings": {},
            }
        )  # fmt: skip

    def _condense(self, x: dict) -> str:
        return condense(x["question"], x["history"])

    def _retrieve(self, x: dict) -> list[Passage]:
        t = time.perf_counter()
        passages = self.retriever.retrieve(x["standalone"], k=x["k"], mode=x["mode"], filters=x["filters"])
        x["timings"]["retrieve"] = _ms(t)
        return passages

    def _answer(self, x: dict) -> Draft:
        t = time.perf_counter()
        draft = self.answerer.answer(x["standalone"], x["passages"])
        x["timings"]["answer"] = _ms(t)
        return draft

    def _finish(self, x: dict) -> Answer:
        draft = normalise(x["draft"])
        passages: list[Passage] = x["passages"]
        closest = _closest(passages)
        for c in draft.citations:
            doc = self.store.keyword.document(c.doc_id)
            c.verified = bool(doc) and quote_is_verbatim(c, doc["text"])
        if any(not c.verified for c in draft.citations):
            draft.notes.append("a quote did not match its article and was flagged")
        draft = check_claims(draft, SUPPORT_THRESHOLD, keep_unsupported=self.settings.show_unsupported)
        text = draft.text
        if draft.refused or not draft.citations:
            names = "; ".join(f"{d['title']} ({d['date'] or 'date unknown'})" for d in closest[:3])
            text = REFUSAL + (f" Closest articles: {names}." if names else " Nothing relevant is indexed.")
        timings = x["timings"]
        timings["total"] = _ms(x["t0"])
        return Answer(
            question=x["question"], answer=text, refused=draft.refused or not draft.citations,
            citations=[] if draft.refused else draft.citations,
            retrieved=[{"doc_id": p.doc_id, "chunk_id": p.chunk_id, "score": round(p.score, 6)} for p in passages],
            timings_ms=timings, confidence=round(draft.confidence, 4),
            standalone_question=x["standalone"] if x["standalone"] != x["question"] else None,
            closest=closest if draft.refused else [], notes=draft.notes,
        )  # fmt: skip

    def close(self) -> None:
        """Release the store."""
        self.store.close()


def _closest(passages: list[Passage]) -> list[dict]:
    seen, out = set(), []
    for p in passages:
        if p.doc_id not in seen:
            seen.add(p.doc_id)
            out.append({"doc_id": p.doc_id, "title": p.title, "date": p.date, "source": p.source, "url": p.url})
    return out[:5]


def _ms(t0: float) -> float:
    return round((time.perf_counter() - t0) * 1000, 2)
