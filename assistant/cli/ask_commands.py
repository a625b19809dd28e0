"""`assistant ask` (one question, or a batch file) and `assistant chat` (terminal chat with history)."""

from __future__ import annotations

import json
import threading
from typing import TYPE_CHECKING

import click

from assistant.answer.types import Turn
from assistant.cli.app import OPTIONS_KEY, _ask_options, _filters, _pipeline, _settings, main
from assistant.cli.preflight import check_request, exit_status_help
from assistant.cli.render import render_text
from assistant.errors import AssistantError

if TYPE_CHECKING:
    from assistant.cli.prefetch import QuestionPrefetch
    from assistant.cli.via_server import ServedIndex
    from assistant.pipeline import Pipeline
    from assistant.retrieval.filters import Filters
    from assistant.settings import Settings


@main.command(epilog=exit_status_help())
@click.argument("question", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
@click.option("--batch", type=click.File("r"), help="JSONL of {id, question, history?}; one answer per line.")
@_ask_options
@click.pass_context
def ask(ctx, question, as_json, batch, since, until, source, k) -> None:
    """Answer QUESTION from the indexed articles, citing them.

    While `assistant serve` holds this data directory's index, the question goes to it (127.0.0.1) and one line on
    stderr says so; the answer and --json are the same as answered here."""
    if not question and not batch:
        raise click.UsageError("give a QUESTION or --batch FILE")
    if question is not None and not question.split():  # the command's own mistake comes before the index's state
        raise click.ClickException("the question is empty")
    filters = _filters(since, until, source)
    served = _served(ctx, filters, "asking it")
    settings = _settings(ctx)
    prefetch = _prefetch(question) if served is None and question and not batch and _reads(settings) else None
    failed = 0
    pipe: Pipeline | ServedIndex | None = None
    try:
        pipe = served or _pipeline(settings)
        if served is None:  # the server ran the same check
            _check(pipe, filters)
        if batch:
            for lineno, line in enumerate(batch, 1):
                if not line.strip():
                    continue
                out = _batch_line(pipe, line, lineno, filters, k)
                failed += "error" in out
                click.echo(json.dumps(out, ensure_ascii=False) if as_json else _batch_text(out))
        else:
            ans = pipe.ask(question, filters=filters, k=k)
            click.echo(json.dumps(ans.to_dict(), ensure_ascii=False, indent=2) if as_json else render_text(ans))
    finally:
        if pipe is not None:
            pipe.close()
        if prefetch is not None:
            prefetch.close()
    if failed:
        ctx.exit(1)


def _reads(settings: Settings) -> bool:
    """Whether a cold question is read by the extractive reader (the one that parses it) with prefetch on."""
    return settings.prefetch and settings.llm == "extractive"


def _prefetch(question: str) -> QuestionPrefetch | None:
    """Parse the question in a forked process while this one opens the index (`prefetch.py`)."""
    from assistant.cli.prefetch import prefetch_question

    return prefetch_question(question)


def _served(ctx: click.Context, filters: Filters | None, doing: str) -> ServedIndex | None:
    """The running `assistant serve` that holds the index, when one answers (`via_server.py`); errors as one line
    with their own exit status."""
    from assistant.cli.via_server import served_index

    return served_index(_settings(ctx), ctx.meta.get(OPTIONS_KEY, {}), filters, doing)


def _check(pipe: Pipeline, filters: Filters) -> None:
    """Stop with the case's own exit status when no indexed article can pass the filters (`preflight.py`)."""
    check_request(pipe.store, filters.since, filters.until, filters.source)


def _batch_line(pipe: Pipeline | ServedIndex, line: str, lineno: int, filters: Filters, k) -> dict:
    where = f"line {lineno}"
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"id": None, "error": f"{where}: malformed JSON: {exc.msg}"}
    if not isinstance(record, dict) or not isinstance(record.get("question"), str):
        return {"id": None, "error": f"{where}: field 'question' must be a string"}
    history = record.get("history") or []
    if not isinstance(history, list) or not all(isinstance(t, dict) for t in history):
        return {"id": record.get("id"), "error": f"{where}: field 'history' must be a list of objects"}
    try:
        ans = pipe.ask(record["question"], history=[Turn.of(t) for t in history], filters=filters, k=k)
    except AssistantError as exc:  # one bad line does not stop the batch
        return {"id": record.get("id"), "error": f"{where}: {exc}"}
    return {"id": record.get("id"), **ans.to_dict()}


def _batch_text(out: dict) -> str:
    if "error" in out:
        return f"[{out['id']}] error: {out['error']}"
    return f"[{out['id']}] {out['answer']}"


@main.command(epilog=exit_status_help())
@_ask_options
@click.pass_context
def chat(ctx, since, until, source, k) -> None:
    """Interactive chat in the terminal; follow-up questions use the history.

    While `assistant serve` holds this data directory's index, the questions go to it (127.0.0.1; answers are
    shown once checked, not streamed) and one line on stderr says so."""
    filters = _filters(since, until, source)
    served = _served(ctx, filters, "asking it")
    pipe = served or _pipeline(_settings(ctx))
    history: list[Turn] = []
    try:
        if served is None:
            _check(pipe, filters)
    except AssistantError:
        pipe.close()
        raise
    click.echo("Ask about the indexed articles. Empty line or Ctrl-D to quit, '/new' for a new conversation.")
    warming = _warm_in_background(pipe) if served is None else None
    try:
        while True:
            try:
                q = input("you> ").strip()
            except EOFError:
                break
            if not q:
                break
            if q == "/new":
                history.clear()
                continue
            streamed: list[str] = []

            def show(token: str, streamed: list[str] = streamed) -> None:
                streamed.append(token)
                click.echo(token, nl=False)

            if warming is not None:  # the first question waits for what the warm-up has not loaded yet
                warming.join()
                warming = None
            try:
                ans = pipe.ask(q, history=history, filters=filters, k=k, on_token=show)
            except AssistantError as exc:  # the chat goes on
                click.echo(f"error: {exc}", err=True)
                continue
            if streamed:  # the checked answer replaces the raw stream
                click.echo("\n--- checked answer ---")
            if ans.standalone_question:
                click.echo(f"(understood as: {ans.standalone_question})")
            click.echo(render_text(ans) + "\n")
            history.append(Turn(question=q, answer=ans.answer))
    finally:
        if warming is not None:
            warming.join()
        pipe.close()


def _warm_in_background(pipe: Pipeline) -> threading.Thread:
    """Load the embedder, the index, the chain and the reader while the user types the first question: `input()`
    waits without holding the GIL, so the loading runs at full speed. A failure is left to the first question, which
    meets the same error and reports it."""

    def warm() -> None:
        try:
            pipe.warm_up()
        except AssistantError:
            return

    thread = threading.Thread(target=warm, name="chat-warm-up", daemon=True)
    thread.start()
    return thread
