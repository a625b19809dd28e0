"""Property-based tests: hostile and broken input never crashes the parsers; each item is an Article or a clear error."""

import datetime as dt
import json
import string

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from assistant.documents import Article
from assistant.ingest.chunking import chunk_article
from assistant.ingest.parse import IngestError, parse_path
from assistant.store.fts import fts_query
from assistant.text import split_sentences

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
WEIRD = st.sampled_from(
    [
        "\u200b",
        "\u200f",
        "\u202e",
        "\ufeff",
        "\x00",
        "\x1b",
        "\u0645\u0631\u062d\u0628\u0627",
        "Зеленский",
        "習近平",
        "\ud7ff",
        "🇺🇦",
        "\r\n",
        "\t",
        '"',
        "\\",
        "{",
        "]",
    ]
)
TEXTS = st.lists(st.one_of(st.text(min_size=0, max_size=40), WEIRD), max_size=30).map("".join)
VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), TEXTS),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)),
    max_leaves=10,
)


def _check_items(items, path):
    assert items, "every file yields at least one article or error"
    for item in items:
        assert isinstance(item, Article | IngestError)
        if isinstance(item, IngestError):
            assert item.where.startswith(str(path)) and item.message
        else:
            assert item.text and item.id
            for c in chunk_article(item, max_tokens=64):
                assert item.text[c.start : c.end] == c.text


@FUZZ
@given(data=st.binary(max_size=2000))
def test_random_bytes_as_any_file_type(tmp_path_factory, data):
    d = tmp_path_factory.mktemp("fz")
    for name in ("x.jsonl", "x.txt", "x.md", "x.html"):
        p = d / name
        p.write_bytes(data)
        _check_items(list(parse_path(p)), p)


@FUZZ
@given(record=st.dictionaries(st.sampled_from(["id", "title", "date", "source", "url", "text", "extra"]), VALUES))
def test_jsonl_records_with_wrong_types(tmp_path_factory, record):
    p = tmp_path_factory.mktemp("fz") / "r.jsonl"
    p.write_text(json.dumps(record) + "\n", encoding="utf-8")
    items = list(parse_path(p))
    _check_items(items, p)
    text_ok = isinstance(record.get("text"), str) and record["text"].strip("".join(c for c in string.whitespace) + "\u200b\ufeff")
    if not text_ok:
        assert all(isinstance(i, IngestError) for i in items)


@FUZZ
@given(text=TEXTS, cut=st.integers(min_value=0, max_value=400))
def test_truncated_jsonl_lines(tmp_path_factory, text, cut):
    line = json.dumps({"id": "a", "title": "T", "date": "2024-01-02", "text": text or "x"})
    p = tmp_path_factory.mktemp("fz") / "t.jsonl"
    p.write_text(line[:cut] + "\n" + line + "\n", encoding="utf-8")
    _check_items(list(parse_path(p)), p)


def test_deeply_nested_and_huge_lines(tmp_path):
    p = tmp_path / "n.jsonl"
    deep = "[" * 100_000 + "]" * 100_000
    p.write_text(deep + "\n" + json.dumps({"text": "x" * 6_000_000}) + "\n" + json.dumps({"text": "fine."}) + "\n")
    items = list(parse_path(p))
    errors = [i for i in items if isinstance(i, IngestError)]
    assert len(errors) == 2 and any("too deeply" in e.message or "expected a JSON object" in e.message for e in errors)
    assert any("longer than" in e.message for e in errors)
    assert [i.text for i in items if isinstance(i, Article)] == ["fine."]


UNKNOWN_DATES = {"", "unknown", "none", "null", "n/a", "undated"}


def _iso_day(raw: str) -> str | None:
    """The oracle: a calendar day written yyyy-mm-dd at the start, else None."""
    try:
        return dt.date.fromisoformat(raw.strip()[:10]).isoformat()
    except ValueError:
        return None


@FUZZ
@given(date=st.one_of(TEXTS, st.dates().map(str), st.integers().map(str)))
@example(date="2023-13-01")
@example(date="2024-02-30")
@example(date="31/12/2023")
@example(date="yesterday")
@example(date="2024-01-02T10:00:00Z")
@example(date=" unknown ")
def test_invalid_dates_give_a_field_error(tmp_path_factory, date):
    p = tmp_path_factory.mktemp("fz") / "d.jsonl"
    p.write_text(json.dumps({"text": "Some text here.", "date": date}) + "\n", encoding="utf-8")
    (item,) = list(parse_path(p))
    if date.strip().lower() in UNKNOWN_DATES:
        assert isinstance(item, Article) and item.date is None
    elif _iso_day(date) is not None:
        assert isinstance(item, Article) and item.date == _iso_day(date)
    else:  # a bad date is rejected with a message naming the field, never indexed
        assert isinstance(item, IngestError) and "field 'date'" in item.message, item


@FUZZ
@given(text=TEXTS)
def test_sentence_offsets_always_slice_the_text(text):
    for s in split_sentences(text):
        assert 0 <= s.start < s.end <= len(text)
        assert text[s.start : s.end].strip() == text[s.start : s.end]


@FUZZ
@given(q=TEXTS)
def test_fts_query_never_carries_syntax(q):
    expr = fts_query(q)
    for term in filter(None, expr.split(" OR ")):
        assert term.startswith('"') and term.endswith('"') and '"' not in term[1:-1]
