"""Plain data types that flow through the pipeline."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any


def content_hash(*parts: str) -> str:
    """Stable SHA-256 hex digest of the given strings."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8"))
        h.update(b"\x1f")
    return h.hexdigest()


def date_to_int(date: str | None) -> int | None:
    """Days since 1970-01-01 for an ISO date, for Chroma range filters."""
    if not date:
        return None
    return (dt.date.fromisoformat(date) - dt.date(1970, 1, 1)).days


@dataclass(frozen=True)
class Article:
    """A cleaned article ready to be chunked."""

    id: str
    title: str
    text: str
    date: str | None = None  # ISO yyyy-mm-dd, None when unknown
    source: str = ""
    url: str | None = None
    origin: str = ""  # file:line it came from, for messages

    @property
    def hash(self) -> str:
        """Content hash over everything that ends up in the index."""
        return content_hash(self.title, self.text, self.date or "", self.source, self.url or "")


@dataclass(frozen=True)
class Sentence:
    """A sentence as character offsets into its article's text."""

    start: int
    end: int


@dataclass(frozen=True)
class Chunk:
    """A run of whole sentences of one article."""

    id: str
    doc_id: str
    index: int
    start: int
    end: int
    text: str
    sentences: tuple[Sentence, ...]

    def embed_text(self, article: Article) -> str:
        """Text to embed: title and date carry context into the vector."""
        head = article.title if not article.date else f"{article.title} ({article.date})"
        return f"{head}\n{self.text}"


@dataclass
class Passage:
    """A retrieved chunk with its article's metadata and scores."""

    chunk_id: str
    doc_id: str
    text: str
    start: int
    end: int
    sentences: list[Sentence]
    title: str
    date: str | None
    source: str
    url: str | None
    score: float = 0.0
    dense_sim: float | None = None
    ranks: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Entity:
    """A named entity (spaCy/OntoNotes label) with offsets relative to the sentence it was found in."""

    label: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class SentenceInfo:
    """What ingest stores per sentence for the reader: content lemmas, entities and a unit vector."""

    doc_id: str
    start: int  # offsets in the article's text
    end: int
    lemmas: tuple[str, ...]
    entities: tuple[Entity, ...]
    vector: Any  # numpy float32 array, unit length

    @property
    def key(self) -> tuple[str, int]:
        """(doc_id, start)."""
        return (self.doc_id, self.start)
