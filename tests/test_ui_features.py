"""What the UI adds around the chat: example questions the assistant answers, thumbs feedback, date errors worded
for a person, date ranges per source, the Markdown export, the warm-up before serving, and complete theme fonts."""

import re

from assistant.answer.types import Answer, Citation
from assistant.documents import Article
from assistant.indexer import index_articles
from assistant.pipeline import Pipeline
from assistant.ui.examples import candidate_questions, example_questions, questions_from_title
from assistant.ui.export import conversation_markdown, md_escape, md_url
from assistant.ui.render import ChatEntry

ARTS = [
    Article(
        id="a",
        title="Readout of President Biden’s Call with Chancellor Scholz of Germany",
        date="2024-02-01",
        source="The White House",
        text="President Biden spoke with Chancellor Scholz of Germany about Ukraine and energy.",
    ),
    Article(
        id="b",
        title="Fact Sheet: Biden meets Kishida",
        date="2023-01-13",
        source="The White House",
        text="President Biden welcomed Prime Minister Kishida to the White House. They discussed Taiwan.",
    ),
    Article(
        id="c",
        title="Blinken in Jakarta",
        date="2022-07-10",
        source="U.S. Department of State",
        text="Secretary Blinken met Foreign Minister Retno Marsudi in Jakarta. They discussed ASEAN.",
    ),
    Article(
        id="d",
        title="Undated note",
        date=None,
        source="U.S. Department of State",
        text="Officials met in Oslo to discuss fisheries and Arctic shipping lanes.",
    ),
]


def test_questions_are_ones_a_person_asks_from_recent_readouts():
    readout = "Readout of President Biden’s Call with His Majesty King Abdullah II of Jordan"
    assert questions_from_title(readout, "2024-12-09") == [
        "What did President Biden and King Abdullah II discuss?",
        "Who did President Biden call in December 2024?",
    ]
    meeting = questions_from_title("Readout of Vice President Kamala Harris’ Meeting with Prime Minister Trudeau of Canada")
    assert meeting == ["What did Vice President Kamala Harris and Prime Minister Trudeau discuss?"]
    assert questions_from_title("Pezeshkian visits Baku as Iran seeks ties") == ["Who did Pezeshkian meet in Baku?"]
    assert questions_from_title("Art in Embassies") == [] and questions_from_title("Readout of a, b, and c") == []
    docs = [
        {"title": "Readout of President Biden’s Call with Chancellor Scholz of Germany", "date": "2024-02-01"},
        {"title": "Readout of Secretary Blinken’s Meeting with Foreign Minister Wang Yi", "date": "2023-11-10"},
        {"title": "Readout of President Biden’s Meeting with Prime Minister Kishida of Japan", "date": "2023-03-13"},
        {"title": "Readout of President Biden’s Call with President Macron of France", "date": "2021-01-13"},
        {"title": "Art in Embassies", "date": "2026-01-01"},
    ]  # newest readout first; 2021 is more than a year before the newest readout
    qs = candidate_questions(docs)
    assert qs == [
        "What did President Biden and Chancellor Scholz discuss?",
        "Who did Secretary Blinken meet in November 2023?",  # one leader after another, the two kinds in turn
        "What did President Biden and Prime Minister Kishida discuss?",
    ]
    asked = []
    kept = example_questions(docs, lambda q: asked.append(q) or "Blinken" not in q, n=5)
    assert asked == qs and kept == [qs[0], qs[2]]  # a refused question is dropped
    assert example_questions(docs, lambda q: True, n=1) == qs[:1] and example_questions([], lambda q: True) == []


def test_store_date_ranges_per_source_and_examples_the_assistant_answers(hash_settings):
    from assistant.ui.app import AssistantUI

    pipe = Pipeline(hash_settings)
    try:
        index_articles(pipe.store, pipe.embedder, ARTS, pipe.settings)
        ranges = {r.source: r for r in pipe.store.date_ranges()}
        wh, state = ranges["The White House"], ranges["U.S. Department of State"]
        assert (wh.first, wh.last, wh.documents, wh.undated) == ("2023-01-13", "2024-02-01", 2, 0)
        assert (state.first, state.last, state.documents, state.undated) == ("2022-07-10", "2022-07-10", 2, 1)
        ui = AssistantUI(pipe)
        offered = ui.examples()
        assert offered and all(q in candidate_questions(pipe.store.find_documents("", limit=2000)) for q in offered)
        for q in offered:  # every example offered is answered, not refused
            ans = pipe.ask(q)
            assert not ans.refused and ans.citations, q
        assert not ui.answers("   ")  # a question the pipeline rejects is not offered either
        html = ui.ranges_html()
        assert "2023-01-13</td><td>2024-02-01" in html and "U.S. Department of State" in html
    finally:
        pipe.close()


def test_bad_dates_are_worded_for_a_person_and_ask_nothing(hash_settings):
    import pytest

    from assistant.errors import AssistantError
    from assistant.ui.app import AssistantUI
    from assistant.ui.handlers import date_problem

    assert date_problem("2024-13-01", "") == "Since: '2024-13-01' is not a date; use YYYY-MM-DD, e.g. 2024-03-01."
    assert date_problem("", "soon").startswith("Until: 'soon' is not a date")
    assert date_problem("2025-01-01", "2024-01-01") == "Since (2025-01-01) is after Until (2024-01-01); swap them."
    assert date_problem("2024-01-01", "2024-12-31") is None and date_problem(None, " ") is None
    pipe = Pipeline(hash_settings)
    try:
        index_articles(pipe.store, pipe.embedder, ARTS, pipe.settings)
        ui = AssistantUI(pipe)
        (step,) = ui.steps("Who met Retno Marsudi?", [], "2024-13-01", "", "All sources", 4)
        assert step.field_error.startswith("Since: '2024-13-01'") and step.turns == [] and step.kept == "Who met Retno Marsudi?"
        with pytest.raises(AssistantError, match="is not a date"):
            ui.api_ask("Who met Retno Marsudi?", [], "2024-13-01")
    finally:
        pipe.close()


def test_a_user_error_through_the_api_reaches_the_client_without_a_traceback():
    import gradio as gr
    import pytest

    from assistant.errors import AssistantError
    from assistant.ui.app import _reported

    def ask(question: str, since: str = "") -> dict:
        raise AssistantError("Since: 'x' is not a date; use YYYY-MM-DD, e.g. 2024-03-01.")

    wrapped = _reported(gr, ask)
    with pytest.raises(gr.Error) as err:
        wrapped("q", since="x")
    assert err.value.print_exception is False and "is not a date" in err.value.message
    import inspect

    assert list(inspect.signature(wrapped).parameters) == ["question", "since"]  # Gradio builds the API from it


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
        needed = latin | ({ord("×")} if name.startswith("SourceSansPro/") else set())  # the filter chips
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


def test_a_thumbs_up_is_recorded_and_a_thumbs_down_waits_for_its_correction(hash_settings):
    from assistant.feedback import FeedbackStore
    from assistant.ui.app import AssistantUI

    pipe = Pipeline(hash_settings)
    try:
        index_articles(pipe.store, pipe.embedder, ARTS, pipe.settings)
        ui = AssistantUI(pipe)
        qs = ("Who met Retno Marsudi?", "Where did Secretary Blinken meet her?", "Who spoke with Chancellor Scholz?")
        turns = []
        for q in qs:
            turns.append(ui.turn_for(q, turns, ui._filters("", "", "All sources"), 4))
        message, waiting = ui.like(turns, 3, False)  # the Chatbot's index of the second answer
        assert waiting == 1 and "answer 2" in message and not hash_settings.feedback_path.exists()
        ui.feedback(turns, waiting, "down", "Jakarta", "", "the city is missing")
        message, waiting = ui.like(turns, [3, 0], True)
        assert waiting is None and "right answer" in message
        assert ui.like(turns, 7, True) == ("Choose an answer of this conversation.", None)
        assert ui.like(turns, 1, "") == ("", None)  # a thumb taken back records nothing
        down, up = FeedbackStore(hash_settings.feedback_path).read()
        assert (down.verdict, down.question, down.answers) == ("down", qs[1], ["Jakarta"])
        assert down.comment == "the city is missing" and up.comment is None
        assert (up.verdict, up.question, [h["question"] for h in up.history]) == ("up", qs[1], [qs[0]])
    finally:
        pipe.close()


class _RecordingLLM:
    """An answerer standing in for an LLM backend: it records calls (the warm-up must not make any)."""

    name = "recording"
    kind = "llm"
    chat_model = None

    def __init__(self):
        self.calls = []

    def answer(self, request):
        self.calls.append(request.question)
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


def test_handlers_and_rendering_run_without_gradio():
    """What the buttons do is plain Python: importing it (and the HTML rendering) does not import gradio."""
    import subprocess
    import sys

    code = (
        "import sys, assistant.ui.handlers, assistant.ui.render, assistant.ui.sources, assistant.ui.examples; "
        "print('gradio' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_an_off_topic_question_counts_as_not_answered_on_the_real_corpus(real_pipeline):
    # On the real index and embedder the ranker was fit for; a four-article toy index with the hash embedder is outside
    # what the calibrator was fit on (the ranker warns), so its refusals are not a test of the product.
    from assistant.ui.app import AssistantUI

    assert not AssistantUI(real_pipeline).answers("What did the Pope say about whales in Antarctica?")
