"""Wire copies and re-publications of one statement grouped under the earliest, so 'who said it first' comes first."""

from __future__ import annotations

from rapidfuzz import fuzz

from assistant.lookup.text import normalise
from assistant.lookup.types import RANK, Candidate, Hit, Scored, Source
from assistant.retrieval.filters import Filters
from assistant.store.facade import Store

SAME_STATEMENT = 95.0  # rapidfuzz ratio of two normalised sentences taken as one statement re-published


def _order(s: Source) -> tuple:
    return (s.date is None, s.date or "", s.copy_of is not None, s.doc_id)


def _in_filters(date: str | None, source: str | None, filters: Filters) -> bool:
    if filters.source and source != filters.source:
        return False
    if (filters.since or filters.until) and not date:
        return False
    return not ((filters.since and date < filters.since) or (filters.until and date > filters.until))


def sources_for(store: Store, candidates: list[Candidate], filters: Filters) -> tuple[Source, ...]:
    """The indexed articles of a statement plus the copies the near-duplicate index recorded under them, earliest first."""
    out: dict[str, Source] = {}
    for c in candidates:
        out.setdefault(c.doc_id, Source(c.doc_id, c.title, c.source, c.date, c.url, c.start, c.end))
    for c in candidates:
        for o in store.also_reported_by(c.doc_id):
            if o["id"] not in out and _in_filters(o.get("date"), o.get("source"), filters):
                src = Source(o["id"], o.get("title") or c.title, o.get("source") or "", o.get("date"), o.get("url"), None, None)
                out[o["id"]] = Source(**{**src.__dict__, "copy_of": c.doc_id})
    return tuple(sorted(out.values(), key=_order))


def group(store: Store, scored: list[Scored], filters: Filters) -> list[Hit]:
    """One `Hit` per statement: sentences that read the same (normalised) are one statement; best kind and score
    first, then the earliest publication."""
    groups: list[tuple[str, list[Scored]]] = []
    for s in sorted(scored, key=lambda s: (-RANK[s.kind], -s.score)):
        norm = normalise(s.candidate.text)
        for key, members in groups:
            if key == norm or fuzz.ratio(key, norm) >= SAME_STATEMENT:
                members.append(s)
                break
        else:
            groups.append((norm, [s]))
    hits = []
    for _, members in groups:
        best = members[0]
        sources = sources_for(store, [m.candidate for m in members], filters)
        hits.append(Hit(best.kind, round(best.score, 4), best.candidate.text, sources, best.diffs, best.note))
    hits.sort(key=lambda h: (-RANK[h.kind], -round(h.score, 2), _order(h.first)))
    return hits
