"""A second vector store written against `store/base.py` alone: a tiny in-memory index runs the retrieval path."""

from __future__ import annotations

import math

from assistant.documents import Article, date_to_int
from assistant.indexer import index_articles
from assistant.pipeline import Pipeline
from assistant.retrieval.filters import Filters
from assistant.store.base import VectorIndex, VectorItem
from assistant.store.facade import Store


class MemoryVectorIndex:
    """Brute-force cosine search over a dict; knows nothing of Chroma."""

    location = "memory"

    def __init__(self) -> None:
        self.rows: dict[str, tuple[list[float], dict]] = {}

    def upsert_many(self, items: list[VectorItem]) -> None:
        for article, chunks, vectors in items:
            for c, v in zip(chunks, vectors, strict=True):
                meta = {"doc_id": article.id, "source": article.source, "date_int": date_to_int(article.date)}
                self.rows[c.id] = (v, meta)

    def delete_documents(self, doc_ids: list[str]) -> None:
        self.rows = {cid: row for cid, row in self.rows.items() if row[1]["doc_id"] not in doc_ids}

    def delete_ids(self, ids: list[str]) -> None:
        for cid in ids:
            self.rows.pop(cid, None)

    def search(self, vector, limit, since=None, until=None, source=None) -> list[tuple[str, float]]:
        def keep(meta: dict) -> bool:
            d = meta["date_int"]
            if since is not None and (d is None or d < since):
                return False
            if until is not None and (d is None or d > until):
                return False
            return not source or meta["source"] == source

        norm = math.sqrt(sum(x * x for x in vector)) or 1.0
        scored = [
            (cid, sum(a * b for a, b in zip(vector, v, strict=True)) / norm) for cid, (v, meta) in self.rows.items() if keep(meta)
        ]
        return sorted(scored, key=lambda t: -t[1])[:limit]

    def all_ids(self) -> set[str]:
        return set(self.rows)

    def count(self) -> int:
        return len(self.rows)

    def vectors_of(self, ids: list[str]) -> dict[str, list[float]]:
        return {cid: self.rows[cid][0] for cid in ids if cid in self.rows}

    def recreate(self) -> str | None:
        self.rows = {}
        return None


ARTICLES = [
    Article(
        id="a",
        title="Blinken in Jakarta",
        date="2022-07-10",
        source="U.S. Department of State",
        text="Secretary Blinken met Foreign Minister Retno Marsudi in Jakarta. They discussed maritime security.",
    ),
    Article(
        id="b",
        title="Call with Kishida",
        date="2023-01-10",
        source="The White House",
        text="President Biden spoke with Prime Minister Kishida of Japan. The leaders discussed semiconductors.",
    ),
    Article(
        id="c",
        title="Sullivan and Wang Yi",
        date="2024-01-27",
        source="The White House",
        text="National Security Advisor Jake Sullivan met Wang Yi in Bangkok. They discussed military communication.",
    ),
]


def _pipe(hash_settings) -> tuple[Pipeline, MemoryVectorIndex]:
    mem = MemoryVectorIndex()
    store = Store(hash_settings, vectors=mem)
    pipe = Pipeline(hash_settings, store=store)
    result = index_articles(pipe.store, pipe.embedder, ARTICLES, hash_settings)
    assert result.added == 3 and not result.errors
    return pipe, mem


def test_memory_index_satisfies_the_protocol():
    assert isinstance(MemoryVectorIndex(), VectorIndex)


def test_retrieval_runs_on_the_memory_index(hash_settings):
    pipe, mem = _pipe(hash_settings)
    assert mem.count() == pipe.store.stats()["chunks"] == pipe.store.stats()["vectors"] > 0
    for mode in ("dense", "bm25", "hybrid"):
        hits = pipe.retriever.retrieve("Blinken Marsudi Jakarta", k=3, mode=mode)
        assert hits and hits[0].doc_id == "a", mode
    dense = pipe.retriever.retrieve("Blinken Marsudi Jakarta", k=3, mode="dense")
    assert dense[0].ranks.get("dense") == 1 and dense[0].dense_sim is not None
    pipe.close()


def test_filters_apply_on_the_memory_index(hash_settings):
    pipe, _ = _pipe(hash_settings)
    by_source = pipe.retriever.retrieve("discussed", k=5, mode="dense", filters=Filters(source="The White House"))
    assert {p.doc_id for p in by_source} == {"b", "c"}
    by_date = pipe.retriever.retrieve("discussed", k=5, mode="hybrid", filters=Filters(since="2024-01-01"))
    assert {p.doc_id for p in by_date} == {"c"}
    pipe.close()


def test_answer_check_and_delete_on_the_memory_index(hash_settings):
    pipe, mem = _pipe(hash_settings)
    ans = pipe.ask("Where did Blinken meet Retno Marsudi?")
    assert not ans.refused and ans.citations[0].doc_id == "a" and "Jakarta" in ans.answer
    assert pipe.store.check().ok
    mem.rows["orphan"] = ([0.0] * 255 + [1.0], {"doc_id": "zz", "source": "", "date_int": None})
    report = pipe.store.check(repair=True)
    assert report.orphan_vectors == 1 and "orphan" not in mem.all_ids()
    pipe.store.delete("a")
    assert all(meta["doc_id"] != "a" for _, meta in mem.rows.values())
    pipe.close()
