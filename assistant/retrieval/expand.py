"""Small-to-big retrieval: the rest of the best retrieved articles, so a readout's later paragraphs can be read."""

from __future__ import annotations

from typing import Protocol

from assistant.documents import Passage


class ArticleSource(Protocol):
    """What expansion reads from the store."""

    def article_passages(self, doc_ids: list[str]) -> dict[str, list[Passage]]:
        """Every chunk of the given articles as passages, in reading order."""
        ...


class ArticleExpander:
    """Adds the chunks retrieval did not return of the first `articles` distinct articles among the passages (at most
    `max_chunks` an article), after the retrieved passages, which stay first and unchanged."""

    def __init__(self, store: ArticleSource, articles: int = 2, max_chunks: int = 40) -> None:
        self.store = store
        self.articles = articles
        self.max_chunks = max_chunks

    def run(self, passages: list[Passage]) -> list[Passage]:
        """The passages, then the other chunks of the best articles (nothing added when `articles` is 0)."""
        doc_ids = list(dict.fromkeys(p.doc_id for p in passages))[: self.articles]
        if not doc_ids:
            return list(passages)
        have = {p.chunk_id for p in passages}
        chunks = self.store.article_passages(doc_ids)
        extra = [p for d in doc_ids for p in chunks.get(d, [])[: self.max_chunks] if p.chunk_id not in have]
        return [*passages, *extra]
