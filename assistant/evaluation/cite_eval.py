"""Scores citation lookup on evals/cite_{dev,test}.jsonl: top-1 source accuracy, MRR, the match-kind confusion,
precision/recall of 'no source found', latency per kind; written as cite_report.json and cite_report.md."""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.lookup import CitationLookup
from assistant.lookup.types import NONE
from assistant.lookup.validate import check_text
from assistant.retrieval.filters import Filters

KINDS = ("verbatim", "near-verbatim", "paraphrase", NONE)


@dataclass(frozen=True)
class CiteItem:
    """One evaluation item: a text, the match kind it should get, the documents that state it (none: [])."""

    id: str
    kind: str
    text: str
    doc_ids: tuple[str, ...]
    split: str


@dataclass(frozen=True)
class CiteOutcome:
    """What the lookup did with one item."""

    item: CiteItem
    kind: str  # predicted; NONE = no source found
    rank: int | None  # 1-based rank of the first statement published in a gold document; None when absent
    first_docs: tuple[str, ...]  # the documents of the first statement
    ms: float


def load_items(paths: list[Path]) -> list[CiteItem]:
    """Items of the given JSONL files; the split is the file's stem ('cite_dev' -> 'dev')."""
    out = []
    for p in paths:
        for line in p.read_text(encoding="utf-8").splitlines():
            if line.strip():
                r = json.loads(line)
                split = p.stem.removeprefix("cite_")
                out.append(CiteItem(r["id"], r["kind"], r["text"], tuple(r.get("doc_ids") or ()), split))
    return out


def run_item(lookup: CitationLookup, item: CiteItem, k: int = 5) -> CiteOutcome:
    """Look the item's text up as one sentence and find where its gold documents rank."""
    t0 = time.perf_counter()
    found = lookup.lookup_sentence(check_text(item.text), Filters(), k)
    ms = (time.perf_counter() - t0) * 1000
    gold = set(item.doc_ids)
    rank = next((i for i, h in enumerate(found.hits, 1) if gold & {s.doc_id for s in h.sources}), None)
    first = tuple(s.doc_id for s in found.hits[0].sources) if found.hits else ()
    return CiteOutcome(item, found.kind, rank, first, ms)


def score(outcomes: list[CiteOutcome]) -> dict:
    """The metrics of a list of outcomes."""
    sourced = [o for o in outcomes if o.item.doc_ids]
    none_gold = [o for o in outcomes if not o.item.doc_ids]
    said_none = [o for o in outcomes if o.kind == NONE]
    tp = sum(1 for o in said_none if not o.item.doc_ids)
    confusion = Counter((o.item.kind, o.kind) for o in outcomes)
    latency = {}
    for kind in KINDS:
        ms = [o.ms for o in outcomes if o.kind == kind]
        if ms:
            latency[kind] = {"n": len(ms), "p50_ms": float(np.percentile(ms, 50)), "p95_ms": float(np.percentile(ms, 95))}
    return {
        "items": len(outcomes),
        "top1_source_accuracy": sum(o.rank == 1 for o in sourced) / len(sourced) if sourced else None,
        "mrr": sum(1 / o.rank for o in sourced if o.rank) / len(sourced) if sourced else None,
        "kind_accuracy": sum(o.kind == o.item.kind for o in outcomes) / len(outcomes) if outcomes else None,
        "no_source_precision": tp / len(said_none) if said_none else None,
        "no_source_recall": tp / len(none_gold) if none_gold else None,
        "confusion": {f"{g} -> {p}": n for (g, p), n in sorted(confusion.items())},
        "latency": latency,
    }


def run_cite_eval(lookup: CitationLookup, items: list[CiteItem], progress=None) -> dict:
    """Every item through the lookup; metrics overall and per split, and each item's outcome."""
    lookup.cite("warm up the embedder and the vector index")  # so no item's latency holds the models' loading
    outcomes = []
    for item in items:
        outcomes.append(run_item(lookup, item))
        if progress:
            progress(1)
    splits = sorted({o.item.split for o in outcomes})
    return {
        "overall": score(outcomes),
        "by_split": {s: score([o for o in outcomes if o.item.split == s]) for s in splits},
        "items": [
            {
                "id": o.item.id,
                "expected": o.item.kind,
                "predicted": o.kind,
                "rank": o.rank,
                "gold": list(o.item.doc_ids),
                "first": list(o.first_docs),
            }
            for o in outcomes
        ],
    }


def _fmt(v: float | None) -> str:
    return "-" if v is None else f"{v:.3f}"


def summary_lines(report: dict) -> list[str]:
    """One line per split (or overall) for the terminal and the Markdown report."""
    parts = report["by_split"] if len(report["by_split"]) > 1 else {"": report["overall"]}
    lines = []
    for name, m in parts.items():
        lines.append(
            f"cite{' ' + name if name else ''}: top-1 source {_fmt(m['top1_source_accuracy'])}, MRR {_fmt(m['mrr'])}, "
            f"kind accuracy {_fmt(m['kind_accuracy'])}, no-source precision {_fmt(m['no_source_precision'])} "
            f"recall {_fmt(m['no_source_recall'])} ({m['items']} items)"
        )
    return lines


def write_cite_report(report: dict, out: Path) -> list[Path]:
    """cite_report.json and cite_report.md (summary, confusion, latency, misses) in `out`."""
    out.mkdir(parents=True, exist_ok=True)
    jpath, mpath = out / "cite_report.json", out / "cite_report.md"
    jpath.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    md = ["# Citation lookup evaluation", "", *[f"- {line}" for line in summary_lines(report)], ""]
    for name, m in report["by_split"].items():
        md += [f"## {name}: match kind (expected -> predicted)", "", "| expected -> predicted | n |", "|---|---|"]
        md += [f"| {pair} | {n} |" for pair, n in m["confusion"].items()]
        md += ["", "| predicted kind | n | p50 ms | p95 ms |", "|---|---|---|---|"]
        md += [f"| {k} | {v['n']} | {v['p50_ms']:.1f} | {v['p95_ms']:.1f} |" for k, v in m["latency"].items()]
        md.append("")
    misses = [i for i in report["items"] if i["expected"] != i["predicted"] or (i["gold"] and i["rank"] != 1)]
    md += ["## Items whose kind or first source is wrong", ""] + [f"- {json.dumps(i, ensure_ascii=False)}" for i in misses]
    mpath.write_text("\n".join(md) + "\n", encoding="utf-8")
    return [jpath, mpath]
