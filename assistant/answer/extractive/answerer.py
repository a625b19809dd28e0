"""The default, offline answerer: pick the sentences that answer, lead with the answer phrase."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from assistant.answer.extractive.dates import annotate, relative_in
from assistant.answer.extractive.phrases import answer_phrase, has_answer_type, is_multi
from assistant.answer.extractive.question import QuestionInfo, analyse, focus_words, name_terms
from assistant.answer.extractive.text_terms import MONTHS, STOPWORDS, content_terms, stem, words
from assistant.answer.types import Citation, Draft, TokenFn, citation_for
from assistant.documents import Passage
from assistant.retrieval.embeddings import Embedder

IdfFn = Callable[[list[str]], dict[str, float]]


@dataclass(frozen=True)
class ExtractiveParams:
    """Weights of the sentence score and the refusal threshold (calibrated on evals/)."""

    w_lex: float = 0.45
    w_ctx: float = 0.2
    w_dense: float = 0.35
    w_type: float = 0.25
    w_rank: float = 0.05
    w_date: float = 0.3
    w_focus: float = 0.3
    focus_sim: float = 0.7  # word similarity that counts as mentioning the focus word
    dense_pool: int = 24
    threshold: float = 0.45  # calibrated on evals/questions.jsonl: see the refusal curve in the eval report
    extra_ratio: float = 0.7
    max_sentences: int = 4


@dataclass
class Candidate:
    """A sentence of a retrieved passage with its features."""

    passage: Passage
    rank: int
    start: int
    end: int
    text: str
    cov: float = 0.0
    ctx_cov: float = 0.0
    names_cov: float = 1.0
    dense: float = 0.0
    type_ok: float = 0.0
    date_ok: float = 1.0
    focus_ok: float = 1.0
    unexplained: float = 0.0
    score: float = 0.0


class ExtractiveAnswerer:
    """Answers with verbatim sentences of the retrieved passages."""

    name = "extractive"

    def __init__(self, embedder: Embedder, idf: IdfFn, params: ExtractiveParams | None = None) -> None:
        self.embedder = embedder
        self.idf = idf
        self.params = params or ExtractiveParams()
        self._word_cache: dict[str, list[float]] = {}

    def score_candidates(self, question: str, passages: list[Passage]) -> tuple[QuestionInfo, list[Candidate]]:
        """Every sentence of the passages, scored for the question, best first."""
        p = self.params
        info = analyse(question)
        cands = _sentences(passages)
        if not cands or not info.terms:
            return info, []
        weights = self.idf(list(info.terms))
        total = sum(weights.values()) or 1.0
        names = name_terms(info)
        focus = {w: stem(w) for w in focus_words(info)}
        name_total = sum(weights.get(t, 0) for t in info.terms if t in names)
        by_passage: dict[str, list[Candidate]] = {}
        for c in cands:
            by_passage.setdefault(c.passage.chunk_id, []).append(c)
        for c in cands:
            sent_terms = set(content_terms(c.text))
            ctx_terms = sent_terms | set(content_terms(c.passage.title)) | _neighbour_terms(c, by_passage)
            c.cov = sum(w for t, w in weights.items() if t in sent_terms) / total
            c.ctx_cov = sum(w for t, w in weights.items() if t in ctx_terms) / total
            if name_total:
                c.names_cov = sum(weights.get(t, 0) for t in info.terms if t in names and t in ctx_terms) / name_total
            c.type_ok = 1.0 if has_answer_type(info, c.text) else 0.0
            c.date_ok = _date_ok(info, c)
            c.focus_ok = 1.0 if all(f in ctx_terms for f in focus.values()) else 0.0
        pool = sorted(cands, key=lambda c: -(c.cov + 0.5 * c.ctx_cov))[: p.dense_pool]
        vecs = self.embedder.embed_batch([info.text] + [c.text for c in pool])
        qv = vecs[0]
        for c, v in zip(pool, vecs[1:], strict=True):
            c.dense = max(0.0, sum(a * b for a, b in zip(qv, v, strict=True)))
        self._focus_by_meaning(focus, sorted(cands, key=lambda c: -(c.cov + c.dense))[:5])
        for c in cands:
            c.score = (
                p.w_lex * c.cov
                + p.w_ctx * c.ctx_cov
                + p.w_dense * c.dense
                + p.w_type * c.type_ok
                + p.w_rank / (1 + c.rank)
                + p.w_date * c.date_ok
                + p.w_focus * c.focus_ok
            )
        # Sentences that fail a gate (focus, dates) rank below every sentence that passes.
        cands.sort(key=lambda c: (min(c.focus_ok, c.date_ok) <= 0, -c.score))
        return info, cands

    def _focus_by_meaning(self, focus: dict[str, str], cands: list[Candidate]) -> None:
        """A focus word absent by spelling may be present by meaning ('doses' ~ 'vaccines')."""
        todo = [c for c in cands if c.focus_ok < 1.0]
        if not focus or not todo:
            return
        sent_words = {c.start: [w for w in set(words(c.text)) if len(w) > 2 and w not in STOPWORDS] for c in todo}
        vecs = self._word_vectors(list(focus) + [w for ws in sent_words.values() for w in ws])
        for c in todo:
            sims = [max((_dot(vecs[f], vecs[w]) for w in sent_words[c.start]), default=0.0) for f in focus]
            best = min(sims)
            if best >= self.params.focus_sim:
                c.focus_ok = best

    def _word_vectors(self, items: list[str]) -> dict[str, list[float]]:
        missing = [w for w in dict.fromkeys(items) if w not in self._word_cache]
        if missing:
            if len(self._word_cache) > 50_000:
                self._word_cache.clear()
            self._word_cache.update(zip(missing, self.embedder.embed_batch(missing), strict=True))
        return {w: self._word_cache[w] for w in items}

    def confidence(self, best: Candidate) -> float:
        """0..1: the best sentence's score over the highest possible, gated by what must hold.

        A sentence that does not speak of the asked-for thing (focus), contradicts the question's
        dates, or whose context misses the question's names cannot be the answer, however similar.
        """
        p = self.params
        top = p.w_lex + p.w_ctx + p.w_dense + p.w_type + p.w_rank + p.w_date + p.w_focus
        gate = min(best.focus_ok, best.date_ok) * (0.5 + 0.5 * best.names_cov)
        return max(0.0, min(1.0, best.score / top)) * gate

    def answer(self, question: str, passages: list[Passage], on_token: TokenFn | None = None) -> Draft:
        """Pick sentences; refuse when the best one is not good enough (nothing streams: `on_token` is unused)."""
        p = self.params
        info, cands = self.score_candidates(question, passages)
        if not cands:
            return Draft(text="", citations=[], refused=True, confidence=0.0)
        best = cands[0]
        conf = self.confidence(best)
        if conf < p.threshold:
            return Draft(text="", citations=[], refused=True, confidence=conf)
        chosen = _choose(info, cands, p)
        citations: list[Citation] = []
        lines: list[str] = []
        phrases: list[str] = []
        for i, c in enumerate(chosen, 1):
            citations.append(citation_for(i, c.passage, c.start, c.end))
            text = c.text
            rel = relative_in(text)
            if rel:  # "met yesterday" -> "met yesterday (2022-05-23, the article is dated 2022-05-24)"
                cut = text.index(rel) + len(rel)
                text = text[:cut] + annotate(rel, c.passage.date, text)[len(rel) :] + text[cut:]
            lines.append(f"{text} [{i}]")
            phrase = answer_phrase(info, c.text)
            if phrase and info.qtype == "when":
                phrase = annotate(phrase, c.passage.date, c.text)
            if phrase and phrase not in phrases:
                phrases.append(f"{phrase} [{i}]")
        if phrases:
            lines.insert(0, "; ".join(phrases))
        return Draft(text="\n\n".join(lines), citations=citations, refused=False, confidence=conf)


def _choose(info: QuestionInfo, cands: list[Candidate], p: ExtractiveParams) -> list[Candidate]:
    """The best sentence, plus close runners-up from other articles for list-like questions."""
    best = cands[0]
    chosen = [best]
    if not is_multi(info):
        return chosen
    seen_docs = {best.passage.doc_id}
    for c in cands[1:]:
        if len(chosen) >= p.max_sentences or c.score < p.extra_ratio * best.score:
            break
        if c.passage.doc_id in seen_docs or not c.date_ok or not c.type_ok:
            continue
        seen_docs.add(c.passage.doc_id)
        chosen.append(c)
    return chosen


def _dot(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


def _date_ok(info: QuestionInfo, c: Candidate) -> float:
    """1 when the article's date (or the sentence) agrees with the years and months the question names."""
    if not info.years and not info.months:
        return 1.0
    date = c.passage.date or ""
    low = c.text.lower()
    year_ok = not info.years or date[:4] in info.years or any(y in c.text for y in info.years)
    month_ok = not info.months or (date and int(date[5:7]) in info.months) or any(MONTHS[m - 1] in low for m in info.months)
    return 1.0 if year_ok and month_ok else 0.0


def _sentences(passages: list[Passage]) -> list[Candidate]:
    seen: set[tuple[str, int]] = set()
    out = []
    for rank, p in enumerate(passages):
        for s in p.sentences:
            key = (p.doc_id, s.start)
            if key in seen:
                continue
            seen.add(key)
            text = p.text[s.start - p.start : s.end - p.start]
            if len(text) < 12 or text.endswith(":"):
                continue  # too short to answer, or a lead-in to a list that follows
            out.append(Candidate(passage=p, rank=rank, start=s.start, end=s.end, text=text))
    return out


def _neighbour_terms(c: Candidate, by_passage: dict[str, list[Candidate]]) -> set[str]:
    sib = by_passage[c.passage.chunk_id]
    i = sib.index(c)
    terms: set[str] = set()
    for j in (i - 1, i + 1):
        if 0 <= j < len(sib):
            terms.update(content_terms(sib[j].text))
    return terms


def idf_from_counts(n_docs: int, dfs: dict[str, int]) -> dict[str, float]:
    """BM25-style IDF, floored at a small positive value so every term counts a little."""
    return {t: max(0.05, math.log(1 + (n_docs - df + 0.5) / (df + 0.5))) for t, df in dfs.items()}
