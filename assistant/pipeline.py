"""The LCEL chain that wires condense -> retrieve -> answer -> cite, and the Pipeline facade."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from assistant.answer.citations import check_claims, normalise, quote_is_verbatim
from assistant.answer.extractive.answerer import ExtractiveAnswerer, idf_from_counts
from assistant.answer.support import SUPPORT_THRESHOLD
from assistant.answer.types import Answer, Answerer, Draft
from assistant.documents import Passage
from assistant.retrieval.condense import condense, needs_context
from assistant.retrieval.embeddings import Embedder, make_embedder
from assistant.retrieval.retriever import Filters, Retriever
from assistant.settings import Settings
from assistant.store.facade import Store

REFUSAL = "The indexed articles do not say."
log = logging.getLogger(__name__)


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
        self.extractive = ExtractiveAnswerer(self.embedder, self.idf)
        self.answerer = answerer or self._configured_answerer()
        self._chain = None

    def _configured_answerer(self) -> Answerer:
        from assistant.answer.llm.registry import make_chat_model, parse_spec

        spec = parse_spec(self.settings.llm)
        if spec.kind == "extractive":
            return self.extractive
        from assistant.answer.llm.generative import GenerativeAnswerer

        model = make_chat_model(spec, self.settings)
        return GenerativeAnswerer(model, spec.label, self.settings.llm_context, self.settings.llm_max_tokens)

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
        on_token: Callable[[str], None] | None = None,
    ) -> Answer:
        """Answer one question (with optional chat history); `on_token` receives streamed LLM tokens."""
        question = " ".join(question.split())
        if not question:
            raise ValueError("the question is empty")
        if len(question) > 2000:
            raise ValueError(f"the question is {len(question)} characters long; the limit is 2000")
        return self.chain.invoke(
            {
                "question": question, "history": history or [], "filters": filters or Filters(),
                "k": k or self.settings.k, "mode": mode or self.settings.mode, "t0": time.perf_counter(), "timings": {},
                "on_token": on_token,
            }
        )  # fmt: skip

    def _condense(self, x: dict) -> str:
        model = getattr(self.answerer, "model", None)
        if model is None or not x["history"] or not needs_context(x["question"]):
            return condense(x["question"], x["history"])
        from assistant.answer.prompting import render

        turns = "\n".join(f"Q: {t.get('question', '')}\nA: {str(t.get('answer', ''))[:400]}" for t in x["history"][-3:])
        try:
            out = str(model.invoke(render("condense", history=turns, question=x["question"])).content).strip()
        except Exception as exc:  # noqa: BLE001 - any backend failure falls back to the rule-based rewrite
            log.warning("condense with the LLM failed (%s); using the rule-based rewrite", exc)
            out = ""
        line = out.splitlines()[0].strip() if out else ""
        return line if 3 < len(line) < 500 else condense(x["question"], x["history"])

    def _retrieve(self, x: dict) -> list[Passage]:
        t = time.perf_counter()
        passages = self.retriever.retrieve(x["standalone"], k=x["k"], mode=x["mode"], filters=x["filters"])
        x["timings"]["retrieve"] = _ms(t)
        return passages

    def _answer(self, x: dict) -> Draft:
        t = time.perf_counter()
        if self.answerer is self.extractive:
            draft = self.extractive.answer(x["standalone"], x["passages"])
        else:
            try:
                draft = self.answerer.answer(x["standalone"], x["passages"], on_token=x.get("on_token"))
            except Exception as exc:  # noqa: BLE001 - timeouts, refused connections, unknown models: fall back
                log.warning("LLM answer failed: %s", exc)
                draft = self.extractive.answer(x["standalone"], x["passages"])
                draft.notes.append(f"the {self.answerer.name} model failed ({type(exc).__name__}: {str(exc)[:160]}); "
                                   "this is the extractive answer")  # fmt: skip
        x["timings"]["answer"] = _ms(t)
        return draft

    def _finish(self, x: dict) -> Answer:
        draft = normalise(x["draft"])
        passages: list[Passage] = x["passages"]
        closest = _closest(passages)
        for c in draft.citations:
            doc = self.store.keyword.document(c.doc_id)
            c.verified = bool(doc) and quote_is_verbatim(c, doc["text"])
            c.also_reported_by = self.store.dups.sources_of(c.doc_id)
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
