"""Split articles into token-bounded chunks of whole sentences."""

from __future__ import annotations

from collections.abc import Callable

from assistant.documents import Article, Chunk, Sentence, content_hash
from assistant.text import split_sentences
from assistant.tokens import count_tokens


def chunk_article(
    article: Article,
    max_tokens: int = 200,
    overlap_sentences: int = 1,
    counter: Callable[[str], int] = count_tokens,
) -> list[Chunk]:
    """Greedy packing of sentences into chunks of at most `max_tokens` tokens.

    A sentence longer than the budget becomes a chunk of its own: a chunk never
    ends mid-sentence. Consecutive chunks share `overlap_sentences` sentences.
    """
    if max_tokens < 16:
        raise ValueError("max_tokens must be at least 16")
    text = article.text
    sents = split_sentences(text)
    sizes = [counter(text[s.start : s.end]) for s in sents]
    groups: list[list[int]] = []
    i = 0
    while i < len(sents):
        group, used = [i], sizes[i]
        j = i + 1
        while j < len(sents) and used + sizes[j] <= max_tokens:
            group.append(j)
            used += sizes[j]
            j += 1
        groups.append(group)
        if j >= len(sents):
            break
        # Step back for overlap, but always move forward by at least one sentence.
        i = max(j - overlap_sentences, i + 1)
    return [_make_chunk(article, n, [sents[k] for k in g]) for n, g in enumerate(groups)]


def _make_chunk(article: Article, index: int, sents: list[Sentence]) -> Chunk:
    start, end = sents[0].start, sents[-1].end
    body = article.text[start:end]
    cid = content_hash(article.id, str(start), body)[:32]
    return Chunk(id=cid, doc_id=article.id, index=index, start=start, end=end, text=body, sentences=tuple(sents))
