"""Name why a question failed, from its scores alone, so failures can be counted by kind."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .scores import QuestionScore


def classify(r: QuestionScore) -> str | None:
    """The failure kind of one scored question, or None when it succeeded (strict measure)."""
    if not r.answerable:
        return None if r.refused else "answered an unanswerable question"
    if r.answer_accuracy:
        return None
    if r.refused:
        where = "evidence was in the passages" if r.evidence_in_passages else "evidence not retrieved"
        return f"false refusal ({where})"
    if r.items_total > 1 and 0 < r.items_found < r.items_total:
        return "incomplete: some required items missing"
    if not r.evidence_in_passages:
        return "evidence sentence not in the passages" if r.gold_in_passages else "gold document not retrieved"
    if r.contains_answer:
        return "answer in a later paragraph, not the first"
    if r.cites_gold_evidence:
        return "right sentence cited, wrong answer phrase"
    return "wrong sentence chosen (evidence was in the passages)"
