"""Generative answers against a real llama.cpp OpenAI-compatible server and in-process GGUF (SmolLM2-135M)."""

import subprocess
import sys
import time

import pytest
from conftest import ROOT, free_port, smollm_gguf, wait_http

from assistant.answer import markers
from assistant.answer.refusal import REFUSAL
from assistant.indexer import index_articles
from assistant.ingest.parse import parse_path
from assistant.pipeline import Pipeline
from assistant.settings import Settings

pytestmark = pytest.mark.slow


def _gguf() -> str:
    return str(smollm_gguf())


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory):
    gguf = _gguf()
    port = free_port()
    log_path = tmp_path_factory.mktemp("llama") / "server.log"
    log = log_path.open("w")  # a file, not a pipe: an unread pipe fills up and stalls the server
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model",
            gguf,
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
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/v1"
    try:
        wait_http(url + "/models", proc)
    except RuntimeError:
        pytest.fail(f"llama_cpp.server exited: {log_path.read_text()[-2000:]}")
    yield url
    proc.terminate()
    proc.wait(timeout=30)
    log.close()


def _pipeline(tmp_path, llm: str, timeout: float = 120) -> Pipeline:
    settings = Settings(home=tmp_path / "home", llm=llm, llm_timeout=timeout, llm_context=4096, llm_max_tokens=160)
    pipe = Pipeline(settings)
    index_articles(pipe.store, pipe.embedder, parse_path(ROOT / "corpus" / "pezeshkian-baku.md"), settings)
    return pipe


def _assert_trustworthy(pipe: Pipeline, ans) -> None:
    for c in ans.citations:  # whatever the small model wrote, only checked, verbatim quotes reach the user
        assert c.verified and pipe.store.keyword.document(c.doc_id)["text"][c.start : c.end] == c.quote
    if ans.refused:
        assert not ans.citations and ans.answer.startswith(REFUSAL)
    else:  # an answer: every marker points to a citation and every citation is used
        assert ans.citations and set(markers.numbers(ans.answer)) == {c.marker for c in ans.citations}


def test_server_backend_streams_and_is_checked(llama_server, tmp_path):
    pipe = _pipeline(tmp_path, f"llamacpp-server:{llama_server}")
    tokens: list[str] = []
    t = time.perf_counter()
    ans = pipe.ask("Who greeted Pezeshkian at the airport?", on_token=tokens.append)
    assert tokens, "no token was streamed"
    assert time.perf_counter() - t < 120
    assert not any("extractive answer" in n for n in ans.notes), ans.notes
    _assert_trustworthy(pipe, ans)
    pipe.close()


def test_in_process_gguf_backend(tmp_path):
    pipe = _pipeline(tmp_path, f"llamacpp:{_gguf()}")
    ans = pipe.ask("Where was Pezeshkian officially welcomed?")
    assert not any("extractive answer" in n for n in ans.notes), ans.notes
    _assert_trustworthy(pipe, ans)
    pipe.close()


def test_unreachable_server_falls_back_quickly(tmp_path):
    pipe = _pipeline(tmp_path, f"llamacpp-server:http://127.0.0.1:{free_port()}/v1", timeout=5)
    t = time.perf_counter()
    ans = pipe.ask("Who greeted Pezeshkian at the airport?")
    assert time.perf_counter() - t < 30
    assert any("extractive answer" in n for n in ans.notes)
    assert "Eyyubov" in ans.answer
    pipe.close()
