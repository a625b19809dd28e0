"""The same store behaviour against a real `chroma run` server (ASSISTANT_CHROMA_URL), and several clients at once."""

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import free_port, wait_http
from test_store import ARTS, _both_indexes

from assistant.indexer import index_articles
from assistant.pipeline import Pipeline
from assistant.settings import Settings

CHROMA = str(Path(sys.executable).parent / "chroma")


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory):
    port = free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    proc = subprocess.Popen(
        [CHROMA, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    wait_http(url + "/api/v2/heartbeat", proc, timeout=60)
    yield url
    proc.terminate()
    proc.wait(timeout=30)


def test_store_against_chroma_server(chroma_url, tmp_path, monkeypatch):
    monkeypatch.setenv("ASSISTANT_CHROMA_URL", chroma_url)
    settings = Settings.from_env().with_(home=tmp_path / "h", embed_model="hash", collection="server_test")
    assert settings.chroma_url == chroma_url
    pipe = Pipeline(settings)
    assert pipe.store.vectors.location == chroma_url
    r = index_articles(pipe.store, pipe.embedder, ARTS, settings)
    assert r.added == 3
    vec, kw = _both_indexes(pipe.store)
    assert vec == kw and vec
    again = index_articles(pipe.store, pipe.embedder, ARTS, settings)
    assert again.unchanged == 3 and _both_indexes(pipe.store) == (vec, kw)
    hits = pipe.retriever.retrieve("Blinken Jakarta", k=3, mode="dense")
    assert hits and hits[0].doc_id in {"a", "b", "c"}
    # a second client (another UI process would do the same) opens the same index without the embedded-store lock
    other = Pipeline(settings)
    assert other.store.stats()["vectors"] == len(vec)
    other.close()
    pipe.close()


def test_unreachable_server_is_a_clear_error(tmp_path, monkeypatch):
    from assistant.store.facade import Store, StoreError

    monkeypatch.setenv("ASSISTANT_CHROMA_URL", "http://127.0.0.1:9")
    with pytest.raises(StoreError, match="cannot reach the Chroma server"):
        Store(Settings.from_env().with_(home=tmp_path / "h", embed_model="hash"))
