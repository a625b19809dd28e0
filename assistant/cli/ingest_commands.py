"""`assistant ingest` and `assistant sync`: files, folders, pages and feeds into the index."""

from __future__ import annotations

from pathlib import Path

import click

from assistant.cli.app import _settings, main


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--feed", "feeds", multiple=True, help="An RSS/Atom feed URL to read now and on every `assistant sync`.")
@click.option("--url", "urls", multiple=True, help="A web page to extract and index.")
@click.option("--timeout", default=10.0, show_default=True, help="Seconds per HTTP request.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.pass_context
def ingest(ctx: click.Context, paths: tuple[Path, ...], feeds, urls, timeout: float, as_json: bool) -> None:
    """Index article files or folders (.jsonl, .txt, .md, .html), feeds (--feed) and pages (--url)."""
    if not paths and not feeds and not urls:
        raise click.UsageError("give files or folders, --feed URL or --url URL")
    from assistant.cli.ingest_run import IngestRun, open_index, page_items
    from assistant.ingest.feeds import read_feed
    from assistant.ingest.parse import parse_path

    settings = _settings(ctx)
    store, embedder = open_index(settings)
    run = IngestRun(store, embedder, settings)
    try:
        for path in paths:
            run.index(parse_path(path), path.name)
        for url in urls:
            run.index(page_items(url, timeout), url)
        for url in feeds:
            store.add_feed(url)
            read = read_feed(url, store.feed_validators(url), timeout)
            run.index(read.items, url)
            if not read.failed:
                store.commit_feed(read)
    except KeyboardInterrupt:
        raise click.ClickException("interrupted; what was indexed is kept, run the same command to finish") from None
    finally:
        store.close()
    run.report(as_json)
    if run.errors:
        ctx.exit(1)


@main.command()
@click.option("--timeout", default=10.0, show_default=True, help="Seconds per HTTP request.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.pass_context
def sync(ctx: click.Context, timeout: float, as_json: bool) -> None:
    """Re-read every configured feed; index only new or changed articles."""
    from assistant.cli.ingest_run import IngestRun, open_index
    from assistant.ingest.feeds import read_feed

    settings = _settings(ctx)
    store, embedder = open_index(settings)
    run = IngestRun(store, embedder, settings)
    try:
        urls = store.feed_urls()
        if not urls:
            raise click.ClickException("no feeds configured; add one with: assistant ingest --feed URL")
        for url in urls:
            read = read_feed(url, store.feed_validators(url), timeout)
            if read.not_modified:
                click.echo(f"{url}: not modified", err=True)
                continue
            run.index(read.items, url)
            if not read.failed:
                store.commit_feed(read)
    finally:  # a full disk, a Chroma server gone: one line (cli/app.py), what was indexed stays
        store.close()
    run.report(as_json)
    if run.errors:
        ctx.exit(1)
