"""Check the evaluation set: evidence is verbatim in its document, answers occur in the evidence.

Usage: python -m evals.check_questions [evals/questions.jsonl]
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SET = ROOT / "evals" / "questions.jsonl"
TYPES = {"who", "where", "when", "which", "what", "how_many", "list", "unanswerable", "followup"}


def shared_corpus_path() -> Path:
    """The shared corpus, beside the repository."""
    import os

    return Path(os.environ.get("ASSISTANT_SHARED", ROOT.parent / "shared")) / "corpus" / "diplomacy-releases.jsonl"


def load_documents() -> dict[str, dict]:
    """Every gold-able document as indexed (cleaned text): the seed corpus/ and the shared corpus."""
    from assistant.documents import Article
    from assistant.ingest import parse_path

    docs = {}
    for path in (ROOT / "corpus", shared_corpus_path()):
        for item in parse_path(path):
            if isinstance(item, Article):
                docs[item.id] = {"text": item.text, "date": item.date, "title": item.title}
    return docs


def load_questions(path: Path = DEFAULT_SET) -> list[dict]:
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
    return problems


def main(argv: list[str]) -> int:
    """Print problems; exit 1 when there are any."""
    path = Path(argv[0]) if argv else DEFAULT_SET
    questions = load_questions(path)
    problems = check(questions, load_documents())
    for p in problems:
        print(p)
    print(f"{len(questions)} questions, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
