"""The default, offline answerer: rank the retrieved sentences with the learned ranker, refuse below the calibrated
threshold, and answer with the short phrase of the expected entity type, a list, or an overview."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from assistant.answer.extractive.annotations import SentenceInfoSource, passage_sentences
from assistant.answer.extractive.dates import annotate, relative_in
from assistant.answer.extractive.features import Candidate, IdfFn, feature_matrix, new_entities
from assistant.answer.extractive.question import ParsedQuestion, analyse
from assistant.answer.extractive.ranker import RankerModel, answer_features, load_model
from assistant.answer.types import Citation, Draft, citation_for
from assistant.documents import Entity, Passage
from assistant.retrieval.embeddings import Embedder

MAX_POINTS = 4  # sentences in a list or overview answer
LIST_RATIO = 0.5  # a further list item needs this share of the best sentence's probability
OVERVIEW_FLOOR = 0.15  # an overview point needs at least this probability
MMR_LAMBDA = 0.7  # relevance against novelty when choosing overview points
NAME_SUFFIXES = {"jr", "sr"}  # the recogniser sometimes tags "Jr." in "Joseph R. Biden, Jr." as a place


class ExtractiveAnswerer:
    """Answers with verbatim sentences of the retrieved passages, led by the answer phrase when there is one."""

    name = "extractive"

    def __init__(
        self,
        embedder: Embedder,
        idf: IdfFn,
        infos: SentenceInfoSource,
        model: RankerModel | None = None,
        threshold: float | None = None,
    ) -> None:
        self.embedder = embedder
        self.idf = idf
        self.infos = infos
        self._model = model
        self._threshold = threshold

    @property
    def model(self) -> RankerModel:
        """The fitted ranker, loaded on first use (ingest never needs it)."""
        if self._model is None:
            self._model = load_model()
        return self._model

    @property
    def threshold(self) -> float:
        """Refuse below this calibrated confidence: the model's operating point unless overridden."""
        return self.model.threshold if self._threshold is None else self._threshold

    @threshold.setter
    def threshold(self, value: float | None) -> None:
        self._threshold = value

    # ---- ranking
    def candidates(self, q: ParsedQuestion, passages: list[Passage]) -> list[Candidate]:
        """Every distinct sentence of the passages with its stored (or computed) annotations."""
        sents = [s for s in passage_sentences(passages) if len(s[1]) >= 12 and not s[1].endswith(":")]
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

    def rank(self, question: str, passages: list[Passage]) -> tuple[ParsedQuestion, list[Candidate], float]:
        """Candidates, best first, each with its probability; and the calibrated confidence of the best answer."""
        q = analyse(question)
        cands = self.candidates(q, passages)
        if not cands:
            return q, [], 0.0
        qvec = np.asarray(self.embedder.embed(q.text), dtype=np.float32)  # the retriever's vector, remembered
        qvec /= np.linalg.norm(qvec) or 1.0
        x = feature_matrix(q, cands, qvec, self.idf)
        probs = self.model.sentence.predict(x)
        for c, p in zip(cands, probs, strict=True):
            c.prob = float(p)
        conf = float(self.model.answer.predict(answer_features(probs, x, bool(q.expected))[None, :])[0])
        return q, sorted(cands, key=lambda c: -c.prob), conf

    # ---- answering
    def answer(self, question: str, passages: list[Passage], on_token: Callable[[str], None] | None = None) -> Draft:
        """Pick sentences; refuse when the calibrated confidence is under the threshold."""
        q, ranked, conf = self.rank(question, passages)
        if not ranked or conf < self.threshold:
            return Draft(text="", citations=[], refused=True, confidence=conf)
        if q.kind == "overview":
            chosen = _overview(ranked)
        elif q.multi:
            chosen = _list_items(q, ranked)
        else:
            chosen = ranked[:1]
        citations: list[Citation] = [citation_for(i, c.passage, c.start, c.end) for i, c in enumerate(chosen, 1)]
        sentences = [f"{_dated(c.text, c.passage.date)} [{i}]" for i, c in enumerate(chosen, 1)]
        phrases = [p for p in (_phrase(q, c, i) for i, c in enumerate(chosen, 1)) if p]
        if q.kind == "overview" or (q.multi and len(phrases) < len(chosen)):
            text = "\n".join(f"- {s}" for s in sentences)  # one paragraph: the points are the answer
        elif phrases:
            text = "; ".join(dict.fromkeys(phrases)) + "\n\n" + "\n\n".join(sentences)
        else:
            text = "\n\n".join(sentences)
        return Draft(text=text, citations=citations, refused=False, confidence=conf)


def _dated(text: str, published: str | None) -> str:
    """'met yesterday' -> 'met yesterday (2022-05-23, the article is dated 2022-05-24)'."""
    rel = relative_in(text)
    if not rel:
        return text
    cut = text.index(rel) + len(rel)
    return text[:cut] + annotate(rel, published, text)[len(rel) :] + text[cut:]


def _items(q: ParsedQuestion, c: Candidate) -> list[str]:
    """The entities of the expected label that the question does not name, best first: for a list question every
    one of them in reading order (an itinerary names several countries), for "who" every person (up to three, as
    written), otherwise the one nearest the question's terms in the sentence."""
    if not q.expected:
        return []
    found = [e for e in new_entities(q, c, q.expected) if e.text.strip(".").lower() not in NAME_SUFFIXES]
    if not found:
        return []
    people = [e for e in found if e.label == "PERSON"]
    if q.kind == "who" and people:  # a person answers "who" before an organisation or nationality does
        found = people
    if q.multi or (q.kind == "who" and people):
        return list(dict.fromkeys(e.text for e in sorted(found, key=lambda e: e.start)))[: 5 if q.multi else 3]
    anchors = [i for lem in q.lemmas for i in _find_all(c.text.lower(), lem)] or [0]
    return [min(found, key=lambda e: (_specificity(e, c.text), min(abs(e.start - a) for a in anchors))).text]


def _specificity(e: Entity, text: str) -> int:
    """For places, the most specific first: a facility or a named location before a city or country, and in
    "Vilnius, Lithuania" the first name (the second only locates it). 0 is the most specific."""
    if e.label not in ("GPE", "LOC", "FAC"):
        return 0
    if e.label == "FAC":
        return 0
    if text[max(0, e.start - 2) : e.start] == ", ":
        return 2  # "..., Lithuania": qualifies the place before it
    return 1


def _phrase(q: ParsedQuestion, c: Candidate, marker: int) -> str | None:
    """The short answer led with, or None: the items joined, a relative day resolved for "when"."""
    items = _items(q, c)
    if not items:
        return None
    phrase = ", ".join(items[:-1]) + (" and " if len(items) > 1 else "") + items[-1]
    if q.kind == "when" and len(items) == 1:
        phrase = annotate(phrase, c.passage.date, c.text)
    return f"{phrase} [{marker}]"


def _find_all(text: str, word: str) -> list[int]:
    out, at = [], text.find(word)
    while at >= 0 and word:
        out.append(at)
        at = text.find(word, at + 1)
    return out


def _list_items(q: ParsedQuestion, ranked: list[Candidate]) -> list[Candidate]:
    """The best sentence plus close runners-up from other articles that hold an item of the expected type."""
    best = ranked[0]
    chosen, docs, seen = [best], {best.passage.doc_id}, set(_items(q, best))
    for c in ranked[1:]:
        if len(chosen) >= MAX_POINTS or c.prob < LIST_RATIO * best.prob:
            break
        if c.passage.doc_id in docs or (q.expected and not set(_items(q, c)) - seen):
            continue  # one item per article, and only sentences that add an item not listed yet
        docs.add(c.passage.doc_id)
        seen.update(_items(q, c))
        chosen.append(c)
    return chosen


def _overview(ranked: list[Candidate]) -> list[Candidate]:
    """Two to four points chosen for relevance and coverage (maximal marginal relevance over sentence vectors)."""
    pool = [c for c in ranked[:20] if c.prob >= OVERVIEW_FLOOR] or ranked[:1]
    chosen = [pool[0]]
    while len(chosen) < MAX_POINTS:
        rest = [c for c in pool if c not in chosen]
        if not rest:
            break
        best = max(rest, key=lambda c: MMR_LAMBDA * c.prob - (1 - MMR_LAMBDA) * max(float(c.vector @ s.vector) for s in chosen))
        chosen.append(best)
    if len(chosen) < 2 and len(ranked) > 1:
        chosen.append(next(c for c in ranked if c not in chosen))
    return chosen
