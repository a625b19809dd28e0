"""The answer types and the interface every answering backend implements."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal, Protocol

from assistant.documents import Passage


@dataclass
class Citation:
    """One numbered source of an answer: an exact sentence of an article."""

    marker: int
    doc_id: str
    chunk_id: str
    title: str
    date: str | None
    source: str
    url: str | None
    quote: str
    start: int
    end: int
    verified: bool = True
    support: float = 1.0
    also_reported_by: list[dict] = field(default_factory=list)  # other outlets of the same story


@dataclass
class Draft:
    """What a backend produces: text with [n] markers, and the citations they point to.

    `refused` says the backend has no answer to give (the LLM declined, nothing to read); whether the user is refused
    is decided once, by `refusal.decide`, which also weighs `answerability` (or, when the backend gives none,
    `confidence`) against `threshold`."""

    text: str
    citations: list[Citation]
    refused: bool = False
    confidence: float = 0.0
    notes: list[str] = field(default_factory=list)
    threshold: float | None = None  # the backend's calibrated operating point; None: it does not refuse on confidence
    # the probability that the passages answer the question at all (`confidence`: that this answer is right); a
    # question can be answerable while the backend is unsure which sentence answers it, and that is not a refusal
    answerability: float | None = None


@dataclass
class Answer:
    """The final answer returned by the chain, serialisable as `ask --json`."""

    question: str
    answer: str
    refused: bool
    citations: list[Citation]
    retrieved: list[dict]
    timings_ms: dict[str, float]
    confidence: float = 0.0
    answerability: float | None = None  # what the refusal weighed, when not `confidence` (see `Draft`)
    standalone_question: str | None = None
    closest: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        """JSON-ready dict."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping) -> Answer:
        """The Answer a `to_dict()` came from (what the web UI's `/ask` returns); unknown keys are left out."""
        names, cited = set(cls.__dataclass_fields__), set(Citation.__dataclass_fields__)
        fields = {k: v for k, v in data.items() if k in names}
        fields["citations"] = [Citation(**{k: v for k, v in c.items() if k in cited}) for c in data.get("citations") or []]
        return cls(**fields)


TokenFn = Callable[[str], None]
AnswererKind = Literal["extractive", "llm"]


@dataclass(frozen=True)
class AnswerInput:
    """What an answerer reads: the standalone question, its passages, and what retrieval already knows of it."""

    question: str
    passages: tuple[Passage, ...]
    query_vector: Any = None  # the question's unit vector from the retriever's embedder (numpy or list)
    term_weights: Mapping[str, float] | None = None  # IDF of the question's lemmas over the index; None: not computed
    on_token: TokenFn | None = None  # receives streamed LLM tokens


@dataclass(frozen=True)
class Turn:
    """One earlier exchange of a conversation, as the chain reads history (CLI chat, UI, batch, eval)."""

    question: str
    answer: str = ""

    @classmethod
    def of(cls, item: Turn | Mapping) -> Turn:
        """A Turn from a Turn or a {"question", "answer"} mapping (JSON batch files, the eval set, the UI API)."""
        if isinstance(item, Turn):
            return item
        return cls(question=str(item.get("question", "")), answer=str(item.get("answer", "")))


class Answerer(Protocol):
    """A backend that answers a question from numbered passages."""

    name: str
    kind: AnswererKind  # "extractive" reads the query vector and term weights; "llm" writes with `chat_model`
    chat_model: Any  # the LangChain chat model an LLM backend writes with (it also condenses follow-ups); else None

    def answer(self, request: AnswerInput) -> Draft:
        """Compose a cited answer from the passages only; stream tokens to `request.on_token` if it can."""
        ...


def citation_for(marker: int, passage: Passage, start: int, end: int) -> Citation:
    """A citation of the article span [start, end) inside `passage`."""
    quote = passage.text[start - passage.start : end - passage.start]
    return Citation(
        marker=marker,
        doc_id=passage.doc_id,
        chunk_id=passage.chunk_id,
        title=passage.title,
        date=passage.date,
        source=passage.source,
        url=passage.url,
        quote=quote,
        start=start,
        end=end,
    )
