"""`assistant stats`, `assistant check` and `assistant serve`."""

from __future__ import annotations

import json
from pathlib import Path

import click

from assistant.cli.app import _pipeline, _settings, _user_errors, main


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_context
def stats(ctx: click.Context, as_json: bool) -> None:
    """Documents, chunks, store location and models in use."""
    from assistant.retrieval.embeddings import DEFAULT_MODEL_NAME
    from assistant.store.facade import Store, StoreError

    settings = _settings(ctx)
    try:
        with Store(settings) as store:
            info = store.stats()
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    info["embed_model"] = settings.embed_model or DEFAULT_MODEL_NAME
    info["answerer"] = settings.llm
    info["chunk_tokens"] = settings.chunk_tokens
    if as_json:
        click.echo(json.dumps(info, indent=2))
        return
    for key, value in info.items():
        click.echo(f"{key}: {value}")


@main.command()
@click.option("--repair", is_flag=True, help="Delete orphan vectors and half-indexed documents.")
@click.pass_context
def check(ctx: click.Context, repair: bool) -> None:
    """Check that Chroma and the FTS5 index agree; exit 1 when they do not."""
    from assistant.store.facade import Store, StoreError

    try:
        with Store(_settings(ctx)) as store:
            report = store.check(repair=repair)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"pending documents: {len(report.pending)}, orphan vectors: {report.orphan_vectors}, "
        f"missing vectors: {report.missing_vectors}" + (" (repaired; re-run ingest to re-add)" if repair else "")
    )
    if not report.ok and not repair:
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

    pipe = _pipeline(_settings(ctx))
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
    except _user_errors() as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        pipe.close()
