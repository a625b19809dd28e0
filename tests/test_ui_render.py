"""Pure rendering of the chat and the sources panel: markers, one card per article, site links, the follow-up line,
a refusal's closest articles, Chatbot messages, and escaping."""

from assistant.answer.types import Answer, Citation
from assistant.ui.render import (
    ChatEntry,
    chat_messages,
    link,
    paragraph_around,
    render_answer,
    render_conversation,
    safe_url,
    site_name,
)
from assistant.ui.sources import group_by_article, highlight, render_sources

TEXT = "First paragraph.\nIRNA noted that <b>he</b> was greeted by Eyyubov. More text.\nLast."
LONG_URL = "https://www.whitehouse.gov/briefing-room/statements-releases/2024/02/01/readout-of-a-very-long-title/"


def _cite(marker=1, url="https://example.test/a", doc="d"):
    start = TEXT.index("IRNA")
    end = TEXT.index("Eyyubov.") + len("Eyyubov.")
    return Citation(marker, doc, "c", "Title <script>", None, "Src", url, TEXT[start:end], start, end)


def _answer(citations, text="Answer [1]", refused=False, **kw):
    return Answer(question="q", answer=text, refused=refused, citations=citations, retrieved=[], timings_ms={}, **kw)


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
    ans = _answer([_cite(url="javascript:alert(1)")], text=f"{payload} [1]", standalone_question=payload, notes=[payload])
    turn = ChatEntry(question=payload, answer=ans, paragraphs={1: paragraph_around(TEXT, ans.citations[0].start, 0)})
    refusal = _answer([], text="No.", refused=True, closest=[{"title": payload, "url": "javascript:x", "date": payload}])
    turns = [turn, ChatEntry(question=payload, answer=refusal, paragraphs={})]
    html = render_conversation(turns) + render_sources(turns) + "".join(m["content"] for m in chat_messages(turns))
    assert "<script" not in html and "<img" not in html and "onerror=" not in html.replace("onerror=&quot;", "")
    assert "&lt;script&gt;" in html
    assert 'href="javascript' not in html  # a javascript: URL is shown as text, never a link


def test_safe_url_and_links_read_as_the_site():
    assert safe_url("https://www.whitehouse.gov/x") == "https://www.whitehouse.gov/x"
    assert safe_url("javascript:alert(1)") is None and safe_url("data:text/html,x") is None and safe_url(None) is None
    assert site_name(LONG_URL) == "whitehouse.gov" and site_name("https://state.gov") == "state.gov"
    html = link(LONG_URL)
    assert ">whitehouse.gov</a>" in html and f'href="{LONG_URL}"' in html and 'rel="noopener noreferrer"' in html
    assert link("javascript:alert(1)") == "javascript:alert(1)"  # text, not a link


def test_one_card_per_article_with_all_its_quotes():
    cites = [_cite(1, LONG_URL, "d"), _cite(2, "https://x.test/b", "e"), _cite(3, LONG_URL, "d")]
    assert [[c.marker for c in g] for g in group_by_article(cites)] == [[1, 3], [2]]
    html = render_sources([ChatEntry("q", _answer(cites), {})])
    assert html.count('class="src-card"') == 2 and html.count('class="quote"') == 3
    first = html[html.index('id="card-0-0"') : html.index('id="card-0-1"')]
    assert 'id="src-0-1"' in first and 'id="src-0-3"' in first and 'id="src-0-2"' not in first  # markers find their quote
    assert "[1][3]" in first and ">whitehouse.gov</a>" in first and f">{LONG_URL}<" not in html


def test_follow_up_shows_how_it_was_understood():
    follow = _answer([_cite()], standalone_question="What did Pezeshkian discuss in Baku?")
    messages = chat_messages([ChatEntry("q0", _answer([_cite()]), {}), ChatEntry("What did he discuss?", follow, {})])
    assert [m["role"] for m in messages] == ["user", "assistant", "user", "assistant"]  # answer i is message 2i+1
    assert "understood as" not in messages[0]["content"]
    assert 'class="understood">understood as: What did Pezeshkian discuss in Baku?' in messages[2]["content"]


def test_refusal_lists_closest_articles_once_as_links():
    closest = [
        {"doc_id": "d", "title": "Near <i>miss</i>", "date": "2024-01-02", "source": "Wire", "url": LONG_URL},
        {"doc_id": "e", "title": "No link", "date": None, "source": "Wire", "url": None},
    ]
    text = "The indexed articles do not say. Closest articles: Near <i>miss</i> (2024-01-02); No link (date unknown)."
    entry = ChatEntry("q", _answer([], text=text, refused=True, closest=closest), {})
    html = render_conversation([entry])
    assert html.count("Closest articles") == 1 and html.count("Near &lt;i&gt;miss&lt;/i&gt;") == 1
    assert f'<a href="{LONG_URL}"' in html and ">Near &lt;i&gt;miss&lt;/i&gt;</a>" in html
    assert "No link" in html and "Closest articles" not in render_sources([entry])


def test_overview_points_render_as_a_list_with_their_markers():
    html = render_answer("- They agreed on <b>trade</b>. [1]\n- They discussed energy. [2]\n\nMore. [3]", 1, {1, 2})
    assert html.startswith("<ul><li>They agreed on &lt;b&gt;trade&lt;/b&gt;.")
    assert html.count("<li>") == 2 and 'data-cite="2"' in html and 'data-cite="3"' not in html
    assert html.endswith("<p>More. </p>")


def test_a_thumbs_down_opens_the_correction_fields_inside_that_answer_only():
    from assistant.ui.chat_tab import correction_fields

    turns = [ChatEntry(f"q{i}", _answer([_cite()]), {}) for i in range(3)]
    messages = chat_messages(turns, form=(1, "Thumbs down on answer 2 <b>"), note=(2, "Thanks <i>"))
    assert [m["content"].count('class="fb-form"') for m in messages] == [0, 0, 0, 1, 0, 0]
    assert 'data-answer="1"' in messages[3]["content"] and "answer 2 &lt;b&gt;" in messages[3]["content"]
    for name in ("correction", "article", "comment"):
        assert f'id="fb-{name}"' in messages[3]["content"] and f'data-field="{name}"' in messages[3]["content"]
    assert '<p class="fb-note">Thanks &lt;i&gt;</p>' in messages[5]["content"]
    assert "fb-" not in "".join(m["content"] for m in chat_messages(turns))
    sent = correction_fields('{"answer": 1, "correction": "Jakarta", "comment": 3}')
    assert sent == {"correction": "Jakarta", "article": "", "comment": "3"}
    assert correction_fields("not json") is None and correction_fields("[1]") is None and correction_fields("") is None


def test_an_answers_notes_show_under_it_and_in_the_terminal():
    """A doubt (or a flagged quote, a fallback) is shown with the answer, not only in `ask --json`."""
    from assistant.answer.refusal import unsure_note
    from assistant.cli.render import render_text

    note = unsure_note(0.12)
    ans = _answer([_cite()], text="Eyyubov [1]", notes=[note])
    html = render_conversation([ChatEntry(question="q", answer=ans, paragraphs={})])
    assert f'<p class="note">{note}</p>' in html and "12%" in html
    text = render_text(ans)
    assert text.splitlines()[:2] == ["Eyyubov [1]", f"Note: {note}"]
    plain = _answer([_cite()], text="Eyyubov [1]")
    assert 'class="note"' not in render_conversation([ChatEntry(question="q", answer=plain, paragraphs={})])
    assert "Note:" not in render_text(plain)
