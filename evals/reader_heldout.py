"""Out-of-domain figures for the reading model alone, on data it was never trained on (evals/reader_data.py writes
them): QNLI dev pairs whose question is not in training (AUC), TrecQA test newswire (answer-sentence top-1, MRR, AUC;
licence not stated, so checking only) and XQuAD paragraphs outside the SQuAD dev half (answer-sentence top-1 among the
paragraph's sentences; span exact match and F1 on the gold sentence), and in domain the dev half B pairs of
evals/reader_corpus_data.py (AUC overall and per negative kind).

    python evals/reader_heldout.py [--model PATH.onnx] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import re
import string
import sys
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.answer.extractive.reading import OnnxReader  # noqa: E402


def _norm(text: str) -> list[str]:
    """SQuAD's answer normalisation: lower case, no punctuation or articles."""
    text = "".join(ch for ch in text.lower() if ch not in set(string.punctuation))
    return re.sub(r"\b(a|an|the)\b", " ", text).split()


def f1(pred: str, gold: str) -> float:
    p, g = _norm(pred), _norm(gold)
    common = sum((Counter(p) & Counter(g)).values())
    if not common:
        return 0.0
    prec, rec = common / len(p), common / len(g)
    return 2 * prec * rec / (prec + rec)


def _rows(path: Path, limit: int | None) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return rows[:limit] if limit else rows


def heldout(data: Path, model: Path | None = None, limit: int | None = None) -> dict:
    from sklearn.metrics import roc_auc_score

    reader = OnnxReader(model)
    out: dict = {}
    qnli = _rows(data / "qnli_heldout.jsonl", limit)
    scores = reader.answerability([r["question"] for r in qnli], [r["sentence"] for r in qnli])
    labels = np.array([r["label"] for r in qnli])
    out["qnli"] = {
        "pairs": len(qnli),
        "auc": round(float(roc_auc_score(labels, scores)), 4),
        "accuracy_at_0": round(float(np.mean((scores > 0) == (labels > 0))), 4),
    }
    top1, rr, all_s, all_l = [], [], [], []
    for q in _rows(data / "trecqa_test.jsonl", limit):
        s = reader.answerability([q["question"]] * len(q["candidates"]), [c["sentence"] for c in q["candidates"]])
        lab = np.array([c["label"] for c in q["candidates"]])
        order = np.argsort(-s, kind="stable")
        top1.append(float(lab[order[0]]))
        rr.append(1.0 / (1 + int(np.nonzero(lab[order])[0][0])))
        all_s += s.tolist()
        all_l += lab.tolist()
    out["trecqa_test"] = {
        "questions": len(top1),
        "top1": round(float(np.mean(top1)), 4),
        "mrr": round(float(np.mean(rr)), 4),
        "auc": round(float(roc_auc_score(all_l, all_s)), 4),
    }
    hit, em, f1s = [], [], []
    for q in _rows(data / "xquad_heldout.jsonl", limit):
        readings = reader.read(q["question"], q["sentences"])
        best = int(np.argmax([r.logit for r in readings]))
        hit.append(float(best == q["gold"]))
        sent = q["sentences"][q["gold"]]
        gold = sent[q["span"][0] : q["span"][1]]
        span = readings[q["gold"]].span
        pred = sent[span[0] : span[1]] if span else ""
        em.append(float(_norm(pred) == _norm(gold)))
        f1s.append(f1(pred, gold))
    out["xquad_heldout"] = {
        "questions": len(hit),
        "sentence_top1": round(float(np.mean(hit)), 4),
        "span_em": round(float(np.mean(em)), 4),
        "span_f1": round(float(np.mean(f1s)), 4),
    }
    indomain = data / "indomain_b.jsonl"  # evals/reader_corpus_data.py: dev half B, never trained on
    if indomain.exists():
        rows = _rows(indomain, limit)
        s = reader.answerability([r["question"] for r in rows], [r["sentence"] for r in rows])
        labels = np.array([r["label"] for r in rows])
        out["indomain_b"] = {"pairs": len(rows), "auc": round(float(roc_auc_score(labels, s)), 4)}
        for kind in ("hard", "swap", "unanswerable"):  # each negative kind against all the positives
            keep = np.array([r["label"] == 1 or r["kind"] == kind for r in rows])
            out["indomain_b"][f"auc_{kind}"] = round(float(roc_auc_score(labels[keep], s[keep])), 4)
    print(json.dumps(out, indent=1))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT / "evals" / "reader_data_out")
    ap.add_argument("--model", type=Path)
    ap.add_argument("--limit", type=int)
    args = ap.parse_args()
    heldout(args.data, args.model, args.limit)


if __name__ == "__main__":
    main()
