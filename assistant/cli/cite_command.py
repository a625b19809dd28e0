"""`assistant cite "TEXT"`: who published a quote or claim, where and when first (citation lookup)."""

from __future__ import annotations

import json

import click

from assistant.cli.app import _filters, _settings, _user_errors, main


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
    except _user_errors() as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        if store is not None:
            store.close()
    click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) if as_json else render_text(result))
