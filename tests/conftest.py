"""Shared fixtures: a private data dir per test, the hash embedder, and the real indexed corpus."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from assistant.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("ASSISTANT_SHARED", ROOT.parent / "shared"))
SHARED_CORPUS = SHARED / "corpus" / "diplomacy-releases.jsonl"
SEED_DIR = ROOT / "corpus"


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
    return home


@pytest.fixture
def hash_settings(_home) -> Settings:
    """Settings with the deterministic hash embedder."""
    return Settings(home=_home, embed_model="hash")


def write_jsonl(path: Path, records: list[dict | str]) -> Path:
    """Write records (dicts, or raw strings for broken lines) one per line."""
    with path.open("w", encoding="utf-8") as fh:
        for r in records:
            fh.write((r if isinstance(r, str) else json.dumps(r)) + "\n")
    return path


def shared_records(n: int | None = None) -> list[dict]:
    """Records of the shared corpus (skips the test when it is absent)."""
    if not SHARED_CORPUS.exists():
        pytest.skip(f"shared corpus not found at {SHARED_CORPUS}")
    out = []
    with SHARED_CORPUS.open(encoding="utf-8") as fh:
        for line in fh:
            out.append(json.loads(line))
            if n and len(out) >= n:
                break
    return out


@pytest.fixture(scope="session")
def real_pipeline(tmp_path_factory):
    """The real embedder and real Chroma over the seed article and the whole shared corpus, built once."""
    if not SHARED_CORPUS.exists():
        pytest.skip(f"shared corpus not found at {SHARED_CORPUS}")
    from assistant.chain import Pipeline
    from assistant.indexer import index_articles
    from assistant.ingest import parse_path

    home = Path(os.environ.get("ASSISTANT_TEST_INDEX") or tmp_path_factory.mktemp("real-home"))
    settings = Settings(home=home)
    pipe = Pipeline(settings)
    for path in (SEED_DIR, SHARED_CORPUS):
        result = index_articles(pipe.store, pipe.embedder, parse_path(path), settings)
        assert not result.errors, result.errors[:3]
    yield pipe
    pipe.close()
