"""Stage 11a's pairs: the SQuADShifts Reddit and Amazon questions that stage 1 (evals/reader_data.py) left out.

Stage 1 took the first 4,000 Reddit and 3,000 Amazon questions of a seeded shuffle. This replays that shuffle exactly
(same seed, same order of sources, the same random calls) and makes pairs, as stage 1 does, from the paragraphs after
the cut: answer sentences, same-paragraph negatives (hard first), and entity-swap look-alikes at stage 1's ratio.
Paragraphs whose title is among stage 1's validation titles are left out, so that split stays unseen.

    python evals/reader_more_data.py --src DIR   # DIR: the reader-data folder; writes reader_data_out/more.jsonl
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from evals import reader_data as rd

SEED = 14  # the new pairs' own seed (the replay uses stage 1's)
SWAP_RATIO = 4630 / 17280  # stage 1's swaps per answer pair


def left_out(src: Path) -> dict[str, list[dict]]:
    """Per source, the paragraphs after stage 1's cut, found by replaying its shuffle."""
    rng = random.Random(rd.SEED)
    rest: dict[str, list[dict]] = {}
    for name, taken, left in rd.cut_sources(src, rng):
        for p in taken:  # the same random calls as stage 1, so the next source's shuffle is stage 1's
            rd.paragraph_examples(p, rd.source_name(name), rng)
        rest[name] = left
    return rest


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--src", type=Path, required=True, help="folder of the gzip files listed in evals/reader_data.md")
    ap.add_argument("--out", type=Path, default=Path("evals/reader_data_out"))
    args = ap.parse_args()
    seen = {json.loads(line)["question"] for f in ("train.jsonl", "val.jsonl") for line in open(args.out / f, encoding="utf-8")}
    val_titles = {json.loads(line)["title"] for line in open(args.out / "val.jsonl", encoding="utf-8")}
    rng = random.Random(SEED)
    examples, positives = [], []
    for name, paras in left_out(args.src).items():
        paras = [p for p in paras if p["title"] not in val_titles]
        for p in paras:
            ex, pos = rd.paragraph_examples(p, rd.source_name(name), rng)
            examples += ex
            positives += pos
        print(f"{name}: {len(paras)} paragraphs left out by stage 1", file=sys.stderr)
    examples += rd.entity_swaps(positives, rng, round(SWAP_RATIO * len(positives)))
    overlap = sum(e["question"] in seen for e in examples if e["kind"] != "swap")
    rng.shuffle(examples)
    path = args.out / "more.jsonl"
    with open(path, "w", encoding="utf-8") as fh:
        for e in examples:
            fh.write(json.dumps(e, ensure_ascii=False) + "\n")
    print(
        json.dumps(
            {
                "pairs": dict(Counter(f"{e['kind']}:{e['label']}" for e in examples)),
                "by_source": dict(Counter(e["source"] for e in examples)),
                "questions_also_in_stage_1": overlap,
                "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
