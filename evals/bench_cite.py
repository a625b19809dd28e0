"""Citation lookup latency: p50/p95 per lookup kind on an existing index (nothing is written to it).

    python evals/bench_cite.py --home DIR [--n 100]

Query sets, drawn from the index's own articles (seeded): verbatim sentences and cut quotes; near-verbatim quotes
(one word dropped, one word changed, punctuation changed); and claims that go through paraphrase checking (the
hand-written paraphrases and unsourced claims of evals/cite_{dev,test}.jsonl). Each lookup is timed end to end
(`CitationLookup.cite`: input checks, phrase search, fuzzy matching, retrieval, sentence vectors, checker) after one
warm-up lookup that loads the embedder and opens Chroma.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.lookup import CitationLookup  # noqa: E402
from assistant.retrieval.embeddings import embedder_for  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from assistant.store.facade import Store  # noqa: E402
from assistant.text import split_sentences  # noqa: E402


def sample_sentences(store: Store, n: int, seed: int = 26) -> list[str]:
    """`n` sentences of 12-40 words from random indexed articles."""
    docs = store.find_documents("", limit=100_000)
    rng = random.Random(seed)
    rng.shuffle(docs)
    out = []
    for d in docs:
        text = store.document(d["doc_id"])["text"]
        sents = [text[s.start : s.end] for s in split_sentences(text)]
        sents = [s for s in sents if 12 <= len(s.split()) <= 40]
        if sents:
            out.append(rng.choice(sents))
        if len(out) >= n:
            break
    return out


def edit(sentence: str, rng: random.Random) -> str:
    """A light edit: drop a word, change a lower-case word, or re-punctuate."""
    words = sentence.rstrip(".").split()
    lower = [i for i, w in enumerate(words) if w.isalpha() and w.islower() and len(w) > 3]
    choice = rng.randrange(3)
    if choice == 0 and lower:
        del words[rng.choice(lower)]
    elif choice == 1 and lower:
        words[rng.choice(lower)] = "notably"
    else:
        return re.sub(r",", ";", sentence.rstrip(".")) + "!"
    return " ".join(words)


def timed(lookup: CitationLookup, texts: list[str]) -> list[tuple[str, float, float]]:
    """(kind of the first sentence's result, wall milliseconds, CPU milliseconds of this process) per text. On a
    machine where other work holds the cores, wall time mostly measures waiting; CPU time is what a lookup costs."""
    out = []
    for t in texts:
        t0, c0 = time.perf_counter(), time.process_time()
        res = lookup.cite(t)
        out.append((res.sentences[0].kind, (time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000))
    return out


def report(name: str, rows: list[tuple[str, float, float]]) -> None:
    wall, cpu = np.array([r[1] for r in rows]), np.array([r[2] for r in rows])
    kinds = {k: sum(1 for r in rows if r[0] == k) for k in sorted({r[0] for r in rows})}
    print(
        f"{name:<26} n={len(rows):<4} wall p50 {np.percentile(wall, 50):6.1f} p95 {np.percentile(wall, 95):6.1f} ms"
        f"  cpu p50 {np.percentile(cpu, 50):6.1f} p95 {np.percentile(cpu, 95):6.1f} ms  {kinds}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--home", type=Path, required=True)
    ap.add_argument("--n", type=int, default=100)
    args = ap.parse_args()
    settings = Settings.from_env().with_(home=args.home)
    rng = random.Random(7)
    with Store(settings) as store:
        lookup = CitationLookup(store, embedder_for(settings))
        print(f"index: {args.home} ({store.counts()['documents']} documents, {store.counts()['chunks']} chunks)")
        sentences = sample_sentences(store, args.n)
        claims = [
            json.loads(line)["text"]
            for name in ("cite_dev.jsonl", "cite_test.jsonl")
            for line in (ROOT / "evals" / name).read_text(encoding="utf-8").splitlines()
            if line.strip() and json.loads(line)["kind"] in ("paraphrase", "none")
        ]
        lookup.cite("warm up the embedder and the vector index")
        rows = {
            "verbatim sentence": timed(lookup, sentences),
            "verbatim cut quote": timed(lookup, [" ".join(s.split()[2:-2]) for s in sentences]),
            "near-verbatim (edited)": timed(lookup, [edit(s, rng) for s in sentences]),
            "paraphrase / claim": timed(lookup, claims),
        }
    for name, r in rows.items():
        report(name, r)
    by_kind: dict[str, list[tuple[str, float, float]]] = {}
    for r in rows.values():
        for row in r:
            by_kind.setdefault(row[0], []).append(row)
    print("by the path each lookup took:")
    for kind, r in sorted(by_kind.items()):
        report(f"  {kind}", r)


if __name__ == "__main__":
    main()
