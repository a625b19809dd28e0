"""Written questions (the `evals/reader_written/` format) as a question set for `assistant eval --set`.

A written answerable question becomes a question of its kind whose gold is its answer, article and sentence; a
look-alike becomes an unanswerable question on its article, keeping the sentence that tempts as `tempting` and its
`lookalike`/`sub` kind, so a report can be split by them. Used for the held-out set `evals/heldout_written.jsonl`
(questions written by helper sessions on articles no other question set or training file uses; report only) and to
score `evals/reader_written/questions5.jsonl` on a reader that did not train on it.

    python evals/written_eval_set.py --questions FILE [FILE ...] --prefix h --out evals/heldout_written.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.ingest.parse import clean_text  # noqa: E402
from evals.check_questions import ANSWER_TYPES as KINDS  # noqa: E402  (the kinds an evaluation question may ask)

FIELDS = {"doc_id", "question", "answerable", "sentence", "answer", "kind"}


def eval_rows(questions: Iterable[dict], prefix: str) -> list[dict]:
    """One `assistant eval` question per written question, ids `<prefix>-0001`... in the given order."""
    rows = []
    for i, q in enumerate(questions, 1):
        sentence, answer = clean_text(q["sentence"]), clean_text(q["answer"])  # as ingest cleans the article
        row = {"id": f"{prefix}-{i:04d}", "question": clean_text(q["question"]), "doc_ids": [q["doc_id"]]}
        if q["answerable"]:
            row.update(type=q["kind"], answers=[answer], evidence=[sentence])
        else:
            row.update(type="unanswerable", answers=[], evidence=[], tempting=sentence, asks=q["kind"])
        rows.append({**row, "lookalike": q.get("lookalike", ""), "sub": q.get("sub", "")})
    return rows


def _read(line: str, where: str) -> dict:
    """One written question, or an error naming its file and line."""
    try:
        q = json.loads(line)
    except json.JSONDecodeError as exc:
        raise SystemExit(f"{where}: not JSON ({exc.msg})") from None
    missing = sorted(FIELDS - set(q))
    if missing:
        raise SystemExit(f"{where}: missing field(s) {', '.join(missing)}")
    if q["kind"] not in KINDS:
        raise SystemExit(f"{where}: kind {q['kind']!r} is not one of {sorted(KINDS)}")
    return q


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--questions", type=Path, nargs="+", required=True, help="written question files (JSONL)")
    ap.add_argument("--prefix", default="w", help="question ids: PREFIX-0001, ...")
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    questions = []
    for path in args.questions:
        with open(path, encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                questions.append(_read(line, f"{path}:{n}"))
    rows = eval_rows(questions, args.prefix)
    with open(args.out, "w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    answerable = sum(r["type"] != "unanswerable" for r in rows)
    print(f"wrote {args.out}: {len(rows)} questions ({answerable} answerable, {len(rows) - answerable} look-alikes)")


if __name__ == "__main__":
    main()
