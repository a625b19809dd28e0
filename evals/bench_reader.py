"""Benchmark: warm `ask` latency with and without the trained reader, and the reader's share of it.

Usage: python evals/bench_reader.py --home DIR [--questions N]
  DIR is an index of corpus/; the questions are the first N of evals/dev.jsonl (standalone ones). Prints figures; both
  configurations are measured in one run, interleaved, because the machines are shared.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.answer.extractive.reading import OnnxReader, Reading  # noqa: E402
from assistant.pipeline import Pipeline  # noqa: E402
from assistant.settings import Settings  # noqa: E402


class TimedReader:
    """The shipped reader, timing each batch it reads."""

    def __init__(self) -> None:
        self.inner = OnnxReader()
        self.seconds: list[float] = []

    def read(self, question: str, sentences: list[str]) -> list[Reading]:
        t = time.perf_counter()
        out = self.inner.read(question, sentences)
        self.seconds.append(time.perf_counter() - t)
        return out

    def warm_up(self) -> None:
        self.inner.warm_up()


def _pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(p / 100 * len(s) + 0.5) - 1))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--home", type=Path, required=True)
    ap.add_argument("--questions", type=int, default=100)
    args = ap.parse_args()
    rows = [json.loads(line) for line in (ROOT / "evals" / "dev.jsonl").read_text().splitlines() if line.strip()]
    questions = [r["question"] for r in rows if not r.get("history")][: args.questions]
    pipe = Pipeline(Settings(home=args.home))
    timed = TimedReader()
    with_reader = pipe.extractive.reader
    pipe.extractive.reader = timed
    pipe.warm_up()
    lat: dict[str, list[float]] = {"reader": [], "ranker only": []}
    for q in questions:
        for name, reader in (("reader", timed), ("ranker only", None)):
            pipe.extractive.reader = reader
            t = time.perf_counter()
            pipe.ask(q)
            lat[name].append((time.perf_counter() - t) * 1000)
    pipe.extractive.reader = with_reader
    pipe.close()
    print(f"{len(questions)} dev questions, warm, on {args.home}")
    for name, ms in lat.items():
        print(f"  {name:12s} ask p50 {statistics.median(ms):6.1f} ms  p95 {_pct(ms, 95):6.1f} ms")
    read_ms = [s * 1000 for s in timed.seconds]
    share = sum(read_ms) / sum(lat["reader"])
    print(f"  reader.read   p50 {statistics.median(read_ms):6.1f} ms  p95 {_pct(read_ms, 95):6.1f} ms  ({share:.0%} of ask)")


if __name__ == "__main__":
    main()
