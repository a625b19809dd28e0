"""Candidate sentences of the retrieved passages and the features the learned ranker scores them by."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from assistant.answer.extractive.question import MONTHS, ParsedQuestion
from assistant.answer.extractive.reading import Reading
from assistant.documents import Entity, Passage

FEATURES = (
    "cov",  # IDF-weighted share of the question's lemmas in the sentence
    "cov_rel",  # cov over the best cov among the candidates
    "focus_cov",  # ... of the lemmas that are not part of a name the question mentions (what is asked about)
    "focus_rel",  # focus_cov over the best among the candidates
    "ctx_cov",  # ... in the sentence, its neighbours and the article title
    "name_cov",  # share of the question's named entities found in the sentence's context
    "dense",  # cosine of question and sentence vectors
    "dense_gap",  # dense minus the best dense among the candidates
    "dense_top",  # 1 for the most similar sentence, falling with its rank among the candidates
    "type_found",  # an entity of the expected label that the question does not contain
    "type_missing",  # the question expects a label and the sentence has none (outside the question)
    "new_entities",  # entities the question does not mention, /5, capped
    "passage_rank",  # 1 / (1 + fused rank of the passage)
    "bm25_rank",  # 1 / (1 + keyword rank), 0 when keyword search did not find the passage
    "vector_rank",  # 1 / (1 + dense rank), 0 when dense search did not find the passage
    "date_ok",  # the article's date or the sentence agrees with the years and months asked (1 when none asked)
    "title_cov",  # share of the question's lemmas in the article title
    "first_sentence",  # the article's opening sentence
    "position",  # how far into the article (0 = start, 1 = 4,000+ characters in)
    "length",  # content lemmas / 40, capped
    "novel",  # share of the sentence's lemmas the question does not contain (an answer adds something new)
    "cov_x_type",  # interactions a linear model cannot form on its own
    "dense_x_type",
    "first_x_names",  # an opening sentence that matches only the names ("X spoke today with Y")
    "bigram",  # share of the question's adjacent lemma pairs that stand together (within 2) in the sentence
    "head_match",  # the noun the question asks for ("which hotel") is in the sentence
    # a question-level column (equal for every candidate of a question; the calibrator reads it):
    "head_anywhere",  # the asked-for noun occurs in some candidate (1 when the question has none)
)


@dataclass
class Candidate:
    """A sentence of a retrieved passage, with what the ranker and the answer phrase need."""

    passage: Passage
    rank: int
    start: int  # offsets in the article
    end: int
    text: str
    lemmas: tuple[str, ...]
    entities: tuple[Entity, ...]  # offsets relative to `text`
    vector: np.ndarray
    neighbours: tuple[str, ...] = ()  # lemmas of the sentences before and after
    prob: float = 0.0  # the ranker's probability that this sentence holds the answer
    reading: Reading | None = None  # what the reading model found in it (the best-ranked candidates only)

    @property
    def key(self) -> tuple[str, int]:
        """(doc_id, start): the same sentence seen through two overlapping chunks is one candidate."""
        return (self.passage.doc_id, self.start)


_JOINERS = frozenset({"the", "of", "and", "for", "on", "in", "&"})
_NAMES = frozenset({"ORG", "FAC", "GPE", "LOC", "NORP", "EVENT", "LAW", "WORK_OF_ART", "PRODUCT"})  # not people, dates


def _low(text: str) -> str:
    return text.lower().replace("’", "'")


def new_entities(q: ParsedQuestion, c: Candidate, labels: frozenset[str] | None = None) -> list[Entity]:
    """Entities of the sentence (of the given labels) that the question does not already name, also when it names
    them in another form ("U.S." for "US", "South Korean" for "the Republic of Korea", "the State Department's
    education and culture bureau" for "the Department of State's Bureau of Educational and Cultural Affairs"). An
    entity whose last word is the noun the question asks for ("which alliance" -> "the U.S.-ROK Alliance") is the
    kind of thing asked for, not something the question names."""
    asked = [_low(e.text) for e in q.entities]
    words = {w.replace(".", "") for w in q.words}
    stems = {w[:5] for w in words if len(w) >= 5}
    out = []
    for e in c.entities:
        low = _low(e.text)
        parts = [w.replace(".", "").removesuffix("'s") for w in low.split()]
        last = parts[-1] if parts else ""
        if q.noun and len(parts) > 1 and last.rstrip("s") == q.noun.rstrip("s"):
            out.append(e)
            continue
        if labels is not None and e.label not in labels:
            continue
        if any(low in a or a in low for a in asked) or all(w in words for w in parts):
            continue
        if len(last) >= 5 and last[:5] in stems:  # the place's head word, as the question's adjective or noun
            continue
        content = [w for w in parts if w.isalpha() and w not in _JOINERS]
        if e.label in _NAMES and len(content) >= 3 and sum(w in words or w[:5] in stems for w in content) >= 0.6 * len(content):
            continue  # a long name the question paraphrases word by word
        out.append(e)
    return out


# What the calibrator reads about the best sentence beyond its features: does it hold a phrase that answers, and does
# its article speak to what is asked at all (an unanswerable look-alike question shares the names but not the detail).
EVIDENCE = (
    "has_phrase",  # an entity of the expected label the question does not name (1 when no label is expected)
    "phrase_near",  # IDF-weighted nearness of that entity to the question's focus terms, over their total weight
    "doc_miss_share",  # IDF share of the focus terms found nowhere in the article's candidate sentences or its title
    "doc_miss_rarest",  # the rarest such missing term's IDF over the rarest focus term's (0 when none is missing)
)


def focus_weights(q: ParsedQuestion, weights: dict[str, float]) -> dict[str, float]:
    """The IDF weights of what the question asks about: its terms minus the names it gives (or all, if only names)."""
    names = {w for e in q.entities for w in _low(e.text).split()} | {w.lower() for p in q.proper_nouns for w in p.split()}
    return {t: w for t, w in weights.items() if t not in names} or dict(weights)


def nearness(text: str, start: int, end: int, focus: dict[str, float]) -> float:
    """Sum over focus-term occurrences in `text` of IDF * exp(-characters between them and [start, end) / 50)."""
    low = text.lower()
    return sum(w * float(np.exp(-max(0, start - i, i - end) / 50.0)) for t, w in focus.items() for i in find_all(low, t))


def find_all(text: str, word: str) -> list[int]:
    """Every offset of `word` in `text`."""
    out, at = [], text.find(word)
    while at >= 0 and word:
        out.append(at)
        at = text.find(word, at + 1)
    return out


def evidence(q: ParsedQuestion, top: Candidate, cands: list[Candidate], weights: dict[str, float]) -> np.ndarray:
    """EVIDENCE for the best-ranked candidate."""
    focus = focus_weights(q, weights)
    total = sum(focus.values()) or 1.0
    typed = new_entities(q, top, q.expected) if q.expected else []
    near = max((nearness(top.text, e.start, e.end, focus) for e in typed), default=0.0) / total
    doc = set(_low(top.passage.title).split()).union(*(c.lemmas for c in cands if c.passage.doc_id == top.passage.doc_id))
    missing = [w for t, w in focus.items() if t not in doc]
    rarest = max(focus.values(), default=1.0) or 1.0
    return np.asarray([1.0 if typed or not q.expected else 0.0, near, sum(missing) / total, max(missing, default=0.0) / rarest])


def date_ok(q: ParsedQuestion, c: Candidate) -> float:
    """1 when the article's date or the sentence agrees with the years and months the question names (or it names
    none), else 0."""
    if not q.years and not q.months:
        return 1.0
    date = c.passage.date or ""
    low = c.text.lower()
    year_ok = not q.years or date[:4] in q.years or any(y in c.text for y in q.years)
    month_ok = not q.months or (bool(date) and int(date[5:7]) in q.months) or any(MONTHS[m - 1] in low for m in q.months)
    return 1.0 if year_ok and month_ok else 0.0


def _bigrams(lemmas: tuple[str, ...], window: int = 2) -> set[tuple[str, str]]:
    return {(a, lemmas[j]) for i, a in enumerate(lemmas) for j in range(i + 1, min(len(lemmas), i + 1 + window))}


def feature_matrix(q: ParsedQuestion, cands: list[Candidate], qvec: np.ndarray, weights: Mapping[str, float]) -> np.ndarray:
    """One row of FEATURES per candidate (`weights`: the IDF of the question's lemmas)."""
    if not cands:
        return np.zeros((0, len(FEATURES)))
    total = sum(weights.values()) or 1.0
    names = [_low(e.text) for e in q.entities if e.label not in ("DATE", "TIME", "CARDINAL", "ORDINAL")]
    name_words = {w for n in names for w in n.split()}
    focus = {t: w for t, w in weights.items() if t not in name_words}
    focus_total = sum(focus.values()) or 1.0
    dense = np.clip(np.stack([c.vector for c in cands]) @ qvec, 0.0, 1.0)
    dense_order = np.argsort(-dense, kind="stable")
    dense_rank = np.empty(len(cands))
    dense_rank[dense_order] = np.arange(len(cands))
    rows = []
    contexts: dict[str, str] = {}  # lower-cased title + text per passage, shared by its sentences
    covs = np.asarray([sum(w for t, w in weights.items() if t in set(c.lemmas)) / total for c in cands])
    focus_covs = np.asarray([sum(w for t, w in focus.items() if t in set(c.lemmas)) / focus_total for c in cands])
    best_cov, best_focus, best_dense = max(covs.max(), 1e-6), max(focus_covs.max(), 1e-6), float(dense.max())
    q_pairs = {p for p in _bigrams(q.lemmas, 1) if p[0] != p[1]}
    head_anywhere = 1.0 if q.head is None or any(q.head in c.lemmas for c in cands) else 0.0
    for i, c in enumerate(cands):
        sent = set(c.lemmas)
        title_low = _low(c.passage.title)
        ctx = sent | set(c.neighbours) | set(title_low.split())
        cov = sum(w for t, w in weights.items() if t in sent) / total
        ctx_cov = sum(w for t, w in weights.items() if t in ctx) / total
        if c.passage.chunk_id not in contexts:
            contexts[c.passage.chunk_id] = _low(f"{c.passage.title} {c.passage.text}")
        context_text = contexts[c.passage.chunk_id]
        name_cov = sum(n in context_text for n in names) / len(names) if names else 1.0
        typed = new_entities(q, c, q.expected) if q.expected else []
        type_found = 1.0 if typed else 0.0
        type_missing = 1.0 if q.expected and not typed else 0.0
        ranks = c.passage.ranks or {}
        title_cov = sum(1 for lem in q.lemmas if lem in title_low) / len(q.lemmas) if q.lemmas else 0.0
        rows.append(
            [
                cov,
                cov / best_cov,
                focus_covs[i],
                focus_covs[i] / best_focus,
                ctx_cov,
                name_cov,
                float(dense[i]),
                float(dense[i]) - best_dense,
                1.0 / (1.0 + dense_rank[i]),
                type_found,
                type_missing,
                min(1.0, len(new_entities(q, c)) / 5),
                1.0 / (1.0 + c.rank),
                1.0 / (1.0 + ranks["bm25"]) if "bm25" in ranks else 0.0,
                1.0 / (1.0 + ranks["dense"]) if "dense" in ranks else 0.0,
                date_ok(q, c),
                title_cov,
                1.0 if c.start == 0 else 0.0,
                min(1.0, c.start / 4000),
                min(1.0, len(c.lemmas) / 40),
                len(sent - set(q.lemmas)) / max(1, len(sent)),
                cov * type_found,
                float(dense[i]) * type_found,
                (1.0 if c.start == 0 else 0.0) * name_cov * (1.0 - focus_covs[i]),
                len(q_pairs & _bigrams(c.lemmas)) / len(q_pairs) if q_pairs else 0.0,
                1.0 if q.head is not None and q.head in sent else 0.0,
                head_anywhere,
            ]
        )
    return np.asarray(rows, dtype=np.float64)
