"""The web UI's "Find the source" tab and /cite endpoint, without a browser: cards, highlighting, escaping, bad input."""

from __future__ import annotations

import pytest
from test_lookup import FIXTURES, SEED_QUOTE, STATEMENT, _index


@pytest.fixture
def cite_ui(hash_settings, tmp_path):
    from assistant.pipeline import Pipeline
    from assistant.ui.cite_tab import CiteUI

    hostile = {
        **FIXTURES[0],
        "id": "hostile",
        "date": "2024-04-01",
        "source": "Odd Site",
        "url": "javascript:alert(1)",
        "title": "<img src=x onerror=alert(1)>",
        "text": "Officials met on Monday. <script>alert(1)</script> the delegates agreed to hold a second round of "
        "talks on maritime borders in Lisbon next month. Nothing else was announced.",
    }
    FIXTURES.append(hostile)
    try:
        _index(hash_settings, tmp_path)
    finally:
        FIXTURES.remove(hostile)
    pipe = Pipeline(hash_settings)
    yield CiteUI(pipe)
    pipe.close()


def test_cards_highlight_the_sentence_in_its_paragraph(cite_ui):
    html = cite_ui.find(SEED_QUOTE, "", "", "All sources", 5)
    assert "verbatim" in html and "<mark>" in html and "Heydar Aliyev" in html
    assert "Pezeshkian visits Baku" in html and "src-card" in html


def test_copies_are_listed_under_the_earliest(cite_ui):
    html = cite_ui.find(STATEMENT, "", "", "All sources", 5)
    assert html.index("Agency Wire") < html.index("The White House") < html.index("Daily Paper")
    assert "first:" in html and "copy of wh-riga" in html


def test_article_text_is_escaped_and_unsafe_links_are_not_links(cite_ui):
    html = cite_ui.find("the delegates agreed to hold a second round of talks on maritime borders in Lisbon", "", "", "", 5)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<img" not in html and "&lt;img" in html
    assert 'href="javascript' not in html


def test_no_source_found_and_bad_input_are_one_line(cite_ui):
    html = cite_ui.find("The moon was annexed by Luxembourg in 1999.", "", "", "", 5)
    assert "No source found" in html and "not matching" in html
    for bad in ("", "<b>bold</b> claim here", "x" * 10_000):
        out = cite_ui.find(bad, "", "", "", 5)
        assert out.startswith("<p><span") and out.count("<p>") == 1 and "Traceback" not in out
    assert "since" in cite_ui.find(STATEMENT, "yesterday", "", "", 5)


def test_the_cite_endpoint_returns_the_cli_json(cite_ui):
    out = cite_ui.api_cite(STATEMENT, since="2024-03-02")
    assert out["found"] and out["sentences"][0]["hits"][0]["sources"][0]["doc_id"] == "paper-riga"


def test_the_app_has_the_tab_and_the_endpoint(cite_ui):
    from assistant.ui.app import build_app

    app = build_app(cite_ui.pipe)
    names = {getattr(fn, "api_name", None) for fn in app.fns.values()}
    assert "cite" in names
    assert "Find the source" in str(app.config)
