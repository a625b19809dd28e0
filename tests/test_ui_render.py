"""Pure rendering of answers and sources: markers, highlight, escaping."""

from assistant.answer.types import Answer, Citation
from assistant.ui.render import (
    ChatEntry,
    highlight,
    paragraph_around,
    render_answer,
    render_conversation,
    render_sources,
    safe_url,
)

TEXT = "First paragraph.\nIRNA noted that <b>he</b> was greeted by Eyyubov. More text.\nLast."


def _cite(marker=1, url="https://example.test/a"):
    start = TEXT.index("IRNA")
    end = TEXT.index("Eyyubov.") + len("Eyyubov.")
    return Citation(marker, "d", "c", "Title <script>", None, "Src", url, TEXT[start:end], start, end)


def test_markers_become_buttons_and_invalid_ones_vanish():
    html = render_answer("Eyyubov [1] and [7].\n\nSecond [1]", turn=3, valid={1})
    assert html.count('class="cite"') == 2 and 'data-turn="3"' in html and 'data-cite="1"' in html
    assert "[7]" not in html and html.count("<p>") == 2


def test_highlight_marks_the_exact_span_inside_its_paragraph():
    c = _cite()
    para, start = paragraph_around(TEXT, c.start, c.end)
    assert para == "IRNA noted that <b>he</b> was greeted by Eyyubov. More text."
    out = highlight(para, start, c)
    assert out.startswith("<mark>IRNA noted that &lt;b&gt;he&lt;/b&gt; was greeted by Eyyubov.</mark>")
    assert out.endswith(" More text.") and "<b>" not in out


def test_article_and_user_text_are_escaped_everywhere():
    payload = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">'
    ans = Answer(
        question=payload,
        answer=f"{payload} [1]",
        refused=False,
        citations=[_cite(url="javascript:alert(1)")],
        retrieved=[],
        timings_ms={},
    )
    turn = ChatEntry(question=payload, answer=ans, paragraphs={1: paragraph_around(TEXT, ans.citations[0].start, 0)})
    html = render_conversation([turn]) + render_sources([turn])
    assert "<script" not in html and "<img" not in html and "onerror=" not in html.replace("onerror=&quot;", "")
    assert "&lt;script&gt;" in html
    assert 'href="javascript' not in html  # a javascript: URL is shown as text, never a link


def test_safe_url():
    assert safe_url("https://www.whitehouse.gov/x") == "https://www.whitehouse.gov/x"
    assert safe_url("javascript:alert(1)") is None and safe_url("data:text/html,x") is None and safe_url(None) is None


def test_refusal_lists_closest_articles():
    ans = Answer(
        question="q",
        answer="The indexed articles do not say.",
        refused=True,
        citations=[],
        retrieved=[],
        timings_ms={},
        closest=[{"doc_id": "d", "title": "Near <i>miss</i>", "date": None}],
    )
    html = render_sources([ChatEntry("q", ans, {})])
    assert "Closest articles" in html and "Near &lt;i&gt;miss&lt;/i&gt;" in html


def test_overview_points_render_as_a_list_with_their_markers():
    from assistant.ui.render import render_answer

    html = render_answer("- They agreed on <b>trade</b>. [1]\n- They discussed energy. [2]\n\nMore. [3]", 1, {1, 2})
    assert html.startswith("<ul><li>They agreed on &lt;b&gt;trade&lt;/b&gt;.")
    assert html.count("<li>") == 2 and 'data-cite="2"' in html and 'data-cite="3"' not in html
    assert html.endswith("<p>More. </p>")
