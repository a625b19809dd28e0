"""Small-to-big retrieval: the reader also reads the rest of the best retrieved articles (retrieval/expand.py)."""

from dataclasses import replace

from assistant.documents import Article, Passage
from assistant.indexer import index_articles
from assistant.pipeline import Pipeline
from assistant.retrieval.expand import ArticleExpander

# Eight paragraphs of one readout: with 40-token chunks it is stored as several chunks, the agenda near the end.
READOUT = Article(
    id="readout",
    title="Readout of the Secretary's meeting with Foreign Minister Marsudi",
    date="2022-07-10",
    source="U.S. Department of State",
    text="\n\n".join(
        [
            "Secretary Blinken met Indonesian Foreign Minister Retno Marsudi in Jakarta today.",
            "The Secretary thanked the Foreign Minister for her hospitality during the visit to the capital.",
            "The two recalled seventy years of diplomatic relations between their countries and peoples.",
            "They reviewed preparations for the ministerial meetings later in the summer season.",
            "The Secretary welcomed the progress of the Strategic Partnership over the past year.",
            "They agreed to expand cooperation on maritime security in the South China Sea.",
            "They agreed to launch a clean energy fund for geothermal power in Sumatra.",
            "They agreed to double student exchanges through the Fulbright program by 2025.",
        ]
    ),
)
OTHER = Article(
    id="other",
    title="Call with Chancellor Scholz",
    date="2024-02-01",
    source="The White House",
    text="President Biden spoke with Chancellor Scholz of Germany about Ukraine and energy security in Europe.",
)


def _passage(doc: str, idx: int, start: int) -> Passage:
    return Passage(f"{doc}:{idx}", doc, f"text {doc} {idx}", start, start + 10, [], doc, None, "src", None)


class FakeArticles:
    """Chunk ids 0..n-1 of each article, in reading order; records what it was asked for."""

    def __init__(self, sizes: dict[str, int]) -> None:
        self.sizes = sizes
        self.asked: list[list[str]] = []

    def article_passages(self, doc_ids: list[str]) -> dict[str, list[Passage]]:
        self.asked.append(list(doc_ids))
        return {d: [_passage(d, i, 100 * i) for i in range(self.sizes[d])] for d in doc_ids if d in self.sizes}


def test_the_best_articles_are_added_after_the_retrieved_passages():
    store = FakeArticles({"a": 4, "b": 3, "c": 2})
    retrieved = [_passage("b", 1, 100), _passage("a", 0, 0), _passage("b", 2, 200), _passage("c", 0, 0)]
    out = ArticleExpander(store, articles=2).run(retrieved)
    assert out[:4] == retrieved, "the retrieved passages stay first, in their order"
    assert [p.chunk_id for p in out[4:]] == ["b:0", "a:1", "a:2", "a:3"], "then the rest of b, then of a, in reading order"
    assert store.asked == [["b", "a"]], "the first two distinct articles, in one read"
    assert len({p.chunk_id for p in out}) == len(out)


def test_expansion_is_capped_and_can_be_turned_off():
    store = FakeArticles({"a": 50})
    retrieved = [_passage("a", 7, 700)]
    capped = ArticleExpander(store, articles=1, max_chunks=5).run(retrieved)
    assert [p.chunk_id for p in capped] == ["a:7", "a:0", "a:1", "a:2", "a:3", "a:4"]
    assert ArticleExpander(store, articles=0).run(retrieved) == retrieved
    assert ArticleExpander(store, articles=2).run([]) == []


def _pipeline(settings) -> Pipeline:
    pipe = Pipeline(replace(settings, chunk_tokens=40, chunk_overlap_sentences=0))
    index_articles(pipe.store, pipe.embedder, [READOUT, OTHER], pipe.settings)
    return pipe


def _reads_the_whole_readout(pipe: Pipeline) -> None:
    chunks = pipe.store.keyword.article_chunk_ids(["readout", "other", "missing"])
    assert set(chunks) == {"readout", "other"} and len(chunks["readout"]) >= 3 and len(chunks["other"]) == 1
    retrieved = pipe.retriever.retrieve("Blinken Marsudi Jakarta", k=1, mode="bm25")
    assert [p.doc_id for p in retrieved] == ["readout"] and retrieved[0].start == 0
    read = pipe.reader_passages(retrieved)
    assert read[0] == retrieved[0]
    assert [p.chunk_id for p in read] == chunks["readout"], "the whole readout, nothing of the other article"
    assert [p.start for p in read] == sorted(p.start for p in read)
    joined = " ".join(p.text for p in read)
    assert "Fulbright" in joined and "Fulbright" not in retrieved[0].text
    for p in read:  # each added passage is the stored article's text at its offsets
        assert READOUT.text[p.start : p.end] == p.text and p.title == READOUT.title and p.date == READOUT.date
    request = pipe.reader_input("What did Blinken and Marsudi agree on?", retrieved)
    assert request.passages == read
    pipe.close()


def test_the_reader_reads_the_whole_retrieved_article_on_sqlite(hash_settings):
    _reads_the_whole_readout(_pipeline(hash_settings))


def test_the_reader_reads_the_whole_retrieved_article_on_postgres(hash_settings, pg_url):
    _reads_the_whole_readout(_pipeline(hash_settings.with_(database_url=pg_url)))


def test_expansion_setting_is_read_from_the_environment(monkeypatch):
    import pytest

    from assistant.errors import SettingsError
    from assistant.settings import Settings

    monkeypatch.setenv("ASSISTANT_EXPAND_ARTICLES", "0")
    assert Settings.from_env().expand_articles == 0
    monkeypatch.setenv("ASSISTANT_EXPAND_ARTICLES", "-1")  # would read all but the last article
    with pytest.raises(SettingsError, match="ASSISTANT_EXPAND_ARTICLES='-1' must be at least 0"):
        Settings.from_env()
    monkeypatch.delenv("ASSISTANT_EXPAND_ARTICLES")
    assert Settings.from_env().expand_articles == 2
