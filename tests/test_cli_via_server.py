"""A second terminal while `assistant serve` runs: `ask`, `chat` and `check` on the same data directory go to the real
server process (its address recorded in serve.json beside the lock); a stale record is ignored."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, free_port, write_jsonl

pytestmark = pytest.mark.slow
ASSISTANT = str(Path(sys.executable).parent / "assistant")
QUESTION = "Who greeted Pezeshkian at the airport?"
READOUT = {
    "id": "readout-1",
    "title": "Readout of President Biden's Call with Chancellor Scholz of Germany",
    "date": "2024-02-01",
    "source": "The White House",
    "url": "https://www.whitehouse.gov/briefing-room/statements-releases/2024/02/01/readout/",
    "text": "President Joe Biden spoke today with Chancellor Olaf Scholz of Germany. The two leaders discussed "
    "continued support for Ukraine and energy security in Europe.",
}


@pytest.fixture(scope="module")
def small_home(tmp_path_factory):
    """A small real index: the seed article and one readout (the real embedding model)."""
    home = tmp_path_factory.mktemp("served-home")
    readout = write_jsonl(home / "readout.jsonl", [READOUT])
    for path in (ROOT / "corpus" / "pezeshkian-baku.md", readout):
        subprocess.run([ASSISTANT, "--home", str(home), "ingest", str(path)], check=True, capture_output=True, timeout=900)
    return home


def cli(home: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([ASSISTANT, "--home", str(home), *args], input=stdin, capture_output=True, text=True, timeout=300)


def without_timings(out: str) -> dict:
    answer = json.loads(out)
    assert set(answer.pop("timings_ms")) >= {"retrieve", "answer", "total"}
    return answer


@pytest.fixture
def served(small_home):
    """`assistant serve` on the small index (stdout: its readiness line), stopped afterwards."""
    port = free_port()
    proc = subprocess.Popen(
        [ASSISTANT, "--home", str(small_home), "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith(f"Serving on http://127.0.0.1:{port}"), line
        yield proc, port
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def test_ask_chat_and_check_go_to_the_running_server_and_answer_as_locally(small_home, served):
    proc, port = served
    record = json.loads((small_home / "serve.json").read_text())
    assert record["pid"] == proc.pid and record["url"] == f"http://127.0.0.1:{port}" and record["auth"] is False
    said = f"the index is held by `assistant serve` (pid {proc.pid}) at http://127.0.0.1:{port}"

    remote = cli(small_home, "ask", "--json", QUESTION)
    assert remote.returncode == 0, remote.stderr
    assert remote.stderr.strip() == f"{said}: asking it"
    text = cli(small_home, "ask", "-k", "4", QUESTION)
    assert text.returncode == 0 and "Yagub Eyyubov" in text.stdout and "Sources:" in text.stdout
    # the preflight's exit statuses, and an option the server was not started with
    unknown = cli(small_home, "ask", "--source", "White House", QUESTION)
    assert unknown.returncode == 4 and "'The White House'" in unknown.stderr
    assert cli(small_home, "ask", "--since", "2030-01-01", QUESTION).returncode == 6
    bad_date = cli(small_home, "ask", "--since", "2024-13-01", QUESTION)
    assert bad_date.returncode == 2
    mode = cli(small_home, "--mode", "bm25", "ask", QUESTION)
    assert mode.returncode == 7 and "--mode bm25 (it answers with hybrid)" in mode.stderr
    assert cli(small_home, "--mode", "hybrid", "ask", QUESTION).returncode == 0  # what it answers with anyway

    chat = cli(small_home, "chat", stdin=f"{QUESTION}\nWhat did Biden and Scholz discuss?\n")
    assert chat.returncode == 0, chat.stderr
    assert f"{said}: asking it" in chat.stderr and "in use by another process" not in chat.stderr
    assert "Yagub Eyyubov" in chat.stdout and "Ukraine" in chat.stdout
    batch = write_jsonl(small_home / "batch.jsonl", [{"id": "a", "question": QUESTION}, {"id": "b"}])
    lines = [json.loads(x) for x in cli(small_home, "ask", "--batch", str(batch), "--json").stdout.splitlines()]
    assert "Yagub Eyyubov" in lines[0]["answer"] and lines[1]["error"] == "line 2: field 'question' must be a string"

    check = cli(small_home, "check")
    assert check.returncode == 0, check.stderr
    assert "the index is sound" in check.stdout and f"{said}: it checks the index (read-only)" in check.stderr
    repair = cli(small_home, "check", "--repair")
    assert repair.returncode == 7 and "check --repair needs the index to itself" in repair.stderr
    stats = cli(small_home, "stats")  # needs the index to itself: the message names the server
    assert stats.returncode == 1 and f"in use by `assistant serve` (pid {proc.pid}) at http://127.0.0.1:{port}" in stats.stderr

    proc.terminate()
    proc.wait(timeout=60)
    assert not (small_home / "serve.json").exists()  # removed on the way out
    local = cli(small_home, "ask", "--json", QUESTION)
    assert local.returncode == 0 and local.stderr == ""
    assert without_timings(remote.stdout) == without_timings(local.stdout)
    assert json.dumps(without_timings(remote.stdout)) == json.dumps(without_timings(local.stdout))  # key order too


def test_a_stale_record_is_ignored(small_home, tmp_path):
    """A record left by a killed server (dead pid), and one whose process lives but whose port answers nothing: the
    command answers here, as without a record."""
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = {"pid": dead.pid, "url": f"http://127.0.0.1:{free_port()}", "auth": False, "settings": {}}
    (small_home / "serve.json").write_text(json.dumps(stale))
    out = cli(small_home, "ask", QUESTION)
    assert out.returncode == 0 and "Yagub Eyyubov" in out.stdout and out.stderr == "", out.stderr

    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    try:
        (small_home / ".lock").write_text(str(alive.pid))  # as if it held the lock, but nothing listens
        (small_home / "serve.json").write_text(json.dumps({**stale, "pid": alive.pid}))
        out = cli(small_home, "ask", QUESTION)
        assert out.returncode == 0 and "Yagub Eyyubov" in out.stdout and out.stderr == "", out.stderr
        assert cli(small_home, "check").returncode == 0
    finally:
        alive.kill()
        alive.wait()
        (small_home / "serve.json").unlink()


def test_a_server_with_a_login_is_named_not_asked(small_home):
    port = free_port()
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False"}
    proc = subprocess.Popen(
        [ASSISTANT, "--home", str(small_home), "serve", "--port", str(port), "--auth", "u:p"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().startswith("Serving on")
        out = cli(small_home, "ask", QUESTION)
        assert out.returncode == 7 and "requires a login (serve --auth)" in out.stderr
    finally:
        proc.terminate()
        proc.wait(timeout=60)
