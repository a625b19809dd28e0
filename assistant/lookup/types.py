"""What citation lookup hands on: frozen dataclasses from a candidate sentence to the whole result."""

from __future__ import annotations

from dataclasses import asdict, dataclass

VERBATIM, NEAR, PARAPHRASE, NONE = "verbatim", "near-verbatim", "paraphrase", "none"
KINDS = (VERBATIM, NEAR, PARAPHRASE)  # strongest first
RANK = {VERBATIM: 3, NEAR: 2, PARAPHRASE: 1, NONE: 0}


@dataclass(frozen=True)
class Candidate:
    """One indexed sentence that might state the text, with its article's metadata."""

    doc_id: str
    start: int  # offsets of the sentence in the article's text
    end: int
    text: str
    title: str
    source: str
    date: str | None
    url: str | None

    @property
    def key(self) -> tuple[str, int]:
        """(doc_id, start), as the store keys sentences."""
        return (self.doc_id, self.start)


@dataclass(frozen=True)
class WordDiff:
    """Words where a quote and the article differ ('' on one side: words cut or added)."""

    article: str
    quote: str


@dataclass(frozen=True)
class Scored:
    """A candidate judged against the text: its match kind (NONE: does not state it), score and differing words."""

    candidate: Candidate
    kind: str
    score: float
    diffs: tuple[WordDiff, ...] = ()
    note: str = ""  # why a close candidate is not a match, e.g. 'a fact differs: 2023 -> 2024'


@dataclass(frozen=True)
class Source:
    """One publication of a statement: an indexed article (with the sentence's offsets) or a wire copy the
    near-duplicate index recorded under it (same story, text not indexed twice: no offsets)."""

    doc_id: str
    title: str
    source: str
    date: str | None
    url: str | None
    start: int | None
    end: int | None
    copy_of: str | None = None  # for a recorded copy: the indexed article it duplicates


@dataclass(frozen=True)
class Hit:
    """One statement: the sentence, how it matches, and everyone who published it, earliest first."""

    kind: str  # verbatim | near-verbatim | paraphrase; NONE for a closest sentence that does not match
    score: float
    sentence: str
    sources: tuple[Source, ...]
    diffs: tuple[WordDiff, ...] = ()
    note: str = ""

    @property
    def first(self) -> Source:
        """Who published it first (undated publications come last)."""
        return self.sources[0]

    @property
    def matches(self) -> bool:
        """False for the closest sentences shown when nothing states the text."""
        return self.kind != NONE


@dataclass(frozen=True)
class SentenceLookup:
    """The result for one sentence of the text: matching statements, or the closest ones labelled as not matching."""

    text: str
    hits: tuple[Hit, ...]
    closest: tuple[Hit, ...] = ()

    @property
    def found(self) -> bool:
        """True when some indexed sentence states it."""
        return bool(self.hits)

    @property
    def kind(self) -> str:
        """The best match kind, or NONE ('no source found')."""
        return self.hits[0].kind if self.hits else NONE


@dataclass(frozen=True)
class CiteResult:
    """A lookup of a text of one or a few sentences, reported sentence by sentence."""

    text: str
    sentences: tuple[SentenceLookup, ...]
    elapsed_ms: float = 0.0

    @property
    def found(self) -> bool:
        """True when every sentence has a source."""
        return all(s.found for s in self.sentences)

    def to_dict(self) -> dict:
        """The JSON of `assistant cite --json` and the /cite endpoint."""
        return {
            "text": self.text,
            "found": self.found,
            "sentences": [
                {
                    "text": s.text,
                    "found": s.found,
                    "kind": s.kind,
                    "hits": [asdict(h) for h in s.hits],
                    "closest": [asdict(h) for h in s.closest],
                }
                for s in self.sentences
            ],
            "elapsed_ms": round(self.elapsed_ms, 1),
        }
