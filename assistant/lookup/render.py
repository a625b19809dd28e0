"""A lookup result as text for the terminal: per sentence, each statement with its publications, earliest first."""

from __future__ import annotations

from assistant.lookup.types import CiteResult, Hit, SentenceLookup, Source


def _source_line(s: Source) -> str:
    where = f" (characters {s.start}-{s.end})" if s.start is not None else f" (copy of {s.copy_of}, text not indexed twice)"
    return f"{s.date or 'date unknown'}  {s.source or 'unknown source'}: {s.title}{where}"


def _hit_lines(n: int, h: Hit) -> list[str]:
    label = f"{h.kind} {h.score:.2f}" if h.matches else f"NOT MATCHING {h.score:.2f}"
    lines = [f"[{n}] {label}  \u201c{h.sentence}\u201d"]
    for i, s in enumerate(h.sources):
        first = "first: " if i == 0 and len(h.sources) > 1 else ""
        lines.append(f"    {first}{_source_line(s)}")
        if s.url:
            lines.append(f"      {s.url}")
    if h.diffs and h.kind != "verbatim":
        shown = "; ".join(f"{d.article or '(nothing)'} -> {d.quote or '(nothing)'}" for d in h.diffs[:6])
        lines.append(f"    differs (article -> text): {shown}")
    if h.note:
        lines.append(f"    {h.note}")
    return lines


def render_sentence(s: SentenceLookup) -> list[str]:
    """One sentence of the text: its statements, or 'no source found' and the closest sentences."""
    lines = [f"\u201c{s.text}\u201d"]
    if s.found:
        first = s.hits[0].first
        lines.append(f"  {s.kind}; first published {first.date or '(date unknown)'} by {first.source or 'unknown source'}")
        for n, h in enumerate(s.hits, 1):
            lines += ["  " + line for line in _hit_lines(n, h)]
    else:
        lines.append("  no source found: no indexed sentence states it." + (" Closest sentences:" if s.closest else ""))
        for n, h in enumerate(s.closest, 1):
            lines += ["  " + line for line in _hit_lines(n, h)]
    return lines


def render_text(result: CiteResult) -> str:
    """The whole result, sentence by sentence."""
    blocks = ["\n".join(render_sentence(s)) for s in result.sentences]
    return "\n\n".join(blocks)
