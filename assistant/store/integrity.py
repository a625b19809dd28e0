"""`assistant check [--repair]`: is the index sound, and rebuild what the documents table still holds."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field

from assistant.settings import Settings
from assistant.store import salvage
from assistant.store.base import VectorStoreUnreadable
from assistant.store.facade import Store
from assistant.store.lock import acquire, release

SAMPLE = 64  # vectors searched for themselves: a damaged HNSW graph loses some of them
# Chunks, embeds and writes these stored documents again; the number of chunks written (`indexer.reembed`).
Reindex = Callable[[Store, list[str]], int]


@dataclass(frozen=True)
class Problem:
    """One thing wrong, named by the part of the index it is in."""

    part: str  # "sqlite", "keyword index", "vectors", "documents"
    what: str

    def __str__(self) -> str:
        return f"{self.part}: {self.what}"


@dataclass
class IntegrityReport:
    """What `check` found and, with --repair, what it did and what is still wrong afterwards."""

    problems: list[Problem] = field(default_factory=list)
    pending: int = 0
    orphan_vectors: int = 0
    missing_vectors: int = 0
    repairs: list[str] = field(default_factory=list)
    remaining: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing was wrong."""
        return not self.problems


@dataclass
class _Findings:
    problems: list[Problem] = field(default_factory=list)
    rebuild_vectors: bool = False
    fresh_vectors: bool = False  # the damaged store was already moved aside: the open one is empty
    orphans: list[str] = field(default_factory=list)
    missing_docs: set[str] = field(default_factory=set)
    pending: list[str] = field(default_factory=list)
    missing: int = 0


def check_index(settings: Settings, repair: bool, reindex: Reindex) -> IntegrityReport:
    """Check SQLite (integrity_check, FTS5), Chroma (readable, ids = chunks, self-search); `repair` rebuilds the
    SQLite file from its readable rows, the FTS5 index from documents + chunks, and vectors by re-embedding the
    documents they belong to (`reindex` is called only then)."""
    lock = settings.home / ".lock"
    if not settings.chroma_url:
        acquire(lock)  # no other process may write while the files are checked or swapped
    try:
        report = IntegrityReport()
        _check(settings, repair, reindex, report)
        if repair and report.problems:
            again = IntegrityReport()
            _check(settings, False, reindex, again)
            report.remaining = again.problems
        return report
    finally:
        if not settings.chroma_url:
            release(lock)


def _check(settings: Settings, repair: bool, reindex: Reindex, report: IntegrityReport) -> None:
    path = settings.sqlite_path
    if not settings.database_url and (lines := salvage.integrity_problems(path)):  # PostgreSQL checks itself
        report.problems.append(Problem("sqlite", f"{path.name}: " + "; ".join(lines)))
        if not repair:
            return  # reading a damaged file further only repeats the same error
        damaged, partial = salvage.salvage(path, _create_schema)
        lost = "; ".join(f"only {n} rows of {t} could be read" for t, n in partial.items()) or "every row was readable"
        report.repairs.append(f"rebuilt {path.name} from its readable rows ({lost}); the damaged file is {damaged}")
        if "documents" in partial:
            report.repairs.append("documents that could not be read are gone: run the same ingest again to add them back")
    store, rebuilt = _open(settings, repair, report)
    if store is None:
        return
    with store:
        found = _findings(store)
        found.rebuild_vectors |= rebuilt
        found.fresh_vectors = rebuilt
        report.problems += found.problems
        report.pending, report.orphan_vectors, report.missing_vectors = len(found.pending), len(found.orphans), found.missing
        if repair and found.problems:
            _repair(store, reindex, found, report)


def _open(settings: Settings, repair: bool, report: IntegrityReport) -> tuple[Store | None, bool]:
    """The store, or None when it cannot be opened; with `repair`, unreadable Chroma files are moved aside."""
    store = None
    try:
        store = Store(settings)
        _ = store.vectors  # embedded Chroma opens lazily: open it here, where an unreadable store can be moved aside
        return store, False
    except VectorStoreUnreadable as exc:
        if store is not None:
            store.close()
        report.problems.append(Problem("vectors", f"the store cannot be opened: {exc.__cause__ or exc}"))
        if not repair or settings.chroma_url:
            return None, False
    except sqlite3.DatabaseError as exc:
        report.problems.append(Problem("sqlite", f"cannot be opened: {exc}"))
        return None, False
    from assistant.store.chroma import move_aside

    report.repairs.append(f"moved the unreadable vector store to {move_aside(settings.chroma_path)}")
    return Store(settings), True


def _findings(store: Store) -> _Findings:
    found = _Findings(pending=store.keyword.pending_ids())
    found.problems += [Problem("keyword index", p) for p in store.keyword.integrity_problems()]
    if found.pending:
        found.problems.append(Problem("documents", f"{len(found.pending)} half-indexed (pending) documents"))
    sql_ids = store.keyword.all_chunk_ids()
    try:
        vec_ids = store.vectors.all_ids()
        count = store.vectors.count()
        lost = _self_search(store, sorted(vec_ids & sql_ids))
    except VectorStoreUnreadable as exc:
        found.problems.append(Problem("vectors", f"cannot be read: {exc.__cause__ or exc}"))
        found.rebuild_vectors = True
        return found
    found.orphans = sorted(vec_ids - sql_ids)
    missing = sql_ids - vec_ids
    found.missing = len(missing)
    if found.orphans:
        found.problems.append(Problem("vectors", f"{len(found.orphans)} vectors belong to no chunk (orphans)"))
    if missing:
        found.missing_docs = {r["doc_id"] for r in store.keyword.chunk_rows(sorted(missing)).values()}
        found.problems.append(Problem("vectors", f"{len(missing)} chunks of {len(found.missing_docs)} documents have no vector"))
    if count != len(vec_ids):
        found.problems.append(Problem("vectors", f"the collection counts {count} vectors but holds {len(vec_ids)} ids"))
        found.rebuild_vectors = True
    if lost:
        found.problems.append(
            Problem(
                "vectors",
                f"{lost} of {min(SAMPLE, len(vec_ids & sql_ids))} sampled vectors are not found by a "
                "search for themselves (the vector index is damaged)",
            )
        )
        found.rebuild_vectors = True
    return found


def _self_search(store: Store, ids: list[str]) -> int:
    """How many of an even sample of vectors a search for their own vector does not return first."""
    if not ids:
        return 0
    sample = ids[:: max(1, len(ids) // SAMPLE)][:SAMPLE]
    stored = store.vectors.vectors_of(sample)
    lost = len(sample) - len(stored)
    for cid, vec in stored.items():
        hits = store.vectors.search(vec, 3)
        lost += cid not in [h for h, score in hits if score > 0.999]
    return lost


def _repair(store: Store, reindex: Reindex, found: _Findings, report: IntegrityReport) -> None:
    if any(p.part == "keyword index" for p in found.problems):
        rows = store.keyword.rebuild_search_index()
        if rows is not None:
            report.repairs.append(f"rebuilt the keyword index from the documents and chunks tables ({rows} rows)")
    if found.rebuild_vectors and not found.fresh_vectors:
        aside = store.vectors.recreate()
        report.repairs.append("started the vectors afresh" + (f" (the damaged files are in {aside})" if aside else ""))
    for doc_id in found.pending:
        store.delete(doc_id)
    if found.pending:
        report.repairs.append(f"removed {len(found.pending)} half-indexed documents; run the same ingest again to add them")
    if found.rebuild_vectors:
        docs = [r["doc_id"] for r in store.find_documents("", limit=10**9)]
    else:
        store.vectors.delete_ids(found.orphans)
        if found.orphans:
            report.repairs.append(f"deleted {len(found.orphans)} orphan vectors")
        docs = sorted(found.missing_docs)
    if docs:
        n = reindex(store, docs)
        report.repairs.append(f"re-embedded {len(docs)} documents ({n} chunks) from their stored text")


def _create_schema(path) -> None:
    """Open every part of the store on an empty file so that each creates its tables."""
    from assistant.store.engines import open_sqlite_tables

    open_sqlite_tables(path).close()
