"""Offline question answering over diplomatic news, with verbatim citations.

    from assistant import Pipeline, Settings
    answer = Pipeline(Settings.from_env()).ask("Who greeted Pezeshkian at the airport?")

The names below are imported on first use, so `import assistant` stays light (no torch, chromadb or gradio).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from assistant.errors import AssistantError
from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.answer.types import Answer, Citation
    from assistant.pipeline import Pipeline

__all__ = ["Answer", "AssistantError", "Citation", "Pipeline", "Settings"]

_LAZY = {"Pipeline": "assistant.pipeline", "Answer": "assistant.answer.types", "Citation": "assistant.answer.types"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'assistant' has no attribute {name!r}")
