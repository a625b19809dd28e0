"""PostgreSQL keyword side against SQLite FTS5: recall@5 on the test split, then query latency at scale.

1. Recall: the documents of an indexed home (read-only: it is copied first) are written into PostgreSQL through
   `PgKeywordIndex` without re-embedding; the dense side is the copy's Chroma, shared by both stores. Every answerable
   test question (follow-ups as asked, without their history) is retrieved in bm25 and hybrid mode through each store.
2. Scale: the corpus is replicated to `--size` chunks (evals/bench_scale.py's copies: new ids, shifted dates, the
   base vectors) into Chroma + FTS5 and into PostgreSQL; keyword and hybrid p50/p95 over the dev questions.
3. Concurrency: `--clients` threads share one PostgreSQL-backed store (as the UI's sessions do) and ask the test
   questions in hybrid mode; errors are counted.

Without `--pg-url` a throwaway cluster is started (tests/pg_cluster.py). Usage:
  python evals/bench_pg.py [--base HOME_INDEXING_THE_CORPUS] [--pg-url postgresql://...] [--size 100000]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "evals"))
sys.path.insert(0, str(ROOT / "tests"))

from bench_scale import replicated  # noqa: E402

from assistant.documents import Article, date_to_int  # noqa: E402
from assistant.evaluation.metrics import recall_at_k  # noqa: E402
from assistant.ingest.chunking import chunk_article  # noqa: E402
from assistant.retrieval.embeddings import make_embedder  # noqa: E402
from assistant.retrieval.filters import Filters  # noqa: E402
from assistant.retrieval.retriever import Retriever  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from assistant.store.facade import Store  # noqa: E402


def _ms(values: list[float]) -> str:
    s = sorted(values)
    return f"{statistics.median(s) * 1000:.1f} / {s[max(0, int(0.95 * len(s)) - 1)] * 1000:.1f}"


def _articles(store: Store) -> list[Article]:
    """The complete documents of a SQLite-backed store, as articles."""
    rows = store.keyword.db.execute("SELECT doc_id, title, text, date, source, url, origin FROM documents WHERE status='ok'")
    return [Article(r[0], r[1], r[2], r[3], r[4], r[5], r[6] or "") for r in rows]


def _load(store: Store, articles: list[Article], lite: Store) -> float:
    """Write articles into a store's keyword side (pending, then committed, 64 at a time) and copy the reader's
    sentence annotations over; chunks per second of the keyword side."""
    rows = lite.keyword.db.execute('SELECT doc_id, start, "end", lemmas, entities, vector FROM sentences').fetchall()
    with store.keyword.db.connection() as conn, conn.cursor() as cur:
        with cur.copy('COPY sentences(doc_id, start, "end", lemmas, entities, vector) FROM STDIN') as copy:
            for r in rows:
                copy.write_row(tuple(r))
    t0, n = time.perf_counter(), 0
    for i in range(0, len(articles), 64):
        part = articles[i : i + 64]
        items = [(a, chunk_article(a)) for a in part]
        store.keyword.mark_pending(part)
        store.keyword.commit_articles(items)
        n += sum(len(c) for _, c in items)
    return n / (time.perf_counter() - t0)


def _recall(stores: dict[str, Store], embedder, questions: list[dict]) -> None:
    print(f"\n== recall@5 on evals/test.jsonl: {len(questions)} answerable questions (distinct documents, k=20)")
    for mode in ("bm25", "hybrid"):
        for name, store in stores.items():
            retriever = Retriever(store, embedder)
            r5, lat = [], []
            for q in questions:
                t = time.perf_counter()
                ranked = list(dict.fromkeys(p.doc_id for p in retriever.retrieve(q["question"], k=20, mode=mode)))
                lat.append(time.perf_counter() - t)
                r5.append(recall_at_k(ranked, q["doc_ids"], 5))
            print(f"  {mode:<7} {name:<11} recall@5 {statistics.mean(r5):.3f}   p50 / p95 ms {_ms(lat)}")


def _scale(lite_home: Path, base: Store, pg_url: str, size: int, embedder, qs: list[str]) -> None:
    got = base.vectors.collection.get(include=["embeddings"], limit=1_000_000)
    vec_of = {cid: list(v) for cid, v in zip(got["ids"], got["embeddings"], strict=True)}
    articles = _articles(base)
    lite = Store(Settings(home=lite_home))
    pg = Store(Settings(home=lite_home, database_url=pg_url), vectors=lite.vectors)
    t_lite = t_pg = 0.0
    written = 0
    for part, _ in replicated(articles, size):
        batch = [(b, chunks, [vec_of[c.id] for c in chunk_article(a)]) for a, b, chunks in part]
        t = time.perf_counter()
        lite.begin([b for b, _, _ in batch])
        lite.write_many(batch)
        t_lite += time.perf_counter() - t
        t = time.perf_counter()
        pg.keyword.mark_pending([b for b, _, _ in batch])
        pg.keyword.commit_articles([(b, chunks) for b, chunks, _ in batch])
        t_pg += time.perf_counter() - t
        written += sum(len(c) for _, _, c in batch)
    with pg.keyword.db.connection() as conn:
        conn.execute("ANALYZE")
        pg_mb = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0] / 1e6
    sqlite_mb = lite.settings.sqlite_path.stat().st_size / 1e6
    print(
        f"\n== {written} chunks: insert Chroma+FTS5 {written / t_lite:.0f} chunks/s, PostgreSQL keyword side "
        f"{written / t_pg:.0f} chunks/s; SQLite file {sqlite_mb:.0f} MB, PostgreSQL database {pg_mb:.0f} MB"
    )
    timings: dict[str, list[float]] = {}
    mid = date_to_int("2023-01-01")
    for name, store in (("fts5", lite), ("postgres", pg)):
        retriever = Retriever(store, embedder)
        for q in qs:
            for label, since in (("", None), (" +date", mid)):
                t = time.perf_counter()
                store.keyword.search(q, 30, since=since)
                timings.setdefault(f"keyword {name}{label}", []).append(time.perf_counter() - t)
                embedder.embed(q)  # warm the embedder's recent-text cache: hybrid then times the store, as bench_scale
                t = time.perf_counter()
                retriever.retrieve(q, k=8, filters=Filters(since="2023-01-01" if since else None))
                timings.setdefault(f"hybrid {name}{label}", []).append(time.perf_counter() - t)
    for name, vals in timings.items():
        print(f"  {name:<26} p50 / p95 ms  {_ms(vals)}")
    pg.close()
    lite.close()


def _concurrent(store: Store, embedder, questions: list[dict], clients: int) -> None:
    retriever = Retriever(store, embedder)

    def client(i: int) -> tuple[int, list[float]]:
        errors, lat = 0, []
        for q in questions[i::clients]:
            t = time.perf_counter()
            try:
                passages = retriever.retrieve(q["question"], k=8)
                if not store.sentence_infos([(p.doc_id, s.start) for p in passages for s in p.sentences]):
                    errors += 1  # the reader would find no annotations
            except Exception:  # noqa: BLE001 - counted and reported, never hidden
                errors += 1
            lat.append(time.perf_counter() - t)
        return errors, lat

    t0 = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        results = list(pool.map(client, range(clients)))
    wall = time.perf_counter() - t0
    lat = [x for _, ls in results for x in ls]
    print(
        f"\n== {clients} concurrent clients on one PostgreSQL-backed store: {len(lat)} hybrid retrievals, "
        f"{sum(e for e, _ in results)} errors, {len(lat) / wall:.1f} /s, p50 / p95 ms {_ms(lat)}"
    )


def main() -> None:
    """Recall, then scale, then concurrency."""
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "--base", type=Path, default=Settings().home, help="an ASSISTANT_HOME indexing corpus/ (only read; default: make run's)"
    )
    ap.add_argument("--pg-url", help="an empty PostgreSQL database (default: a throwaway cluster)")
    ap.add_argument("--size", type=int, default=100_000, help="chunks for the scale run (0: skip it)")
    ap.add_argument("--queries", type=int, default=50)
    ap.add_argument("--clients", type=int, default=20)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-pg-"))
    cluster = None
    if args.pg_url:
        url, scale_url = args.pg_url, None
    else:
        from conftest import free_port
        from pg_cluster import PgCluster

        cluster = PgCluster(free_port()).start()
        url, scale_url = cluster.new_database(), cluster.new_database()
    try:
        home = work / "home"
        shutil.copytree(args.base, home, ignore=shutil.ignore_patterns(".lock"))
        embedder = make_embedder(None)
        lite = Store(Settings(home=home))
        pg = Store(Settings(home=home, database_url=url), vectors=lite.vectors)
        articles = _articles(lite)
        rate = _load(pg, articles, lite)
        with pg.keyword.db.connection() as conn:
            conn.execute("ANALYZE")  # as autovacuum would soon after a bulk load
        counts = (lite.counts(), pg.counts())
        print(f"loaded {len(articles)} articles into PostgreSQL at {rate:.0f} chunks/s; fts5 {counts[0]} pg {counts[1]}")
        tests = [json.loads(line) for line in (ROOT / "evals" / "test.jsonl").read_text().splitlines()]
        answerable = [q for q in tests if q["type"] != "unanswerable" and q.get("doc_ids")]
        _recall({"fts5": lite, "postgres": pg}, embedder, answerable)
        _concurrent(pg, embedder, answerable, args.clients)
        if args.size and scale_url:
            dev = [json.loads(line)["question"] for line in (ROOT / "evals" / "dev.jsonl").read_text().splitlines()]
            pg.close()
            _scale(work / "scale", lite, scale_url, args.size, embedder, dev[: args.queries])
        lite.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if cluster is not None:
            cluster.stop()


if __name__ == "__main__":
    main()
