"""The `[n]` citation marker: the one definition of its format (write, find, remove, replace, split)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

# A marker is a citation number of 1 to 3 digits in square brackets; "[sic]", "[2019]" or "[The audio is adjusted.]"
# are text. Written after a claim as " [n]": removing a marker removes the one space that separates it too.
MARKER = re.compile(r"\[(\d{1,3})\]")
_SPACED = re.compile(r"\s?" + MARKER.pattern)
_OPENING = re.compile(r"(?:\s*\[\d{1,3}\])+")


def marker(n: int) -> str:
    """The marker of citation `n`: "[n]"."""
    return f"[{n}]"


def cited(numbers: Iterable[int]) -> str:
    """The markers a claim ends with: " [1] [2]" (empty for none)."""
    return "".join(f" {marker(n)}" for n in numbers)


def numbers(text: str) -> list[int]:
    """The marker numbers in `text`, in order of appearance (repeats kept)."""
    return [int(n) for n in MARKER.findall(text)]


def remove(text: str) -> str:
    """`text` without its markers (each with the one space before it); not trimmed."""
    return _SPACED.sub("", text)


def replace(text: str, repl: Callable[[int], str], spaced: bool = False) -> str:
    """`text` with each marker replaced by `repl(n)`; `spaced`: the one space before a marker is replaced with it."""
    return (_SPACED if spaced else MARKER).sub(lambda m: repl(int(m.group(1))), text)


def opening(text: str) -> str:
    """The run of markers (with the white space between them) that `text` starts with, or ""."""
    m = _OPENING.match(text)
    return m.group(0) if m else ""


def pieces(text: str) -> list[str | int]:
    """`text` split into its runs of text (str) and its markers' numbers (int), in order; empty runs left out."""
    parts = MARKER.split(text)
    return [int(p) if i % 2 else p for i, p in enumerate(parts) if i % 2 or p]


def first_paragraph(text: str) -> str:
    """What a reader sees first: the text before the first blank line, without markers, trimmed."""
    return remove(text.strip().split("\n\n", 1)[0]).strip()
