"""What the UI adds around the chat: example questions from the corpus, date ranges per source, the Markdown export,
the warm-up before serving, and a theme whose fonts have every glyph."""

import re

from assistant.answer.types import Answer, Citation
from assistant.documents import Article
from assistant.indexer import index_articles
from assistant.pipeline import Pipeline
from assistant.ui.examples import example_questions, question_from_title
from assistant.ui.export import conversation_markdown, md_escape, md_url
from assistant.ui.render import ChatEntry

ARTS = [
    Article(id="a", title="Readout of the Call with Chancellor Scholz", date="2024-02-01", source="The White House",
            text="President Biden spoke with Chancellor Scholz of Germany about Ukraine and energy."),
    Article(id="b", title="Fact Sheet: Biden meets Kishida", date="2023-01-13", source="The White House",
            text="President Biden welcomed Prime Minister Kishida to the White House. They discussed Taiwan."),
    Article(id="c", title="Blinken in Jakarta", date="2022-07-10", source="U.S. Department of State",
            text="Secretary Blinken met Foreign Minister Retno Marsudi in Jakarta. They discussed ASEAN."),
    Article(id="d", title="Undated note", date=None, source="U.S. Department of State",
            text="Officials met in Oslo to discuss fisheries and Arctic shipping lanes."),
]  # fmt: skip


def test_questions_come_from_titles_one_source_after_another():
    readout = question_from_title("Readout of the Call with Chancellor Scholz")
    assert readout == "What came out of the Call with Chancellor Scholz?"
    assert question_from_title("Fact Sheet: Biden meets Kishida") == "What do the articles say about “Biden meets Kishida”?"
    assert question_from_title("x" * 200) is None and question_from_title("  ") is None
    docs = [{"title": a.title, "source": a.source} for a in ARTS]  # newest first
    qs = example_questions(docs, n=3)
    assert qs == [
        "What came out of the Call with Chancellor Scholz?",
        "What do the articles say about “Blinken in Jakarta”?",  # the second source before the first's second title
        "What do the articles say about “Biden meets Kishida”?",
    ]
    assert example_questions(docs + docs, n=10) == example_questions(docs, n=10)  # no duplicates
    assert example_questions([], n=5) == []


def test_store_date_ranges_per_source_and_examples_from_the_index(hash_settings):
    from assistant.ui.app import AssistantUI

    pipe = Pipeline(hash_settings)
    try:
        index_articles(pipe.store, pipe.embedder, ARTS, pipe.settings)
        ranges = {r.source: r for r in pipe.store.date_ranges()}
        wh, state = ranges["The White House"], ranges["U.S. Department of State"]
        assert (wh.first, wh.last, wh.documents, wh.undated) == ("2023-01-13", "2024-02-01", 2, 0)
        assert (state.first, state.last, state.documents, state.undated) == ("2022-07-10", "2022-07-10", 2, 1)
        ui = AssistantUI(pipe)
        assert ui.examples()[0] == "What came out of the Call with Chancellor Scholz?"  # the newest title
        assert len(ui.examples()) == 4
        html = ui.ranges_html()
        assert "2023-01-13</td><td>2024-02-01" in html and "U.S. Department of State" in html
    finally:
        pipe.close()


PAYLOAD = "Talks <script>alert(1)</script> in [Rome](javascript:x) with *stars* & _under_\n# not a heading\n1. no list"


def _entry():
    quote = "The envoy said <b>peace</b> [is] near & *soon*."
    cite = Citation(1, "d", "d:0", "Geneva <img src=x> [talks]", "2024-02-02", "Wire", "https://ex.test/a b?q=<x>", quote, 0, 10)
    bad = Citation(2, "e", "e:0", "Other", None, "Wire", "javascript:alert(1)", "Second quote.", 0, 5)
    ans = Answer(
        question="Q",
        answer=f"{PAYLOAD} [1] [9]\n\n- point one [1]\n- point two [2]",
        refused=False,
        citations=[cite, bad],
        retrieved=[],
        timings_ms={},
    )
    return ChatEntry(question="What <i>happened</i>?", answer=ans, paragraphs={})


def test_markdown_export_has_questions_markers_sources_and_escapes_article_text():
    md = conversation_markdown([_entry()])
    assert "## 1. What \\<i\\>happened\\</i\\>?" in md
    assert "\\<script\\>alert(1)\\</script\\>" in md and not re.search(r"(?<!\\)<(script|img|b>|i>)", md)
    assert "\\[Rome\\](javascript:x)" in md and "\\*stars\\* \\& \\_under\\_" in md
    assert "\n\\# not a heading" in md and "\n1\\. no list" in md
    assert "[1]" in md and "[9]" not in md  # valid markers kept, invalid ones dropped as in the UI
    assert "- point one [1]\n- point two [2]" in md  # an overview stays a list
    assert "[1] **Geneva \\<img src=x\\> \\[talks\\]**, Wire, 2024-02-02, <https://ex.test/a%20b?q=%3Cx%3E>" in md
    assert "> The envoy said \\<b\\>peace\\</b\\> \\[is\\] near \\& \\*soon\\*." in md
    assert "date unknown" in md and "javascript:alert(1)" in md and "<javascript" not in md
    assert not re.search(r"(?<!\\)\]\(javascript", md)
    assert md_url("ftp://x") is None and md_escape("- a\n+ b") == "\\- a\n\\+ b"


def _render_commonmark(md: str) -> str:
    """markdown-it-py (installed with gradio, through rich): a CommonMark renderer, as a reader's viewer would use."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").render(md)


def test_exported_markdown_renders_as_inert_text():
    html = _render_commonmark(conversation_markdown([_entry()]))
    assert "<script" not in html and "<img" not in html and "<b>" not in html and 'href="javascript' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<h1>" in html and html.count("<h1>") == 1
    assert '<a href="https://ex.test/a%20b?q=%3Cx%3E">' in html
    assert re.search(r"<li>point one \[1\]</li>", html)


def test_warm_up_loads_the_reader_before_any_question(hash_settings):
    pipe = Pipeline(hash_settings)
    try:
        assert pipe.extractive._ranker is None and pipe.store._vectors is None  # Chroma opens on first use
        took = pipe.warm_up()
        assert took > 0 and pipe.extractive._ranker is not None and pipe._chain is not None
        assert pipe.store._vectors is not None  # Chroma is open
    finally:
        pipe.close()


def test_theme_fonts_have_every_latin_glyph():
    """Each @font-face of the theme points at a font file with A-Z, a-z and 0-9 (gradio's default semi-bold
    Source Sans Pro file has 55 glyphs, so bold headings mixed fonts)."""
    from fontTools.ttLib import TTFont
    from gradio.themes.utils.fonts import STATIC_FONTS_DIR

    from assistant.ui.app import theme

    css = theme()._get_theme_css()
    files = re.findall(r"url\('static/fonts/([^']+)'\)", css)
    assert files
    latin = {ord(c) for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789’“”–·"}
    for name in files:
        needed = latin | ({ord("✓"), ord("✗")} if name.startswith("SourceSansPro/") else set())  # the feedback buttons
        cmap = TTFont(STATIC_FONTS_DIR / name).getBestCmap()
        assert needed <= set(cmap), f"{name} lacks {sorted(chr(c) for c in needed - set(cmap))}"


def test_feedback_from_the_ui_names_the_article_by_title_and_keeps_the_history(hash_settings):
    from assistant.feedback import FeedbackStore
    from assistant.ui.app import AssistantUI

    pipe = Pipeline(hash_settings)
    try:
        index_articles(pipe.store, pipe.embedder, ARTS, pipe.settings)
        ui = AssistantUI(pipe)
        assert ui.feedback([], None, "up") == "Ask a question first."
        turns = [ui.turn_for(q, [], ui._filters("", "", "All sources"), 4) for q in ("Who met Retno Marsudi?", "Where?")]
        msg = ui.feedback(turns, 1, "down", "Jakarta", "blinken in jak")
        assert "Supporting article: c." in msg
        assert "not found" in ui.feedback(turns, None, "down", "", "no such title")
        assert ui.feedback(turns, 5, "up") == "Choose an answer of this conversation."
        first, second = FeedbackStore(hash_settings.feedback_path).read()
        assert first.doc_ids == ["c"] and first.answers == ["Jakarta"] and first.type == "followup"
        assert first.history == [{"question": "Who met Retno Marsudi?", "answer": turns[0].answer.answer}]
        assert second.answers == [] and second.article == "no such title" and second.question == "Where?"
    finally:
        pipe.close()


class _RecordingLLM:
    """An answerer standing in for an LLM backend: it records calls (the warm-up must not make any)."""

    name = "recording"

    def __init__(self):
        self.calls = []

    def answer(self, question, passages, on_token=None):
        self.calls.append(question)
        raise AssertionError("the warm-up called the LLM")


def test_warm_up_with_an_llm_backend_warms_the_reader_without_calling_the_llm(hash_settings):
    llm = _RecordingLLM()
    pipe = Pipeline(hash_settings, answerer=llm)
    try:
        index_articles(pipe.store, pipe.embedder, ARTS, pipe.settings)
        assert pipe.answerer is not pipe.extractive and pipe.extractive._ranker is None
        pipe.warm_up()
        assert llm.calls == [] and pipe.extractive._ranker is not None and pipe._chain is not None
    finally:
        pipe.close()


def test_the_self_sent_warm_up_event_sends_no_telemetry(monkeypatch):
    """gradio_client reports usage to huggingface.co unless told not to; serve's own client must not."""
    import gradio_client

    from assistant.ui import app

    seen = {}

    class Recorder:
        def __init__(self, url, **kwargs):
            seen.update(kwargs)

        def predict(self, *args, **kwargs):
            return None

    monkeypatch.setattr(gradio_client, "Client", Recorder)
    app.warm_events("http://127.0.0.1:1/", None)
    assert seen.get("analytics_enabled") is False
