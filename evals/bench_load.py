"""Load benchmark: N concurrent gradio_client sessions (3 questions each, follow-ups included) against one `serve`.

Usage: python evals/bench_load.py --home DIR [--clients 100] [--concurrency 4] [--json OUT]
DIR is an indexed data directory (a copy: `serve` takes its lock). Prints answers/s, p50/p95 latency, errors and
"crossed" answers: a follow-up whose standalone question names another session's person (each session asks about
its own leader, then "When did they last meet?" and "Where was that?", which only its own history resolves).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ASSISTANT = str(Path(sys.executable).parent / "assistant")
# Leaders the corpus names often; session i asks about PEOPLE[i % len(PEOPLE)].
PEOPLE = (
    "Kishida Scholz Macron Trudeau Modi Albanese Meloni Sunak Duda Zelenskyy Erdogan Netanyahu Yoon Lula Ramaphosa Widodo "
    "Marcos Stoltenberg Rutte Sanchez"
).split()
FOLLOW_UPS = ("When did they last meet?", "Where was that?")


@dataclass
class Figures:
    """What one run measured."""

    clients: int
    turns: int
    concurrency: int
    answers: int
    errors: int
    crossed: int
    wall_s: float
    answers_per_s: float
    p50_ms: float
    p95_ms: float
    max_ms: float
    server_p50_ms: float  # the answer's own time (timings_ms.total); the rest of p50 is queue wait and transport
    server_p95_ms: float
    serve_cpu_ms_per_answer: float  # CPU the serve process spent per answer (answering + gradio's queue and HTTP)
    client_cpu_ms_per_answer: float  # CPU this process's gradio_client sessions spent per answer
    cores: int
    load_before: float


@dataclass
class Turn:
    """One question of one session: how long it took and what came back."""

    seconds: float
    answer: dict | None
    error: str | None


def _pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(p / 100 * len(s) + 0.5) - 1))]


def session(url: str, i: int, turns: int) -> list[Turn]:
    """One user: a question about their leader, then follow-ups that lean on this session's history only."""
    from gradio_client import Client

    client = Client(url, verbose=False, analytics_enabled=False)
    person = PEOPLE[i % len(PEOPLE)]
    questions = [f"What did Biden discuss with {person}?", *FOLLOW_UPS][:turns]
    history, out = [], []
    for q in questions:
        t = time.perf_counter()
        try:
            ans = client.predict(q, history, "", "", "", 8, api_name="/ask")
            out.append(Turn(time.perf_counter() - t, ans, None))
            history.append({"question": q, "answer": ans["answer"]})
        except Exception as exc:  # noqa: BLE001 - every failure is counted and printed, never hidden
            out.append(Turn(time.perf_counter() - t, None, f"{type(exc).__name__}: {exc}"))
    return out


def crossed(i: int, turns: list[Turn]) -> list[str]:
    """Follow-ups of session i whose standalone question lacks its person or names another session's person."""
    person = PEOPLE[i % len(PEOPLE)]
    bad = []
    for t in turns[1:]:
        if t.answer is None:
            continue
        standalone = t.answer.get("standalone_question") or t.answer["question"]
        if person not in standalone or any(p in standalone for p in PEOPLE if p != person):
            bad.append(f"session {i} ({person}): {standalone!r}")
    return bad


def run(url: str, clients: int, turns: int) -> tuple[list[list[Turn]], float]:
    """All sessions at once; (their turns, wall-clock seconds)."""
    start = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        results = list(pool.map(lambda i: session(url, i, turns), range(clients)))
    return results, time.perf_counter() - start


def start_server(home: Path, port: int, concurrency: int, embed_model: str | None) -> subprocess.Popen:
    """`assistant serve` on the data dir, waited for until it answers HTTP."""
    env = {
        **os.environ,
        "ASSISTANT_HOME": str(home),
        "ASSISTANT_UI_CONCURRENCY": str(concurrency),
        "GRADIO_ANALYTICS_ENABLED": "False",
    }
    model = ["--embed-model", embed_model] if embed_model else []
    proc = subprocess.Popen([ASSISTANT, *model, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL)
    deadline = time.time() + 300
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"serve exited with code {proc.returncode}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
            return proc
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise TimeoutError("serve did not start")


def _cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(home: Path, clients: int, turns: int, concurrency: int, embed_model: str | None = None) -> tuple[Figures, list]:
    """Start a server, warm it with one session, run the load, stop it; the figures and the problems found."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = start_server(home, port, concurrency, embed_model)
    url = f"http://127.0.0.1:{port}/"
    try:
        session(url, 0, 1)  # warm: models loaded, first query embedded
        load = os.getloadavg()[0]
        serve_cpu, own_cpu = _cpu_s(proc.pid), time.process_time()
        results, wall = run(url, clients, turns)
        serve_cpu, own_cpu = _cpu_s(proc.pid) - serve_cpu, time.process_time() - own_cpu
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    lat = [t.seconds for r in results for t in r if t.error is None]
    errors = [t.error for r in results for t in r if t.error is not None]
    cross = [c for i, r in enumerate(results) for c in crossed(i, r)]
    own = [t.answer["timings_ms"]["total"] for r in results for t in r if t.answer is not None]
    figures = Figures(
        clients=clients,
        turns=turns,
        concurrency=concurrency,
        answers=len(lat),
        errors=len(errors),
        crossed=len(cross),
        wall_s=round(wall, 1),
        answers_per_s=round(len(lat) / wall, 2),
        p50_ms=round(1000 * statistics.median(lat)) if lat else 0,
        p95_ms=round(1000 * _pct(lat, 95)) if lat else 0,
        max_ms=round(1000 * max(lat)) if lat else 0,
        server_p50_ms=round(statistics.median(own)) if own else 0,
        server_p95_ms=round(_pct(own, 95)) if own else 0,
        serve_cpu_ms_per_answer=round(1000 * serve_cpu / max(1, len(lat))),
        client_cpu_ms_per_answer=round(1000 * own_cpu / max(1, len(lat))),
        cores=os.cpu_count() or 0,
        load_before=round(load, 2),
    )
    return figures, [*errors, *cross]


def main() -> None:
    """Measure and print one line of figures per concurrency setting."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--home", type=Path, required=True, help="an indexed data dir (a copy; serve locks it)")
    ap.add_argument("--clients", type=int, default=100)
    ap.add_argument("--turns", type=int, default=3)
    ap.add_argument("--concurrency", type=int, action="append", help="gradio queue concurrency (repeatable)")
    ap.add_argument("--embed-model", help="e.g. hash, for a quick run")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    rows = []
    for c in args.concurrency or [4]:
        figures, problems = measure(args.home, args.clients, args.turns, c, args.embed_model)
        print(json.dumps(asdict(figures)), flush=True)
        for p in problems[:10]:
            print("  problem:", p, flush=True)
        rows.append(asdict(figures))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
