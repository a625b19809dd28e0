"""Rule-based rewrite of a follow-up question into a standalone one."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from assistant.answer.extractive.question import analyse
from assistant.answer.types import Turn

_PRONOUNS = re.compile(r"\b(he|she|they|him|her|them|his|hers|their|it|its|there|that|this|those|these|the two|both)\b", re.I)
_ELLIPSIS = re.compile(r"^\s*(and|what about|how about|also|then)\b", re.I)


def needs_context(question: str) -> bool:
    """Pronouns, a leading 'and/what about', or too few words of its own."""
    info = analyse(question)
    return bool(_PRONOUNS.search(question) or _ELLIPSIS.match(question) or len(info.terms) < 2)


def condense(question: str, history: Sequence[Turn | Mapping]) -> str:
    """Carry the names and years of earlier turns into a follow-up that needs them."""
    if not history or not needs_context(question):
        return question
    own = {n.lower() for n in analyse(question).names}
    carried: list[str] = []
    for turn in reversed(history[-3:]):
        info = analyse(Turn.of(turn).question)
        for item in (*info.names, *info.years):
            if item.lower() not in own and item not in carried:
                carried.append(item)
        if carried:
            break
    if not carried:
        return question
    base = _ELLIPSIS.sub("", question).strip()
    return f"{base} ({', '.join(carried)})"
