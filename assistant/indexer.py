"""Indexing: parsed articles -> chunks -> vectors -> store, in resumable batches; the one chunk-embed-write path,
used by ingest, sync, the UI's upload and `check --repair` (which re-embeds stored documents)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from assistant.documents import Article, Chunk, SentenceInfo
from assistant.embedder import Embedder
from assistant.errors import disk_full_is_user_error
from assistant.ingest.chunking import chunk_article
from assistant.ingest.parse import IngestError
from assistant.nlp import compute_infos
from assistant.settings import Settings
from assistant.store.dedup import THRESHOLD as DUP_THRESHOLD
from assistant.store.facade import Store

BATCH_CHUNKS = 64
REEMBED_BATCH = 32


@dataclass
class IndexResult:
    """Counts of what an ingest did, plus every error."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    merged: int = 0  # near-duplicates of indexed articles: kept as extra sources, not indexed twice
    chunks: int = 0
    errors: list[IngestError] = field(default_factory=list)

    def summary(self) -> str:
        """One line for people."""
        return summary_line(self.added, self.updated, self.unchanged, self.merged, self.chunks, len(self.errors))


def summary_line(added: int, updated: int, unchanged: int, merged: int, chunks: int, errors: int) -> str:
    """The one-line ingest summary shown by the CLI and the UI."""
    return (
        f"{added} added, {updated} updated, {unchanged} unchanged, {merged} merged as duplicates, "
        f"{chunks} chunks written, {errors} errors"
    )


def index_articles(
    store: Store,
    embedder: Embedder,
    items: Iterable[Article | IngestError],
    settings: Settings,
    progress: Callable[[int], None] | None = None,
) -> IndexResult:
    """Index every article not already current; collect errors; never stop on bad records. A full disk (in any
    layer: SQLite, Chroma, a model cache) stops it with one `DiskFullError`; what was committed stays indexed."""
    with disk_full_is_user_error(settings.home):
        return _index(store, embedder, items, settings, progress)


def _index(
    store: Store,
    embedder: Embedder,
    items: Iterable[Article | IngestError],
    settings: Settings,
    progress: Callable[[int], None] | None,
) -> IndexResult:
    result = IndexResult()
    from assistant.store.dedup import signature

    batch: list[tuple[Article, list[Chunk], bool, object]] = []
    pending_chunks = 0
    for item in items:
        if isinstance(item, IngestError):
            result.errors.append(item)
            continue
        if store.is_current(item):
            result.unchanged += 1
            if progress:
                progress(1)
            continue
        is_update = store.status(item.id) is not None
        sig = signature(item.text)
        dup = None if is_update else store.duplicate_of(item.id, sig)
        if dup is None:
            dup = next((a.id for a, _, _, s in batch if s.jaccard(sig) >= DUP_THRESHOLD), None)
        if dup is not None:
            store.add_other_source(dup, item.id, item.source, item.url, item.title, item.date)
            result.merged += 1
            if progress:
                progress(1)
            continue
        chunks = chunk_article(item, settings.chunk_tokens, settings.chunk_overlap_sentences)
        batch.append((item, chunks, is_update, sig))
        pending_chunks += len(chunks)
        if pending_chunks >= BATCH_CHUNKS:
            _flush(store, embedder, batch, result, progress)
            batch, pending_chunks = [], 0
    if batch:
        _flush(store, embedder, batch, result, progress)
    return result


def sentence_infos(items: list[tuple[Article, list[Chunk]]], embedder: Embedder) -> list[SentenceInfo]:
    """The reader's per-sentence annotations (lemmas, entities, vectors) for every distinct sentence of the chunks."""
    keys, texts = [], []
    for article, chunks in items:
        spans = sorted({(s.start, s.end) for c in chunks for s in c.sentences})
        keys += [(article.id, start) for start, _ in spans]
        texts += [article.text[start:end] for start, end in spans]
    return compute_infos(keys, texts, embedder)


def _flush(
    store: Store,
    embedder: Embedder,
    batch: list[tuple[Article, list[Chunk], bool, object]],
    result: IndexResult,
    progress: Callable[[int], None] | None,
) -> None:
    store.begin([a for a, _, _, _ in batch])
    _embed_and_write(store, embedder, [(a, chunks) for a, chunks, _, _ in batch], annotate=True)
    store.add_signatures([(article.id, sig) for article, _, _, sig in batch])
    for _, chunks, is_update, _ in batch:
        result.chunks += len(chunks)
        if is_update:
            result.updated += 1
        else:
            result.added += 1
        if progress:
            progress(1)


def _embed_and_write(store: Store, embedder: Embedder, items: list[tuple[Article, list[Chunk]]], annotate: bool) -> int:
    """Embed the chunks of these (begun) articles and write them, with the reader's sentence annotations when
    `annotate`; the number of chunks written."""
    texts = [c.embed_text(a) for a, chunks in items for c in chunks]
    vectors = embedder.embed_batch(texts) if texts else []
    pos, writes = 0, []
    for article, chunks in items:
        writes.append((article, chunks, vectors[pos : pos + len(chunks)]))
        pos += len(chunks)
    if annotate:
        store.write_many(writes, sentences=sentence_infos(items, embedder))
    else:
        store.write_many(writes)  # the sentence annotations are kept: the text has not changed
    return pos


def reembed(store: Store, embedder: Embedder, doc_ids: list[str], settings: Settings) -> int:
    """Chunk and embed these stored documents again and write their vectors (`check --repair`); the number of chunks
    written."""
    written = 0
    for i in range(0, len(doc_ids), REEMBED_BATCH):
        articles = [_article(row) for d in doc_ids[i : i + REEMBED_BATCH] if (row := store.document(d))]
        store.begin(articles)
        items = [(a, chunk_article(a, settings.chunk_tokens, settings.chunk_overlap_sentences)) for a in articles]
        written += _embed_and_write(store, embedder, items, annotate=False)
    return written


def _article(row: dict) -> Article:
    return Article(
        id=row["doc_id"],
        title=row["title"],
        text=row["text"],
        date=row["date"],
        source=row["source"],
        url=row["url"],
        origin=row["origin"] or "",
    )
