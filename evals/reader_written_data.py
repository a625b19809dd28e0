"""In-domain pairs for the reading model from questions written here about corpus articles no evaluation uses.

`evals/reader_written/questions.jsonl` holds questions written by six helper sessions (LLM agents of this project,
2026-12-07), 4 per article on 120 corpus articles (`questions2.jsonl`: 720 more by six more, on 180 other articles)
that no dev, test or citation-lookup question cites (asserted below): 3 answerable ones, paraphrased rather than
copied from the answering sentence, with that sentence and the answer verbatim; and 1 unanswerable look-alike that
names the article's people and event but asks a detail the article never states, with the sentence a careless
reader would answer from. `questions3.jsonl` (five more sessions, 150 other articles) has 2 answerable and 2
look-alikes an article: a detail never stated ("missing") and a stated fact with one element - person, country,
place, date or event - changed for one the article never mentions ("swapped"). `questions4.jsonl` (five more, the
148 articles left, up to 15,000 characters): per article 1 answerable from one sentence, 1 list question whose items
(`items`) are stated in 2 to 5 sentences, and the two look-alikes. They saw only their batch of articles, never an
evaluation file. This script makes (question, sentence, label, span) pairs with the product's splitter:
- answer (1): the product sentence that holds the written sentence, with the answer's span;
- hard (0): the article's 2 other sentences sharing most of the question's words and not holding the answer;
- lookalike (0): an unanswerable question with its look-alike sentence and the 2 other sentences sharing most words;
- item (1): a list question's (`items`, `questions4.jsonl`) sentences, one per item with its span; its hard negatives
  hold none of the items.

    python evals/reader_written_data.py [--out evals/reader_data_out]   # written.jsonl, and stage3w.jsonl when
                                                                         # train.jsonl and indomain_a.jsonl are there
    python evals/reader_written_data.py --questions questions.jsonl questions2.jsonl --stage stage3w2.jsonl
    python evals/reader_written_data.py --questions questions.jsonl questions2.jsonl questions3.jsonl --stage stage4.jsonl
    python evals/reader_written_data.py --questions questions.jsonl ... questions5.jsonl --written written7.jsonl \
        --stage stage5x.jsonl                                                 # the base of stage 7 (data card)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.documents import Article  # noqa: E402
from assistant.ingest.parse import parse_path  # noqa: E402
from assistant.text import split_sentences  # noqa: E402
from evals.reader_corpus_data import sentence_holding  # noqa: E402
from evals.reader_data import _ex, words  # noqa: E402

WRITTEN = ROOT / "evals" / "reader_written"  # questions.jsonl (480, stage 3w); 2, 3 (stage 4), 4: 720, 600, 592
SEED = 19
# Question sets whose documents training never uses. heldout_written.jsonl came after stage 9: the data of stages up to
# 9 holds sentences of 130 of its 165 articles as mined negatives or list members; re-running the stage-6 to -9
# scripts now leaves them out, so their outputs differ from the files trained on (reader_data.md, "Held-out").
EVAL_FILES = ("dev.jsonl", "test.jsonl", "cite_dev.jsonl", "cite_test.jsonl", "heldout_written.jsonl")


def evaluation_documents(names: Sequence[str] = EVAL_FILES) -> set[str]:
    """Every document an evaluation question (answers or citation lookup) of these files cites."""
    docs: set[str] = set()
    for name in names:
        for line in open(ROOT / "evals" / name, encoding="utf-8"):
            q = json.loads(line)
            docs.update(q.get("doc_ids") or [])
            if q.get("doc_id"):
                docs.add(q["doc_id"])
    return docs


def written_questions(names: Sequence[str]) -> tuple[list[dict], set[str]]:
    """The questions of these files of evals/reader_written/, and the evaluation documents (none of theirs)."""
    questions = [json.loads(line) for name in names for line in open(WRITTEN / name, encoding="utf-8")]
    excluded = evaluation_documents()
    assert not {q["doc_id"] for q in questions} & excluded, "a written question is about an evaluation document"
    return questions, excluded


def add_to_stage(base: Path, added: Path, stage: Path, seed: int) -> list[str]:
    """stage = base's pairs + added's, shuffled (seeded); nothing is written when base is missing."""
    if not base.exists():
        return []
    lines = base.read_text(encoding="utf-8").splitlines(keepends=True)
    lines += added.read_text(encoding="utf-8").splitlines(keepends=True)
    random.Random(seed).shuffle(lines)
    stage.write_text("".join(lines), encoding="utf-8")
    print(f"{stage.name}: {len(lines)} pairs sha256 {hashlib.sha256(stage.read_bytes()).hexdigest()[:16]}")
    return lines


def pairs(questions: list[dict], articles: dict[str, Article], rng: random.Random) -> list[dict]:
    """The training pairs of the written questions (see the module docstring)."""
    rows = []
    for q in questions:
        art = articles[q["doc_id"]]
        sents = [art.text[s.start : s.end] for s in split_sentences(art.text) if s.end - s.start >= 12]
        anchor = sentence_holding(art.text, q["sentence"])
        if anchor is None:
            continue
        qw = words(q["question"])
        if q.get("items"):  # a list question: each item's sentence answers it in part
            held: dict[str, str] = {}  # product sentence -> its first item: one pair a sentence
            for it in q["items"]:
                s = sentence_holding(art.text, it["sentence"])
                if s is not None and it["answer"] in s:
                    held.setdefault(s, it["answer"])
            for s, a in held.items():
                at = s.find(a)
                rows.append(_ex(q["question"], s, 1, (at, at + len(a)), "written", "item", art.id))
            answers = [it["answer"] for it in q["items"]]
            others = [s for s in sents if s not in held and not any(a in s for a in answers)]
        elif q["answerable"]:
            at = anchor.find(q["answer"])
            if at < 0:
                continue  # the answer crosses the product's sentence boundary
            rows.append(_ex(q["question"], anchor, 1, (at, at + len(q["answer"])), "written", "answer", art.id))
            others = [s for s in sents if s != anchor and q["answer"] not in s]
        else:
            rows.append(_ex(q["question"], anchor, 0, None, "written", "lookalike", art.id))
            others = [s for s in sents if s != anchor]
        rng.shuffle(others)
        for s in sorted(others, key=lambda s: -len(qw & words(s)))[:2]:
            rows.append(_ex(q["question"], s, 0, None, "written", "hard", art.id))
    return rows


def stage3w(
    out: Path,
    public: int = 12_000,
    repeat: int = 4,
    written: int = 2,
    seed: int = SEED,
    name: str = "stage3w.jsonl",
    pairs_file: str = "written.jsonl",
) -> Path:
    """A written stage's file (3w, 4, 5: `name`): `public` pairs of train.jsonl, the dev half-A pairs `repeat` times
    and the written pairs (`pairs_file`) `written` times, shuffled (seeded)."""
    rng = random.Random(seed)
    lines = (out / "train.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    rng.shuffle(lines)
    mix = lines[:public] + (out / "indomain_a.jsonl").read_text(encoding="utf-8").splitlines(keepends=True) * repeat
    mix += (out / pairs_file).read_text(encoding="utf-8").splitlines(keepends=True) * written
    rng.shuffle(mix)
    path = out / name
    path.write_text("".join(mix), encoding="utf-8")
    print(f"{path.name}: {len(mix)} pairs sha256 {hashlib.sha256(path.read_bytes()).hexdigest()[:16]}")
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "evals" / "reader_data_out")
    ap.add_argument(
        "--questions",
        nargs="+",
        default=["questions.jsonl"],
        help="files of evals/reader_written/ to use (stage 3w: questions.jsonl only)",
    )
    ap.add_argument("--stage", default="stage3w.jsonl", help="name of the stage file to write")
    ap.add_argument("--written", default="written.jsonl", help="name of the written pairs' file to write")
    args = ap.parse_args()
    questions, _ = written_questions(args.questions)
    used = {q["doc_id"] for q in questions}
    articles = {a.id: a for a in parse_path(ROOT / "corpus") if isinstance(a, Article) and a.id in used}
    rows = pairs(questions, articles, random.Random(SEED))
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / args.written
    with open(path, "w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    counts = Counter(f"{r['kind']}:{r['label']}" for r in rows)
    print(f"{path.name}: {len(rows)} pairs from {len(questions)} questions on {len(used)} articles {dict(counts)}")
    print(f"sha256 {hashlib.sha256(path.read_bytes()).hexdigest()}")
    if (args.out / "train.jsonl").exists() and (args.out / "indomain_a.jsonl").exists():
        stage3w(args.out, name=args.stage, pairs_file=args.written)


if __name__ == "__main__":
    main()
