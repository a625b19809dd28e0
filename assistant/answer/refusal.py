"""The one refusal decision: from a draft, its claim check and its confidence, an answer or a refusal."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assistant.answer.types import Citation, Draft
from assistant.documents import Passage

REFUSAL = "The indexed articles do not say."
CLOSEST = 5  # articles a refusal offers (the text names the first three)
# An answer whose calibrated confidence is under this is more likely wrong than right about its first sentence: it is
# given (its question looks answerable), with a note saying so. On dev (hybrid) 48 of 260 answers: 22 right.
UNSURE = 0.5


@dataclass(frozen=True)
class Decision:
    """What the user gets: the checked answer, or a refusal that names the closest articles."""

    refused: bool
    # "answered", "declined" (the backend gave none), "not answerable" (answerability under the threshold), "low
    # confidence" (no answerability given: confidence under it), "unsupported" (no cited claim survived)
    reason: str
    text: str
    citations: list[Citation]
    notes: list[str]
    closest: list[dict]  # the articles the refusal text names, as `Answer.closest` serialises them


def decide(draft: Draft, checked: Draft, passages: Sequence[Passage] = (), threshold: float | None = None) -> Decision:
    """Refuse when the backend gave no answer, when its answerability (or, without one, its confidence) is under
    `threshold` (by default the draft's own operating point), or when no cited claim survived the claim check
    (`checked`); else answer with `checked`, noting when its confidence is under UNSURE."""
    limit = draft.threshold if threshold is None else threshold
    score = draft.confidence if draft.answerability is None else draft.answerability
    if draft.refused:
        reason, notes = "declined", draft.notes
    elif limit is not None and score < limit:
        reason = "low confidence" if draft.answerability is None else "not answerable"
        notes = draft.notes  # the answer is not shown, so neither are the check's notes
    elif checked.refused or not checked.citations:
        reason, notes = "unsupported", checked.notes
    else:
        notes = list(checked.notes)
        if draft.confidence < UNSURE:
            notes.append(unsure_note(draft.confidence))
        return Decision(False, "answered", checked.text, checked.citations, notes, [])
    closest = closest_articles(passages)
    return Decision(True, reason, refusal_text(closest), [], list(notes), closest)


def unsure_note(confidence: float) -> str:
    """What an answer given with a low confidence says of itself."""
    return (
        f"Not sure: the chance that the first quoted sentence answers the question is {confidence:.0%}. "
        "Check it against its article."
    )


def refusal_text(closest: Sequence[dict]) -> str:
    """The refusal sentence, naming up to three of the closest articles."""
    names = "; ".join(f"{d['title']} ({d['date'] or 'date unknown'})" for d in closest[:3])
    return REFUSAL + (f" Closest articles: {names}." if names else " Nothing relevant is indexed.")


def closest_articles(passages: Sequence[Passage]) -> list[dict]:
    """The distinct articles of the passages, best first, at most five."""
    seen, out = set(), []
    for p in passages:
        if p.doc_id not in seen:
            seen.add(p.doc_id)
            out.append({"doc_id": p.doc_id, "title": p.title, "date": p.date, "source": p.source, "url": p.url})
    return out[:CLOSEST]
