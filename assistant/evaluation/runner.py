"""Run the evaluation set through the same path as `assistant ask`; score every answer."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from assistant.answer.support import SUPPORT_THRESHOLD
from assistant.pipeline import Pipeline

from . import metrics as M

CONFIGS = {
    "hybrid": {"mode": "hybrid"},
    "dense": {"mode": "dense"},
    "bm25": {"mode": "bm25"},
    "llm": {"mode": "hybrid", "generative": True},  # the answerer given by --llm / ASSISTANT_LLM
}


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


def score_question(pipe: Pipeline, q: dict, cfg: EvalConfig) -> dict:
    """Ask one question and compute every per-question metric."""
    t0 = time.perf_counter()
    ans = pipe.ask(q["question"], history=q.get("history") or [], mode=cfg.mode)
    latency = (time.perf_counter() - t0) * 1000
    gold = q.get("doc_ids", [])
    answerable = q["type"] != "unanswerable"
    ranked = [p.doc_id for p in pipe.retriever.retrieve(ans.standalone_question or q["question"], k=20, mode=cfg.mode)]
    ranked = list(dict.fromkeys(ranked))
    quotes = {c.marker: f"{c.quote} {c.title}" for c in ans.citations}  # sentence + title, as the user sees them
    cit_rec, cit_prec = M.citation_scores(ans.answer, quotes, SUPPORT_THRESHOLD) if not ans.refused else (0.0, 0.0)
    valid = 0
    for c in ans.citations:
        doc = pipe.store.keyword.document(c.doc_id)
        valid += bool(doc) and doc["text"][c.start : c.end] == c.quote and c.quote in doc["text"]
    return {
        "id": q["id"], "type": q["type"], "question": q["question"], "config": cfg.name,
        "answerable": answerable, "answer": ans.answer, "refused": ans.refused,
        "confidence": ans.confidence, "standalone": ans.standalone_question,
        "correct": bool(answerable and not ans.refused and M.alias_match(ans.answer, q)),
        "f1": M.best_f1(ans.answer, q) if answerable and not ans.refused else 0.0,
        "recall@1": M.recall_at_k(ranked, gold, 1), "recall@5": M.recall_at_k(ranked, gold, 5),
        "recall@10": M.recall_at_k(ranked, gold, 10), "mrr": M.mrr(ranked, gold), "ndcg@10": M.ndcg_at_k(ranked, gold),
        "citation_recall": cit_rec, "citation_precision": cit_prec,
        "quotes": len(ans.citations), "quotes_valid": valid,
        "gold_cited": any(M.quote_in_evidence(c.quote, q.get("evidence", [])) for c in ans.citations),
        "cited_docs": [c.doc_id for c in ans.citations], "top_docs": ranked[:10],
        "latency_ms": round(latency, 2),
    }  # fmt: skip


def _mean(values: list[float]) -> float:
    return round(sum(values) / len(values), 4) if values else 0.0


def aggregate(rows: list[dict]) -> dict:
    """Overall scores of one config's rows."""
    ans = [r for r in rows if r["answerable"]]
    una = [r for r in rows if not r["answerable"]]
    answered = [r for r in ans if not r["refused"]]
    lat = [r["latency_ms"] for r in rows]
    quotes = sum(r["quotes"] for r in rows)
    return {
        "questions": len(rows), "answerable": len(ans), "unanswerable": len(una),
        "answer_accuracy": _mean([r["correct"] for r in ans]),
        "token_f1": _mean([r["f1"] for r in ans]),
        "recall@1": _mean([r["recall@1"] for r in ans]), "recall@5": _mean([r["recall@5"] for r in ans]),
        "recall@10": _mean([r["recall@10"] for r in ans]), "mrr": _mean([r["mrr"] for r in ans]),
        "ndcg@10": _mean([r["ndcg@10"] for r in ans]),
        "citation_recall": _mean([r["citation_recall"] for r in answered]),
        "citation_precision": _mean([r["citation_precision"] for r in answered]),
        "gold_evidence_cited": _mean([r["gold_cited"] for r in answered]),
        "quote_validity": round(sum(r["quotes_valid"] for r in rows) / quotes, 4) if quotes else 1.0,
        "refusal_rate": _mean([r["refused"] for r in una]),
        "false_refusal_rate": _mean([r["refused"] for r in ans]),
        "latency_p50_ms": round(M.percentile(lat, 50), 1), "latency_p95_ms": round(M.percentile(lat, 95), 1),
    }  # fmt: skip


def by_type(rows: list[dict]) -> dict[str, dict]:
    """Per question type: accuracy (refusal rate for unanswerable), F1, recall@5."""
    out: dict[str, dict] = {}
    for t in sorted({r["type"] for r in rows}):
        sub = [r for r in rows if r["type"] == t]
        if t == "unanswerable":
            out[t] = {"n": len(sub), "accuracy": _mean([r["refused"] for r in sub]), "token_f1": None, "recall@5": None}
        else:
            out[t] = {"n": len(sub), "accuracy": _mean([r["correct"] for r in sub]),
                      "token_f1": _mean([r["f1"] for r in sub]), "recall@5": _mean([r["recall@5"] for r in sub])}  # fmt: skip
    return out


def refusal_curve(rows: list[dict], steps: int = 41) -> list[dict]:
    """Refusal and false-refusal rates if answers with confidence below each threshold were refused.

    Exact only for answerers that refuse on confidence alone (the extractive one does).
    """
    ans = [r for r in rows if r["answerable"]]
    una = [r for r in rows if not r["answerable"]]
    out = []
    for i in range(steps):
        th = round(i / (steps - 1), 3)
        out.append({
            "threshold": th,
            "refusal_rate": _mean([r["confidence"] < th for r in una]),
            "false_refusal_rate": _mean([r["confidence"] < th for r in ans]),
        })  # fmt: skip
    return out


def suggest_threshold(curve: list[dict], max_false_refusal: float = 0.05) -> dict:
    """The operating point that refuses most unanswerable questions within the false-refusal budget."""
    ok = [p for p in curve if p["false_refusal_rate"] <= max_false_refusal]
    return max(ok, key=lambda p: (p["refusal_rate"], -p["false_refusal_rate"], -p["threshold"])) if ok else curve[0]


def run_eval(
    pipe: Pipeline, questions: list[dict], configs: list[EvalConfig], progress: Callable[[int], None] | None = None
) -> dict:
    """Every question under every config; returns the full report dict."""
    report: dict = {"configs": {}, "questions": len(questions)}
    configured = pipe.answerer
    for cfg in configs:
        if cfg.generative and configured is pipe.extractive:
            raise ValueError("the llm config needs an LLM backend: pass --llm (e.g. llamacpp-server:http://127.0.0.1:8080/v1)")
        pipe.answerer = configured if cfg.generative else pipe.extractive
        rows = []
        try:
            for q in questions:
                rows.append(score_question(pipe, q, cfg))
                if progress:
                    progress(1)
        finally:
            pipe.answerer = configured
        curve = refusal_curve(rows)
        report["configs"][cfg.name] = {
            "overall": aggregate(rows), "by_type": by_type(rows), "refusal_curve": curve,
            "suggested_threshold": suggest_threshold(curve), "rows": rows,
        }  # fmt: skip
    return report
