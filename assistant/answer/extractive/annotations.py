"""Where candidate sentences get their lemmas, entities and vectors: stored at ingest, or computed when missing."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Protocol

from assistant.documents import Passage, SentenceInfo
from assistant.nlp import Embeds, compute_infos

Key = tuple[str, int]  # (doc_id, sentence start offset in the article)


class SentenceInfoSource(Protocol):
    """Looks up (or computes) SentenceInfo for sentences of retrieved passages."""

    def lookup(self, keys: list[Key], texts: list[str]) -> dict[Key, SentenceInfo]:
        """Info for every key; `texts[i]` is the sentence text of `keys[i]`."""
        ...


class ComputedInfos:
    """Computes SentenceInfo on demand, with an LRU cache: for indexes built before sentences were annotated at
    ingest, and for tests on hand-made passages. Correct, but each new sentence costs spaCy and an embedding."""

    def __init__(self, embedder: Embeds, capacity: int = 20_000) -> None:
        self.embedder = embedder
        self.capacity = capacity
        self._cache: OrderedDict[tuple[Key, str], SentenceInfo] = OrderedDict()
        self._lock = threading.Lock()

    def lookup(self, keys: list[Key], texts: list[str]) -> dict[Key, SentenceInfo]:
        """Cached info, computing what is missing in one batch."""
        with self._lock:
            todo = [(k, t) for k, t in zip(keys, texts, strict=True) if (k, t) not in self._cache]
        fresh = compute_infos([k for k, _ in todo], [t for _, t in todo], self.embedder)
        with self._lock:
            for item, info in zip(todo, fresh, strict=True):
                self._cache[item] = info
            while len(self._cache) > self.capacity:
                self._cache.popitem(last=False)
            return {k: self._cache[(k, t)] for k, t in zip(keys, texts, strict=True)}


class StoredInfos:
    """Annotations stored at ingest, read in one query; sentences an older index lacks are computed."""

    def __init__(self, store: SentenceStore, fallback: SentenceInfoSource) -> None:
        self.store = store
        self.fallback = fallback

    def lookup(self, keys: list[Key], texts: list[str]) -> dict[Key, SentenceInfo]:
        """Stored rows, plus computed ones for what is missing."""
        found = self.store.sentence_infos(keys)
        missing = [(k, t) for k, t in zip(keys, texts, strict=True) if k not in found]
        if missing:
            found.update(self.fallback.lookup([k for k, _ in missing], [t for _, t in missing]))
        return found


class SentenceStore(Protocol):
    """The store's side of StoredInfos."""

    def sentence_infos(self, keys: list[Key]) -> dict[Key, SentenceInfo]: ...


def passage_sentences(passages: list[Passage]) -> list[tuple[Key, str, Passage, int]]:
    """Each distinct sentence of the passages once: (key, text, first passage holding it, that passage's rank)."""
    seen: set[Key] = set()
    out = []
    for rank, p in enumerate(passages):
        for s in p.sentences:
            key = (p.doc_id, s.start)
            if key in seen:
                continue
            seen.add(key)
            out.append((key, p.text[s.start - p.start : s.end - p.start], p, rank))
    return out
