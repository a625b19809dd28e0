"""Questions that name several months or years: the periods they name, and retrieval within each (real Chroma and
SQLite, hash embedder)."""

import pytest

from assistant.documents import Article
from assistant.indexer import index_articles
from assistant.pipeline import Pipeline
from assistant.retrieval.filters import Filters
from assistant.retrieval.periods import Period, named_periods


def _spans(question: str) -> list[tuple[str, str]]:
    return [(p.since, p.until) for p in named_periods(question)]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        (
            "Where did Blinken meet Jaishankar in May 2021 and in February 2022?",
            [("2021-05-01", "2021-05-31"), ("2022-02-01", "2022-02-28")],
        ),
        ("Which calls in February and March 2024?", [("2024-02-01", "2024-02-29"), ("2024-03-01", "2024-03-31")]),
        ("Who came in 2021 and in 2024?", [("2021-01-01", "2021-12-31"), ("2024-01-01", "2024-12-31")]),
        ("Who met on May 24, 2021 and June 3, 2022?", [("2021-05-01", "2021-05-31"), ("2022-06-01", "2022-06-30")]),
        ("In 2021, who met him?", [("2021-01-01", "2021-12-31")]),
        # a year holding a month also named, a year that is part of a name, and "May" the verb are not periods
        ("Which city in 2021, and where in June 2021?", [("2021-06-01", "2021-06-30")]),
        ("What did Harris announce for PACC 2030 in January 2024?", [("2024-01-01", "2024-01-31")]),
        ("May I ask who met Blinken in 2022?", [("2022-01-01", "2022-12-31")]),
        # a range is one span of time, not two periods to search apart
        ("Where did they meet between February and May 2022?", []),
        ("Who met Blinken today?", []),
    ],
)
def test_named_periods(question, expected):
    assert _spans(question) == expected


def test_period_containment():
    year, month = Period("2021-01-01", "2021-12-31"), Period("2021-06-01", "2021-06-30")
    assert year.contains(month) and not month.contains(year) and not year.contains(year)


def _readout(i: int, date: str, text: str) -> Article:
    return Article(id=f"r{i}", title=f"Readout {i}", date=date, source="U.S. Department of State", text=text)


@pytest.fixture
def busy_index(hash_settings):
    """Eight readouts of February 2022 that match a question's words closely, one of May 2021 that matches less, and
    one of June 2023 that matches best."""
    feb = [
        "Secretary Blinken met Minister Jaishankar in Melbourne on the margins of the Quad ministerial.",
        "In Melbourne, Minister Jaishankar and Secretary Blinken reviewed vaccine production targets.",
        "Secretary Blinken thanked Minister Jaishankar for India's help with stranded sailors near Melbourne.",
        "Minister Jaishankar told Secretary Blinken that the Quad should widen maritime awareness.",
        "Secretary Blinken and Minister Jaishankar spoke about critical minerals supply chains.",
        "Both Secretary Blinken and Minister Jaishankar condemned the missile launches of that week.",
        "Secretary Blinken met Minister Jaishankar again to prepare the leaders' summit agenda.",
        "Minister Jaishankar hosted Secretary Blinken for a working dinner on climate finance.",
    ]
    arts = [_readout(i, f"2022-02-{10 + i:02d}", text) for i, text in enumerate(feb)]
    arts.append(_readout(99, "2021-05-28", "The Secretary welcomed Dr. Jaishankar at the Department of State."))
    arts.append(_readout(50, "2023-06-01", "Where did Secretary Blinken meet Minister Jaishankar? In Melbourne and Washington."))
    pipe = Pipeline(hash_settings)
    index_articles(pipe.store, pipe.embedder, arts, hash_settings)
    yield pipe
    pipe.close()


@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
def test_each_named_period_is_searched(busy_index, mode):
    retrieve = busy_index.retriever.retrieve
    plain = retrieve("Where did Secretary Blinken meet Minister Jaishankar?", k=4, mode=mode)
    assert "r99" not in {p.doc_id for p in plain}  # one search: the busy month's articles fill the k passages
    got = retrieve("Where did Secretary Blinken meet Minister Jaishankar in May 2021 and in February 2022?", k=4, mode=mode)
    assert len(got) == 4
    assert "r99" in {p.doc_id for p in got}
    assert any(p.date and p.date.startswith("2022-02") for p in got)


def test_periods_stay_inside_the_filters(busy_index):
    question = "Where did Secretary Blinken meet Minister Jaishankar in May 2021 and in February 2022?"
    got = busy_index.retriever.retrieve(question, k=4, filters=Filters(since="2022-01-01"))
    assert got and all(p.date >= "2022-01-01" for p in got)
    got = busy_index.retriever.retrieve(question, k=4, filters=Filters(until="2021-12-31"))
    assert [p.doc_id for p in got] == ["r99"]


def test_the_unrestricted_search_keeps_a_share(busy_index):
    """Periods fill at most k // (periods + 1) places each: the best article of another date is still found."""
    question = "Where did Secretary Blinken meet Minister Jaishankar in May 2021 and in February 2022?"
    got = [p.doc_id for p in busy_index.retriever.retrieve(question, k=6)]
    assert len(got) == 6 and "r50" in got and "r99" in got
