"""`FallbackAnswerer`: the primary answerer (an LLM), and the extractive one when it fails."""

from __future__ import annotations

import logging
from typing import Any

from assistant.answer.types import Answerer, Draft, TokenFn
from assistant.documents import Passage

log = logging.getLogger(__name__)


class FallbackAnswerer:
    """Answers with `primary`; on any failure (timeout, refused connection, unknown model) with `fallback`, noted."""

    def __init__(self, primary: Answerer, fallback: Answerer) -> None:
        self.primary = primary
        self.fallback = fallback

    @property
    def name(self) -> str:
        """The primary's name."""
        return self.primary.name

    def __getattr__(self, attr: str) -> Any:
        # The primary's own attributes (its chat `model`, `messages()`) stay reachable through the wrapper.
        if attr in ("primary", "fallback"):
            raise AttributeError(attr)
        return getattr(self.primary, attr)

    def answer(self, question: str, passages: list[Passage], on_token: TokenFn | None = None) -> Draft:
        """The primary's draft, or the fallback's with a note saying why."""
        try:
            return self.primary.answer(question, passages, on_token=on_token)
        except Exception as exc:  # noqa: BLE001 - timeouts, refused connections, unknown models: fall back
            log.warning("LLM answer failed: %s", exc)
            draft = self.fallback.answer(question, passages)
            draft.notes.append(
                f"the {self.primary.name} model failed ({type(exc).__name__}: {str(exc)[:160]}); this is the extractive answer"
            )
            return draft
