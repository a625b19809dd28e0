"""Pure HTML rendering of the chat: questions (with how a follow-up was understood), answers with clickable markers,
a refusal's closest articles, and the transcript as Gradio Chatbot messages.

Every piece of article or user text goes through `html.escape`; nothing from an article is ever markup.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from urllib.parse import urlparse

from assistant.answer import markers
from assistant.answer.types import Answer, Turn

_CLOSEST = " Closest articles:"  # the pipeline's refusal text lists them; the UI shows them once, as links
MAX_LINK = 40  # characters of a shortened URL when a link has no readable host

CSS = """
#chat .q { font-weight: 600; }
#chat .understood { font-weight: 400; font-size: 0.85em; opacity: 0.8; margin-top: 4px; }
#chat .a p { margin: 0 0 8px 0; }
#chat .a.refused > p:first-child { color: #8a5300; }
#chat .a ul { margin: 0 0 8px 1.2em; padding: 0; }
#chat .closest ul { margin: 4px 0 0 1.2em; padding: 0; }
#chat .error { color: #b00020; }
.cite { border: none; background: #e8eefc; color: #1a4fd6; border-radius: 4px; padding: 0 4px; cursor: pointer;
        font-size: 0.85em; }
#sources { max-height: 72vh; overflow-y: auto; }
.src-card { border: 1px solid #ddd; border-radius: 8px; padding: 8px 10px; margin-bottom: 8px; }
.src-card.active { border-color: #1a4fd6; box-shadow: 0 0 0 2px #c7d6fb; }
.src-card .meta, .closest .meta { color: #555; font-size: 0.85em; }
.src-card .qn { color: #1a4fd6; font-size: 0.85em; font-weight: 600; margin-right: 4px; }
.src-card .quote { border-left: 3px solid #e3e3e3; padding-left: 8px; margin-top: 6px; }
.src-card .quote.active { border-left-color: #1a4fd6; }
.src-card .quote p { margin: 2px 0; }
.src-card mark { background: #fff3a3; }
.src-card .unverified { color: #b00020; font-weight: 600; }
#chips { gap: 6px; }
#chips button { flex: 0 0 auto; min-width: 0; }
#date-error { padding: 0 !important; min-height: 0 !important; }
#date-error:not(:has(p)), #chips:not(:has(button)) { display: none !important; }
#chat .fb-form { border-top: 1px solid #ddd; margin-top: 8px; padding-top: 6px; }
#chat .fb-form .fb-title { font-size: 0.9em; margin: 0 0 4px 0; }
#chat .fb-form label { display: block; font-size: 0.85em; color: #555; margin-top: 4px; }
#chat .fb-form textarea { width: 100%; box-sizing: border-box; font: inherit; padding: 4px 6px; border: 1px solid #ccc;
        border-radius: 4px; resize: vertical; }
#chat .fb-form .fb-send { margin-top: 6px; border: 1px solid #ccc; border-radius: 4px; padding: 2px 12px;
        cursor: pointer; }
#chat .fb-note { font-size: 0.9em; color: #1d6b2f; margin: 6px 0 0 0; }
#chat .a .note { font-size: 0.9em; color: #8a5a00; margin: 6px 0 0 0; }
#date-error .field-error { color: #b00020; margin: 0; }
"""

# Delegated handlers, no inline ones: a marker brings its article's card forward and highlights its quote; Send under
# a disliked answer hands its correction fields to the hidden `#fb-payload` box (its change event records them); Esc
# in the question box clears it.
HEAD = """
<script>
document.addEventListener('click', function (e) {
  var b = e.target.closest ? e.target.closest('.cite') : null;
  if (!b) return;
  var quote = document.getElementById('src-' + b.getAttribute('data-turn') + '-' + b.getAttribute('data-cite'));
  if (!quote) return;
  document.querySelectorAll('.src-card.active, .quote.active').forEach(function (x) { x.classList.remove('active'); });
  var d = quote.closest('details'); if (d) { d.open = true; }
  quote.classList.add('active');
  quote.closest('.src-card').classList.add('active');
  quote.scrollIntoView({block: 'nearest'});
});
document.addEventListener('click', function (e) {
  var b = e.target.closest ? e.target.closest('#chat .fb-form .fb-send') : null;
  if (!b) return;
  var form = b.closest('.fb-form'), box = document.querySelector('#fb-payload textarea');
  if (!box) return;
  var fields = {answer: Number(form.getAttribute('data-answer')), sent: Date.now()};
  form.querySelectorAll('[data-field]').forEach(function (x) { fields[x.getAttribute('data-field')] = x.value; });
  b.disabled = true;
  box.value = JSON.stringify(fields);
  box.dispatchEvent(new Event('input', {bubbles: true}));
});
document.addEventListener('keydown', function (e) {
  if (e.key !== 'Escape' || !e.target.closest || !e.target.closest('#question')) return;
  e.target.value = '';
  e.target.dispatchEvent(new Event('input', {bubbles: true}));
});
</script>
"""


@dataclass
class ChatEntry:
    """One exchange as the UI shows it: the full answer, and the paragraphs its citations sit in."""

    question: str
    answer: Answer
    paragraphs: dict[int, tuple[str, int]]  # marker -> (paragraph text, paragraph start offset)

    @property
    def turn(self) -> Turn:
        """The exchange as chat history for the next question."""
        return Turn(question=self.question, answer=self.answer.answer)


def esc(text: str | None) -> str:
    """Escape text for HTML, quotes included."""
    return html.escape(text or "", quote=True)


def safe_url(url: str | None) -> str | None:
    """Only http(s) URLs become links; anything else (javascript:, data:) is shown as text."""
    if not url:
        return None
    parts = urlparse(url.strip())
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def site_name(url: str | None) -> str:
    """What a link reads as: the host without "www." ("whitehouse.gov"), or a shortened URL."""
    ok = safe_url(url)
    if not ok:
        return (url or "").strip()[:MAX_LINK]
    host = (urlparse(ok).hostname or "").removeprefix("www.")
    return host or ok[:MAX_LINK]


def link(url: str | None, text: str | None = None) -> str:
    """A safe link for http(s) URLs (reading as `text` or the site's name); other schemes are shown as plain text."""
    ok = safe_url(url)
    if not ok:
        return esc(site_name(url))
    return f'<a href="{esc(ok)}" target="_blank" rel="noopener noreferrer" title="{esc(ok)}">{esc(text or site_name(ok))}</a>'


def render_answer(text: str, turn: int, valid: set[int]) -> str:
    """Answer text as paragraphs (a paragraph of "- " lines as a bulleted list, e.g. an overview); valid markers
    become buttons, invalid ones vanish."""

    def marker(n: int) -> str:
        if n not in valid:
            return ""
        return f'<button type="button" class="cite" data-turn="{turn}" data-cite="{n}">{markers.marker(n)}</button>'

    out = []
    for para in (p for p in text.split("\n\n") if p.strip()):
        lines = [line.strip() for line in para.split("\n") if line.strip()]
        if all(line.startswith("- ") for line in lines):
            items = "".join(f"<li>{markers.replace(esc(line[2:]), marker)}</li>" for line in lines)
            out.append(f"<ul>{items}</ul>")
        else:
            out.append(f"<p>{markers.replace(esc(para), marker)}</p>")
    return "".join(out)


def question_html(entry_question: str, understood: str | None = None) -> str:
    """The question as asked and, for a follow-up, how it was understood."""
    extra = f'<div class="understood">understood as: {esc(understood)}</div>' if understood else ""
    return f'<div class="q">{esc(entry_question)}</div>{extra}'


def answer_html(t: ChatEntry, turn: int) -> str:
    """An answer with its markers and its notes (a doubt, a flagged quote, a fallback); a refusal with its closest
    articles once, as links."""
    ans = t.answer
    notes = "".join(f'<p class="note">{esc(n)}</p>' for n in ans.notes)
    if ans.refused:
        text = ans.answer.split(_CLOSEST, 1)[0] if ans.closest else ans.answer
        return f'<div class="a refused">{render_answer(text, turn, set())}{notes}{render_closest(ans.closest)}</div>'
    return f'<div class="a">{render_answer(ans.answer, turn, {c.marker for c in ans.citations})}{notes}</div>'


def render_closest(closest: list[dict]) -> str:
    """A refusal's closest articles, once, as links (title, then source and date)."""
    if not closest:
        return ""
    items = "".join(
        f"<li>{link(d.get('url'), d.get('title') or 'untitled') if safe_url(d.get('url')) else esc(d.get('title'))}"
        f' <span class="meta">{esc(d.get("source") or "")} · {esc(d.get("date") or "date unknown")}</span></li>'
        for d in closest[:5]
    )
    return f'<div class="closest"><p>Closest articles:</p><ul>{items}</ul></div>'


def pending_html(partial: str = "") -> str:
    """An answer still being written: the streamed text so far, or a searching note."""
    if partial:
        return f'<div class="a"><p>{esc(partial)}</p><em>checking citations…</em></div>'
    return '<div class="a"><em>Searching the articles…</em></div>'


def error_html(message: str) -> str:
    """An error (the Chroma server is gone, ...) in place of an answer; the question stays in the box."""
    return f'<p class="error">{esc(message)}</p>'


FORM_FIELDS = (  # (field, label, rows) of the correction fields under a disliked answer
    ("correction", "The right answer", 2),
    ("article", "The article that supports it: id or title", 1),
    ("comment", "Comment", 2),
)


def correction_form(i: int, title: str) -> str:
    """The correction fields under disliked answer `i` (all optional); Send hands them to the page script."""
    fields = "".join(
        f'<div id="fb-{name}"><label for="fb-{name}-text">{esc(label)}</label>'
        f'<textarea id="fb-{name}-text" data-field="{name}" rows="{rows}"></textarea></div>'
        for name, label, rows in FORM_FIELDS
    )
    return (
        f'<div class="fb-form" data-answer="{int(i)}"><p class="fb-title">{esc(title)}</p>{fields}'
        '<button type="button" id="fb-send" class="fb-send">Send</button></div>'
    )


def chat_messages(
    turns: list[ChatEntry],
    pending: str | None = None,
    tail: str = "",
    form: tuple[int, str] | None = None,
    note: tuple[int, str] | None = None,
) -> list[dict]:
    """The transcript as Gradio Chatbot messages: answer i is message 2i+1 (what a like/dislike's index names); a
    pending question is followed by `tail` (its stream, or an error). `form` (answer, title) opens the correction
    fields under that answer; `note` (answer, text) shows a line under one (what its feedback did)."""
    out: list[dict] = []
    for i, t in enumerate(turns):
        extra = correction_form(i, form[1]) if form and form[0] == i else ""
        extra += f'<p class="fb-note">{esc(note[1])}</p>' if note and note[0] == i and note[1] else ""
        out.append({"role": "user", "content": question_html(t.question, t.answer.standalone_question)})
        out.append({"role": "assistant", "content": answer_html(t, i) + extra})
    if pending:
        out.append({"role": "user", "content": question_html(pending)})
        out.append({"role": "assistant", "content": tail or pending_html()})
    return out


def render_conversation(turns: list[ChatEntry], pending: str | None = None, tail: str = "") -> str:
    """The whole chat as one HTML string, newest last (the same pieces as the Chatbot messages)."""
    body = "".join(f'<div class="{m["role"]}">{m["content"]}</div>' for m in chat_messages(turns, pending, tail))
    return f'<div class="conv">{body or "<p><em>Ask a question about the indexed articles.</em></p>"}</div>'


def paragraph_around(text: str, start: int, end: int) -> tuple[str, int]:
    """The paragraph (line) of `text` that holds [start, end), with its start offset."""
    p_start = text.rfind("\n", 0, start) + 1
    p_end = text.find("\n", end)
    p_end = len(text) if p_end == -1 else p_end
    return text[p_start:p_end], p_start
