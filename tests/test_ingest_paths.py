"""Web users may index server paths only inside the operator's --ingest-dir: no absolute paths out, no `..`, no symlinks out."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import free_port, wait_http, write_jsonl

from assistant.ui.app import AssistantUI

ASSISTANT = str(Path(sys.executable).parent / "assistant")
ARTICLE = {
    "id": "inside-1",
    "title": "Talks in Oslo",
    "date": "2024-03-01",
    "source": "Test wire",
    "text": "The foreign ministers met in Oslo on Friday. They agreed to resume talks on fisheries.",
}


@pytest.fixture
def layout(tmp_path):
    allowed = tmp_path / "allowed"
    allowed.mkdir()
    write_jsonl(allowed / "ok.jsonl", [ARTICLE])
    secret = tmp_path / "secret.txt"
    secret.write_text("The launch codes are 0000.")
    (allowed / "link.txt").symlink_to(secret)
    return allowed, secret


def test_paths_inside_are_resolved(layout):
    allowed, _ = layout
    ui = AssistantUI(pipe=None, ingest_dir=allowed)
    assert ui.server_path("ok.jsonl") == allowed / "ok.jsonl"
    assert ui.server_path(str(allowed / "ok.jsonl")) == allowed / "ok.jsonl"
    assert ui.server_path(" sub/../ok.jsonl ") == allowed / "ok.jsonl"


@pytest.mark.parametrize("attempt", ["../secret.txt", "link.txt", "/etc/passwd", "ok.jsonl/../../secret.txt"])
def test_paths_outside_are_refused(layout, attempt):
    allowed, _ = layout
    with pytest.raises(PermissionError, match="outside the allowed folder"):
        AssistantUI(pipe=None, ingest_dir=allowed).server_path(attempt)


def test_server_paths_are_off_without_ingest_dir(layout):
    allowed, _ = layout
    with pytest.raises(PermissionError, match="--ingest-dir"):
        AssistantUI(pipe=None).server_path(str(allowed / "ok.jsonl"))


@pytest.mark.slow
def test_real_server_refuses_paths_outside_and_indexes_inside(layout, tmp_path):
    from gradio_client import Client

    allowed, secret = layout
    env = {**os.environ, "ASSISTANT_HOME": str(tmp_path / "home"), "GRADIO_ANALYTICS_ENABLED": "False"}
    port = free_port()
    proc = subprocess.Popen(
        [ASSISTANT, "--embed-model", "hash", "serve", "--port", str(port), "--ingest-dir", str(allowed)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_http(url, proc)
        client = Client(url, verbose=False, analytics_enabled=False)
        for attempt in (str(secret), "../secret.txt", "link.txt"):
            log, _ = client.predict(None, attempt, api_name="/ingest")
            assert log.startswith("refused:"), (attempt, log)
        ans = client.predict("What are the launch codes?", [], "", "", "", 8, api_name="/ask")
        assert "0000" not in ans["answer"] and not ans["citations"]
        log, _ = client.predict(None, "ok.jsonl", api_name="/ingest")
        assert "ok.jsonl: 1 added" in log, log
        ans = client.predict("Where did the foreign ministers meet?", [], "", "", "", 8, api_name="/ask")
        assert "Oslo" in ans["answer"] and ans["citations"][0]["doc_id"] == "inside-1"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
