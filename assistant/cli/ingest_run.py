"""Helpers of the ingest and sync commands: pages as items, counts and errors over several sources."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from assistant.pipeline import Pipeline


def page_items(url: str, timeout: float):
    from assistant.ingest.parse import IngestError
    from assistant.ingest.web import FetchError, article_from_html, fetch

    try:
        yield article_from_html(url, fetch(url, timeout).body)
    except FetchError as exc:
        yield IngestError(url, str(exc).removeprefix(f"{url}: "))


class IngestRun:
    """Counts and errors over several sources, with a progress bar each."""

    KEYS = ("added", "updated", "unchanged", "merged", "chunks")

    def __init__(self, pipe: Pipeline) -> None:
        self.pipe = pipe
        self.summary = dict.fromkeys(self.KEYS, 0)
        self.errors: list = []

    def index(self, items, label: str) -> None:
        from tqdm import tqdm

        from assistant.ingest.indexer import index_articles

        with tqdm(desc=f"indexing {label}", unit=" articles", file=sys.stderr, disable=None) as bar:
            result = index_articles(self.pipe.store, self.pipe.embedder, items, self.pipe.settings, progress=bar.update)
        for key in self.KEYS:
            self.summary[key] += getattr(result, key)
        self.errors.extend(result.errors)
        for err in result.errors:
            click.echo(f"error: {err}", err=True)

    def report(self, as_json: bool) -> None:
        from assistant.ingest.indexer import summary_line

        s = {**self.summary, "errors": len(self.errors)}
        if as_json:
            click.echo(json.dumps({**s, "error_list": [str(e) for e in self.errors]}))
        else:
            click.echo(summary_line(**s))
