"""The default, offline answerer: rank the retrieved sentences with the learned ranker, give the calibrated confidence
and operating threshold (`refusal.decide` refuses below it), and answer with the short phrase of the expected entity
type, a list, or an overview."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from assistant.answer.extractive.annotations import SentenceInfoSource, passage_sentences
from assistant.answer.extractive.dates import annotate, relative_in
from assistant.answer.extractive.features import Candidate, date_ok, evidence, feature_matrix
from assistant.answer.extractive.judge import JudgedSentence, JudgeError, SentenceJudge
from assistant.answer.extractive.phrase import answer_items, short_answer
from assistant.answer.extractive.question import ParsedQuestion, analyse
from assistant.answer.extractive.ranker import JudgeFit, RankerModel, answer_features, judge_features, load_model
from assistant.answer.extractive.reading import SentenceReader
from assistant.answer.markers import marker
from assistant.answer.types import AnswerInput, Citation, Draft, citation_for
from assistant.documents import Passage
from assistant.embedder import Embedder
from assistant.text import states_something

# Composition constants, chosen on the dev split's list and overview questions (gold items covered by the points).
MAX_POINTS = 6  # sentences in an overview answer (dev: 4 -> 6 covers 43 -> 48 of 94 gold points)
LIST_POINTS = 5  # sentences in a list answer
LIST_RATIO = 0.5  # a further list sentence needs this share of the best sentence's probability
OVERVIEW_FLOOR = 0.2  # an overview point needs this share of the best point's probability
MMR_LAMBDA = 0.7  # relevance against novelty when choosing overview points


@dataclass(frozen=True)
class Ranking:
    """What `ExtractiveAnswerer.rank` finds: the candidates best first, the calibrated confidence that the first one
    answers, and (when the second stage was fit with a gate) the probability that the passages answer at all."""

    question: ParsedQuestion
    ranked: list[Candidate]
    confidence: float
    answerability: float | None = None


class ExtractiveAnswerer:
    """Answers with verbatim sentences of the retrieved passages, led by the answer phrase when there is one."""

    name = "extractive"
    kind = "extractive"  # reads the request's query vector and term weights
    chat_model = None

    def __init__(
        self,
        embedder: Embedder,
        infos: SentenceInfoSource,
        ranker: RankerModel | None = None,
        threshold: float | None = None,
        judge: SentenceJudge | None = None,
        reader: SentenceReader | None = None,
    ) -> None:
        self.embedder = embedder  # only its name is read: the ranker was fit with one embedder
        self.infos = infos
        self._ranker = ranker
        self._threshold = threshold
        self.judge = judge  # optional: a local LLM re-reads the ranker's best sentences (judge.py)
        self.reader = reader  # the trained reading model (reading.py); the judge replaces it when both are given

    @property
    def ranker(self) -> RankerModel:
        """The fitted ranker, loaded on first use (ingest never needs it)."""
        if self._ranker is None:
            self._ranker = load_model()
            fitted = self._ranker.meta.get("embedder")
            if fitted and fitted != self.embedder.name:
                warnings.warn(
                    f"ranker.json was fit with the {fitted} embedder, this index uses {self.embedder.name}: refit it with "
                    "python evals/train_ranker.py --home DIR",
                    stacklevel=2,
                )
        return self._ranker

    @property
    def judge_fit(self) -> JudgeFit:
        """How the judge's scores are used, fit on dev beside the ranker."""
        if self.ranker.judge is None:
            raise JudgeError("ranker.json holds no fit for a judge; run: python evals/train_ranker.py --home DIR --judge MODEL")
        return self.ranker.judge

    @property
    def reader_fit(self) -> JudgeFit | None:
        """How the reading model's scores are used, fit on dev beside the ranker; None when the reader is off or
        ranker.json holds no fit for it (the ranker alone then answers)."""
        return self.ranker.reader if self.reader is not None and self.judge is None else None

    @property
    def threshold(self) -> float:
        """The calibrated confidence below which an answer is refused: the model's operating point (with a judge or the
        reader, the second stage's) unless the constructor was given one."""
        if self._threshold is not None:
            return self._threshold
        if self.judge is not None:
            return self.judge_fit.threshold
        fit = self.reader_fit
        return fit.threshold if fit is not None else self.ranker.threshold

    # ---- ranking
    def candidates(self, q: ParsedQuestion, passages: list[Passage]) -> list[Candidate]:
        """Every distinct sentence of the passages that states something (not a heading, time stamp, stage direction
        or question: `text.states_something`), with its stored (or computed) annotations."""
        sents = [s for s in passage_sentences(passages) if len(s[1]) >= 12 and not s[1].endswith(":") and states_something(s[1])]
        infos = self.infos.lookup([s[0] for s in sents], [s[1] for s in sents])
        cands = []
        for key, text, passage, rank in sents:
            info = infos[key]
            cands.append(Candidate(passage, rank, key[1], key[1] + len(text), text, info.lemmas, info.entities, info.vector))
        by_doc: dict[str, list[Candidate]] = {}
        for c in sorted(cands, key=lambda c: c.key):
            by_doc.setdefault(c.passage.doc_id, []).append(c)
        for sib in by_doc.values():
            for i, c in enumerate(sib):
                c.neighbours = tuple(lem for j in (i - 1, i + 1) if 0 <= j < len(sib) for lem in sib[j].lemmas)
        return cands

    def rank(self, request: AnswerInput) -> Ranking:
        """Candidates, best first, each with its probability; the calibrated confidence of the best answer and, with a
        gated second stage, the question's answerability."""
        q = analyse(request.question)
        cands = self.candidates(q, list(request.passages))
        if not cands:
            return Ranking(q, [], 0.0)
        weights = dict(_term_weights(request))
        qvec = np.array(request.query_vector, dtype=np.float32)  # a copy of the retriever's vector, normalised here
        qvec /= np.linalg.norm(qvec) or 1.0
        x = feature_matrix(q, cands, qvec, weights)
        probs = self.ranker.sentence.predict(x)
        for c, p in zip(cands, probs, strict=True):
            c.prob = float(p)
        order = [int(i) for i in np.argsort(-probs, kind="stable")]
        judged, first, fit = None, 0, None
        if self.judge is not None:  # the judge reads the best few and may put another of them first
            fit = self.judge_fit
            head = order[: fit.k]
            judged = self.judge.judge(q.text, [JudgedSentence(cands[i].text, cands[i].passage.date) for i in head])
            first = judged_first(probs[head], judged, fit.weight)
            order = [head[first]] + [i for i in order if i != head[first]]
        elif self.reader_fit is not None and self.reader is not None:  # the reader reads the best k and reorders them
            fit = self.reader_fit
            head = order[: fit.k]
            readings = self.reader.read(q.text, [cands[i].text for i in head])
            judged = np.asarray([r.logit for r in readings])
            combined = reader_combined(probs[head], judged, fit.weight)
            for i, r in zip(head, readings, strict=True):
                cands[i].reading = r  # prob stays the ranker's: lists and overviews keep their points (dev: better)
            ranked_head = [head[j] for j in np.argsort(-combined, kind="stable")]
            first = head.index(ranked_head[0])
            order = ranked_head + order[fit.k :]
        row = answer_features(probs, x, bool(q.expected), evidence(q, cands[order[0]], cands, weights), order[0])
        if judged is None or fit is None:
            return Ranking(q, [cands[i] for i in order], float(self.ranker.answer.predict(row[None, :])[0]))
        second = judge_features(row, judged, first)[None, :]
        gate = None if fit.gate is None else float(fit.gate.predict(second)[0])
        return Ranking(q, [cands[i] for i in order], float(fit.answer.predict(second)[0]), gate)

    # ---- answering
    def answer(self, request: AnswerInput) -> Draft:
        """Pick sentences, with the calibrated confidence and the threshold under which `refusal.decide` refuses them;
        a draft that declines when no sentence is long enough to read."""
        ranking = self.rank(request)
        q, ranked, conf = ranking.question, ranking.ranked, ranking.confidence
        if not ranked:
            return Draft(text="", citations=[], refused=True, confidence=conf)
        if q.kind == "overview":
            chosen = _overview(ranked)
        elif q.multi:
            chosen = _list_items(q, ranked)
        else:
            chosen = ranked[:1]
        citations: list[Citation] = [citation_for(i, c.passage, c.start, c.end) for i, c in enumerate(chosen, 1)]
        sentences = [f"{_dated(c.text, c.passage.date)} {marker(i)}" for i, c in enumerate(chosen, 1)]
        weights = dict(_term_weights(request))
        phrases = [p for p in (short_answer(q, c, i, weights) for i, c in enumerate(chosen, 1)) if p]
        if q.kind == "overview" or (q.multi and len(phrases) < len(chosen)):
            text = "\n".join(f"- {s}" for s in sentences)  # one paragraph: the points are the answer
        elif phrases:
            text = "; ".join(dict.fromkeys(phrases)) + "\n\n" + "\n\n".join(sentences)
        else:
            text = "\n\n".join(sentences)
        return Draft(
            text=text,
            citations=citations,
            refused=False,
            confidence=conf,
            threshold=self.threshold,
            answerability=ranking.answerability,
        )


def _term_weights(request: AnswerInput) -> Mapping[str, float]:
    """The request's term weights and query vector, which the pipeline computes (`Pipeline.reader_input`)."""
    if request.term_weights is None or request.query_vector is None:
        raise TypeError("the extractive answerer reads the query vector and term weights: see Pipeline.reader_input")
    return request.term_weights


def reader_combined(probs: np.ndarray, logits: np.ndarray, weight: float) -> np.ndarray:
    """The reader-ordered probability of each read sentence: sigmoid(logit(ranker probability) + weight * reader
    log-odds)."""
    p = np.clip(probs, 1e-6, 1 - 1e-6)
    return 1.0 / (1.0 + np.exp(-(np.log(p / (1 - p)) + weight * logits)))


def judged_first(probs: np.ndarray, judged: np.ndarray, weight: float) -> int:
    """Which of the judged sentences leads: the best of logit(ranker probability) + weight * judge log-odds."""
    p = np.clip(probs, 1e-6, 1 - 1e-6)
    return int(np.argmax(np.log(p / (1 - p)) + weight * judged))


def _dated(text: str, published: str | None) -> str:
    """'met yesterday' -> 'met yesterday (2022-05-23, the article is dated 2022-05-24)'."""
    rel = relative_in(text)
    if not rel:
        return text
    cut = text.index(rel) + len(rel)
    return text[:cut] + annotate(rel, published, text)[len(rel) :] + text[cut:]


def _list_items(q: ParsedQuestion, ranked: list[Candidate]) -> list[Candidate]:
    """The best sentence plus close runners-up that each add an item of the expected type not listed yet."""
    best, top = ranked[0], max(c.prob for c in ranked)  # the reader may lead with a sentence the ranker put lower
    chosen, seen = [best], _items(q, best)
    for c in ranked[1:]:
        if len(chosen) >= LIST_POINTS:
            break
        if c.prob < LIST_RATIO * top or not date_ok(q, c):
            continue  # an item from an article outside the months or years asked is not one of theirs
        new = _items(q, c) - seen
        if q.expected and not new:
            continue
        seen.update(new)
        chosen.append(c)
    return chosen


def _items(q: ParsedQuestion, c: Candidate) -> set[str]:
    """The sentence's answer items, a relative day resolved against its article's date: "today" in two readouts is
    two days."""
    return {annotate(item, c.passage.date, c.text) for item in answer_items(q, c)}


def _overview(ranked: list[Candidate]) -> list[Candidate]:
    """Up to MAX_POINTS points from the one article that speaks to the question most (a readout or statement is where an
    agenda is listed), chosen for relevance and coverage (maximal marginal relevance over sentence vectors); its
    opening sentence only says who met whom, so it is left out when there are others."""
    by_doc: dict[str, list[float]] = {}
    for c in ranked:
        by_doc.setdefault(c.passage.doc_id, []).append(c.prob)
    doc = max(by_doc, key=lambda d: sum(sorted(by_doc[d], reverse=True)[:3]))
    pool = [c for c in ranked if c.passage.doc_id == doc]
    floor = OVERVIEW_FLOOR * max(c.prob for c in pool)
    pool = [c for c in pool if c.prob >= floor and c.start > 0] or pool[:1]
    chosen = [pool[0]]
    while len(chosen) < MAX_POINTS:
        rest = [c for c in pool if c not in chosen]
        if not rest:
            break
        best = max(rest, key=lambda c: MMR_LAMBDA * c.prob - (1 - MMR_LAMBDA) * max(float(c.vector @ s.vector) for s in chosen))
        chosen.append(best)
    if len(chosen) < 2:  # a second point from the same article (its opening sentence, say), never from another one
        chosen.extend([c for c in ranked if c.passage.doc_id == doc and c not in chosen][:1])
    return chosen
