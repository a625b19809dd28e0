"""`assistant check [--repair]` on copies of a small index whose files were damaged: pages overwritten, rows gone."""

import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT, corpus_records, write_jsonl

from assistant.cli import main
from assistant.settings import Settings
from assistant.store.facade import Store

QUESTION = "What did President Biden discuss with the Prime Minister?"


def run(home: Path, *args: str, model: str | None = "hash"):
    """The CLI in-process; `model=None` is the real packaged MiniLM."""
    flags = ["--embed-model", model] if model else []
    return CliRunner().invoke(main, ["--home", str(home), *flags, *args], catch_exceptions=False)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """20 corpus articles indexed once with the hash embedder; tests damage copies of it."""
    tmp = tmp_path_factory.mktemp("integrity")
    corpus = write_jsonl(tmp / "c.jsonl", corpus_records(20))
    home = tmp / "home"
    res = run(home, "ingest", str(corpus))
    assert res.exit_code == 0, res.output
    return home, corpus, state(home)


@pytest.fixture
def copy(built, tmp_path):
    """A copy of the built index, never opened in this process (Chroma caches an open store's data), with the
    original's state to compare with."""
    home, corpus, before = built
    dst = tmp_path / "copy"
    shutil.copytree(home, dst)
    (dst / ".lock").unlink(missing_ok=True)
    return dst, corpus, before


def pages_of(db: Path, *names: str) -> list[int]:
    """The page numbers holding these tables/indexes (SQLite's dbstat)."""
    con = sqlite3.connect(db)
    try:
        marks = ",".join("?" * len(names))
        return sorted(p for (p,) in con.execute(f"SELECT pageno FROM dbstat WHERE name IN ({marks})", names))
    finally:
        con.close()


def overwrite(path: Path, pages: list[int], page_size: int = 4096) -> None:
    with path.open("r+b") as fh:
        for p in pages:
            fh.seek((p - 1) * page_size)
            fh.write(os.urandom(page_size))


def state(home: Path, model: str | None = "hash") -> dict:
    with Store(Settings(home=home, embed_model=model)) as store:
        return {
            "docs": store.counts()["documents"],
            "chunks": store.keyword.all_chunk_ids(),
            "vectors": store.vectors.all_ids(),
            "keyword_hits": store.search_keywords(QUESTION, 10),
        }


def test_a_sound_index_checks_clean(copy):
    home, _, _ = copy
    res = run(home, "check")
    assert res.exit_code == 0 and "the index is sound" in res.output


def test_overwritten_keyword_index_pages_are_rebuilt_from_the_documents(copy):
    home, _, before = copy
    db = home / "assistant.sqlite3"
    overwrite(db, pages_of(db, "chunks_fts_data", "chunks_fts_idx"))
    res = run(home, "check")
    assert res.exit_code == 1 and "problem: sqlite: assistant.sqlite3" in res.output
    res = run(home, "check", "--repair")
    assert res.exit_code == 0, res.output
    assert "rebuilt assistant.sqlite3 from its readable rows (every row was readable)" in res.output
    assert list(home.glob("assistant.sqlite3.damaged-*")), "the damaged file is kept"
    assert run(home, "check").exit_code == 0
    assert state(home) == before  # the same documents, chunks, vectors and the same BM25 ranking


def test_a_lost_documents_page_is_named_and_a_rerun_of_the_ingest_restores_it(copy):
    home, corpus, before = copy
    db = home / "assistant.sqlite3"
    leaf = pages_of(db, "documents")[-1]  # a leaf page, not the root: the other documents stay readable
    overwrite(db, [leaf])
    assert run(home, "check").exit_code == 1
    res = run(home, "check", "--repair")
    assert res.exit_code == 0, res.output
    assert "rows of documents could be read" in res.output and "run the same ingest again" in res.output
    after = state(home)
    assert 0 < after["docs"] < before["docs"]
    assert after["vectors"] == after["chunks"]  # the lost documents' vectors went with them
    assert run(home, "check").exit_code == 0
    assert run(home, "ingest", str(corpus)).exit_code == 0
    assert run(home, "check").exit_code == 0
    assert state(home) == before


def test_missing_rows_of_the_keyword_index_are_named_and_rebuilt(copy):
    home, _, before = copy
    con = sqlite3.connect(home / "assistant.sqlite3")
    with con:
        con.execute("DELETE FROM chunks_fts WHERE rowid IN (SELECT rowid FROM chunks_fts LIMIT 7)")
    con.close()
    res = run(home, "check")
    assert res.exit_code == 1 and "problem: keyword index: 7 chunks have no keyword-index row" in res.output
    res = run(home, "check", "--repair")
    assert "rebuilt the keyword index from the documents and chunks tables" in res.output and res.exit_code == 0
    assert state(home) == before


def test_an_unreadable_vector_store_is_rebuilt_by_re_embedding(copy):
    home, _, before = copy
    chroma_db = home / "chroma" / "chroma.sqlite3"
    overwrite(chroma_db, pages_of(chroma_db, "embeddings_queue")[:5])
    res = run(home, "ask", QUESTION)
    assert res.exit_code == 1 and "check --repair" in res.output and "Traceback" not in res.output
    res = run(home, "check")
    assert res.exit_code == 1 and "problem: vectors: cannot be read" in res.output
    res = run(home, "check", "--repair")
    assert res.exit_code == 0, res.output
    assert f"re-embedded 20 documents ({len(before['chunks'])} chunks)" in res.output
    assert run(home, "check").exit_code == 0
    assert state(home) == before
    assert run(home, "ask", QUESTION).exit_code == 0


def test_a_vector_store_that_cannot_even_be_opened_is_moved_aside_and_rebuilt(copy):
    home, _, before = copy
    chroma_db = home / "chroma" / "chroma.sqlite3"
    overwrite(chroma_db, [1])  # the header page: the store does not open at all
    res = run(home, "check", "--repair")
    assert res.exit_code == 0, res.output
    assert "moved the unreadable vector store to" in res.output and "re-embedded 20 documents" in res.output
    assert run(home, "check").exit_code == 0
    assert state(home) == before


def test_missing_and_orphan_vectors_are_named_and_only_their_documents_re_embedded(copy):
    home, _, before = copy
    with Store(Settings(home=home, embed_model="hash")) as store:
        victim = sorted(before["chunks"])[3]
        doc = store.keyword.chunk_rows([victim])[victim]["doc_id"]
        store.vectors.delete_ids([victim])
        store.vectors.collection.upsert(ids=["orphan"], embeddings=[[1.0] + [0.0] * 255], metadatas=[{"doc_id": "zz"}])
        n_doc_chunks = sum(1 for r in store.keyword.chunk_rows(sorted(before["chunks"])).values() if r["doc_id"] == doc)
    res = run(home, "check")
    assert res.exit_code == 1
    assert "orphan vectors: 1, missing vectors: 1" in res.output
    assert "problem: vectors: 1 chunks of 1 documents have no vector" in res.output
    res = run(home, "check", "--repair")
    assert res.exit_code == 0, res.output
    assert f"re-embedded 1 documents ({n_doc_chunks} chunks)" in res.output and "deleted 1 orphan vectors" in res.output
    assert state(home) == before


@pytest.mark.slow
def test_real_embedder_index_damaged_and_repaired_answers_again(tmp_path):
    """The real MiniLM: the seed article and a few releases; the vector store's pages overwritten; repair re-embeds
    with the same model, so the demo question gets its answer again."""
    home = tmp_path / "home"
    corpus = write_jsonl(tmp_path / "c.jsonl", corpus_records(5))
    for path in (ROOT / "corpus" / "pezeshkian-baku.md", corpus):
        assert run(home, "ingest", str(path), model=None).exit_code == 0
    before = state(home, model=None)
    shutil.copytree(home, tmp_path / "copy")
    home = tmp_path / "copy"  # never opened in this process: Chroma caches an open store
    (home / ".lock").unlink()
    chroma_db = home / "chroma" / "chroma.sqlite3"
    overwrite(chroma_db, pages_of(chroma_db, "embeddings_queue")[:5])
    assert run(home, "check", model=None).exit_code == 1
    res = run(home, "check", "--repair", model=None)
    assert res.exit_code == 0, res.output
    assert run(home, "check", model=None).exit_code == 0
    assert state(home, model=None) == before
    res = run(home, "ask", "Who greeted Pezeshkian at the airport?", model=None)
    assert res.exit_code == 0 and "Eyyubov" in res.output
