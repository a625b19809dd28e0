"""The endpoints a second terminal's `assistant ask`, `chat` and `check` use while this server holds the embedded
index (`/ask` itself is the UI's): the exit status `ask` gives before asking, and the read-only check."""

from __future__ import annotations

from assistant.cli.preflight import check_request
from assistant.errors import NoArticlesError
from assistant.retrieval.filters import parse_filters
from assistant.store.integrity import check_index
from assistant.ui.handlers import AssistantUI


class ServerAPI:
    """`preflight` and `check` over the server's one pipeline."""

    def __init__(self, ui: AssistantUI) -> None:
        self.ui = ui

    def preflight(self, since: str = "", until: str = "", source: str = "") -> dict:
        """{"exit_code": 0, "error": ""} when some indexed article can pass the filters, else the status and the
        one-line message `assistant ask` exits with (`cli/preflight.py`); a date that is not one raises."""
        filters = parse_filters(since, until, source, "--since", "--until")
        try:
            check_request(self.ui.pipe.store, filters.since, filters.until, filters.source)
        except NoArticlesError as exc:
            return {"exit_code": exc.exit_code, "error": str(exc)}
        return {"exit_code": 0, "error": ""}

    def check(self) -> dict:
        """`assistant check` without --repair, run here (the lock is this process's; an ingest finishes first):
        {"pending", "orphan_vectors", "missing_vectors": int, "problems": [str], "ok": bool}."""
        with self.ui.ingest_lock:
            report = check_index(self.ui.pipe.settings, False, reindex=_no_reindex)
        return {
            "pending": report.pending,
            "orphan_vectors": report.orphan_vectors,
            "missing_vectors": report.missing_vectors,
            "problems": [str(p) for p in report.problems],
            "ok": report.ok,
        }


def _no_reindex(store, ids: list[str]) -> int:
    raise AssertionError("a check without --repair re-embeds nothing")
