"""Check the evaluation sets: evidence is verbatim in its document, answers occur in the evidence, splits are disjoint.

Usage: python -m evals.check_questions [evals/dev.jsonl evals/test.jsonl ...]
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPLITS = {"dev": ROOT / "evals" / "dev.jsonl", "test": ROOT / "evals" / "test.jsonl"}
# The kind of answer a question asks for. "overview" needs two or three facts (one `all_of` group each); "list" gathers
# one item per article; "followup" carries `history`; "unanswerable" is a look-alike the corpus does not answer.
ANSWER_TYPES = {"who", "where", "when", "which", "what", "how_many"}
TYPES = ANSWER_TYPES | {"list", "overview", "unanswerable", "followup"}
# "lookalike", "sub" and "tempting": a written look-alike's kind and the sentence that tempts (heldout_written.jsonl)
OPTIONAL_FIELDS = {"history", "answers", "all_of", "asks", "paraphrase", "note", "lookalike", "sub", "tempting"}


def load_documents() -> dict[str, dict]:
    """Every gold-able document as indexed (cleaned text): everything under the repository's corpus/."""
    from assistant.documents import Article
    from assistant.ingest.parse import parse_path

    docs = {}
    for item in parse_path(ROOT / "corpus"):
        if isinstance(item, Article):
            docs[item.id] = {"text": item.text, "date": item.date, "title": item.title}
    return docs


def load_questions(path: Path) -> list[dict]:
    """The questions, one JSON object per line."""
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _date_ok(alias: str, gold_dates: list[str | None]) -> bool:
    """An ISO-date alias is fine if it is a gold document's date or up to a week before it."""
    try:
        d = dt.date.fromisoformat(alias)
    except ValueError:
        return False
    for g in gold_dates:
        if g and 0 <= (dt.date.fromisoformat(g) - d).days <= 7:
            return True
    return False


def check(questions: list[dict], docs: dict[str, dict]) -> list[str]:
    """Problems found, as 'id: message' strings; empty when the set is sound."""
    problems = []
    ids = set()
    for q in questions:
        qid = q.get("id", "?")
        if qid in ids:
            problems.append(f"{qid}: duplicate id")
        ids.add(qid)
        if q.get("type") not in TYPES:
            problems.append(f"{qid}: unknown type {q.get('type')!r}")
        for d in q.get("doc_ids", []):
            if d not in docs:
                problems.append(f"{qid}: unknown doc_id {d}")
        gold_text = " ".join(docs[d]["text"] for d in q.get("doc_ids", []) if d in docs)
        for ev in q.get("evidence", []):
            if ev not in gold_text:
                problems.append(f"{qid}: evidence not verbatim in its documents: {ev[:80]!r}")
        evidence = " ".join(q.get("evidence", []))
        dates = [docs[d]["date"] for d in q.get("doc_ids", []) if d in docs]
        groups = [q["answers"]] if q.get("answers") else []
        groups += q.get("all_of") or []
        if q.get("type") == "unanswerable":
            if groups or q.get("evidence"):
                problems.append(f"{qid}: an unanswerable question has answers or evidence")
            continue
        if not groups:
            problems.append(f"{qid}: no answers")
        for group in groups:
            if not any(a in evidence or _date_ok(a, dates) for a in group):
                problems.append(f"{qid}: no alias of {group} occurs in the evidence")
        if q.get("type") == "followup" and not q.get("history"):
            problems.append(f"{qid}: a follow-up needs history")
        if q.get("type") == "overview" and len(q.get("all_of") or []) < 2:
            problems.append(f"{qid}: an overview question needs two or more all_of groups")
        if "asks" in q and q["asks"] not in ANSWER_TYPES | {"list", "overview"}:
            problems.append(f"{qid}: unknown asks {q['asks']!r}")
        unknown = set(q) - {"id", "type", "question", "doc_ids", "evidence"} - OPTIONAL_FIELDS
        if unknown:
            problems.append(f"{qid}: unknown fields {sorted(unknown)}")
    return problems


def check_disjoint(splits: dict[str, list[dict]]) -> list[str]:
    """Problems where two splits share a gold document or a question id."""
    problems = []
    seen_docs: dict[str, str] = {}
    seen_ids: dict[str, str] = {}
    for name, questions in splits.items():
        for q in questions:
            if q["id"] in seen_ids and seen_ids[q["id"]] != name:
                problems.append(f"{q['id']}: id used in both {seen_ids[q['id']]} and {name}")
            seen_ids[q["id"]] = name
            for d in q.get("doc_ids", []):
                if d in seen_docs and seen_docs[d] != name:
                    problems.append(f"{q['id']}: document {d} is gold in both {seen_docs[d]} and {name}")
                seen_docs.setdefault(d, name)
    return problems


def main(argv: list[str]) -> int:
    """Print problems; exit 1 when there are any."""
    paths = [Path(a) for a in argv] or list(SPLITS.values())
    docs = load_documents()
    splits = {p.stem: load_questions(p) for p in paths}
    problems = [msg for qs in splits.values() for msg in check(qs, docs)]
    if len(splits) > 1:
        problems += check_disjoint(splits)
    for p in problems:
        print(p)
    print(f"{sum(map(len, splits.values()))} questions, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
