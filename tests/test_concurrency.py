"""20 concurrent chat sessions against a real `assistant serve` while an ingest runs through the same server."""

import json
import os
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import ROOT, corpus_records, free_port, wait_http, write_jsonl

pytestmark = pytest.mark.slow
ASSISTANT = str(Path(sys.executable).parent / "assistant")
SESSIONS, TURNS = 20, 3
PEOPLE = ["Kishida", "Scholz", "Macron", "Trudeau", "Modi", "Albanese", "Meloni", "Sunak", "Duda", "Zelenskyy"]


def test_twenty_sessions_while_ingesting(tmp_path):
    from gradio_client import Client

    records = corpus_records(400)
    env = {**os.environ, "ASSISTANT_HOME": str(tmp_path / "home"), "GRADIO_ANALYTICS_ENABLED": "False"}
    subprocess.run(
        [ASSISTANT, "--embed-model", "hash", "ingest", str(write_jsonl(tmp_path / "a.jsonl", records[:200]))],
        env=env,
        check=True,
        capture_output=True,
        timeout=600,
    )
    more = write_jsonl(tmp_path / "b.jsonl", records[200:])
    port = free_port()
    cmd = [ASSISTANT, "--embed-model", "hash", "serve", "--port", str(port), "--ingest-dir", str(tmp_path)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_http(url, proc)
        ingest_result = {}

        def ingest():
            ingest_result["out"] = Client(url, verbose=False, analytics_enabled=False).predict(
                None, more.name, api_name="/ingest"
            )

        t_ingest = threading.Thread(target=ingest)
        t_ingest.start()

        def session(i: int) -> list[tuple[float, dict]]:
            client = Client(url, verbose=False, analytics_enabled=False)
            person = PEOPLE[i % len(PEOPLE)]
            history, out = [], []
            for q in (f"What did Biden discuss with {person}?", "When did they last meet?", "Where was that?"):
                t = time.perf_counter()
                try:
                    ans = client.predict(q, history, "", "", "", 6, api_name="/ask")
                except Exception as exc:  # noqa: BLE001 - counted and reported below, never hidden
                    ans = {"error": f"{type(exc).__name__}: {exc}", "answer": ""}
                out.append((time.perf_counter() - t, ans))
                history.append({"question": q, "answer": ans["answer"]})
            return out

        start = time.perf_counter()
        with ThreadPoolExecutor(SESSIONS) as pool:
            results = list(pool.map(session, range(SESSIONS), timeout=600))
        wall = time.perf_counter() - start
        t_ingest.join(timeout=600)
        assert proc.poll() is None, "server died"
        latencies = sorted(lat for r in results for lat, _ in r)
        errors = [ans["error"] for r in results for _, ans in r if "error" in ans]
        assert errors == [], errors[:5]
        for i, r in enumerate(results):
            person = PEOPLE[i % len(PEOPLE)]
            assert len(r) == TURNS
            for k, (_, ans) in enumerate(r):
                assert isinstance(ans["answer"], str) and ans["answer"]
                assert isinstance(ans["refused"], bool) and set(ans["timings_ms"]) >= {"retrieve", "answer", "total"}
                for c in ans["citations"]:
                    assert c["quote"] and c["marker"] >= 1
                if k > 0:  # follow-ups carry this session's person, never another session's
                    standalone = ans["standalone_question"] or ans["question"]
                    assert person in standalone
                    assert not any(p in standalone for p in PEOPLE if p != person)
        assert "200 added" in str(ingest_result["out"]) and "0 errors" in str(ingest_result["out"])
        p95 = latencies[int(0.95 * len(latencies)) - 1]
        figures = {
            "sessions": SESSIONS,
            "requests": len(latencies),
            "errors": len(errors),
            "wall_s": round(wall, 1),
            "p50_ms": round(1000 * statistics.median(latencies)),
            "p95_ms": round(1000 * p95),
        }
        (ROOT / "test-artifacts").mkdir(exist_ok=True)
        (ROOT / "test-artifacts" / "load.json").write_text(json.dumps(figures, indent=2))
        print(figures)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
