"""The typed values the question's chain hands from step to step: request -> standalone -> retrieved -> drafted."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from assistant.answer.types import AnswerInput, Draft, TokenFn, Turn
from assistant.documents import Passage
from assistant.retrieval.filters import Filters


@dataclass(frozen=True)
class Request:
    """What `Pipeline.ask` was given, checked: the chain's input."""

    question: str
    history: tuple[Turn, ...]
    filters: Filters
    k: int
    mode: str
    threshold: float | None = None  # refuse below this confidence instead of the answerer's operating point
    on_token: TokenFn | None = None
    t0: float = field(default_factory=time.perf_counter)


@dataclass(frozen=True)
class Standalone:
    """condense -> retrieve: the request and its question made standalone (a follow-up resolved)."""

    request: Request
    question: str


@dataclass(frozen=True)
class Retrieved:
    """retrieve -> answer: the standalone question's vector (None when only keywords were searched) and passages."""

    standalone: Standalone
    query_vector: Any
    passages: tuple[Passage, ...]
    timings: Mapping[str, float]

    def answer_input(self, term_weights: Mapping[str, float] | None = None, query_vector: Any = None) -> AnswerInput:
        """What an answerer reads; an extractive one also needs the term weights (and a vector if none was made)."""
        vector = self.query_vector if query_vector is None else query_vector
        request = self.standalone.request
        return AnswerInput(self.standalone.question, self.passages, vector, term_weights, request.on_token)


@dataclass(frozen=True)
class Drafted:
    """answer -> finish: the answerer's draft, before the citation and claim checks and the refusal decision."""

    retrieved: Retrieved
    draft: Draft
    timings: Mapping[str, float]
