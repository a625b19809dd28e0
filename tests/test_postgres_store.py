"""The store with documents and keywords in a real PostgreSQL server (ASSISTANT_DATABASE_URL), beside SQLite's."""

import sys
import threading

import numpy as np
import psycopg
import pytest
from test_store import ARTS, _both_indexes

from assistant.documents import Article, date_to_int
from assistant.indexer import index_articles
from assistant.ingest.feeds import FeedRead
from assistant.pipeline import Pipeline
from assistant.settings import Settings
from assistant.store.facade import Store, StoreError
from assistant.store.postgres_db import PgDatabase, migrations
from assistant.store.postgres_keyword import PgKeywordIndex

NEAR_DUP = Article(
    id="b-wire",
    title="Blinken in Jakarta (wire)",
    date="2022-07-10",
    source="Wire",
    text=ARTS[1].text,
)


def _docs(keyword, hits) -> list[str]:
    """The doc_id of each (chunk_id, score) hit, in order."""
    rows = keyword.chunk_rows([cid for cid, _ in hits])
    return [rows[cid]["doc_id"] for cid, _ in hits]


def _pg(hash_settings, url):
    return hash_settings.with_(database_url=url)


def test_settings_read_the_database_url(monkeypatch, tmp_path):
    monkeypatch.setenv("ASSISTANT_DATABASE_URL", "postgresql://u:secret@db:5432/x")
    s = Settings.from_env()
    assert s.database_url == "postgresql://u:secret@db:5432/x"
    assert "secret" not in repr(s)


def test_ingest_search_and_filters_on_postgres(hash_settings, pg_url):
    pipe = Pipeline(_pg(hash_settings, pg_url))
    assert isinstance(pipe.store.keyword, PgKeywordIndex)
    assert not hash_settings.sqlite_path.exists(), "nothing goes to the SQLite file when PostgreSQL is configured"
    r = index_articles(pipe.store, pipe.embedder, ARTS, pipe.settings)
    assert (r.added, r.unchanged) == (3, 0)
    vec, kw = _both_indexes(pipe.store)
    assert vec == kw and len(kw) == r.chunks
    again = index_articles(pipe.store, pipe.embedder, ARTS, pipe.settings)
    assert again.unchanged == 3 and _both_indexes(pipe.store) == (vec, kw)
    kwi = pipe.store.keyword
    assert _docs(kwi, kwi.search("Retno Marsudi Jakarta", 5))[:1] == ["b"]
    assert set(_docs(kwi, kwi.search("discussed", 5))) == {"a", "b"}  # stemmed: discuss
    assert kwi.search("the of and", 5) == [] == kwi.search('"or" -not OR and', 5)
    assert set(_docs(kwi, kwi.search('Jakarta" OR (1=1); --', 5))) == {"b"}  # no user syntax, no SQL
    white_house = set(_docs(kwi, kwi.search("President Biden", 5, source="The White House")))
    assert white_house == {"a", "c"}
    since = set(_docs(kwi, kwi.search("President Biden", 5, since=date_to_int("2024-01-01"))))
    until = set(_docs(kwi, kwi.search("President Biden", 5, until=date_to_int("2023-12-31"))))
    assert (since, until) == ({"c"}, {"a"})
    hits = pipe.retriever.retrieve("Blinken Jakarta ASEAN", k=3, mode="hybrid")
    assert hits and hits[0].doc_id == "b" and hits[0].text in ARTS[1].text
    assert pipe.store.stats()["database"] == pg_url
    pipe.close()


def test_postgres_answers_what_sqlite_answers(hash_settings, pg_url, tmp_path):
    """The same articles in both engines: every read the UI and the reader use gives the same result."""
    pg = Pipeline(_pg(hash_settings, pg_url))
    lite = Pipeline(hash_settings.with_(home=tmp_path / "lite"))
    for pipe in (pg, lite):
        index_articles(pipe.store, pipe.embedder, ARTS, pipe.settings)
    a, b = pg.store, lite.store
    ids = sorted(b.keyword.all_chunk_ids())
    assert a.keyword.all_chunk_ids() == set(ids)
    assert a.keyword.chunk_rows(ids) == b.keyword.chunk_rows(ids)
    for doc_id in ("a", "b", "c"):
        da, db = a.document(doc_id), b.document(doc_id)
        assert {k: v for k, v in da.items() if k != "updated_at"} == {k: v for k, v in db.items() if k != "updated_at"}
    assert a.counts() == b.counts()
    assert a.by_source_year() == b.by_source_year()
    assert a.sources() == b.sources()
    assert a.date_ranges() == b.date_ranges() and a.date_ranges()  # the Corpus tab's table
    assert a.find_documents("blinken") == b.find_documents("blinken") != []
    assert a.find_documents("100%_") == b.find_documents("100%_") == []
    keys = [
        (doc, s.start)
        for doc in "abc"
        for row in b.keyword.chunk_rows(ids).values()
        if row["doc_id"] == doc
        for s in row["sentences"]
    ]
    sa, sb = a.sentence_infos(keys), b.sentence_infos(keys)
    assert sa.keys() == sb.keys() and len(sa) >= 5
    for key in sa:
        x, y = sa[key], sb[key]
        assert (x.end, x.lemmas, x.entities) == (y.end, y.lemmas, y.entities)
        assert (x.vector == y.vector).all()
    n, freqs = a.doc_freqs(["discussed", "jakarta", "zzz"])
    assert (n, freqs) == (3, {"discussed": 2, "jakarta": 1, "zzz": 0})
    assert b.doc_freqs(["discussed", "jakarta", "zzz"]) == (n, freqs)
    assert (
        _docs(a.keyword, a.search_keywords("Kishida Taiwan", 3))
        == _docs(b.keyword, b.search_keywords("Kishida Taiwan", 3))
        == ["a"]
    )
    pg.close()
    lite.close()


def test_changed_and_deleted_articles(hash_settings, pg_url):
    pipe = Pipeline(_pg(hash_settings, pg_url))
    index_articles(pipe.store, pipe.embedder, ARTS, pipe.settings)
    changed = Article(
        id="a",
        title="Biden meets Kishida",
        date="2023-01-13",
        source="The White House",
        text="President Biden hosted Prime Minister Kishida. They talked about semiconductors.",
    )
    r = index_articles(pipe.store, pipe.embedder, [changed], pipe.settings)
    assert r.updated == 1
    vec, kw = _both_indexes(pipe.store)
    assert vec == kw
    assert pipe.store.keyword.search("semiconductors", 5) and not pipe.store.keyword.search("Taiwan", 5)
    pipe.store.delete("a")
    assert pipe.store.document("a") is None and not pipe.store.keyword.search("semiconductors", 5)
    assert pipe.store.check().ok
    pipe.close()


def test_pending_document_is_found_and_repaired(hash_settings, pg_url):
    """A crash between `begin` and the commit leaves the document pending: invisible to search, fixed by repair."""
    pipe = Pipeline(_pg(hash_settings, pg_url))
    index_articles(pipe.store, pipe.embedder, ARTS[:2], pipe.settings)
    half = ARTS[2]
    pipe.store.begin([half])
    from assistant.ingest.chunking import chunk_article

    chunks = chunk_article(half)
    pipe.store.vectors.upsert_many([(half, chunks, pipe.embedder.embed_batch([c.text for c in chunks]))])  # the crash is here
    assert pipe.store.status("c")[1] == "pending"
    assert not pipe.store.keyword.search("Scholz", 5)
    report = pipe.store.check()
    assert report.pending == ["c"] and report.orphan_vectors == len(chunks) and not report.ok
    pipe.store.check(repair=True)
    assert pipe.store.check().ok and pipe.store.status("c") is None
    r = index_articles(pipe.store, pipe.embedder, [half], pipe.settings)
    assert r.added == 1 and pipe.store.keyword.search("Scholz", 5)
    pipe.close()


def test_two_stores_indexing_the_same_articles_at_once(hash_settings, pg_url):
    """Two app processes ingesting overlapping files at the same moment: no error, one consistent index."""
    from conftest import corpus_records

    arts = [Article(id=r["id"], title=r["title"], text=r["text"], date=r["date"], source=r["source"]) for r in corpus_records(40)]
    from assistant.retrieval.embeddings import make_embedder
    from assistant.store.chroma import ChromaIndex

    settings = _pg(hash_settings, pg_url)
    vectors = ChromaIndex(settings.chroma_path, settings.collection)  # one vector index, as a Chroma server would be
    stores = [Store(settings, vectors=vectors) for _ in range(2)]  # two pools: two app processes' keyword sides
    embedder = make_embedder("hash")
    errors: list[BaseException] = []

    def ingest(store, part) -> None:
        try:
            index_articles(store, embedder, part, settings)
        except BaseException as exc:  # noqa: BLE001 - re-raised by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=ingest, args=(st, part)) for st, part in zip(stores, (arts[:30], arts[10:]), strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    store = stores[0]
    report = store.check()
    assert report.ok, report
    stored = [a for a in arts if store.status(a.id)]
    assert all(store.status(a.id) == (a.hash, "ok") for a in stored) and len(stored) >= 35
    keyword_rows = store.keyword.chunk_rows(sorted(store.keyword.all_chunk_ids()))
    assert {r["doc_id"] for r in keyword_rows.values()} == {a.id for a in stored}
    for s in stores:
        s.close()


def test_migrations_run_once_and_are_recorded(pg_url):
    versions = [v for v, _ in migrations()]
    assert versions and versions == sorted(versions) and versions[0].startswith("0001_")
    results: list[list[str]] = []

    def start() -> None:  # app servers starting at the same moment: one migrates, the others wait and find it done
        db = PgDatabase(pg_url)
        results.append(db.applied)
        db.close()

    threads = [threading.Thread(target=start) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results, key=len) == [[], [], [], versions]
    with psycopg.connect(pg_url) as conn:
        assert [r[0] for r in conn.execute("SELECT version FROM schema_migrations ORDER BY version")] == versions


def test_feed_state_and_duplicates_are_shared_between_processes(hash_settings, pg_url):
    one = Pipeline(_pg(hash_settings, pg_url))
    two = Pipeline(_pg(hash_settings, pg_url).with_(home=hash_settings.home / "other"))
    index_articles(one.store, one.embedder, ARTS, one.settings)
    r = index_articles(two.store, two.embedder, [NEAR_DUP], two.settings)  # the wire copy, through the other store
    assert r.merged == 1
    assert two.store.status("b-wire") is None
    assert [s["id"] for s in one.store.also_reported_by("b")] == ["b-wire"]
    one.store.add_feed("http://example.org/feed.xml")
    two.store.commit_feed(FeedRead(url="http://example.org/feed.xml", title="Ex", etag='"e1"', last_modified=None, items=[]))
    assert one.store.feed_urls() == ["http://example.org/feed.xml"]
    assert one.store.feed_validators("http://example.org/feed.xml") == ('"e1"', None)
    one.close()
    two.close()


def test_a_signature_committed_late_by_another_process_is_found(hash_settings, pg_url):
    """Sequence numbers are taken at insert, visible at commit: a lower number can appear after a higher one."""
    from assistant.store.dedup import signature

    store = Store(_pg(hash_settings, pg_url))
    early, late = ARTS[0].text * 3, ARTS[2].text * 3
    store.add_signatures([("first", signature(early))])
    assert store.duplicate_of("q", signature(late)) is None
    with psycopg.connect(pg_url) as conn:  # another process's transaction that took its number first
        seq = conn.execute("SELECT max(seq) FROM minhash").fetchone()[0]
        conn.execute(
            "INSERT INTO minhash(doc_id, sig, seq) VALUES (%s, %s, %s)",
            ("late", np.asarray(signature(late).hashvalues, dtype=np.uint64).tobytes(), seq - 1),
        )
    assert store.duplicate_of("q", signature(late)) == "late"
    assert store.duplicate_of("q", signature(early)) == "first"
    store.close()


def test_bad_or_unreachable_database_is_a_clear_error(hash_settings, pg_cluster):
    with pytest.raises(StoreError, match="not a URL like postgresql://"):
        Store(hash_settings.with_(database_url="mysql://u@h/db"))
    with pytest.raises(StoreError, match=r"cannot reach PostgreSQL at postgresql://postgres:\*\*\*@127\.0\.0\.1:9/x"):
        Store(hash_settings.with_(database_url="postgresql://postgres:pw@127.0.0.1:9/x"))
    with pytest.raises(StoreError, match='database "nope" does not exist'):
        Store(hash_settings.with_(database_url=pg_cluster.url("nope")))


def test_missing_psycopg_gives_an_install_hint(hash_settings, monkeypatch):
    monkeypatch.setitem(sys.modules, "psycopg", None)  # import psycopg now raises ImportError
    with pytest.raises(StoreError, match=r"pip install 'diplomacy-assistant\[postgres\]'"):
        Store(hash_settings.with_(database_url="postgresql://u@127.0.0.1:9/x"))


def test_wheel_ships_the_migrations(tmp_path):
    import subprocess
    import zipfile

    from conftest import ROOT

    cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path), str(ROOT)]
    subprocess.run(cmd, check=True, capture_output=True)
    (wheel,) = tmp_path.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {f"assistant/store/migrations/{v}.sql" for v, _ in migrations()} <= names
