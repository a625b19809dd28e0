"""Lists for the reading model: each question with the sentences the product's reader reads for it, labelled, so
training can teach the choice the product makes - which of these sentences answers, or none of them.

The pairs (`reader_written_data.py`, `reader_mined_data.py`) teach one (question, sentence) at a time. The product
reads the shipped ranker's best 8 sentences and answers from the one the reader scores highest, or refuses when none
scores well: a wrong sentence chosen is one negative scored above the answer *for the same question*, an unanswerable
question answered is the best of 8 negatives scored too high. A list holds, for one question:
- its answering sentences (label 1, with the answer's span): for a written question (`evals/reader_written/`) the
  answer or item pairs of `written7.jsonl`; for a dev half-A question (as `reader_corpus_data.py` splits dev) the
  product sentences holding its evidence;
- the ranker's best 8 (hybrid retrieval, the default settings, no reader) that neither are nor hold an answer
  (label 0), best-ranked first, up to 8 members in all; for a written look-alike its look-alike sentence too.
Candidates from test or citation-lookup documents are never kept, nor, for written questions, any evaluation
document's, nor, for dev half-A questions, a half-B document's. Training (`train_reader.py --lists`) scores a list in
one batch and adds a softmax over its members and a "none" slot of logit 0 (the sigmoid's 0.5) to the pair losses.

    python evals/reader_list_data.py --home DIR [--out evals/reader_data_out]      # lists.jsonl

DIR is an index of corpus/ (the one `assistant --home DIR eval` builds). Deterministic.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from evals.reader_corpus_data import SKIP_TYPES, answer_strings, half, sentence_holding, span_in  # noqa: E402
from evals.reader_mined_data import READ, answers_of, product_reads  # noqa: E402
from evals.reader_written_data import EVAL_FILES, evaluation_documents, written_questions  # noqa: E402

if TYPE_CHECKING:
    from assistant.pipeline import Pipeline

ALL_QUESTION_FILES = tuple(f"questions{n}.jsonl" for n in ("", "2", "3", "4", "5"))  # stage 6 mined the first four
MAX_POSITIVES = 3


def written_targets(pairs_file: Path) -> tuple[dict[str, list[dict]], dict[str, str]]:
    """Per written question: its answering pairs (sentence, span) and its look-alike sentence, from the written pairs."""
    pos: dict[str, list[dict]] = {}
    look: dict[str, str] = {}
    for line in open(pairs_file, encoding="utf-8"):
        r = json.loads(line)
        if r["kind"] in ("answer", "item") and r["label"] == 1:
            pos.setdefault(r["question"], []).append({"sentence": r["sentence"], "label": 1, "span": r["span"]})
        elif r["kind"] == "lookalike":
            look[r["question"]] = r["sentence"]
    return pos, look


def dev_half_a() -> list[dict]:
    """Dev half A's questions as list tasks: answerable ones with their evidence sentences, unanswerable ones."""
    from assistant.documents import Article
    from assistant.ingest.parse import parse_path

    dev = [json.loads(line) for line in open(ROOT / "evals" / "dev.jsonl", encoding="utf-8")]
    dev = [q for q in dev if q["doc_ids"] and q["type"] not in SKIP_TYPES and half(q["doc_ids"][0]) == "A"]
    wanted = {q["doc_ids"][0] for q in dev}
    articles = {a.id: a for a in parse_path(ROOT / "corpus") if isinstance(a, Article) and a.id in wanted}
    tasks = []
    for q in dev:
        answers = answer_strings(q)
        if q["type"] == "unanswerable":
            tasks.append({"question": q["question"], "answers": [], "positives": [], "doc_id": q["doc_ids"][0]})
            continue
        art = articles[q["doc_ids"][0]]
        gold = dict.fromkeys(g for g in (sentence_holding(art.text, e) for e in q["evidence"]) if g)
        positives = [{"sentence": g, "label": 1, "span": list(s) if (s := span_in(g, answers)) else None} for g in gold]
        if positives:
            tasks.append({"question": q["question"], "answers": answers, "positives": positives, "doc_id": art.id})
    return tasks


def build(pipe: Pipeline, tasks: list[dict], excluded: set[str], source: str) -> list[dict]:
    """One list per task (see the module docstring), from the index `pipe` searches."""
    reads = product_reads(pipe)
    lists = []
    for n, t in enumerate(tasks, 1):
        ranked = reads(t["question"])
        members = [{**m, "doc_id": t["doc_id"]} for m in t["positives"][:MAX_POSITIVES]]
        known = [m["sentence"] for m in members] + ([t["lookalike"]] if t.get("lookalike") else [])
        if t.get("lookalike"):
            members.append({"sentence": t["lookalike"], "label": 0, "span": None, "doc_id": t["doc_id"]})
        for c in ranked:
            if len(members) >= READ:
                break
            if c.passage.doc_id in excluded or any(a in c.text for a in t["answers"]):
                continue
            if any(k in c.text or c.text in k for k in known):
                continue
            members.append({"sentence": c.text, "label": 0, "span": None, "doc_id": c.passage.doc_id})
            known.append(c.text)
        if len(members) >= 2:
            lists.append(
                {
                    "question": t["question"],
                    "answerable": bool(t["positives"]),
                    "members": members,
                    "source": source,
                    "title": t["doc_id"],
                }
            )
        if n % 200 == 0:
            print(f"  {n}/{len(tasks)} {source} questions listed", file=sys.stderr)
    return lists


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--home", type=Path, required=True, help="index of corpus/ to retrieve from")
    ap.add_argument("--out", type=Path, default=ROOT / "evals" / "reader_data_out")
    ap.add_argument("--written", default="written7.jsonl", help="the written pairs of all question files")
    ap.add_argument("--name", default="lists.jsonl")
    args = ap.parse_args()
    questions, eval_docs = written_questions(ALL_QUESTION_FILES)
    pos, look = written_targets(args.out / args.written)
    written = []
    for q in questions:
        if q["answerable"] and q["question"] not in pos:
            continue  # its answer crosses the product's sentence boundary: no pair was made
        positives = pos.get(q["question"], []) if q["answerable"] else []
        written.append(
            {
                "question": q["question"],
                "answers": answers_of(q),
                "positives": positives,
                "lookalike": look.get(q["question"]),
                "doc_id": q["doc_id"],
            }
        )
    dev_a = dev_half_a()
    half_b = {d for d in evaluation_documents(["dev.jsonl"]) if half(d) == "B"}
    not_dev = evaluation_documents([n for n in EVAL_FILES if n != "dev.jsonl"])
    from assistant.pipeline import Pipeline
    from assistant.settings import Settings

    pipe = Pipeline(Settings(home=args.home))
    try:
        lists = build(pipe, written, eval_docs, "written") + build(pipe, dev_a, half_b | not_dev, "dev-corpus")
    finally:
        pipe.close()
    path = args.out / args.name
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in lists), encoding="utf-8")
    kinds = Counter(f"{r['source']}:{'answerable' if r['answerable'] else 'unanswerable'}" for r in lists)
    size = sum(len(r["members"]) for r in lists) / max(1, len(lists))
    print(f"{path.name}: {len(lists)} lists {dict(kinds)}, {size:.1f} members a list")
    print(f"sha256 {hashlib.sha256(path.read_bytes()).hexdigest()}")


if __name__ == "__main__":
    main()
