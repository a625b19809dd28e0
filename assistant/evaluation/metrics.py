"""Evaluation metrics as pure functions: retrieval, answer correctness, citations, refusal."""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter

from assistant.answer import markers
from assistant.answer.support import support_score


def norm(text: str) -> str:
    """Lower-case, fold quotes and accents, collapse white space."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"').replace("–", "-")
    return " ".join(text.lower().split())


def recall_at_k(ranked_docs: list[str], gold: list[str], k: int) -> float:
    """Share of gold documents among the first k."""
    if not gold:
        return 0.0
    return len(set(ranked_docs[:k]) & set(gold)) / len(set(gold))


def mrr(ranked_docs: list[str], gold: list[str]) -> float:
    """Reciprocal rank of the first gold document."""
    for i, d in enumerate(ranked_docs, 1):
        if d in gold:
            return 1.0 / i
    return 0.0


def ndcg_at_k(ranked_docs: list[str], gold: list[str], k: int = 10) -> float:
    """Binary-relevance nDCG@k."""
    dcg = sum(1.0 / math.log2(i + 1) for i, d in enumerate(ranked_docs[:k], 1) if d in gold)
    ideal = sum(1.0 / math.log2(i + 1) for i in range(1, min(len(set(gold)), k) + 1))
    return dcg / ideal if ideal else 0.0


def alias_groups(q: dict) -> list[list[str]]:
    """One list of acceptable aliases per required item."""
    groups = [q["answers"]] if q.get("answers") else []
    return groups + list(q.get("all_of") or [])


def alias_match(answer: str, q: dict) -> bool:
    """Every required item has an alias somewhere in the text (the lenient `contains_answer`)."""
    return groups_found(answer, q) == len(alias_groups(q)) > 0


def groups_found(text: str, q: dict) -> int:
    """How many required items have an alias in the text."""
    text = norm(markers.remove(text))
    return sum(any(norm(a) in text for a in g) for g in alias_groups(q))


def strict_match(answer: str, q: dict) -> bool:
    """Every required item appears in the answer's first paragraph (the strict `answer_accuracy`)."""
    return groups_found(markers.first_paragraph(answer), q) == len(alias_groups(q)) > 0


_ARTICLES = re.compile(r"\b(a|an|the)\b")


def squad_norm(text: str) -> str:
    """SQuAD answer normalisation: lower case, no punctuation, no articles, single spaces."""
    text = re.sub(r"[^\w\s]", " ", norm(text))
    return " ".join(_ARTICLES.sub(" ", text).split())


def exact_match(answer: str, q: dict) -> bool:
    """The short answer equals an alias of the (single) required item after SQuAD normalisation."""
    short = squad_norm(markers.first_paragraph(answer))
    return any(short == squad_norm(a) for g in alias_groups(q)[:1] for a in g)


def token_f1(prediction: str, truth: str) -> float:
    """SQuAD-style token F1 (articles and punctuation ignored)."""
    p, t = squad_norm(prediction).split(), squad_norm(truth).split()
    common = Counter(p) & Counter(t)
    same = sum(common.values())
    if not same:
        return 0.0
    prec, rec = same / len(p), same / len(t)
    return 2 * prec * rec / (prec + rec)


def best_f1(answer: str, q: dict) -> float:
    """Token F1 of the short answer against the best alias (mean over items for lists)."""
    groups = alias_groups(q)
    if not groups:
        return 0.0
    short = markers.first_paragraph(answer)
    return sum(max(token_f1(short, a) for a in g) for g in groups) / len(groups)


def statements(answer: str) -> list[tuple[str, list[int]]]:
    """Answer split into statements (paragraphs), each with the markers it carries."""
    out = []
    for para in (p.strip() for p in answer.split("\n\n")):
        if para:
            out.append((markers.remove(para).strip(), markers.numbers(para)))
    return out


def citation_scores(answer: str, quotes: dict[int, str], threshold: float) -> tuple[float, float]:
    """ALCE citation recall and precision of one answer, judged by `support_score`."""
    sts = statements(answer)
    if not sts:
        return 0.0, 0.0
    supported, relevant, total_cites = 0, 0, 0
    for claim, marks in sts:
        marks = [m for m in dict.fromkeys(marks)]
        joint = " ".join(quotes.get(m, "") for m in marks)
        ok = bool(marks) and support_score(claim, joint) >= threshold
        supported += ok
        for m in marks:
            total_cites += 1
            alone = support_score(claim, quotes.get(m, "")) >= threshold
            rest = " ".join(quotes.get(o, "") for o in marks if o != m)
            needed = ok and not (rest and support_score(claim, rest) >= threshold)
            relevant += alone or needed
    return supported / len(sts), (relevant / total_cites if total_cites else 0.0)


def risk_coverage(points: list[tuple[float, bool, bool]]) -> list[dict]:
    """Selective answering: for each confidence threshold, the share answered and the error among the answered.

    `points` are (confidence, would_answer, correct) per question; an answered unanswerable question is an error.
    Thresholds run from the highest confidence down, so coverage grows from 0 to its maximum.
    """
    total = len(points)
    out = []
    for th in sorted({c for c, would, _ in points if would}, reverse=True):
        answered = [ok for c, would, ok in points if would and c >= th]
        out.append(
            {
                "threshold": round(th, 4),
                "coverage": round(len(answered) / total, 4),
                "risk": round(1 - sum(answered) / len(answered), 4),
            }
        )
    return out


def aurc(curve: list[dict]) -> float:
    """Area under the risk-coverage curve (lower is better), by the trapezoid rule from coverage 0."""
    area, prev_cov, prev_risk = 0.0, 0.0, curve[0]["risk"] if curve else 0.0
    for p in curve:
        area += (p["coverage"] - prev_cov) * (p["risk"] + prev_risk) / 2
        prev_cov, prev_risk = p["coverage"], p["risk"]
    return round(area, 4)


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    if not values:
        return 0.0
    s = sorted(values)
    return s[min(len(s) - 1, max(0, math.ceil(p / 100 * len(s)) - 1))]
