"""Helpers of the ingest and sync commands: the store and embedder they write with (no answerer, no LLM client),
pages as items, counts and errors over several sources."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from assistant.embedder import Embedder
    from assistant.settings import Settings
    from assistant.store.facade import Store


def open_index(settings: Settings) -> tuple[Store, Embedder]:
    """Only what indexing needs: the embedder, then the store (the caller closes it). Unlike a `Pipeline`, builds no
    answerer and no LLM client, so `--llm openai:...` without OPENAI_API_KEY does not stop an ingest."""
    from assistant.errors import disk_full_is_user_error
    from assistant.retrieval.embeddings import embedder_for
    from assistant.store.facade import Store

    with disk_full_is_user_error(settings.home):
        embedder = embedder_for(settings)
        return Store(settings), embedder


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

    def __init__(self, store: Store, embedder: Embedder, settings: Settings) -> None:
        self.store, self.embedder, self.settings = store, embedder, settings
        self.summary = dict.fromkeys(self.KEYS, 0)
        self.errors: list = []

    def index(self, items, label: str) -> None:
        from tqdm import tqdm

        from assistant.indexer import index_articles

        with tqdm(desc=f"indexing {label}", unit=" articles", file=sys.stderr, disable=None) as bar:
            result = index_articles(self.store, self.embedder, items, self.settings, progress=bar.update)
        for key in self.KEYS:
            self.summary[key] += getattr(result, key)
        self.errors.extend(result.errors)
        for err in result.errors:
            click.echo(f"error: {err}", err=True)

    def report(self, as_json: bool) -> None:
        from assistant.indexer import summary_line

        s = {**self.summary, "errors": len(self.errors)}
        if as_json:
            click.echo(json.dumps({**s, "error_list": [str(e) for e in self.errors]}))
        else:
            click.echo(summary_line(**s))
