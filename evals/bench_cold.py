"""Benchmark: a cold `assistant ask` against `python -c "import torch"`, warm `ask` latency with either query embedder,
`serve` time to ready, and embedding throughput for ingest with torch fp32, ONNX Runtime fp32 and ONNX Runtime int8.

Usage: python evals/bench_cold.py --home DIR [--runs 5] [--questions 50] [--chunks 300] [--no-serve] [--json OUT]
DIR is an indexed data directory (the full corpus for the target; it is only read). Cold runs alternate with the
torch imports so both see the same load on a shared machine; medians of wall and CPU time are printed. The ONNX
export is made (or found) first and is not part of the cold figures.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.documents import Article  # noqa: E402
from assistant.ingest.chunking import chunk_article  # noqa: E402
from assistant.ingest.parse import parse_path  # noqa: E402

QUESTION = "Where did Jake Sullivan meet Wang Yi in January 2024?"
BIN = Path(sys.executable).parent


def _timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one child process; CPU time shifts less when others load the machine."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    took = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if out.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{out.stderr[-2000:]}")
    return took, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def cold_figures(home: Path, runs: int, env: dict[str, str]) -> dict[str, float]:
    """Median wall and CPU time of `python -c "import torch"`, of a cold `assistant ask`, and of one whose question is
    parsed in its own process (ASSISTANT_PREFETCH=0, `assistant/cli/prefetch.py`), interleaved. CPU time counts the
    forked parser too."""
    ask = [str(BIN / "assistant"), "ask", QUESTION]
    torch = [sys.executable, "-c", "import torch"]
    serial_env = {**env, "ASSISTANT_PREFETCH": "0"}
    _timed(ask, env)  # makes or finds the ONNX export; fills the page cache for both sides alike
    _timed(torch, env)
    series: dict[str, list[tuple[float, float]]] = {"import_torch": [], "cold_ask": [], "cold_ask_no_prefetch": []}
    for _ in range(runs):
        series["import_torch"].append(_timed(torch, env))
        series["cold_ask"].append(_timed(ask, env))
        series["cold_ask_no_prefetch"].append(_timed(ask, serial_env))
    out: dict[str, float] = {}
    for i, kind in enumerate(("wall", "cpu")):
        med = {name: statistics.median(r[i] for r in rs) for name, rs in series.items()}
        out.update({f"{name}_{kind}_s": round(v, 3) for name, v in med.items()})
        out[f"cold_ask_over_import_torch_{kind}"] = round(med["cold_ask"] / med["import_torch"], 2)
        out[f"cold_ask_no_prefetch_over_import_torch_{kind}"] = round(med["cold_ask_no_prefetch"] / med["import_torch"], 2)
    return out


def serve_ready(home: Path, env: dict[str, str]) -> float:
    """Seconds from starting `assistant serve` to its page answering."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    t = time.perf_counter()
    proc = subprocess.Popen(
        [str(BIN / "assistant"), "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        while time.perf_counter() - t < 180:
            if proc.poll() is not None:
                raise SystemExit(f"serve exited: {proc.stderr.read().decode()[-2000:]}")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                time.sleep(0.1)
        return round(time.perf_counter() - t, 2)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


WARM = """
import json, statistics, sys, time
from assistant.pipeline import Pipeline
from assistant.settings import Settings
qs = [json.loads(line) for line in open(sys.argv[2]) if line.strip()][: int(sys.argv[3])]
pipe = Pipeline(Settings.from_env().with_(embed_backend=sys.argv[1]))
pipe.ask("warm-up question about NATO")
lat = []
for q in qs:
    t = time.perf_counter()
    pipe.ask(q["question"], history=q.get("history") or [])
    lat.append((time.perf_counter() - t) * 1000)
pipe.close()
print(statistics.median(lat))
"""


def warm_figures(env: dict[str, str], questions: int) -> dict[str, float]:
    """Median warm `ask` latency (one process, dev questions) with the torch and the ONNX query embedder."""
    out = {}
    for backend in ("torch", "onnx"):
        cmd = [sys.executable, "-c", WARM, backend, str(ROOT / "evals" / "dev.jsonl"), str(questions)]
        res = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
        if res.returncode != 0:
            raise SystemExit(f"warm {backend} failed:\n{res.stderr[-2000:]}")
        out[f"warm_ask_p50_ms_{backend}"] = round(float(res.stdout.strip().splitlines()[-1]), 1)
    return out


THROUGHPUT = """
import json, sys, time
from assistant.retrieval.embeddings import make_embedder
from assistant.settings import Settings
texts = json.load(open(sys.argv[2]))
emb = make_embedder(None, sys.argv[1], Settings.from_env().onnx_cache)
emb.embed_batch(texts[:8])  # load (and for int8, quantise once) outside the timing
t = time.perf_counter()
vecs = emb.embed_batch(texts)
rate = len(texts) / (time.perf_counter() - t)
json.dump(vecs, open(sys.argv[3], "w"))
print(rate)
"""


def throughput(texts: list[str], env: dict[str, str], rounds: int) -> dict[str, float]:
    """Chunks per second for each backend (each in its own process, rounds alternated), and vector agreement."""
    import tempfile

    import numpy as np

    tmp = Path(tempfile.mkdtemp(prefix="bench-cold-"))
    (tmp / "texts.json").write_text(json.dumps(texts))
    rates: dict[str, list[float]] = {"torch": [], "onnx": [], "onnx-int8": []}
    for _ in range(rounds):
        for backend in rates:
            cmd = [sys.executable, "-c", THROUGHPUT, backend, str(tmp / "texts.json"), str(tmp / f"{backend}.json")]
            out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
            if out.returncode != 0:
                raise SystemExit(f"throughput {backend} failed:\n{out.stderr[-2000:]}")
            rates[backend].append(float(out.stdout.strip().splitlines()[-1]))
    vecs = {b: np.asarray(json.loads((tmp / f"{b}.json").read_text())) for b in rates}
    onnx_vs_torch = (vecs["onnx"] * vecs["torch"]).sum(axis=1)
    int8_vs_fp32 = (vecs["onnx-int8"] * vecs["onnx"]).sum(axis=1)
    out = {f"ingest_{b.replace('-', '_')}_chunks_per_s": round(statistics.median(r), 1) for b, r in rates.items()}
    out.update(
        cosine_onnx_vs_torch_min=round(float(onnx_vs_torch.min()), 6),
        cosine_int8_vs_fp32_mean=round(float(int8_vs_fp32.mean()), 4),
        cosine_int8_vs_fp32_min=round(float(int8_vs_fp32.min()), 4),
    )
    return out


def main() -> None:
    """Run the measurements and print one line per figure."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--home", type=Path, required=True, help="an indexed data directory (only read)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--chunks", type=int, default=300)
    ap.add_argument("--rounds", type=int, default=2, help="throughput rounds per backend")
    ap.add_argument("--questions", type=int, default=50, help="dev questions for the warm latency")
    ap.add_argument("--no-serve", action="store_true")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    env = {**os.environ, "ASSISTANT_HOME": str(args.home)}
    out: dict[str, float | int] = {"cores": os.cpu_count() or 0}
    out.update(cold_figures(args.home, args.runs, env))
    out.update(warm_figures(env, args.questions))
    if not args.no_serve:
        out["serve_ready_s"] = serve_ready(args.home, env)
    articles = [a for a in parse_path(ROOT / "corpus" / "diplomacy-releases.jsonl") if isinstance(a, Article)]
    texts = [c.embed_text(a) for a in articles[:200] for c in chunk_article(a)][: args.chunks]
    out["chunks"] = len(texts)
    out.update(throughput(texts, env, args.rounds))
    width = max(len(k) for k in out)
    for k, v in out.items():
        print(f"{k:<{width}}  {v}")
    if args.json:
        args.json.write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
