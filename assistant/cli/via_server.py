"""`ask`, `chat` and `check` in a second terminal while `assistant serve` holds the embedded index: they find the
server's record beside the lock (`store/serve_record.py`) and send their request to its HTTP API on this machine."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import click

from assistant.answer.types import Answer, Turn
from assistant.errors import NoArticlesError, ServerAnswerError, ServerBusyError
from assistant.store.serve_record import ServerRecord, live_server

if TYPE_CHECKING:
    from assistant.cli.server_client import ServerClient
    from assistant.retrieval.filters import Filters
    from assistant.settings import Settings

# Global options that change how an answer is made; the server answers with the ones it was started with.
ANSWER_OPTIONS = ("mode", "llm", "llm_base_url", "judge", "embed_model", "embed_backend")


def served_settings(settings: Settings) -> dict[str, str | None]:
    """What `serve` records of its settings: the answer options, as text."""
    return {name: None if getattr(settings, name) is None else str(getattr(settings, name)) for name in ANSWER_OPTIONS}


@dataclass(frozen=True)
class ServedIndex:
    """The server that holds the index, reached and ready: `ask` has the signature of `Pipeline.ask`."""

    record: ServerRecord
    client: ServerClient
    k: int  # passages read when the command gives no -k: this command's setting, as a local answer would read

    @property
    def where(self) -> str:
        """Who holds the index: `assistant serve` (pid N) at URL."""
        return f"`assistant serve` (pid {self.record.pid}) at {self.record.url}"

    def ask(
        self,
        question: str,
        history: Sequence[Turn | Mapping] | None = None,
        filters: Filters | None = None,
        k: int | None = None,
        on_token: object = None,
    ) -> Answer:
        """The server's answer (no tokens are streamed: `on_token` is not called)."""
        turns = [Turn.of(t) for t in history or []]
        f = filters
        data = self.client.call(
            "ask",
            question,
            [{"question": t.question, "answer": t.answer} for t in turns],
            (f.since if f else None) or "",
            (f.until if f else None) or "",
            (f.source if f else None) or "",
            int(k or self.k),
        )
        if not isinstance(data, dict):
            raise ServerAnswerError(f"{self.where} answered something else than an answer")
        return Answer.from_dict(data)

    def check(self) -> dict:
        """`assistant check` without --repair, run by the server."""
        out = self.client.call("check")
        if not isinstance(out, dict):
            raise ServerAnswerError(f"{self.where} answered something else than a check")
        return out

    def close(self) -> None:
        """Nothing to release (the same call as `Pipeline.close`)."""


def served_index(
    settings: Settings, given: Mapping[str, object], filters: Filters | None, doing: str | None
) -> ServedIndex | None:
    """The running `assistant serve` that holds this data directory's embedded index, if one answers; None when
    there is none (or its record is stale: the local path then says what it always said). Raises ServerBusyError
    when it cannot honour an option `given` on the command line or requires a login, and the `NoArticlesError`
    of `ask`'s preflight (run by the server) when no article can pass `filters`. Prints one line to stderr saying
    what it is `doing` (none when None)."""
    if settings.chroma_url:  # a Chroma server is shared: nothing is locked
        return None
    record = live_server(settings.home)
    if record is None:
        return None
    from assistant.cli.server_client import PROBE_TIMEOUT, ServerClient, ServerUnreachable  # urllib: only then

    served = ServedIndex(record, ServerClient(record.url), settings.k)
    if record.auth:
        raise ServerBusyError(
            f"the index is held by {served.where}, which requires a login (serve --auth): ask in the browser, or "
            "stop the server to use the index here"
        )
    differ = [
        f"--{name.replace('_', '-')} {given[name]} (it answers with {record.settings.get(name) or 'the default'})"
        for name in ANSWER_OPTIONS
        if name in given and str(given[name]) != str(record.settings.get(name))
    ]
    if differ:
        raise ServerBusyError(
            f"the index is held by {served.where}, which cannot answer with {'; '.join(differ)}: leave the option "
            "out, or stop the server (Ctrl-C in its terminal) to answer here"
        )
    f = filters
    try:
        status = ServerClient(record.url, PROBE_TIMEOUT).call(
            "preflight", (f.since if f else None) or "", (f.until if f else None) or "", (f.source if f else None) or ""
        )
    except ServerUnreachable:
        return None  # it died after writing its record (or its port is another's now)
    if doing:
        click.echo(f"the index is held by {served.where}: {doing}", err=True)
    if isinstance(status, dict) and status.get("exit_code"):
        err = NoArticlesError(str(status.get("error") or "no indexed article can pass the filters"))
        err.exit_code = int(status["exit_code"])
        raise err
    return served
