"""Benchmark: warm `ask` latency with and without the trained reader, and the reader's share of it.

Usage: python evals/bench_reader.py --home DIR [--questions N] [--workers 1,2]
  DIR is an index of corpus/; the questions are the first N of evals/dev.jsonl (standalone ones). Prints figures; the
  configurations (the reader reading 1 or 2 sentences at a time, and no reader) are measured in one run,
  interleaved, because the machines are shared.
"""

from __future__ import annotations

import argparse
import json
import os
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

    def __init__(self, workers: int | None = None) -> None:
        self.inner = OnnxReader(workers=workers)
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
    ap.add_argument("--workers", default="", help="sentences read at a time to compare, e.g. 1,2 (default: the product's)")
    args = ap.parse_args()
    rows = [json.loads(line) for line in (ROOT / "evals" / "dev.jsonl").read_text().splitlines() if line.strip()]
    questions = [r["question"] for r in rows if not r.get("history")][: args.questions]
    pipe = Pipeline(Settings(home=args.home))
    readers = {f"reader x{w.inner.workers}": w for w in (TimedReader(int(n)) for n in args.workers.split(",") if n)} or {
        "reader": TimedReader()
    }
    with_reader = pipe.extractive.reader
    for timed in readers.values():
        timed.warm_up()
    pipe.extractive.reader = next(iter(readers.values()))
    pipe.warm_up()
    configs: list[tuple[str, TimedReader | None]] = [*readers.items(), ("ranker only", None)]
    lat: dict[str, list[float]] = {name: [] for name, _ in configs}
    for n, q in enumerate(questions):
        # the order turns each question: a configuration asked later finds the question's vector cached
        for name, reader in configs[n % len(configs) :] + configs[: n % len(configs)]:
            pipe.extractive.reader = reader
            t = time.perf_counter()
            pipe.ask(q)
            lat[name].append((time.perf_counter() - t) * 1000)
    pipe.extractive.reader = with_reader
    pipe.close()
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"{len(questions)} dev questions, warm, on {args.home}; {cpus} CPUs usable, load average {os.getloadavg()[0]:.1f}")
    for name, ms in lat.items():
        print(f"  {name:12s} ask p50 {statistics.median(ms):6.1f} ms  p95 {_pct(ms, 95):6.1f} ms")
    for name, timed in readers.items():
        read_ms = [s * 1000 for s in timed.seconds]
        share = sum(read_ms) / sum(lat[name])
        p50, p95 = statistics.median(read_ms), _pct(read_ms, 95)
        print(f"  {name:12s} read p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  ({share:.0%} of ask)")


if __name__ == "__main__":
    main()
