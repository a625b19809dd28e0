"""Run question sets through the same path as `assistant ask`; score every answer strictly and leniently."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

from assistant.answer.refusal import REFUSAL, decide
from assistant.answer.support import SUPPORT_THRESHOLD
from assistant.answer.types import Answer, Draft
from assistant.pipeline import Pipeline

from . import metrics as M
from .failures import classify
from .judge import EvidenceSpan, cites_gold_doc, cites_gold_evidence, evidence_spans, spans_in_passages
from .scores import QuestionScore

CONFIGS = {
    "hybrid": {"mode": "hybrid"},
    "dense": {"mode": "dense"},
    "bm25": {"mode": "bm25"},
    "llm": {"mode": "hybrid", "generative": True},  # the answerer given by --llm / ASSISTANT_LLM
}
# Question kinds whose answer is one short phrase: exact match and token F1 are reported for them.
SHORT_KINDS = {"who", "where", "when", "how_many", "which"}


@dataclass(frozen=True)
class EvalConfig:
    """A named variant of the pipeline."""

    name: str
    mode: str = "hybrid"
    generative: bool = False


def parse_config(name: str) -> EvalConfig:
    """A config by name; raises ValueError naming the known ones."""
    if name not in CONFIGS:
        raise ValueError(f"unknown eval config {name!r}; known: {', '.join(CONFIGS)}")
    return EvalConfig(name=name, **CONFIGS[name])


def operating_threshold(pipe: Pipeline, cfg: EvalConfig) -> float | None:
    """The extractive reader's refusal threshold, which the evaluation replays (questions are asked at threshold 0, so
    the risk-coverage curve sees every answer); None for answerers that do not refuse on a confidence threshold."""
    if cfg.generative or pipe.answerer.kind != "extractive":
        return None
    return pipe.extractive.threshold


def replayed(ans: Answer, threshold: float | None) -> bool:
    """Whether the answer, asked at threshold 0, is refused at `threshold`: the product's one refusal decision."""
    draft = Draft(ans.answer, ans.citations, refused=ans.refused, confidence=ans.confidence, answerability=ans.answerability)
    return decide(draft, draft, threshold=threshold).refused


def score_question(pipe: Pipeline, q: dict, cfg: EvalConfig, threshold: float | None) -> QuestionScore:
    """Ask one question and compute every per-question measure."""
    t0 = time.perf_counter()
    never = 0.0 if threshold is not None else None
    ans = pipe.ask(q["question"], history=q.get("history") or [], mode=cfg.mode, threshold=never)
    latency = (time.perf_counter() - t0) * 1000
    gold = q.get("doc_ids", [])
    answerable = q["type"] != "unanswerable"
    refused = replayed(ans, threshold)
    shown = REFUSAL if refused and not ans.refused else ans.answer
    ranked = [p.doc_id for p in pipe.retriever.retrieve(ans.standalone_question or q["question"], k=20, mode=cfg.mode)]
    ranked = list(dict.fromkeys(ranked))
    kind = q.get("asks") or q["type"]
    row = QuestionScore(
        id=q["id"],
        split=q.get("split", ""),
        type=q["type"],
        kind=kind,
        question=q["question"],
        config=cfg.name,
        answerable=answerable,
        answer=shown,
        would_answer=None if ans.refused else ans.answer,
        refused=refused,
        confidence=ans.confidence,
        answerability=ans.answerability,
        standalone=ans.standalone_question,
        latency_ms=round(latency, 2),
        recall_at={str(k): M.recall_at_k(ranked, gold, k) for k in (1, 5, 10)},
        mrr=M.mrr(ranked, gold),
        ndcg10=M.ndcg_at_k(ranked, gold),
        top_docs=ranked[:10],
        cited_docs=[c.doc_id for c in ans.citations],
        quotes=len(ans.citations),
        items_total=len(M.alias_groups(q)),
        gold=M.alias_groups(q),
        gold_docs=gold,
    )
    texts = {d: (pipe.store.document(d) or {}).get("text", "") for d in {*gold, *row.cited_docs}}
    for c in ans.citations:
        row.quotes_valid += texts.get(c.doc_id, "")[c.start : c.end] == c.quote
    spans: list[EvidenceSpan] = evidence_spans(q.get("evidence", []), gold, texts)
    passages = pipe.store.passages([(r["chunk_id"], r["score"]) for r in ans.retrieved])
    row.gold_in_passages = any(p.doc_id in gold for p in passages)
    row.evidence_in_passages = bool(spans) and spans_in_passages(spans, passages)
    row.would_be_correct = answerable and row.would_answer is not None and M.strict_match(row.would_answer, q)
    if answerable and not refused:
        row.items_found = M.groups_found(ans.answer, q)
        row.contains_answer = M.alias_match(ans.answer, q)
        row.answer_accuracy = M.strict_match(ans.answer, q)
        row.cites_gold_doc = cites_gold_doc(ans.citations, gold)
        row.cites_gold_evidence = cites_gold_evidence(ans.citations, spans)
        quotes = {c.marker: f"{c.quote} {c.title}" for c in ans.citations}  # sentence + title, as the user sees them
        row.alce_recall, row.alce_precision = M.citation_scores(ans.answer, quotes, SUPPORT_THRESHOLD)
    if answerable and kind in SHORT_KINDS and q["type"] != "list":
        row.exact_match = not refused and M.exact_match(ans.answer, q)
        row.short_f1 = M.best_f1(ans.answer, q) if not refused else 0.0
    row.failure = classify(row)
    return row


def _mean(values: list[float]) -> float:
    return round(sum(values) / len(values), 4) if values else 0.0


def selective(rows: list[QuestionScore]) -> dict:
    """The risk-coverage curve (from each question's confidence) and the operating point actually used."""
    points = [(r.confidence, r.would_answer is not None, r.would_be_correct) for r in rows]
    curve = M.risk_coverage(points)
    answered = [r for r in rows if not r.refused]
    return {
        "curve": curve,
        "aurc": M.aurc(curve),
        "coverage": round(len(answered) / len(rows), 4) if rows else 0.0,
        "risk": round(1 - sum(r.answerable and r.answer_accuracy for r in answered) / len(answered), 4) if answered else 0.0,
    }


def aggregate(rows: list[QuestionScore]) -> dict:
    """Overall scores of a set of rows (one config)."""
    ans = [r for r in rows if r.answerable]
    una = [r for r in rows if not r.answerable]
    answered = [r for r in ans if not r.refused]
    short = [r for r in ans if r.exact_match is not None]
    lat = [r.latency_ms for r in rows]
    quotes = sum(r.quotes for r in rows)
    sel = selective(rows)
    return {
        "questions": len(rows),
        "answerable": len(ans),
        "unanswerable": len(una),
        "answer_accuracy": _mean([r.answer_accuracy for r in ans]),
        "contains_answer": _mean([r.contains_answer for r in ans]),
        "exact_match": _mean([bool(r.exact_match) for r in short]),
        "short_f1": _mean([r.short_f1 or 0.0 for r in short]),
        "recall@1": _mean([r.recall_at["1"] for r in ans]),
        "recall@5": _mean([r.recall_at["5"] for r in ans]),
        "recall@10": _mean([r.recall_at["10"] for r in ans]),
        "mrr": _mean([r.mrr for r in ans]),
        "ndcg@10": _mean([r.ndcg10 for r in ans]),
        "evidence_in_passages": _mean([r.evidence_in_passages for r in ans if r.items_total]),
        "cites_gold_doc": _mean([r.cites_gold_doc for r in answered]),
        "cites_gold_evidence": _mean([r.cites_gold_evidence for r in answered]),
        "alce_citation_recall_same_judge": _mean([r.alce_recall for r in answered]),
        "alce_citation_precision_same_judge": _mean([r.alce_precision for r in answered]),
        "quote_validity": round(sum(r.quotes_valid for r in rows) / quotes, 4) if quotes else 1.0,
        "refusal_rate": _mean([r.refused for r in una]),
        "false_refusal_rate": _mean([r.refused for r in ans]),
        "coverage": sel["coverage"],
        "selective_risk": sel["risk"],
        "aurc": sel["aurc"],
        "latency_p50_ms": round(M.percentile(lat, 50), 1),
        "latency_p95_ms": round(M.percentile(lat, 95), 1),
    }


def by_group(rows: list[QuestionScore], key: Callable[[QuestionScore], str]) -> dict[str, dict]:
    """Per group (type, kind or split): the headline measures."""
    out: dict[str, dict] = {}
    for name in sorted({key(r) for r in rows}):
        sub = [r for r in rows if key(r) == name]
        ans = [r for r in sub if r.answerable]
        una = [r for r in sub if not r.answerable]
        short = [r for r in ans if r.exact_match is not None]
        out[name] = {
            "n": len(sub),
            "answer_accuracy": _mean([r.answer_accuracy for r in ans]) if ans else None,
            "contains_answer": _mean([r.contains_answer for r in ans]) if ans else None,
            "exact_match": _mean([bool(r.exact_match) for r in short]) if short else None,
            "recall@5": _mean([r.recall_at["5"] for r in ans]) if ans else None,
            "cites_gold_evidence": _mean([r.cites_gold_evidence for r in ans if not r.refused]) if ans else None,
            "refusal_rate": _mean([r.refused for r in una]) if una else None,
            "false_refusal_rate": _mean([r.refused for r in ans]) if ans else None,
            "aurc": selective(sub)["aurc"],
        }
    return out


def failure_kinds(rows: list[QuestionScore]) -> list[dict]:
    """Failure kinds, most common first, each with its count and one example."""
    kinds: dict[str, list[QuestionScore]] = {}
    for r in rows:
        if r.failure:
            kinds.setdefault(r.failure, []).append(r)
    return [
        {"kind": k, "count": len(rs), "example": {"id": rs[0].id, "question": rs[0].question, "answer": rs[0].answer[:300]}}
        for k, rs in sorted(kinds.items(), key=lambda kv: -len(kv[1]))
    ]


def run_eval(
    pipe: Pipeline, questions: list[dict], configs: list[EvalConfig], progress: Callable[[int], None] | None = None
) -> dict:
    """Every question under every config; returns the full report dict (JSON-ready)."""
    report: dict = {"configs": {}, "questions": len(questions), "splits": sorted({q.get("split", "") for q in questions})}
    configured = pipe.answerer
    for cfg in configs:
        if cfg.generative and configured.kind == "extractive":
            raise ValueError("the llm config needs an LLM backend: pass --llm (e.g. llamacpp-server:http://127.0.0.1:8080/v1)")
        pipe.answerer = configured if cfg.generative else pipe.extractive
        rows: list[QuestionScore] = []
        try:
            threshold = operating_threshold(pipe, cfg)
            for q in questions:
                rows.append(score_question(pipe, q, cfg, threshold))
                if progress:
                    progress(1)
        finally:
            pipe.answerer = configured
        report["configs"][cfg.name] = {
            "overall": aggregate(rows),
            "by_split": {s: aggregate([r for r in rows if r.split == s]) for s in report["splits"]},
            "by_type": by_group(rows, lambda r: r.type),
            "by_kind": by_group(rows, lambda r: r.kind),
            "selective": selective(rows),
            "failure_kinds": failure_kinds(rows),
            "rows": [asdict(r) for r in rows],
        }
    return report
