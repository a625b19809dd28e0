"""An independent citation judge: checks citations against the gold evidence by article offsets.

It shares no code or threshold with the answerer or its claim check (`support.py`): a citation counts when it
points into a gold document, and when its character span overlaps a gold evidence sentence there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class Cited(Protocol):
    """What the judge needs of a citation."""

    doc_id: str
    start: int
    end: int


class Spanned(Protocol):
    """What the judge needs of a retrieved passage."""

    doc_id: str
    start: int
    end: int


@dataclass(frozen=True)
class EvidenceSpan:
    """Where a gold evidence sentence lies in its document."""

    doc_id: str
    start: int
    end: int


def evidence_spans(evidence: list[str], gold: list[str], texts: dict[str, str]) -> list[EvidenceSpan]:
    """Every occurrence of each evidence string in the gold documents' indexed text."""
    spans = []
    for ev in evidence:
        for doc_id in gold:
            text = texts.get(doc_id, "")
            at = text.find(ev)
            while ev and at >= 0:
                spans.append(EvidenceSpan(doc_id, at, at + len(ev)))
                at = text.find(ev, at + 1)
    return spans


def _overlaps(doc_id: str, start: int, end: int, span: EvidenceSpan) -> bool:
    return doc_id == span.doc_id and start < span.end and span.start < end


def cites_gold_doc(citations: list[Cited], gold: list[str]) -> bool:
    """Some citation points into a gold document."""
    return any(c.doc_id in gold for c in citations)


def cites_gold_evidence(citations: list[Cited], spans: list[EvidenceSpan]) -> bool:
    """Some citation's quoted span overlaps a gold evidence sentence."""
    return any(_overlaps(c.doc_id, c.start, c.end, s) for c in citations for s in spans)


def spans_in_passages(spans: list[EvidenceSpan], passages: list[Spanned]) -> bool:
    """Every gold evidence span is (at least partly) inside the passages the answerer was given."""
    return all(any(_overlaps(p.doc_id, p.start, p.end, s) for p in passages) for s in spans)
