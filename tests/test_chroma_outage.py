"""A real `chroma run` server killed, hung (SIGSTOP) and restarted under `ask`, the UI and an ingest."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import corpus_records, free_port, wait_http, write_jsonl

from assistant.settings import Settings

pytestmark = pytest.mark.slow
CHROMA = str(Path(sys.executable).parent / "chroma")
ASSISTANT = str(Path(sys.executable).parent / "assistant")
QUESTION = "What did President Biden discuss with the Prime Minister?"


class ChromaServer:
    """`chroma run` on a fixed port and path, so that a restart serves the same collection at the same URL."""

    def __init__(self, path: Path) -> None:
        self.path, self.port = path, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        cmd = [CHROMA, "run", "--path", str(self.path), "--host", "127.0.0.1", "--port", str(self.port)]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_http(self.url + "/api/v2/heartbeat", self.proc, timeout=60)

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.kill()
        self.proc.wait(timeout=30)

    def signal(self, sig: int) -> None:
        assert self.proc is not None
        os.kill(self.proc.pid, sig)


@pytest.fixture
def server(tmp_path):
    srv = ChromaServer(tmp_path / "chroma-data")
    srv.start()
    yield srv
    if srv.proc and srv.proc.poll() is None:
        srv.signal(signal.SIGCONT)
        srv.kill()


def _env(home: Path, url: str, timeout: float = 3.0) -> dict:
    return {**os.environ, "ASSISTANT_HOME": str(home), "ASSISTANT_CHROMA_URL": url, "ASSISTANT_CHROMA_TIMEOUT": str(timeout)}


def _cli(env: dict, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([ASSISTANT, "--embed-model", "hash", *args], env=env, capture_output=True, text=True, timeout=timeout)


def test_ask_and_the_ui_during_an_outage_then_after_a_restart(server, tmp_path, monkeypatch):
    from assistant.pipeline import Pipeline
    from assistant.ui.app import AssistantUI

    home = tmp_path / "home"
    env = _env(home, server.url)
    assert _cli(env, "ingest", str(write_jsonl(tmp_path / "c.jsonl", corpus_records(20)))).returncode == 0
    monkeypatch.setenv("ASSISTANT_CHROMA_URL", server.url)
    monkeypatch.setenv("ASSISTANT_CHROMA_TIMEOUT", "3")
    settings = Settings.from_env().with_(home=home, embed_model="hash")
    assert settings.chroma_timeout == 3.0
    pipe = Pipeline(settings)  # the UI's long-lived pipeline: its connection outlives the restart
    ui = AssistantUI(pipe)
    try:
        *_, (html, _, turns, _) = ui.chat(QUESTION, [], "", "", "", 6)
        assert len(turns) == 1 and 'class="error"' not in html

        server.signal(signal.SIGSTOP)  # hung: accepts connections, never answers
        t = time.perf_counter()
        *_, (html, _, after, kept) = ui.chat("And where did they meet?", turns, "", "", "", 6)
        assert time.perf_counter() - t < 3 * 3 + 5, "the timeout did not apply"
        assert 'class="error"' in html and "did not answer" in html and "timeout 3 s" in html
        assert after == turns and kept == "And where did they meet?"  # the conversation and the question are kept
        t = time.perf_counter()
        res = _cli(env, "ask", QUESTION, timeout=120)
        assert res.returncode == 1 and res.stderr.count("\n") == 1 and "Chroma server" in res.stderr, res.stderr
        assert time.perf_counter() - t < 60

        server.signal(signal.SIGCONT)
        server.kill()  # gone: connection refused
        *_, (html, _, after, _) = ui.chat("And where did they meet?", turns, "", "", "", 6)
        assert 'class="error"' in html and "Chroma server" in html and after == turns
        res = _cli(env, "ask", QUESTION, timeout=120)
        assert res.returncode == 1 and "cannot reach the Chroma server" in res.stderr and "Traceback" not in res.stderr

        server.start()  # back, same path and port: the same pipeline answers again, follow-up included
        *_, (html, _, turns, _) = ui.chat("And where did they meet?", turns, "", "", "", 6)
        assert len(turns) == 2 and 'class="error"' not in html
        assert _cli(env, "ask", QUESTION, timeout=120).returncode == 0
    finally:
        pipe.close()


def test_ingest_stops_cleanly_when_the_server_dies_and_resumes_after_a_restart(server, tmp_path):
    from assistant.store.facade import Store

    home = tmp_path / "home"
    env = _env(home, server.url)
    corpus = write_jsonl(tmp_path / "c.jsonl", corpus_records(300))
    proc = subprocess.Popen(
        [ASSISTANT, "--embed-model", "hash", "ingest", str(corpus)], env=env, stderr=subprocess.PIPE, text=True
    )
    time.sleep(8)
    assert proc.poll() is None, "the ingest finished before the server was killed; give it more articles"
    server.kill()
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 1
    assert "Traceback" not in err and "Chroma server" in err.strip().splitlines()[-1], err[-2000:]
    server.start()
    res = _cli(env, "ingest", str(corpus))
    assert res.returncode == 0, res.stderr[-2000:]
    res = _cli(env, "check")
    assert res.returncode == 0 and "the index is sound" in res.stdout, res.stdout + res.stderr
    with Store(Settings(home=home, embed_model="hash", chroma_url=server.url)) as store:
        assert store.counts()["documents"] == 300
