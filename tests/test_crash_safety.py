"""kill -9 an ingest at random points; a re-run leaves Chroma and FTS5 with exactly the expected chunks."""

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import corpus_records, free_port, wait_http, write_jsonl

from assistant.documents import Article
from assistant.ingest.chunking import chunk_article
from assistant.ingest.parse import parse_path
from assistant.settings import Settings
from assistant.store.facade import Store

ASSISTANT = str(Path(sys.executable).parent / "assistant")
KILLS = 5
QUESTION = "What did Biden discuss with Kishida?"


def test_kill_nine_then_rerun_gives_exact_index(tmp_path):
    records = corpus_records(250)
    corpus = write_jsonl(tmp_path / "c.jsonl", records)
    articles = [a for a in parse_path(corpus) if isinstance(a, Article)]
    expected = {c.id for a in articles for c in chunk_article(a)}
    home = tmp_path / "home"
    env = {**os.environ, "ASSISTANT_HOME": str(home)}
    cmd = [ASSISTANT, "--embed-model", "hash", "ingest", str(corpus)]
    rng = random.Random(20261129)
    killed_mid_way = 0
    for _ in range(KILLS):
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(1.0, 6.0))
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            killed_mid_way += 1
        proc.wait()
        with Store(Settings(home=home, embed_model="hash")) as store:
            report = store.check()
            # whatever state a kill left, SQLite rows marked complete always have their vectors
            assert report.missing_vectors == 0
    assert killed_mid_way >= 1, "no kill landed during the ingest; raise the delays' range"
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    with Store(Settings(home=home, embed_model="hash")) as store:
        assert store.check().ok
        assert store.keyword.all_chunk_ids() == expected
        assert store.vectors.all_ids() == expected
        assert store.vectors.count() == len(expected)  # no duplicates
        assert store.keyword.counts()["documents"] == len(articles)


def _serve(home: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "ASSISTANT_HOME": str(home), "GRADIO_ANALYTICS_ENABLED": "False"}
    cmd = [ASSISTANT, "--embed-model", "hash", "serve", "--port", str(port)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wait_http(f"http://127.0.0.1:{port}/", proc)
    return proc


def _ask_until_killed(url: str, answers: list, errors: list) -> None:
    from gradio_client import Client

    client = Client(url, verbose=False, analytics_enabled=False)
    for i in range(200):
        try:
            answers.append(client.predict(f"{QUESTION} ({i})", [], "", "", "", 6, api_name="/ask"))
        except Exception as exc:  # noqa: BLE001 - the server is killed under it; that is the point
            errors.append(exc)
            return


def _upload(url: str, path: Path, errors: list) -> None:
    from gradio_client import Client, handle_file

    try:
        Client(url, verbose=False, analytics_enabled=False).predict([handle_file(str(path))], "", api_name="/ingest")
    except Exception as exc:  # noqa: BLE001 - killed under it
        errors.append(exc)


@pytest.mark.slow
def test_kill_nine_of_serve_during_answers_and_an_upload(tmp_path):
    """serve answers 4 sessions while indexing an upload; kill -9 at seeded points of the upload; each restart
    leaves no half-indexed document and `check` clean; after the last, the upload sent again completes."""
    records = corpus_records(300)
    home = tmp_path / "home"
    base = write_jsonl(tmp_path / "base.jsonl", records[:60])
    upload = write_jsonl(tmp_path / "upload.jsonl", records[60:])
    env = {**os.environ, "ASSISTANT_HOME": str(home)}
    assert subprocess.run([ASSISTANT, "--embed-model", "hash", "ingest", str(base)], env=env).returncode == 0
    rng = random.Random(20261130)
    interrupted = 0
    for round_ in range(3):
        port = free_port()
        proc = _serve(home, port)
        url = f"http://127.0.0.1:{port}/"
        answers: list = []
        errors: list = []
        askers = [threading.Thread(target=_ask_until_killed, args=(url, answers, errors)) for _ in range(4)]
        for t in askers:
            t.start()
        up = threading.Thread(target=_upload, args=(url, upload, errors))
        if round_ > 0:  # the first round kills during answers only
            up.start()
        deadline = time.time() + 120
        while not answers and time.time() < deadline:  # answers are flowing (and the upload has started) ...
            time.sleep(0.2)
        time.sleep(rng.uniform(1.0, 6.0))  # ... then kill at a seeded point
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        for t in askers:
            t.join(timeout=60)
        if round_ > 0:
            up.join(timeout=60)
        assert answers, "no answer came back before the kill"
        with Store(Settings(home=home, embed_model="hash")) as store:
            interrupted += round_ > 0 and store.counts()["documents"] < 300
        # restart: serve rolls back what the killed one left half-written, then answers again
        port = free_port()
        proc = _serve(home, port)
        from gradio_client import Client

        again = Client(f"http://127.0.0.1:{port}/", verbose=False, analytics_enabled=False).predict(
            QUESTION, [], "", "", "", 6, api_name="/ask"
        )
        assert again["answer"]
        proc.terminate()
        _, restart_err = proc.communicate(timeout=60)
        with Store(Settings(home=home, embed_model="hash")) as store:
            assert store.keyword.pending_ids() == [], restart_err
            assert store.check().ok
            assert store.counts()["documents"] >= 60  # nothing indexed before is lost
    assert interrupted >= 1, "no kill landed during the upload; widen the delays"
    check = subprocess.run([ASSISTANT, "--embed-model", "hash", "check"], env=env, capture_output=True, text=True)
    assert check.returncode == 0 and "the index is sound" in check.stdout, check.stdout + check.stderr
    done = subprocess.run([ASSISTANT, "--embed-model", "hash", "ingest", str(upload)], env=env, capture_output=True)
    assert done.returncode == 0
    with Store(Settings(home=home, embed_model="hash")) as store:
        assert store.check().ok and store.counts()["documents"] == 300
