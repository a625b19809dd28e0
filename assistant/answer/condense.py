"""Rewrite a follow-up into a standalone question: pronouns resolved from the previous turn's question and answer
entities (spaCy), or, failing that, the previous question's names and dates carried along."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from typing import Any

from assistant.answer.extractive.question import analyse
from assistant.answer.markers import first_paragraph
from assistant.answer.types import Turn
from assistant.documents import Entity

_PRONOUNS = re.compile(r"\b(he|she|they|him|her|them|his|hers|their|it|its|there|that|this|those|these|the two|both)\b", re.I)
_ELLIPSIS = re.compile(r"^\s*(and|what about|how about|also|then)\b", re.I)
PEOPLE = {"PERSON"}
PLACES = {"GPE", "LOC", "FAC"}
GROUPS = {"PERSON", "NORP", "GPE", "ORG"}
CARRIED = {"PERSON", "GPE", "LOC", "FAC", "ORG", "NORP", "EVENT", "LAW", "DATE"}
log = logging.getLogger(__name__)


def needs_context(question: str) -> bool:
    """Pronouns, a leading 'and/what about', or too few words of its own."""
    return bool(_PRONOUNS.search(question) or _ELLIPSIS.match(question) or len(analyse(question).lemmas) < 2)


def _entities(text: str) -> list[Entity]:
    return list(analyse(text).entities) if text.strip() else []


def _pick(ents: list[Entity], labels: set[str]) -> list[str]:
    return list(dict.fromkeys(e.text for e in ents if e.label in labels))


def condense(question: str, history: Sequence[Turn | Mapping]) -> str:
    """The follow-up with he/she/him/her -> the previous turn's person, there -> its place, they/them -> its people,
    groups or countries; other references get the previous question's names and dates appended."""
    if not history or not needs_context(question):
        return question
    turns = [Turn.of(t) for t in history[-3:]]
    last = turns[-1]
    # The names come from the latest question that has any (a follow-up to a follow-up names no one itself).
    prev = next(
        (p for p in (analyse(t.question) for t in reversed(turns)) if p.entities or p.proper_nouns), analyse(last.question)
    )
    asked = list(prev.entities)
    answered = _entities(first_paragraph(last.answer))
    own = {e.text.lower() for e in _entities(question)}
    out = _ELLIPSIS.sub("", question).strip()
    # Names the recogniser missed (it does not know every foreign surname) count as people.
    unlabelled = [n for n in prev.proper_nouns if not any(n in e.text or e.text in n for e in asked)]
    people = _pick(asked, PEOPLE) + unlabelled  # "he" is the person asked about, else the one answered
    places = _pick(answered, PLACES) or _pick(asked, PLACES)
    swaps = {
        r"\b(he|she|him)\b": people[:1] or _pick(answered, PEOPLE)[:1],
        r"\bthere\b": [f"in {places[0]}"] if places else [],
        r"\b(they|them)\b": (people or _pick(asked, GROUPS))[:3],
    }
    for pattern, names in swaps.items():
        if names and re.search(pattern, out, re.I):
            out = re.sub(pattern, " and ".join(names), out, count=1, flags=re.I)
            own.update(n.lower().removeprefix("in ") for n in names)
    names = _pick(asked, CARRIED) + unlabelled
    carried = [t for t in dict.fromkeys(names) if t.lower() not in own and t.lower() not in out.lower()]
    if carried:
        out = f"{out} ({', '.join(carried)})"
    return out


def condense_with(model: Any, question: str, history: Sequence[Turn]) -> str:
    """The follow-up rewritten by an LLM backend's chat model; by `condense` when there is no model (None), when it
    fails, or when it answers with something that is not one question."""
    if model is None or not history or not needs_context(question):
        return condense(question, history)
    from assistant.answer.prompting import render

    turns = "\n".join(f"Q: {t.question}\nA: {t.answer[:400]}" for t in history[-3:])
    try:
        out = str(model.invoke(render("condense", history=turns, question=question)).content).strip()
    except Exception as exc:  # noqa: BLE001 - any backend failure falls back to the rule-based rewrite
        log.warning("condense with the LLM failed (%s); using the rule-based rewrite", exc)
        out = ""
    line = out.splitlines()[0].strip() if out else ""
    return line if 3 < len(line) < 500 else condense(question, history)
