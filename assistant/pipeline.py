"""The Pipeline facade and its LCEL chain: condense -> retrieve -> answer -> finish, each a named step.

Each step takes one typed value of `stages.py` and returns the next (Request -> Standalone -> Retrieved -> Drafted ->
Answer); nothing is mutated. The retrieve step runs the product's `HybridRetriever` and the answer step runs the
answerer as a runnable, so a LangChain callback handler or tracer passed to `ask` sees both with their inputs and
outputs.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from assistant.answer.citations import check_claims, normalise, quote_is_verbatim
from assistant.answer.condense import condense_with
from assistant.answer.extractive.annotations import ComputedInfos, StoredInfos
from assistant.answer.extractive.answerer import ExtractiveAnswerer
from assistant.answer.extractive.judge import SentenceJudge
from assistant.answer.extractive.question import analyse
from assistant.answer.extractive.reading import OnnxReader
from assistant.answer.extractive.text_terms import idf_from_counts
from assistant.answer.refusal import decide
from assistant.answer.support import SUPPORT_THRESHOLD
from assistant.answer.types import Answer, Answerer, AnswerInput, Draft, TokenFn, Turn
from assistant.documents import Passage
from assistant.embedder import Embedder
from assistant.errors import QuestionError
from assistant.retrieval.embeddings import embedder_for
from assistant.retrieval.expand import ArticleExpander
from assistant.retrieval.filters import Filters
from assistant.retrieval.retriever import Retriever
from assistant.settings import Settings
from assistant.stages import Drafted, Request, Retrieved, Standalone
from assistant.store.facade import Store

WARM_UP_QUESTION = "Who met whom, and where?"
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
        self.embedder = embedder or embedder_for(settings)
        self.store = store or Store(settings)
        self.retriever = Retriever(self.store, self.embedder, settings.candidates, settings.rrf_k)
        self.expander = ArticleExpander(self.store, settings.expand_articles)
        infos = StoredInfos(self.store, fallback=ComputedInfos(self.embedder))
        reader = OnnxReader() if settings.reader else None
        self.extractive = ExtractiveAnswerer(self.embedder, infos, judge=_judge(settings), reader=reader)
        # An "llm" answerer that fails gives the extractive answer (the answer step falls back).
        self.answerer: Answerer = answerer or self._configured_answerer()
        self._chain = None

    def _configured_answerer(self) -> Answerer:
        from assistant.answer.llm.registry import make_chat_model, parse_spec

        spec = parse_spec(self.settings.llm)
        if spec.kind == "extractive":
            return self.extractive
        from assistant.answer.llm.generative import GenerativeAnswerer

        model = make_chat_model(spec, self.settings)
        return GenerativeAnswerer(model, spec.label, self.settings.llm_context, self.settings.llm_max_tokens)

    def idf(self, lemmas: list[str]) -> dict[str, float]:
        """IDF of the question's lemmas over the indexed chunks (FTS5 stems them as it stems the chunks)."""
        n, dfs = self.store.doc_freqs(lemmas)
        return idf_from_counts(n, dfs)

    def term_weights(self, question: str) -> dict[str, float]:
        """The IDF of the question's content lemmas, as the extractive reader weighs them."""
        lemmas = analyse(question).lemmas
        return self.idf(list(lemmas)) if lemmas else {}

    def reader_input(self, question: str, passages: Sequence[Passage], vector: Any = None) -> AnswerInput:
        """What the extractive reader reads: the passages with the rest of the best articles (`reader_passages`), the
        question's vector (embedded here unless given) and its term weights, each computed once."""
        vector = self.embedder.embed(question) if vector is None else vector
        return AnswerInput(question, self.reader_passages(passages), vector, self.term_weights(question))

    def reader_passages(self, passages: Sequence[Passage]) -> tuple[Passage, ...]:
        """The retrieved passages, then the other chunks of the first `expand_articles` articles among them: a
        readout's later paragraphs, where an agenda or a list of outcomes usually stands (small-to-big retrieval). An
        LLM answerer reads the retrieved passages only (its context window is the limit)."""
        return tuple(self.expander.run(list(passages)))

    @property
    def chain(self) -> Any:
        """The LCEL runnable `ask` invokes: Request -> Answer in four named steps (condense, retrieve, answer, finish)."""
        if self._chain is None:
            from langchain_core.runnables import RunnableLambda

            self._chain = (
                RunnableLambda(self._condense).with_config(run_name="condense")
                | RunnableLambda(self._retrieve).with_config(run_name="retrieve")
                | RunnableLambda(self._answer).with_config(run_name="answer")
                | RunnableLambda(self._finish).with_config(run_name="finish")
            ).with_config(run_name="ask")
        return self._chain

    def ask(
        self,
        question: str,
        history: Sequence[Turn | Mapping] | None = None,
        filters: Filters | None = None,
        k: int | None = None,
        mode: str | None = None,
        on_token: TokenFn | None = None,
        threshold: float | None = None,
        callbacks: Sequence[Any] | None = None,
    ) -> Answer:
        """Answer one question (with optional chat history); `on_token` receives streamed LLM tokens; `threshold`
        replaces the answerer's refusal threshold (the evaluation passes 0.0); `callbacks` are LangChain callback
        handlers (tracers) that see every step. Its `invoke` imports LangChain's tracing machinery, about 0.2-0.4 s of
        a cold `assistant ask`: kept on purpose."""
        question = " ".join(question.split())
        if not question:
            raise QuestionError("the question is empty")
        if len(question) > 2000:
            raise QuestionError(f"the question is {len(question)} characters long; the limit is 2000")
        request = Request(
            question=question,
            history=tuple(Turn.of(t) for t in history or ()),
            filters=filters or Filters(),
            k=k or self.settings.k,
            mode=mode or self.settings.mode,
            threshold=threshold,
            on_token=on_token,
        )
        return self.chain.invoke(request, config={"callbacks": list(callbacks)} if callbacks else None)

    def _condense(self, request: Request) -> Standalone:
        """The question made standalone: by the LLM backend's chat model when there is one, else by rules."""
        return Standalone(request, condense_with(self.answerer.chat_model, request.question, request.history))

    def _retrieve(self, standalone: Standalone, config: Any) -> Retrieved:
        """Embed the standalone question once (unless only keywords are searched) and run the HybridRetriever."""
        from assistant.retrieval.langchain import to_passage

        t = time.perf_counter()
        request = standalone.request
        vector = None if request.mode == "bm25" else self.embedder.embed(standalone.question)
        retriever = self.retriever.as_retriever(request.filters, request.k, request.mode, vector=vector)
        passages = tuple(to_passage(d) for d in retriever.invoke(standalone.question, config))
        return Retrieved(standalone, vector, passages, {"retrieve": _ms(t)})

    def _answer(self, retrieved: Retrieved, config: Any) -> Drafted:
        """The answerer's draft; an "llm" answerer that fails gives the extractive answer, with a note saying why."""
        t = time.perf_counter()
        answerer = self.answerer
        if answerer.kind == "extractive":
            draft = _run(answerer, self._reader_request(retrieved, config), config)
        else:
            try:
                draft = _run(answerer, retrieved.answer_input(), config)
            except Exception as exc:  # noqa: BLE001 - timeouts, refused connections, unknown models: fall back
                log.warning("LLM answer failed: %s", exc)
                draft = _run(self.extractive, self._reader_request(retrieved, config), config)
                note = f"the {answerer.name} model failed ({type(exc).__name__}: {str(exc)[:160]}); this is the extractive answer"
                draft = replace(draft, notes=[*draft.notes, note])
        return Drafted(retrieved, draft, {**retrieved.timings, "answer": _ms(t)})

    def _reader_request(self, retrieved: Retrieved, config: Any) -> AnswerInput:
        """The extractive reader's input: the term weights, the query vector and `reader_passages` of the retrieval,
        run as a child step named "expand" (a tracer sees the passages it added)."""
        from langchain_core.runnables import RunnableLambda

        question = retrieved.standalone.question
        vector = self.embedder.embed(question) if retrieved.query_vector is None else None
        request = retrieved.answer_input(self.term_weights(question), vector)
        passages = RunnableLambda(self.reader_passages, name="expand").invoke(request.passages, config)
        return replace(request, passages=passages)

    def _finish(self, drafted: Drafted) -> Answer:
        """Citations checked against their articles, claims against their quotes; then the one refusal decision."""
        request, retrieved = drafted.retrieved.standalone.request, drafted.retrieved
        draft = normalise(drafted.draft)
        decision = decide(draft, self._checked(draft), retrieved.passages, request.threshold)
        standalone = retrieved.standalone.question
        return Answer(
            question=request.question,
            answer=decision.text,
            refused=decision.refused,
            citations=decision.citations,
            retrieved=[{"doc_id": p.doc_id, "chunk_id": p.chunk_id, "score": round(p.score, 6)} for p in retrieved.passages],
            timings_ms={**drafted.timings, "total": _ms(request.t0)},
            confidence=round(draft.confidence, 4),
            answerability=None if draft.answerability is None else round(draft.answerability, 4),
            standalone_question=standalone if standalone != request.question else None,
            closest=decision.closest,
            notes=decision.notes,
        )

    def _checked(self, draft: Draft) -> Draft:
        """Each quote verified verbatim against its article, other outlets of the story attached, then the claim
        check (unsupported claims dropped, or flagged with `show_unsupported`)."""
        if draft.refused:
            return draft
        for c in draft.citations:
            doc = self.store.document(c.doc_id)
            c.verified = bool(doc) and quote_is_verbatim(c, doc["text"])
            c.also_reported_by = self.store.also_reported_by(c.doc_id)
        notes = list(draft.notes)
        if any(not c.verified for c in draft.citations):
            notes.append("a quote did not match its article and was flagged")
        return check_claims(replace(draft, notes=notes), SUPPORT_THRESHOLD, keep_unsupported=self.settings.show_unsupported)

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
        if self.answerer.kind == "extractive":
            self.ask(WARM_UP_QUESTION, k=2)
        else:
            _ = self.chain
            passages = self.retriever.retrieve(WARM_UP_QUESTION, k=2, mode=self.settings.mode)
            self.extractive.answer(self.reader_input(WARM_UP_QUESTION, passages))
        return time.perf_counter() - t

    def close(self) -> None:
        """Release the store."""
        self.store.close()


def _run(answerer: Answerer, request: AnswerInput, config: Any) -> Draft:
    """The answerer as a runnable named after it, a child of the answer step (a tracer sees its input and draft)."""
    from langchain_core.runnables import RunnableLambda

    return RunnableLambda(answerer.answer, name=answerer.name).invoke(request, config)


def _judge(settings: Settings) -> SentenceJudge | None:
    """The optional judge the settings name (nothing is loaded until it judges)."""
    if settings.judge is None:
        return None
    from assistant.answer.extractive.judge import LlamaCppJudge

    return LlamaCppJudge(settings.judge)


def _ms(t0: float) -> float:
    return round((time.perf_counter() - t0) * 1000, 2)
