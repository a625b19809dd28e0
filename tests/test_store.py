"""Chroma + FTS5 store on real Chroma and real SQLite, with the hash embedder."""

import subprocess
import sys

import pytest

from assistant.documents import Article
from assistant.indexer import index_articles
from assistant.pipeline import Pipeline
from assistant.retrieval.filters import Filters
from assistant.store.facade import Store, StoreError
from assistant.store.fts import fts_query

ARTS = [
    Article(
        id="a",
        title="Biden meets Kishida",
        date="2023-01-13",
        source="The White House",
        text="President Biden welcomed Prime Minister Kishida to the White House. They discussed Taiwan.",
    ),
    Article(
        id="b",
        title="Blinken in Jakarta",
        date="2022-07-10",
        source="U.S. Department of State",
        text="Secretary Blinken met Foreign Minister Retno Marsudi in Jakarta. They discussed ASEAN.",
    ),
    Article(
        id="c",
        title="Call with Scholz",
        date="2024-02-01",
        source="The White House",
        text="President Biden spoke with Chancellor Scholz of Germany about Ukraine and energy.",
    ),
]


def _index(pipe, arts):
    return index_articles(pipe.store, pipe.embedder, arts, pipe.settings)


def _both_indexes(store):
    return store.vectors.all_ids(), store.keyword.all_chunk_ids()


def test_ingest_is_idempotent_and_indexes_agree(hash_settings):
    pipe = Pipeline(hash_settings)
    r1 = _index(pipe, ARTS)
    assert (r1.added, r1.unchanged) == (3, 0)
    vec, kw = _both_indexes(pipe.store)
    assert vec == kw and len(vec) == r1.chunks
    r2 = _index(pipe, ARTS)
    assert (r2.added, r2.updated, r2.unchanged, r2.chunks) == (0, 0, 3, 0)
    assert _both_indexes(pipe.store) == (vec, kw)
    pipe.close()


def test_changed_article_replaces_its_chunks_in_both_indexes(hash_settings):
    pipe = Pipeline(hash_settings)
    _index(pipe, ARTS)
    before = pipe.store.keyword.all_chunk_ids()
    changed = Article(
        id="a",
        title="Biden meets Kishida",
        date="2023-01-13",
        source="The White House",
        text="President Biden hosted Prime Minister Kishida. They talked about semiconductors.",
    )
    r = _index(pipe, [changed])
    assert (r.updated, r.added) == (1, 0)
    vec, kw = _both_indexes(pipe.store)
    assert vec == kw
    assert len(kw - before) >= 1 and len(before - kw) >= 1
    assert pipe.store.keyword.search("semiconductors", 5)
    assert not pipe.store.keyword.search("Taiwan", 5)
    pipe.close()


def test_interrupted_ingest_is_completed_by_a_rerun(hash_settings):
    pipe = Pipeline(hash_settings)

    class Boom(Exception):
        pass

    def dying():
        yield ARTS[0]
        raise Boom

    with pytest.raises(Boom):
        _index(pipe, dying())
    # Simulate a crash between the vector write and the SQLite commit for article b.
    pipe.store.begin([ARTS[1]])
    from assistant.ingest.chunking import chunk_article

    chunks = chunk_article(ARTS[1])
    pipe.store.vectors.upsert_many([(ARTS[1], chunks, pipe.embedder.embed_batch([c.text for c in chunks]))])
    report = pipe.store.check()
    assert report.pending == ["b"] and not report.ok
    _index(pipe, ARTS)
    vec, kw = _both_indexes(pipe.store)
    assert vec == kw
    assert pipe.store.check().ok
    assert pipe.store.keyword.counts()["documents"] == 3
    pipe.close()


def test_filters_apply_to_dense_and_bm25(hash_settings):
    pipe = Pipeline(hash_settings)
    _index(pipe, ARTS)
    for mode in ("dense", "bm25", "hybrid"):
        got = pipe.retriever.retrieve("President Biden discussed", k=5, mode=mode, filters=Filters(since="2024-01-01"))
        assert {p.doc_id for p in got} == {"c"}, mode
        got = pipe.retriever.retrieve("discussed", k=5, mode=mode, filters=Filters(source="U.S. Department of State"))
        assert {p.doc_id for p in got} == {"b"}, mode
        got = pipe.retriever.retrieve("discussed", k=5, mode=mode, filters=Filters(until="2022-12-31"))
        assert {p.doc_id for p in got} == {"b"}, mode
    pipe.close()


def test_fts_query_escapes_user_syntax(hash_settings):
    assert fts_query('NEAR("a" b) OR * -x "quoted"') == '"near" OR "quoted"'
    pipe = Pipeline(hash_settings)
    _index(pipe, ARTS)
    for q in ['"', "*", "NEAR(Biden Kishida)", "Biden OR", "a AND b NOT c", "Kishida'); DROP TABLE chunks;--"]:
        pipe.store.keyword.search(q, 5)  # must not raise
    assert pipe.store.keyword.counts()["chunks"] > 0
    pipe.close()


def test_second_process_gets_a_clear_error(hash_settings):
    store = Store(hash_settings)
    code = (
        "import sys; from assistant.store.facade import Store, StoreError; from assistant.settings import Settings\n"
        f"try:\n    Store(Settings(home=__import__('pathlib').Path({str(hash_settings.home)!r})))\n"
        "except StoreError as e:\n    print(e); sys.exit(3)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 3, out.stderr
    assert "in use by another process" in out.stdout
    store.close()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr


def test_store_reopens_in_same_process(hash_settings):
    with Store(hash_settings), Store(hash_settings) as s2:
        assert s2.stats()["documents"] == 0
    with pytest.raises(StoreError, match="is not a URL"):
        Store(hash_settings.with_(chroma_url="no-scheme-here"))
