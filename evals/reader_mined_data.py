"""Negatives for the reading model mined from what the product shows it: for each question written here
(`evals/reader_written/`, on articles no evaluation uses), the sentences the shipped ranker puts in its best 8 - the
ones the reader reads and must tell from the answer - that do not answer it.

The written pairs (`reader_written_data.py`) take their negatives from the question's own article only (the sentences
sharing most of its words). The product's reader reads the ranker's best sentences over the retrieved passages and
the rest of the best two articles, often from other readouts of the same people (another meeting, another month):
those are the confusions behind a wrong sentence chosen and an unanswerable question answered. A mined sentence is a
negative (kind `mined`, label 0) when it is not the question's answer or look-alike sentence, holds none of its
answers (for a list: none of its items), and comes from no evaluation document (dev, test, citation lookup), so
nothing of an evaluation question's article reaches training. Up to `--per-question` a question, best-ranked first.

    python evals/reader_mined_data.py --home DIR [--out evals/reader_data_out] [--per-question 3]
        # mined.jsonl; then, when stage5.jsonl is there, stage6.jsonl = stage5.jsonl + mined.jsonl (shuffled, seeded)
    python evals/reader_mined_data.py --home DIR --questions questions.jsonl ... questions5.jsonl \
        --base stage5x.jsonl --stage stage7.jsonl --mined mined7.jsonl      # stage 7 (see the data card)
    python evals/reader_mined_data.py --home DIR --by-reader 0.2 --replay-same --base stage6.jsonl \
        --mined mined10.jsonl --stage stage10.jsonl                         # stage 10: the reader's own mistakes

DIR is an index of corpus/ (the one `assistant --home DIR eval` builds). Deterministic: the shipped ranker, hybrid
retrieval with the default settings, no sampling.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from evals.reader_data import _ex  # noqa: E402
from evals.reader_written_data import add_to_stage, written_questions  # noqa: E402

if TYPE_CHECKING:
    from assistant.pipeline import Pipeline

SEED = 19
READ = 8  # the ranker's best sentences the product's reader reads (ranker.json's reader k)
QUESTION_FILES = ("questions.jsonl", "questions2.jsonl", "questions3.jsonl", "questions4.jsonl")  # stage 6


def answers_of(q: dict) -> list[str]:
    """What would make a sentence answer the question: its answer, or each item of a list."""
    if q.get("items"):
        return [it["answer"] for it in q["items"] if it["answer"]]
    return [q["answer"]] if q.get("answerable") and q.get("answer") else []


def product_reads(pipe: Pipeline) -> Callable[[str], list]:
    """For a question, the shipped ranker's best READ sentences (hybrid retrieval, default settings, no reader): the
    candidates the product's reader reads, best first."""
    from assistant.answer.extractive.answerer import ExtractiveAnswerer
    from assistant.answer.extractive.ranker import load_model

    ranker = ExtractiveAnswerer(pipe.embedder, pipe.extractive.infos, ranker=load_model(), reader=None)

    def read(question: str) -> list:
        passages = pipe.retriever.retrieve(question, k=pipe.settings.k, mode="hybrid")
        return list(ranker.rank(pipe.reader_input(question, passages)).ranked[:READ])

    return read


def by_reader(pipe: Pipeline, reads: Callable[[str], list], min_prob: float) -> Callable[[str], list]:
    """The same candidates re-ordered by the shipped reading model's answerability, keeping those it scores at least
    `min_prob`: the sentences the reader itself takes for answers (stage 10, hard negatives from the reader's own
    mistakes, as in iterative hard-negative mining)."""
    reader = pipe.extractive.reader
    if reader is None:
        raise SystemExit("--by-reader needs the reading model (ASSISTANT_READER is off)")

    def read(question: str) -> list:
        ranked = reads(question)
        probs = [r.prob for r in reader.read(question, [c.text for c in ranked])] if ranked else []
        order = sorted(range(len(ranked)), key=lambda i: -probs[i])
        return [ranked[i] for i in order if probs[i] >= min_prob]

    return read


def mine(
    pipe: Pipeline, questions: list[dict], per_question: int, excluded: set[str], min_reader_prob: float | None = None
) -> list[dict]:
    """The mined negatives of every question (see the module docstring), from the index `pipe` searches; with
    `min_reader_prob`, ordered and thresholded by the shipped reader instead of the ranker."""
    reads = product_reads(pipe)
    if min_reader_prob is not None:
        reads = by_reader(pipe, reads, min_reader_prob)
    rows = []
    for n, q in enumerate(questions, 1):
        ranked = reads(q["question"])
        answers = answers_of(q)
        known = [s for s in (q["sentence"], *(it["sentence"] for it in q.get("items") or [])) if s]
        taken = 0
        for c in ranked:
            if taken >= per_question:
                break
            if c.passage.doc_id in excluded or any(a in c.text for a in answers):
                continue
            if any(k in c.text or c.text in k for k in known):
                continue  # the answer's or look-alike's own sentence (the written pairs have it)
            rows.append(_ex(q["question"], c.text, 0, None, "mined", "mined", c.passage.doc_id))
            taken += 1
        if n % 200 == 0:
            print(f"  {n}/{len(questions)} questions mined", file=sys.stderr)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--home", type=Path, required=True, help="index of corpus/ to retrieve from")
    ap.add_argument("--out", type=Path, default=ROOT / "evals" / "reader_data_out")
    ap.add_argument("--per-question", type=int, default=3, help="mined negatives a question at most")
    ap.add_argument("--questions", nargs="+", default=QUESTION_FILES, help="files of evals/reader_written/ to mine for")
    ap.add_argument("--mined", default="mined.jsonl", help="name of the mined pairs' file")
    ap.add_argument("--base", default="stage5.jsonl", help="stage file the mined pairs are added to")
    ap.add_argument("--stage", default="stage6.jsonl", help="stage file to write: the base plus the mined pairs")
    ap.add_argument("--by-reader", type=float, metavar="P", help="order by the shipped reader, keep its scores >= P")
    ap.add_argument("--replay-same", action="store_true", help="stage = mined + as many seeded base pairs")
    args = ap.parse_args()
    questions, excluded = written_questions(args.questions)
    from assistant.pipeline import Pipeline
    from assistant.settings import Settings

    pipe = Pipeline(Settings(home=args.home))
    try:
        rows = mine(pipe, questions, args.per_question, excluded, args.by_reader)
    finally:
        pipe.close()
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / args.mined
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    own = {q["question"]: q["doc_id"] for q in questions}
    docs = Counter("own article" if r["title"] == own[r["question"]] else "another article" for r in rows)
    print(f"{path.name}: {len(rows)} pairs from {len(questions)} questions; {dict(docs)}")
    print(f"sha256 {hashlib.sha256(path.read_bytes()).hexdigest()}")
    if args.replay_same:
        replay_stage(args.out / args.base, path, args.out / args.stage, SEED)
    else:
        add_to_stage(args.out / args.base, path, args.out / args.stage, SEED)


def replay_stage(base: Path, added: Path, stage: Path, seed: int) -> None:
    """stage = added's pairs + as many of base's (a seeded sample, replayed so the model keeps what it knew), shuffled:
    a stage trained from the base's weights on mostly new pairs."""
    new = added.read_text(encoding="utf-8").splitlines(keepends=True)
    old = base.read_text(encoding="utf-8").splitlines(keepends=True)
    rng = random.Random(seed)
    lines = new + rng.sample(old, min(len(new), len(old)))
    rng.shuffle(lines)
    stage.write_text("".join(lines), encoding="utf-8")
    print(f"{stage.name}: {len(lines)} pairs sha256 {hashlib.sha256(stage.read_bytes()).hexdigest()[:16]}")


if __name__ == "__main__":
    main()
