"""Pure HTML rendering for the UI: answers with clickable markers, sources with the cited span highlighted.

Every piece of article or user text goes through `html.escape`; nothing from an article is ever markup.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from urllib.parse import urlparse

from assistant.answer.types import Answer, Citation, Turn

_MARKER = re.compile(r"\[(\d{1,3})\]")

CSS = """
.conv { display: flex; flex-direction: column; gap: 12px; }
.turn .q { font-weight: 600; margin-bottom: 4px; }
.turn .a p { margin: 0 0 8px 0; }
.turn .a.refused { color: #8a5300; }
.cite { border: none; background: #e8eefc; color: #1a4fd6; border-radius: 4px; padding: 0 4px; cursor: pointer;
        font-size: 0.85em; }
.src-card { border: 1px solid #ddd; border-radius: 6px; padding: 8px; margin-bottom: 8px; }
.src-card.active { border-color: #1a4fd6; box-shadow: 0 0 0 2px #c7d6fb; }
.src-card .meta { color: #555; font-size: 0.85em; }
.src-card mark { background: #fff3a3; }
.src-card .unverified { color: #b00020; font-weight: 600; }
"""

# Delegated click handler: a marker brings its source card forward. No inline handlers anywhere.
HEAD = """
<script>
document.addEventListener('click', function (e) {
  var b = e.target.closest ? e.target.closest('.cite') : null;
  if (!b) return;
  var card = document.getElementById('src-' + b.getAttribute('data-turn') + '-' + b.getAttribute('data-cite'));
  if (!card) return;
  document.querySelectorAll('.src-card.active').forEach(function (x) { x.classList.remove('active'); });
  var d = card.closest('details'); if (d) { d.open = true; }
  card.classList.add('active');
  card.scrollIntoView({block: 'nearest'});
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


def render_answer(text: str, turn: int, valid: set[int]) -> str:
    """Answer text as paragraphs (a paragraph of "- " lines as a bulleted list, e.g. an overview); valid markers
    become buttons, invalid ones vanish."""

    def marker(m: re.Match) -> str:
        n = int(m.group(1))
        if n not in valid:
            return ""
        return f'<button type="button" class="cite" data-turn="{turn}" data-cite="{n}">[{n}]</button>'

    out = []
    for para in (p for p in text.split("\n\n") if p.strip()):
        lines = [line.strip() for line in para.split("\n") if line.strip()]
        if all(line.startswith("- ") for line in lines):
            items = "".join(f"<li>{_MARKER.sub(marker, esc(line[2:]))}</li>" for line in lines)
            out.append(f"<ul>{items}</ul>")
        else:
            out.append(f"<p>{_MARKER.sub(marker, esc(para))}</p>")
    return "".join(out)


def render_conversation(turns: list[ChatEntry], pending: str | None = None, partial: str = "") -> str:
    """The whole chat as HTML, newest last; `pending` is a question still being answered, `partial` its stream."""
    parts = ['<div class="conv">']
    for i, t in enumerate(turns):
        cls = "a refused" if t.answer.refused else "a"
        valid = {c.marker for c in t.answer.citations}
        parts.append(
            f'<div class="turn" id="turn-{i}"><div class="q">{esc(t.question)}</div>'
            f'<div class="{cls}">{render_answer(t.answer.answer, i, valid)}</div></div>'
        )
    if pending:
        searching = (
            f'<div class="a"><p>{esc(partial)}</p><em>checking citations…</em></div>'
            if partial
            else '<div class="a"><em>Searching the articles…</em></div>'
        )
        parts.append(f'<div class="turn"><div class="q">{esc(pending)}</div>{searching}</div>')
    if not turns and not pending:
        parts.append("<p><em>Ask a question about the indexed articles.</em></p>")
    parts.append("</div>")
    return "".join(parts)


def highlight(paragraph: str, para_start: int, c: Citation) -> str:
    """The paragraph with the cited span wrapped in <mark>, everything escaped."""
    s, e = c.start - para_start, c.end - para_start
    if not (0 <= s <= e <= len(paragraph)) or paragraph[s:e] != c.quote:
        return f"<mark>{esc(c.quote)}</mark>"
    return f"{esc(paragraph[:s])}<mark>{esc(paragraph[s:e])}</mark>{esc(paragraph[e:])}"


def _link(url: str | None) -> str:
    """A safe link for http(s) URLs; other schemes are shown as plain text."""
    ok = safe_url(url)
    return f'<a href="{esc(ok)}" target="_blank" rel="noopener noreferrer">{esc(ok)}</a>' if ok else esc(url or "")


def render_card(turn: int, c: Citation, paragraph: tuple[str, int] | None) -> str:
    """One source: title, source, date, link, and the highlighted sentence in its paragraph."""
    link = _link(c.url)
    body = highlight(*paragraph, c) if paragraph else f"<mark>{esc(c.quote)}</mark>"
    flag = "" if c.verified else ' <span class="unverified">unverified quote</span>'
    others = "".join(
        f'<div class="meta">also reported by {esc(o.get("source") or "unknown")} {_link(o.get("url"))}</div>'
        for o in c.also_reported_by
    )
    return (
        f'<div class="src-card" id="src-{turn}-{c.marker}"><div><b>[{c.marker}] {esc(c.title)}</b>{flag}</div>'
        f'<div class="meta">{esc(c.source or "unknown source")} · {esc(c.date or "date unknown")} · {link}</div>'
        f'<p class="para">{body}</p>{others}</div>'
    )


def render_sources(turns: list[ChatEntry]) -> str:
    """Sources of every turn; the newest turn's are open, older ones folded."""
    if not turns:
        return "<p><em>Sources of the answer appear here.</em></p>"
    parts = []
    for i in range(len(turns) - 1, -1, -1):
        t = turns[i]
        if t.answer.citations:
            cards = "".join(render_card(i, c, t.paragraphs.get(c.marker)) for c in t.answer.citations)
        elif t.answer.closest:
            cards = (
                "<p>Closest articles:</p><ul>"
                + "".join(f"<li>{esc(d['title'])} ({esc(d.get('date') or 'date unknown')})</li>" for d in t.answer.closest[:5])
                + "</ul>"
            )
        else:
            cards = "<p>No sources.</p>"
        opened = " open" if i == len(turns) - 1 else ""
        parts.append(f"<details{opened}><summary>{esc(t.question)}</summary>{cards}</details>")
    return "".join(parts)


def paragraph_around(text: str, start: int, end: int) -> tuple[str, int]:
    """The paragraph (line) of `text` that holds [start, end), with its start offset."""
    p_start = text.rfind("\n", 0, start) + 1
    p_end = text.find("\n", end)
    p_end = len(text) if p_end == -1 else p_end
    return text[p_start:p_end], p_start
