"""`assistant ask`, `chat` and the `serve` app answer without importing torch, transformers or sentence-transformers,
and a question opens only what it needs: a real CLI process on a small real index, its sys.modules checked after."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CORPUS_DIR, ROOT, free_port, wait_http

QUESTION = "Who greeted Pezeshkian at the airport?"
HEAVY = (
    "torch",
    "transformers",
    "sentence_transformers",
    "chromadb",
    "spacy",
    "onnxruntime",
    "gradio",
    "langsmith",
    "langchain_core.runnables",
)

# Runs the real click entry point in-process, then reports which heavy modules the command imported.
RUNNER = """
import json, sys
from assistant.cli import main
try:
    main(sys.argv[1:], standalone_mode=False)
finally:
    heavy = [m for m in {heavy!r} if m in sys.modules]
    print("MODULES " + json.dumps(heavy), file=sys.stderr)
"""


def _run(args: list[str], home, stdin: str | None = None, **extra_env: str) -> tuple[str, list[str]]:
    env = {**os.environ, "ASSISTANT_HOME": str(home), **extra_env}
    code = RUNNER.format(heavy=HEAVY)
    out = subprocess.run(
        [sys.executable, "-c", code, *args], cwd=ROOT, env=env, input=stdin, capture_output=True, text=True, timeout=600
    )
    assert out.returncode == 0, out.stderr[-2000:]
    line = [x for x in out.stderr.splitlines() if x.startswith("MODULES ")][-1]
    return out.stdout, json.loads(line.removeprefix("MODULES "))


@pytest.fixture(scope="module")
def small_home(tmp_path_factory):
    """The seed article indexed with the default (ONNX) embedder by a real `assistant ingest`."""
    home = tmp_path_factory.mktemp("cold-home")
    out, _ = _run(["ingest", str(CORPUS_DIR / "pezeshkian-baku.md")], home)
    assert "1 added" in out
    return home


@pytest.mark.slow
def test_ask_answers_without_torch(small_home):
    out, modules = _run(["ask", "--json", QUESTION], small_home)
    answer = json.loads(out)
    assert "Eyyubov" in answer["answer"] and not answer["refused"]
    assert not {"torch", "transformers", "sentence_transformers"} & set(modules), modules
    assert {"onnxruntime", "chromadb"} <= set(modules)  # hybrid retrieval and the reader: what it needs
    assert "spacy" not in modules  # a forked child parsed the question (cli/prefetch.py)
    assert "langchain_core.runnables" in modules  # the question went through the LCEL chain


@pytest.mark.slow
def test_ask_parses_its_question_itself_when_prefetch_is_off(small_home):
    out, modules = _run(["ask", "--json", QUESTION], small_home)
    serial, serial_modules = _run(["ask", "--json", QUESTION], small_home, ASSISTANT_PREFETCH="0")
    assert "spacy" in serial_modules and "spacy" not in modules
    answer, serial_answer = json.loads(out), json.loads(serial)
    for got in (answer, serial_answer):
        got.pop("timings_ms")
    assert answer == serial_answer  # the same answer, citations and confidence either way


@pytest.mark.slow
def test_a_keyword_only_question_does_not_open_chroma(small_home):
    out, modules = _run(["ask", "--mode", "bm25", QUESTION], small_home)
    assert "Eyyubov" in out
    assert "chromadb" not in modules and "torch" not in modules, modules


@pytest.mark.slow
def test_chat_answers_without_torch(small_home):
    out, modules = _run(["chat"], small_home, stdin=f"{QUESTION}\nWhere was he?\n\n")
    assert "Eyyubov" in out and "understood as" in out
    assert not {"torch", "transformers", "sentence_transformers"} & set(modules), modules


@pytest.mark.slow
def test_serve_app_answers_without_torch(small_home):
    code = f"""
import json, sys
from assistant.pipeline import Pipeline
from assistant.settings import Settings
from assistant.ui.app import AssistantUI, build_app
pipe = Pipeline(Settings.from_env())
pipe.warm_up()  # what `assistant serve` does before its readiness line
build_app(pipe)
answer = AssistantUI(pipe).api_ask({QUESTION!r})
print(json.dumps({{"answer": answer["answer"], "modules": [m for m in {HEAVY!r} if m in sys.modules]}}))
"""
    env = {**os.environ, "ASSISTANT_HOME": str(small_home)}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert "Eyyubov" in result["answer"] and "gradio" in result["modules"]
    assert not {"torch", "transformers", "sentence_transformers"} & set(result["modules"]), result["modules"]


@pytest.mark.slow
def test_running_server_has_no_torch_mapped(small_home):
    """The real `assistant serve` process, after its readiness line and one answered request: no torch library is
    mapped into it (read from /proc/PID/maps, so nothing inside the process is trusted)."""
    import urllib.request

    port = free_port()
    env = {**os.environ, "ASSISTANT_HOME": str(small_home)}
    exe = str(Path(sys.executable).parent / "assistant")
    proc = subprocess.Popen([exe, "serve", "--port", str(port)], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert "Serving on" in proc.stdout.readline()
        wait_http(f"http://127.0.0.1:{port}/", proc)
        urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30).read()
        maps = Path(f"/proc/{proc.pid}/maps").read_text()
        assert "onnxruntime" in maps and "spacy" in maps  # the models are loaded (the check below means something)
        assert "/torch/" not in maps and "libtorch" not in maps
    finally:
        proc.terminate()
        proc.wait(timeout=60)
