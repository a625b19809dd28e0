"""Write the evaluation report: report.json, report.md (scores, failures) and metrics.png (risk-coverage)."""

from __future__ import annotations

import json
from pathlib import Path

DEFINITIONS = """\
## Metric definitions
- **answer_accuracy** (strict, the headline): an answerable question is correct when the answer is not a refusal and
  every required item (one alias per `all_of` group) appears in the answer's **first paragraph**, markers removed -
  what a reader sees first. **contains_answer** (lenient): the same, anywhere in the answer, quotes included.
- **exact_match / short_f1**: for who/where/when/how-many/which questions, the first paragraph (markers removed)
  equals an alias after SQuAD normalisation / its token F1 against the best alias.
- **recall@k, MRR, nDCG@10**: gold documents among the first k distinct retrieved documents (answerable questions).
- **evidence_in_passages**: every gold evidence sentence lies inside the passages handed to the answerer.
- **cites_gold_doc / cites_gold_evidence** (independent judge, `evaluation/judge.py`): some citation points into a
  gold document / its character span overlaps a gold evidence sentence. Shares no code or threshold with the answerer.
- **alce_citation_recall/precision_same_judge** (ALCE): judged by `support.py`, the same lexical judge the answer
  path uses to drop unsupported statements - so they describe what survived that check, not an independent view.
- **quote_validity**: share of quotes equal to the cited article's text at the cited offsets (must be 1.0).
- **refusal_rate**: unanswerable questions refused. **false_refusal_rate**: answerable questions refused.
- **risk-coverage**: each question is answered at threshold t when its confidence >= t; coverage = share of all
  questions answered, risk = share of the answered that are wrong (an answered unanswerable question is wrong).
  **aurc**: area under that curve (lower is better). **coverage / selective_risk**: at the threshold in use.
- **latency**: wall time of one `ask` (condense, retrieve, answer, cite), p50 and p95.
"""

_OVERALL_KEYS = [
    "answer_accuracy",
    "contains_answer",
    "exact_match",
    "short_f1",
    "recall@1",
    "recall@5",
    "recall@10",
    "mrr",
    "ndcg@10",
    "evidence_in_passages",
    "cites_gold_doc",
    "cites_gold_evidence",
    "alce_citation_recall_same_judge",
    "alce_citation_precision_same_judge",
    "quote_validity",
    "refusal_rate",
    "false_refusal_rate",
    "coverage",
    "selective_risk",
    "aurc",
    "latency_p50_ms",
    "latency_p95_ms",
]
_GROUP_KEYS = [
    "n",
    "answer_accuracy",
    "contains_answer",
    "exact_match",
    "recall@5",
    "cites_gold_evidence",
    "refusal_rate",
    "false_refusal_rate",
    "aurc",
]


def _fmt(v: object) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.3f}" if v <= 1.0 else f"{v:.1f}"
    return str(v)


def _cell(text: str, limit: int = 220) -> str:
    return " ".join(text.split())[:limit].replace("|", "/")


def _group_table(title: str, groups: dict[str, dict]) -> list[str]:
    lines = ["", title, "", "| group | " + " | ".join(_GROUP_KEYS) + " |", "|---" * (len(_GROUP_KEYS) + 1) + "|"]
    for name, s in groups.items():
        lines.append(f"| {name} | " + " | ".join(_fmt(s[k]) for k in _GROUP_KEYS) + " |")
    return lines


def render_markdown(report: dict) -> str:
    """The report as Markdown: overall, per split, per type and kind, failure kinds, every failure of the test split."""
    names = list(report["configs"])
    lines = [
        "# Evaluation report",
        "",
        f"{report['questions']} questions ({', '.join(report['splits'])}); configs: {', '.join(names)}.",
        "",
    ]
    if report.get("meta"):
        lines += [f"- {k}: {v}" for k, v in report["meta"].items()] + [""]
    columns = [(n, s) for n in names for s in report["splits"]] if len(report["splits"]) > 1 else [(n, None) for n in names]
    header = [f"{n} {s}" if s else n for n, s in columns]
    lines += ["## Overall", "", "| metric | " + " | ".join(header) + " |", "|---" * (len(header) + 1) + "|"]
    for key in _OVERALL_KEYS:
        vals = [
            report["configs"][n]["by_split" if s else "overall"][s][key] if s else report["configs"][n]["overall"][key]
            for n, s in columns
        ]
        lines.append(f"| {key} | " + " | ".join(_fmt(v) for v in vals) + " |")
    for n in names:
        cfg = report["configs"][n]
        lines += _group_table(f"## By question type ({n})", cfg["by_type"])
        lines += _group_table(f"## By what is asked ({n}; follow-ups and unanswerable questions by their `asks`)", cfg["by_kind"])
    first = report["configs"][names[0]]
    sel = first["selective"]
    lines += [
        "",
        f"## Selective answering ({names[0]})",
        "",
        f"AURC {sel['aurc']:.3f}; at the threshold in use: coverage {sel['coverage']:.3f}, risk {sel['risk']:.3f}. "
        "The curve is in metrics.png; its points are in report.json.",
    ]
    lines += ["", f"## Failure kinds ({names[0]})", "", "| kind | count | example |", "|---|---|---|"]
    for f in first["failure_kinds"]:
        ex = f["example"]
        lines.append(f"| {f['kind']} | {f['count']} | `{ex['id']}` {_cell(ex['question'], 120)} -> {_cell(ex['answer'], 120)} |")
    for split in report["splits"]:
        rows = [r for r in first["rows"] if r["split"] == split and r["failure"]]
        lines += ["", f"## Failures, {split or 'all'} split ({names[0]}): {len(rows)}", ""]
        for r in rows:
            gold = " + ".join(g[0] for g in r["gold"]) or "(unanswerable)"
            got = "REFUSED" if r["refused"] else _cell(r["answer"].split("\n\n")[0])
            head = f"- `{r['id']}` ({r['type']}; {r['failure']}) {_cell(r['question'], 200)}"
            lines.append(f"{head} -> {got} | gold: {_cell(gold, 120)}")
    lines += ["", DEFINITIONS]
    return "\n".join(lines) + "\n"


def plot(report: dict, path: Path) -> None:
    """Risk-coverage curves (one per config and split) beside strict accuracy by question type."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(report["configs"])
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 4.8))
    for n in names:
        cfg = report["configs"][n]
        curve = cfg["selective"]["curve"]
        left.plot([p["coverage"] for p in curve], [p["risk"] for p in curve], label=f"{n} (AURC {cfg['selective']['aurc']:.3f})")
        left.scatter([cfg["selective"]["coverage"]], [cfg["selective"]["risk"]], marker="o")
    left.set_xlabel("coverage (share of questions answered)")
    left.set_ylabel("risk (share of answered that are wrong)")
    left.set_xlim(0, 1)
    left.set_ylim(0, 1)
    left.set_title("Risk-coverage (dot: threshold in use)")
    left.legend()
    types = list(report["configs"][names[0]]["by_type"])
    width = 0.8 / len(names)
    for i, n in enumerate(names):
        by = report["configs"][n]["by_type"]
        vals = [by[t]["answer_accuracy"] if by[t]["answer_accuracy"] is not None else by[t]["refusal_rate"] for t in types]
        right.bar([x + i * width for x in range(len(types))], vals, width, label=n)
    right.set_xticks([x + 0.4 - width / 2 for x in range(len(types))], types, rotation=25)
    right.set_ylim(0, 1)
    right.set_ylabel("strict accuracy (refusal rate for unanswerable)")
    right.set_title("By question type")
    right.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_report(report: dict, out: Path) -> list[Path]:
    """Write all three files into `out`; return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "report.json", out / "report.md", out / "metrics.png"]
    paths[0].write_text(json.dumps(report, indent=2, ensure_ascii=False))
    paths[1].write_text(render_markdown(report))
    plot(report, paths[2])
    return paths
