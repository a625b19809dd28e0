"""Scale benchmark: 10k and 100k chunks; query latency of dense, BM25 and hybrid, with and without a date filter.

How the large indexes are built: the corpus is embedded once into a base index; copies of every article
get new ids (`<id>-r<n>`) and dates shifted by n*9 days, and reuse the base vectors (the text is unchanged), so the
run measures the store and retrieval, not the embedder (bench.py measures ingest against raw encoding).

Usage: python evals/bench_scale.py [--sizes 10000 100000] [--base HOME_WITH_SHARED_CORPUS]
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.documents import Article, date_to_int  # noqa: E402
from assistant.indexer import index_articles  # noqa: E402
from assistant.ingest.chunking import chunk_article  # noqa: E402
from assistant.ingest.parse import parse_path  # noqa: E402
from assistant.retrieval.embeddings import make_embedder  # noqa: E402
from assistant.retrieval.filters import Filters  # noqa: E402
from assistant.retrieval.retriever import Retriever  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from assistant.store.facade import Store  # noqa: E402


def _ms(values: list[float]) -> str:
    s = sorted(values)
    return f"{statistics.median(s) * 1000:.1f} / {s[max(0, int(0.95 * len(s)) - 1)] * 1000:.1f}"


def _size_mb(path: Path) -> float:
    return round(sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6, 1)


def replicated(articles: list[Article], size: int, batch: int = 64):
    """Batches of (original, copy, the copy's chunks) until `size` chunks, with the number of copies begun so far:
    copy n of every article gets the id `<id>-r<n>` and its date shifted by n*9 days."""
    copies, written = 0, 0
    while written < size:
        part = []
        for a in articles:
            date = (dt.date.fromisoformat(a.date) + dt.timedelta(days=9 * copies)).isoformat() if a.date else None
            b = dataclasses.replace(a, id=f"{a.id}-r{copies}", date=date)
            chunks = chunk_article(b)
            part.append((a, b, chunks))
            written += len(chunks)
            if len(part) == batch or written >= size:  # the indexer's batch size, in articles
                yield part, copies + 1
                part = []
            if written >= size:
                break
        if part:
            yield part, copies + 1
        copies += 1


def main() -> None:
    """Build each size, then time every retrieval mode."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--corpus", type=Path, default=ROOT / "corpus" / "diplomacy-releases.jsonl")
    ap.add_argument("--base", type=Path, help="an ASSISTANT_HOME that already indexes the corpus (saves ~4 min)")
    ap.add_argument("--queries", type=int, default=50)
    args = ap.parse_args()
    embedder = make_embedder(None)
    articles = [a for a in parse_path(args.corpus) if isinstance(a, Article)]
    base_home = args.base or Path(tempfile.mkdtemp(prefix="scale-base-"))
    with Store(Settings(home=base_home)) as base:
        if base.keyword.counts()["documents"] < len(articles):
            index_articles(base, embedder, articles, Settings(home=base_home))
        vec_of: dict[str, list[float]] = {}
        got = base.vectors.collection.get(include=["embeddings"], limit=100_000)
        vec_of.update(zip(got["ids"], [list(v) for v in got["embeddings"]], strict=True))
    chunks_of = {a.id: chunk_article(a) for a in articles}
    per_copy = sum(len(c) for c in chunks_of.values())
    qs = [json.loads(line)["question"] for line in (ROOT / "evals" / "dev.jsonl").read_text().splitlines()]
    qs = qs[: args.queries]
    qvecs = embedder.embed_batch(qs)
    print(f"base: {len(articles)} articles, {per_copy} chunks per copy; query embedding is excluded from dense times")
    for size in args.sizes:
        home = Path(tempfile.mkdtemp(prefix=f"scale-{size}-"))
        settings = Settings(home=home)
        store = Store(settings)
        written, copies, t0 = 0, 0, time.perf_counter()
        for part, copies_begun in replicated(articles, size):
            copies = copies_begun
            batch = [(b, chunks, [vec_of[c.id] for c in chunk_article(a)]) for a, b, chunks in part]
            store.begin([b for b, _, _ in batch])
            store.write_many(batch)
            written += sum(len(chunks) for _, _, chunks in part)
        insert_s = time.perf_counter() - t0
        retriever = Retriever(store, embedder)
        mid = date_to_int("2023-01-01")
        timings: dict[str, list[float]] = {}
        for q, qv in zip(qs, qvecs, strict=True):
            for label, since in (("", None), (" +date", mid)):
                t = time.perf_counter()
                store.vectors.search(qv, 30, since=since)
                timings.setdefault("dense" + label, []).append(time.perf_counter() - t)
                t = time.perf_counter()
                store.keyword.search(q, 30, since=since)
                timings.setdefault("bm25" + label, []).append(time.perf_counter() - t)
                t = time.perf_counter()
                retriever.retrieve(q, k=8, filters=Filters(since="2023-01-01" if since else None))
                timings.setdefault("hybrid (incl. query embedding)" + label, []).append(time.perf_counter() - t)
                t = time.perf_counter()
                where = {"date_int": {"$gte": since}} if since else None
                store.vectors.collection.query(query_embeddings=[qv], n_results=30, where=where, include=["distances"])
                timings.setdefault("plain chroma query" + label, []).append(time.perf_counter() - t)
        print(
            f"\n== {written} chunks ({copies} copies): store insert {written / insert_s:.0f} chunks/s "
            f"(Chroma + FTS5, no embedding), index {_size_mb(home)} MB"
        )
        for name, vals in timings.items():
            print(f"  {name:<40} p50 / p95 ms  {_ms(vals)}")
        store.close()
    print(f"\npeak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
