"""Benchmark: ingest throughput vs raw encoder throughput, warm/cold ask latency, index size.

Usage: python evals/bench.py [--corpus PATH] [--questions N] [--json OUT]
Prints figures; measures ratios within one run (the machines are shared, absolute times drift).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.documents import Article  # noqa: E402
from assistant.indexer import index_articles  # noqa: E402
from assistant.ingest.chunking import chunk_article  # noqa: E402
from assistant.ingest.parse import parse_path  # noqa: E402
from assistant.pipeline import Pipeline  # noqa: E402
from assistant.settings import Settings  # noqa: E402


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(p / 100 * len(s) + 0.5) - 1))]


def main() -> None:
    """Run every measurement and print a table."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, default=ROOT / "corpus" / "diplomacy-releases.jsonl")
    ap.add_argument("--questions", type=int, default=50)
    ap.add_argument("--encode-sample", type=int, default=600)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    home = Path(tempfile.mkdtemp(prefix="bench-home-"))
    settings = Settings(home=home)
    pipe = Pipeline(settings)
    pipe.embedder.warm_up()
    out: dict[str, float | int | str] = {}

    articles = [a for a in parse_path(args.corpus) if isinstance(a, Article)]
    t = time.perf_counter()
    result = index_articles(pipe.store, pipe.embedder, articles, settings)
    ingest_s = time.perf_counter() - t
    out.update(
        articles=len(articles),
        chunks=result.chunks,
        ingest_s=round(ingest_s, 1),
        ingest_chunks_per_s=round(result.chunks / ingest_s, 1),
    )

    texts = [c.embed_text(a) for a in articles[:400] for c in chunk_article(a, settings.chunk_tokens)][: args.encode_sample]
    t = time.perf_counter()
    pipe.embedder.embed_batch(texts)
    raw = len(texts) / (time.perf_counter() - t)
    out.update(raw_encode_chunks_per_s=round(raw, 1), ingest_vs_raw=round(out["ingest_chunks_per_s"] / raw, 2))

    qs = [json.loads(line) for line in (ROOT / "evals" / "dev.jsonl").read_text().splitlines() if line.strip()]
    pipe.ask("warm-up question about NATO")
    lat, retr, ans = [], [], []
    for q in qs[: args.questions]:
        t = time.perf_counter()
        a = pipe.ask(q["question"], history=q.get("history") or [])
        lat.append((time.perf_counter() - t) * 1000)
        retr.append(a.timings_ms["retrieve"])
        ans.append(a.timings_ms["answer"])
    out.update(
        warm_ask_p50_ms=round(statistics.median(lat), 1),
        warm_ask_p95_ms=round(_pct(lat, 95), 1),
        retrieve_p50_ms=round(statistics.median(retr), 1),
        answer_p50_ms=round(statistics.median(ans), 1),
    )
    pipe.close()

    exe = str(Path(sys.executable).parent / "assistant")
    env = {**os.environ, "ASSISTANT_HOME": str(home)}
    t = time.perf_counter()
    subprocess.run([exe, "ask", "Who greeted Pezeshkian at the airport?"], env=env, check=False, capture_output=True)
    out["cold_ask_s"] = round(time.perf_counter() - t, 2)
    t = time.perf_counter()
    subprocess.run([exe, "--help"], env=env, check=True, capture_output=True)
    out["help_s"] = round(time.perf_counter() - t, 2)
    out["index_mb"] = round(_size(home) / 1e6, 1)
    out["chroma_mb"] = round(_size(home / "chroma") / 1e6, 1)

    width = max(len(k) for k in out)
    for k, v in out.items():
        print(f"{k:<{width}}  {v}")
    if args.json:
        args.json.write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
