"""Which articles a question may retrieve: dates and source, from user input (CLI flags, UI boxes, API calls)."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.documents import date_to_int
from assistant.text import parse_date


@dataclass(frozen=True)
class Filters:
    """Restrictions on which articles may be retrieved."""

    since: str | None = None  # ISO date, inclusive
    until: str | None = None  # ISO date, inclusive
    source: str | None = None

    def as_ints(self) -> tuple[int | None, int | None, str | None]:
        """Dates as day numbers, as both indexes store them."""
        return date_to_int(self.since), date_to_int(self.until), self.source or None


def parse_filters(
    since: str | None, until: str | None, source: str | None, since_name: str = "since", until_name: str = "until"
) -> Filters:
    """Filters from user input (CLI flags, UI boxes): dates checked as ISO days; raises RecordError naming the field."""
    return Filters(since=parse_date(since, since_name), until=parse_date(until, until_name), source=source or None)
