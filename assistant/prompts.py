"""Prompt files from `prompts/`, rendered with strict templates; passages wrapped as inert data."""

from __future__ import annotations

import html
import os
from functools import lru_cache
from pathlib import Path
from string import Template

from .documents import Passage

PROMPTS_DIR = Path(os.environ.get("ASSISTANT_PROMPTS", Path(__file__).resolve().parents[1] / "prompts"))


class PromptError(RuntimeError):
    """A prompt file is missing or a template field was not filled."""


@lru_cache(maxsize=16)
def load(name: str) -> str:
    """The text of `prompts/<name>.md`."""
    path = PROMPTS_DIR / f"{name}.md"
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PromptError(f"prompt file {path} cannot be read: {exc.strerror}") from None


def render(name: str, **fields: str) -> str:
    """Fill `$field`s; a missing field is an error, never an empty string."""
    try:
        return Template(load(name)).substitute(**fields)
    except KeyError as exc:
        raise PromptError(f"prompt {name!r} needs the field {exc.args[0]!r}") from None


def passage_block(n: int, p: Passage) -> str:
    """One passage as data: attributes and text escaped so the text cannot close or forge a tag."""
    attrs = f'id="{n}" title="{html.escape(p.title)}" date="{p.date or "unknown"}" source="{html.escape(p.source)}"'
    return f"<passage {attrs}>\n{html.escape(p.text, quote=False)}\n</passage>"
