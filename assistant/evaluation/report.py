"""Write the evaluation report: report.json, report.md and metrics.png."""

from __future__ import annotations

import json
from pathlib import Path

DEFINITIONS = """\
## Metric definitions
- **recall@k**: share of a question's gold documents among the first k distinct documents retrieved (answerable questions).
- **MRR**: reciprocal rank of the first gold document. **nDCG@10**: binary-relevance nDCG over the first 10 documents.
- **answer_accuracy**: an answerable question is correct when the answer is not a refusal and contains an alias of
  every required item (all groups for list questions); refusals of answerable questions count as wrong.
- **token_f1**: SQuAD token F1 of the short answer (first paragraph, markers removed) against the best alias.
- **citation_recall** (ALCE): share of answer statements (paragraphs) whose citations together support them.
- **citation_precision** (ALCE): share of citations that support their statement alone, or are needed for the joint support.
  Support is judged by `assistant/support.py`, a lexical judge that shares no code with the answerer: the share of the
  statement's content words found in the cited quotes (sentence plus article title), capped at 0.5 when a number or name
  is missing; support >= 0.75. The answer path reuses this judge to drop unsupported statements, so these two scores
  describe what survives that check; gold_evidence_cited is the independent check against the evaluation set.
- **gold_evidence_cited**: share of answered questions with a citation that quotes a gold evidence sentence.
- **quote_validity**: share of citation quotes equal to the cited article's text at the cited offsets (must be 1.0).
- **refusal_rate**: share of unanswerable questions refused. **false_refusal_rate**: share of answerable ones refused.
- **latency**: wall time of one `ask` (condense, retrieve, answer, cite), p50 and p95.
"""

_OVERALL_KEYS = [
    "answer_accuracy", "token_f1", "recall@1", "recall@5", "recall@10", "mrr", "ndcg@10", "citation_recall",
    "citation_precision", "gold_evidence_cited", "quote_validity", "refusal_rate", "false_refusal_rate",
    "latency_p50_ms", "latency_p95_ms",
]  # fmt: skip


def _fmt(v: object) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.3f}" if v <= 1.0 else f"{v:.1f}"
    return str(v)


def render_markdown(report: dict) -> str:
    """The report as Markdown tables."""
    names = list(report["configs"])
    lines = ["# Evaluation report", "", f"{report['questions']} questions; configs: {', '.join(names)}.", ""]
    if report.get("meta"):
        lines += [f"- {k}: {v}" for k, v in report["meta"].items()] + [""]
    lines += ["## Overall", "", "| metric | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    for key in _OVERALL_KEYS:
        lines.append(f"| {key} | " + " | ".join(_fmt(report["configs"][n]["overall"][key]) for n in names) + " |")
    for n in names:
        cfg = report["configs"][n]
        lines += [
            "",
            f"## By question type ({n})",
            "",
            "| type | n | accuracy | token_f1 | recall@5 |",
            "|---|---|---|---|---|",
        ]
        for t, s in cfg["by_type"].items():
            lines.append(f"| {t} | {s['n']} | {_fmt(s['accuracy'])} | {_fmt(s['token_f1'])} | {_fmt(s['recall@5'])} |")
    first = report["configs"][names[0]]
    lines += ["", f"## Refusal curve ({names[0]}): refuse when confidence < threshold", "",
              "| threshold | refusal_rate | false_refusal_rate |", "|---|---|---|"]  # fmt: skip
    lines += [
        f"| {p['threshold']} | {p['refusal_rate']:.3f} | {p['false_refusal_rate']:.3f} |"
        for p in first["refusal_curve"]
    ]
    s = first.get("suggested_threshold")
    if s:
        lines += [
            "",
            f"Suggested operating point (most refusals with false refusals <= 5%): threshold {s['threshold']}, "
            f"refusal {s['refusal_rate']:.3f}, false refusal {s['false_refusal_rate']:.3f}. "
            f"In use: {report.get('meta', {}).get('refusal_threshold', '?')}.",
        ]
    fails = [
        r for r in first["rows"] if (r["answerable"] and not r["correct"]) or (not r["answerable"] and not r["refused"])
    ]
    lines += ["", f"## Failures ({names[0]}): {len(fails)}", ""]
    for r in fails:
        got = "REFUSED" if r["refused"] else r["answer"].split("\n\n")[0][:160].replace("|", "/")
        lines.append(f"- `{r['id']}` ({r['type']}) {r['question']} -> {got}")
    lines += ["", DEFINITIONS]
    return "\n".join(lines) + "\n"


def plot(report: dict, path: Path) -> None:
    """Bar chart of accuracy by question type, one bar group per config."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(report["configs"])
    types = list(report["configs"][names[0]]["by_type"])
    fig, ax = plt.subplots(figsize=(10, 4.5))
    width = 0.8 / len(names)
    for i, n in enumerate(names):
        vals = [report["configs"][n]["by_type"][t]["accuracy"] for t in types]
        ax.bar([x + i * width for x in range(len(types))], vals, width, label=n)
    ax.set_xticks([x + 0.4 - width / 2 for x in range(len(types))], types, rotation=20)
    ax.set_ylim(0, 1)
    ax.set_ylabel("accuracy (refusal rate for unanswerable)")
    ax.legend()
    ax.set_title("Answer accuracy by question type")
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
