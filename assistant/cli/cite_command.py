"""`assistant cite "TEXT"`: who published a quote or claim, where and when first (citation lookup)."""

from __future__ import annotations

import json

import click

from assistant.cli.app import _filters, _settings, main


@main.command()
@click.argument("text", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--since", help="Only articles dated on or after YYYY-MM-DD.")
@click.option("--until", help="Only articles dated on or before YYYY-MM-DD.")
@click.option("--source", help="Only articles from this source, e.g. 'The White House'.")
@click.option("-k", "k", type=click.IntRange(1, 50), default=5, show_default=True, help="Statements shown per sentence.")
@click.pass_context
def cite(ctx, text, as_json, since, until, source, k) -> None:
    """Find the sentences that state TEXT (a quote or a claim): verbatim, near-verbatim or paraphrase, each with
    title, source, date, URL and offsets; copies grouped under the earliest publication."""
    from assistant.errors import disk_full_is_user_error
    from assistant.lookup import CitationLookup
    from assistant.lookup.render import render_text
    from assistant.lookup.validate import check_text
    from assistant.retrieval.embeddings import embedder_for
    from assistant.store.facade import Store

    if text is None:
        raise click.UsageError('give the quote or claim to look up: assistant cite "TEXT"')
    filters = _filters(since, until, source)
    settings = _settings(ctx)
    store = None
    try:
        check_text(text)  # bad input is refused before the index is opened
        with disk_full_is_user_error(settings.home):
            store = Store(settings)
            result = CitationLookup(store, embedder_for(settings)).cite(text, filters, k)
    finally:
        if store is not None:
            store.close()
    click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) if as_json else render_text(result))


def run_cite_eval(ctx: click.Context, split: str, corpora: tuple, out, limit: int | None) -> None:
    """`assistant eval --set cite`: score citation lookup on evals/cite_{split}.jsonl. Without --home the corpus is
    indexed into a temporary directory first; with --home the index is used as it is (nothing is written to it)."""
    import sys
    import tempfile
    from pathlib import Path

    from tqdm import tqdm

    from assistant.cli.app import _option_given, _repo_file, _set_option
    from assistant.evaluation.cite_eval import load_items, run_cite_eval, summary_lines, write_cite_report
    from assistant.lookup import CitationLookup
    from assistant.retrieval.embeddings import embedder_for
    from assistant.store.facade import Store

    names = ["dev", "test"] if split == "all" else [split]
    paths = [_repo_file(f"evals/cite_{name}.jsonl") for name in names]
    if None in paths:
        raise click.ClickException("evals/cite_*.jsonl not found: run from a checkout of the repository")
    items = load_items([p for p in paths if p])[:limit] if limit else load_items([p for p in paths if p])
    fresh = not _option_given(ctx, "home")
    if fresh:
        tmp = tempfile.TemporaryDirectory(prefix="assistant-eval-")
        ctx.call_on_close(tmp.cleanup)
        _set_option(ctx, "home", Path(tmp.name))
        click.echo(f"indexing into a temporary directory {tmp.name} (give --home DIR to use an index as it is)", err=True)
    settings = _settings(ctx)
    with Store(settings) as store:
        embedder = embedder_for(settings)
        if fresh:
            from assistant.indexer import index_articles
            from assistant.ingest.parse import parse_path

            for path in corpora:
                with tqdm(desc=f"indexing {path.name}", unit=" articles", file=sys.stderr, disable=None) as bar:
                    result = index_articles(store, embedder, parse_path(path), settings, progress=bar.update)
                if result.errors:
                    raise click.ClickException(f"cannot index {path}: {result.errors[0]}")
        with tqdm(total=len(items), desc="looking up", unit=" items", file=sys.stderr, disable=None) as bar:
            report = run_cite_eval(CitationLookup(store, embedder), items, progress=bar.update)
    report["meta"] = {"set": [str(p) for p in paths], "home": str(settings.home), "checker": "overlap"}
    written = write_cite_report(report, out)
    for line in summary_lines(report):
        click.echo(line)
    click.echo("wrote " + ", ".join(str(p) for p in written))
