"""Evaluation metrics as pure functions: retrieval, answer correctness, citations, refusal."""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter

from assistant.answer.support import support_score

_MARKER = re.compile(r"\s*\[(\d+)\]")


def norm(text: str) -> str:
    """Lower-case, fold quotes and accents, collapse white space."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"').replace("–", "-")
    return " ".join(text.lower().split())


def unique_docs(retrieved: list[dict]) -> list[str]:
    """Document ids in first-seen order."""
    return list(dict.fromkeys(r["doc_id"] for r in retrieved))


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
    """Every required item has an alias in the answer."""
    text = norm(answer)
    groups = alias_groups(q)
    return bool(groups) and all(any(norm(a) in text for a in g) for g in groups)


def short_answer(answer: str) -> str:
    """The first paragraph without markers: the answer phrase when there is one."""
    return _MARKER.sub("", answer.split("\n\n", 1)[0]).strip()


def token_f1(prediction: str, truth: str) -> float:
    """SQuAD-style token F1."""
    p, t = re.findall(r"\w+", norm(prediction)), re.findall(r"\w+", norm(truth))
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
    short = short_answer(answer)
    return sum(max(token_f1(short, a) for a in g) for g in groups) / len(groups)


def statements(answer: str) -> list[tuple[str, list[int]]]:
    """Answer split into statements (paragraphs), each with the markers it carries."""
    out = []
    for para in (p.strip() for p in answer.split("\n\n")):
        if para:
            out.append((_MARKER.sub("", para).strip(), [int(m) for m in _MARKER.findall(para)]))
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


def quote_in_evidence(quote: str, evidence: list[str]) -> bool:
    """The quote is (or contains, or is inside) a gold evidence sentence."""
    nq = norm(quote)
    return any(norm(e) in nq or nq in norm(e) for e in evidence)


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    if not values:
        return 0.0
    s = sorted(values)
    return s[min(len(s) - 1, max(0, math.ceil(p / 100 * len(s)) - 1))]
