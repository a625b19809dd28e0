"""Prompt files from `prompts/` (shipped as the package data `assistant.prompts`), rendered with strict templates;
passages wrapped as inert data."""

from __future__ import annotations

import html
from functools import lru_cache
from importlib import resources
from string import Template

from assistant.documents import Passage
from assistant.errors import AssistantError

PROMPTS_PACKAGE = "assistant.prompts"  # pyproject maps the top-level prompts/ folder to this package


class PromptError(AssistantError, RuntimeError):
    """A prompt file is missing or a template field was not filled."""


@lru_cache(maxsize=16)
def load(name: str) -> str:
    """The text of `prompts/<name>.md`, read through importlib.resources (works from a wheel and a checkout)."""
    try:
        return resources.files(PROMPTS_PACKAGE).joinpath(f"{name}.md").read_text(encoding="utf-8")
    except (FileNotFoundError, ModuleNotFoundError):
        raise PromptError(f"prompt {name!r} is not in the installed package ({PROMPTS_PACKAGE}/{name}.md)") from None


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
