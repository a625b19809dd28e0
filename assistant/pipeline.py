"""The LCEL chain that wires condense -> retrieve -> answer -> cite, and the Pipeline facade.

Each step of the chain takes a `Query` and returns a new one with its field filled in; nothing is mutated.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from assistant.answer.citations import check_claims, normalise, quote_is_verbatim
from assistant.answer.condense import condense, needs_context
from assistant.answer.extractive.annotations import ComputedInfos, StoredInfos
from assistant.answer.extractive.answerer import ExtractiveAnswerer
from assistant.answer.extractive.judge import SentenceJudge
from assistant.answer.extractive.reading import OnnxReader
from assistant.answer.extractive.text_terms import idf_from_counts
from assistant.answer.fallback import FallbackAnswerer
from assistant.answer.support import SUPPORT_THRESHOLD
from assistant.answer.types import Answer, Answerer, Draft, TokenFn, Turn
from assistant.documents import Passage
from assistant.embedder import Embedder
from assistant.errors import QuestionError
from assistant.retrieval.embeddings import embedder_for
from assistant.retrieval.filters import Filters
from assistant.retrieval.retriever import Retriever
from assistant.settings import Settings
from assistant.store.facade import Store

REFUSAL = "The indexed articles do not say."
WARM_UP_QUESTION = "Who met whom, and where?"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Query:
    """What flows through the chain: the request, then what each step added."""

    question: str
    history: tuple[Turn, ...]
    filters: Filters
    k: int
    mode: str
    on_token: TokenFn | None = None
    t0: float = field(default_factory=time.perf_counter)
    timings: Mapping[str, float] = field(default_factory=dict)
    standalone: str = ""  # set by condense
    passages: tuple[Passage, ...] = ()  # set by retrieve
    draft: Draft | None = None  # set by answer


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
        self.embedder = embedder or embedder_for(settings)
        self.store = store or Store(settings)
        self.retriever = Retriever(self.store, self.embedder, settings.candidates, settings.rrf_k)
        infos = StoredInfos(self.store, fallback=ComputedInfos(self.embedder))
        reader = OnnxReader() if settings.reader else None
        self.extractive = ExtractiveAnswerer(self.embedder, self.idf, infos, judge=_judge(settings), reader=reader)
        if answerer is not None and not isinstance(answerer, ExtractiveAnswerer | FallbackAnswerer):
            answerer = FallbackAnswerer(answerer, self.extractive)  # an LLM that fails gives the extractive answer
        self.answerer: Answerer = answerer or self._configured_answerer()
        self._chain = None

    def _configured_answerer(self) -> Answerer:
        from assistant.answer.llm.registry import make_chat_model, parse_spec

        spec = parse_spec(self.settings.llm)
        if spec.kind == "extractive":
            return self.extractive
        from assistant.answer.llm.generative import GenerativeAnswerer

        model = make_chat_model(spec, self.settings)
        generative = GenerativeAnswerer(model, spec.label, self.settings.llm_context, self.settings.llm_max_tokens)
        return FallbackAnswerer(generative, self.extractive)

    def idf(self, lemmas: list[str]) -> dict[str, float]:
        """IDF of the question's lemmas over the indexed chunks (FTS5 stems them as it stems the chunks)."""
        n, dfs = self.store.doc_freqs(lemmas)
        return idf_from_counts(n, dfs)

    @property
    def chain(self) -> Any:
        """The LCEL runnable `ask` invokes: Query -> Answer in four steps (condense, retrieve, answer, finish)."""
        if self._chain is None:
            from langchain_core.runnables import RunnableLambda

            self._chain = (
                RunnableLambda(self._condense)
                | RunnableLambda(self._retrieve)
                | RunnableLambda(self._answer)
                | RunnableLambda(self._finish)
            )
        return self._chain

    def _run(self, query: Query) -> Answer:
        """Every question goes through the LCEL chain (so a LangChain callback or tracer sees each step). Its `invoke`
        imports LangChain's tracing machinery, about 0.2-0.4 s of a cold `assistant ask`: kept on purpose."""
        return self.chain.invoke(query)

    def ask(
        self,
        question: str,
        history: Sequence[Turn | Mapping] | None = None,
        filters: Filters | None = None,
        k: int | None = None,
        mode: str | None = None,
        on_token: TokenFn | None = None,
    ) -> Answer:
        """Answer one question (with optional chat history); `on_token` receives streamed LLM tokens."""
        question = " ".join(question.split())
        if not question:
            raise QuestionError("the question is empty")
        if len(question) > 2000:
            raise QuestionError(f"the question is {len(question)} characters long; the limit is 2000")
        query = Query(
            question=question,
            history=tuple(Turn.of(t) for t in history or ()),
            filters=filters or Filters(),
            k=k or self.settings.k,
            mode=mode or self.settings.mode,
            on_token=on_token,
        )
        return self._run(query)

    def _condense(self, q: Query) -> Query:
        return replace(q, standalone=self._standalone(q))

    def _standalone(self, q: Query) -> str:
        model = getattr(self.answerer, "model", None)  # an LLM backend's chat model; the extractive reader has none
        if not hasattr(model, "invoke") or not q.history or not needs_context(q.question):
            return condense(q.question, q.history)
        from assistant.answer.prompting import render

        turns = "\n".join(f"Q: {t.question}\nA: {t.answer[:400]}" for t in q.history[-3:])
        try:
            out = str(model.invoke(render("condense", history=turns, question=q.question)).content).strip()
        except Exception as exc:  # noqa: BLE001 - any backend failure falls back to the rule-based rewrite
            log.warning("condense with the LLM failed (%s); using the rule-based rewrite", exc)
            out = ""
        line = out.splitlines()[0].strip() if out else ""
        return line if 3 < len(line) < 500 else condense(q.question, q.history)

    def _retrieve(self, q: Query) -> Query:
        t = time.perf_counter()
        passages = self.retriever.retrieve(q.standalone, k=q.k, mode=q.mode, filters=q.filters)
        return replace(q, passages=tuple(passages), timings={**q.timings, "retrieve": _ms(t)})

    def _answer(self, q: Query) -> Query:
        t = time.perf_counter()
        draft = self.answerer.answer(q.standalone, list(q.passages), on_token=q.on_token)
        return replace(q, draft=draft, timings={**q.timings, "answer": _ms(t)})

    def _finish(self, q: Query) -> Answer:
        assert q.draft is not None
        draft = normalise(q.draft)
        passages = list(q.passages)
        closest = _closest(passages)
        for c in draft.citations:
            doc = self.store.document(c.doc_id)
            c.verified = bool(doc) and quote_is_verbatim(c, doc["text"])
            c.also_reported_by = self.store.also_reported_by(c.doc_id)
        if any(not c.verified for c in draft.citations):
            draft.notes.append("a quote did not match its article and was flagged")
        draft = check_claims(draft, SUPPORT_THRESHOLD, keep_unsupported=self.settings.show_unsupported)
        text = draft.text
        if draft.refused or not draft.citations:
            names = "; ".join(f"{d['title']} ({d['date'] or 'date unknown'})" for d in closest[:3])
            text = REFUSAL + (f" Closest articles: {names}." if names else " Nothing relevant is indexed.")
        timings = {**q.timings, "total": _ms(q.t0)}
        return Answer(
            question=q.question,
            answer=text,
            refused=draft.refused or not draft.citations,
            citations=[] if draft.refused else draft.citations,
            retrieved=[{"doc_id": p.doc_id, "chunk_id": p.chunk_id, "score": round(p.score, 6)} for p in passages],
            timings_ms=timings,
            confidence=round(draft.confidence, 4),
            standalone_question=q.standalone if q.standalone != q.question else None,
            closest=closest if draft.refused else [],
            notes=draft.notes,
        )

    def warm_up(self) -> float:
        """Load everything the first question needs: the embedder, the index (Chroma and SQLite), the chain, and the
        reader (spaCy, the ranker), by answering one tiny question end to end; returns the seconds it took. An LLM
        backend is not called: the extractive reader answers the warm-up question."""
        t = time.perf_counter()
        self.embedder.warm_up()
        from assistant import nlp

        nlp.pipeline()
        _ = self.extractive.ranker
        if self.extractive.judge is not None:
            self.extractive.judge.warm_up()
        elif self.extractive.reader_fit is not None and self.extractive.reader is not None:
            self.extractive.reader.warm_up()
        if self.answerer is self.extractive:
            self.ask(WARM_UP_QUESTION, k=2)
        else:
            _ = self.chain
            passages = self.retriever.retrieve(WARM_UP_QUESTION, k=2, mode=self.settings.mode)
            self.extractive.answer(WARM_UP_QUESTION, passages)
        return time.perf_counter() - t

    def close(self) -> None:
        """Release the store."""
        self.store.close()


def _judge(settings: Settings) -> SentenceJudge | None:
    """The optional judge the settings name (nothing is loaded until it judges)."""
    if settings.judge is None:
        return None
    from assistant.answer.extractive.judge import LlamaCppJudge

    return LlamaCppJudge(settings.judge)


def _closest(passages: list[Passage]) -> list[dict]:
    seen, out = set(), []
    for p in passages:
        if p.doc_id not in seen:
            seen.add(p.doc_id)
            out.append({"doc_id": p.doc_id, "title": p.title, "date": p.date, "source": p.source, "url": p.url})
    return out[:5]


def _ms(t0: float) -> float:
    return round((time.perf_counter() - t0) * 1000, 2)
