"""Before `ask` and `chat` ask anything: can any indexed article pass the filters? One place decides, from the Store
facade's source and date coverage (what `assistant stats` and the Corpus tab show), and raises the matching
`NoArticlesError` (each has its own exit status) instead of a refusal that blames the articles."""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

from assistant.errors import DateOrderError, EmptyDateRangeError, NothingIndexedError, ServerBusyError, UnknownSourceError

if TYPE_CHECKING:
    from assistant.store.facade import SourceRange, Store

# (exit status, when), for `ask --help` and the README
EXIT_STATUSES = (
    (0, "an answer, or a refusal: the indexed articles do not say"),
    (1, "an error named in one line (empty question, missing model, unreachable server; a failed --batch line)"),
    (2, "a usage error (unknown option, a date not written YYYY-MM-DD)"),
    (NothingIndexedError.exit_code, "nothing is indexed yet in the data directory"),
    (UnknownSourceError.exit_code, "--source names no indexed source (the sources are listed, nearest first)"),
    (DateOrderError.exit_code, "--since is after --until"),
    (EmptyDateRangeError.exit_code, "no indexed article is dated within --since/--until (the dates covered are named)"),
    (ServerBusyError.exit_code, "`assistant serve` holds the index and cannot honour an option given (named), or needs a login"),
)


def exit_status_help() -> str:
    """The exit statuses as a help epilog (click keeps the lines of a paragraph that starts with \\b)."""
    return "\b\nExit status:\n" + "\n".join(f"  {code}  {what}" for code, what in EXIT_STATUSES)


def check_request(store: Store, since: str | None, until: str | None, source: str | None) -> None:
    """Raise the `NoArticlesError` that rules out every article before retrieval runs; return when some may pass.
    Dates are ISO days (already checked); articles without a date never pass a date filter."""
    if since and until and since > until:
        raise DateOrderError(f"--since {since} is after --until {until}: no day is in that range")
    ranges = store.date_ranges()
    if not ranges:
        raise NothingIndexedError(f"nothing is indexed yet in {store.settings.home}: run assistant ingest corpus/")
    if source is not None and source not in {r.source for r in ranges}:
        names = ", ".join(f"'{name}'" for name in nearest_sources(source, [r.source for r in ranges]))
        raise UnknownSourceError(f"no indexed source is called '{source}'; the indexed sources, nearest first: {names}")
    if since or until:
        chosen = [r for r in ranges if source is None or r.source == source]
        if not any(r.first and (not until or r.first <= until) and (not since or r.last >= since) for r in chosen):
            asked = f"{since} to {until}" if since and until else f"on or after {since}" if since else f"on or before {until}"
            whose = f"from '{source}' " if source else ""
            raise EmptyDateRangeError(f"no indexed article {whose}is dated {asked}; {coverage(chosen, source)}")


def coverage(ranges: list[SourceRange], source: str | None) -> str:
    """'the index covers 2021-01-20 to 2025-01-19 (The White House 2021-01-20 to 2025-01-19, ...)'."""
    dated = [r for r in ranges if r.first and r.last]
    who = f"'{source}'" if source else "the index"
    if not dated:
        return f"{who} holds no dated article"
    span = f"{who} covers {min(r.first for r in dated)} to {max(r.last for r in dated)}"  # type: ignore[type-var]
    if source or len(dated) < 2:
        return span
    return span + " (" + "; ".join(f"{r.source} {r.first} to {r.last}" for r in dated) + ")"


def nearest_sources(given: str, names: list[str]) -> list[str]:
    """Source names, the most like `given` first: containing it (or inside it), then by shared words and letters."""
    g = given.casefold().strip()
    g_words = set(g.split())

    def nearness(name: str) -> tuple[bool, float]:
        n = name.casefold()
        words = set(n.split())
        shared = len(g_words & words) / len(g_words | words) if g_words | words else 0.0
        return (bool(g) and (g in n or n in g), max(shared, difflib.SequenceMatcher(None, g, n).ratio()))

    return sorted(names, key=nearness, reverse=True)
