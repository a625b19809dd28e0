"""Near-duplicates: the same story from two outlets is indexed once, with both outlets as its sources."""

from conftest import corpus_records

from assistant.documents import Article
from assistant.indexer import index_articles
from assistant.pipeline import Pipeline


def test_same_story_two_outlets_is_one_article_with_two_sources(hash_settings):
    rec = corpus_records(3)[2]
    body = rec["text"]
    a = Article(
        id="wire-a",
        title=rec["title"],
        date=rec["date"],
        source="Outlet A",
        url="https://a.example/story",
        text=f"OUTLET A — Breaking news desk\n{body}\nCopyright Outlet A. Subscribe for more.",
    )
    b_text = f"By staff of Outlet B\n{body}\nFollow Outlet B on social media."
    b = Article(
        id="wire-b",
        title=rec["title"] + " | Outlet B",
        date=rec["date"],
        source="Outlet B",
        url="https://b.example/world/123",
        text=b_text,
    )
    other = Article(
        id="other",
        title="Unrelated",
        date="2024-01-01",
        source="Outlet C",
        text="The trade ministers met in Geneva to discuss tariffs on steel and aluminium imports.",
    )
    pipe = Pipeline(hash_settings)
    result = index_articles(pipe.store, pipe.embedder, [a, b, other], pipe.settings)
    assert (result.added, result.merged) == (2, 1)
    assert pipe.store.keyword.counts()["documents"] == 2
    assert [s["source"] for s in pipe.store.also_reported_by("wire-a")] == ["Outlet B"]
    # a re-run changes nothing; the duplicate stays merged
    again = index_articles(pipe.store, pipe.embedder, [a, b, other], pipe.settings)
    assert (again.added, again.unchanged, again.merged) == (0, 2, 1)
    first_sentence = body.split(". ")[0]
    ans = pipe.ask(first_sentence + "?")
    cited = [c for c in ans.citations if c.doc_id == "wire-a"]
    assert cited, ans.answer
    assert cited[0].also_reported_by[0]["url"] == "https://b.example/world/123"
    pipe.close()


def test_different_stories_are_not_merged(hash_settings):
    recs = corpus_records(40)
    arts = [Article(id=r["id"], title=r["title"], text=r["text"], date=r["date"], source=r["source"]) for r in recs]
    pipe = Pipeline(hash_settings)
    result = index_articles(pipe.store, pipe.embedder, arts, pipe.settings)
    assert result.merged == 0 and result.added == len(arts)
    pipe.close()
