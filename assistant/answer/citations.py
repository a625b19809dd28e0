"""Citation markers: parse, drop the invalid, renumber in order, check quotes are verbatim."""

from __future__ import annotations

from dataclasses import replace

from assistant.answer import markers
from assistant.answer.types import Citation, Draft


def normalise(draft: Draft) -> Draft:
    """Remove markers that point to no citation, drop uncited citations, renumber 1..n by first use."""
    by_marker = {c.marker: c for c in draft.citations}
    order: list[int] = []
    for m in markers.numbers(draft.text):
        if m in by_marker and m not in order:
            order.append(m)
    new_number = {old: i for i, old in enumerate(order, 1)}

    def sub(old: int) -> str:
        return markers.cited([new_number[old]]) if old in new_number else ""

    text = markers.replace(draft.text, sub, spaced=True).strip()
    cites = [replace(by_marker[old], marker=new_number[old]) for old in order]
    return replace(draft, text=text, citations=cites)


def quote_is_verbatim(citation: Citation, article_text: str) -> bool:
    """The quote equals the article's text at the cited offsets."""
    return article_text[citation.start : citation.end] == citation.quote and bool(citation.quote)


def claims(text: str) -> list[tuple[str, list[int]]]:
    """The answer's claims: sentences of each paragraph, each with the markers it carries.

    A marker that follows a sentence's end ('… Sharifov.” [1]') belongs to that sentence.
    """
    return [(claim, marks) for claim, marks, _ in placed_claims(text)]


def placed_claims(text: str) -> list[tuple[str, list[int], tuple[int, int]]]:
    """`claims`, each with its (paragraph, line) so the answer's layout (bulleted points) survives the check."""
    from assistant.text import split_sentences

    out: list[tuple[str, list[int], tuple[int, int]]] = []
    lines = [(pi, li, line.strip()) for pi, p in enumerate(text.split("\n\n")) for li, line in enumerate(p.split("\n"))]
    for pi, li, para in lines:
        if not para:
            continue
        spans = split_sentences(para)
        for i, s in enumerate(spans):
            end = spans[i + 1].start if i + 1 < len(spans) else len(para)
            chunk = para[s.start : end]
            lead = markers.opening(chunk)
            if lead and out:  # markers opening a span close the previous sentence
                out[-1][1].extend(markers.numbers(lead))
                chunk = chunk[len(lead) :]
            marks = markers.numbers(chunk)
            claim = markers.remove(chunk).strip()
            if claim:
                out.append((claim, marks, (pi, li)))
            elif marks and out:  # a lone marker line continues the previous claim
                out[-1][1].extend(marks)
    return out


def check_claims(draft: Draft, threshold: float, keep_unsupported: bool = False) -> Draft:
    """Score every claim against its cited quotes; drop (or flag) unsupported and uncited claims."""
    from assistant.answer.support import support_score

    if draft.refused:
        return draft
    # The evidence of a citation is its sentence and the article's title, both shown to the user.
    quotes = {c.marker: f"{c.quote} {c.title}" for c in draft.citations}
    best: dict[int, float] = {}
    kept: list[tuple[str, tuple[int, int]]] = []
    dropped = 0
    for claim, marks, place in placed_claims(draft.text):
        valid = [m for m in dict.fromkeys(marks) if m in quotes]
        score = support_score(claim, " ".join(quotes[m] for m in valid)) if valid else 0.0
        for m in valid:
            best[m] = max(best.get(m, 0.0), support_score(claim, quotes[m]))
        tail = markers.cited(valid)
        if score >= threshold:
            kept.append((claim + tail, place))
        elif keep_unsupported:
            kept.append((f"{claim}{tail} [unsupported]", place))
        else:
            dropped += 1
    for c in draft.citations:
        c.support = round(best.get(c.marker, 0.0), 3)
        c.verified = c.verified and c.support >= threshold
    notes = list(draft.notes)
    if dropped:
        notes.append(f"{dropped} statement(s) without support in the cited sources were removed")
    if not kept:  # nothing survived: `refusal.decide` refuses a draft with no citations
        return replace(draft, text="", citations=[], notes=notes)
    return normalise(replace(draft, text=_layout(kept), notes=notes))


def _layout(kept: list[tuple[str, tuple[int, int]]]) -> str:
    """Claims back into their paragraphs and lines: same line joined by a space, lines by a newline."""
    paras: dict[int, dict[int, list[str]]] = {}
    for claim, (pi, li) in kept:
        paras.setdefault(pi, {}).setdefault(li, []).append(claim)
    return "\n\n".join("\n".join(" ".join(parts) for parts in lines.values()) for lines in paras.values())
