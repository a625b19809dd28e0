"""The sources panel as pure HTML: one card per cited article with all its quoted sentences beneath it, each quote
highlighted inside its paragraph; links read as the site's name, never as a long raw URL.

Every piece of article text goes through `esc`; nothing from an article is ever markup.
"""

from __future__ import annotations

from assistant.answer.markers import marker
from assistant.answer.types import Citation
from assistant.ui.render import ChatEntry, esc, link, safe_url


def group_by_article(citations: list[Citation]) -> list[list[Citation]]:
    """Citations grouped per article (doc id), in the order the answer first cites each article."""
    groups: dict[str, list[Citation]] = {}
    for c in citations:
        groups.setdefault(c.doc_id, []).append(c)
    return list(groups.values())


def highlight(paragraph: str, para_start: int, c: Citation) -> str:
    """The paragraph with the cited span wrapped in <mark>, everything escaped."""
    s, e = c.start - para_start, c.end - para_start
    if not (0 <= s <= e <= len(paragraph)) or paragraph[s:e] != c.quote:
        return f"<mark>{esc(c.quote)}</mark>"
    return f"{esc(paragraph[:s])}<mark>{esc(paragraph[s:e])}</mark>{esc(paragraph[e:])}"


def render_card(turn: int, group: int, cites: list[Citation], paragraphs: dict[int, tuple[str, int]]) -> str:
    """One article: its title (a link), source, date and site, then each cited sentence under its marker."""
    first = cites[0]
    markers = "".join(marker(c.marker) for c in cites)
    title = link(first.url, first.title) if safe_url(first.url) else esc(first.title)
    quotes = []
    for c in cites:
        para = paragraphs.get(c.marker)
        body = highlight(*para, c) if para else f"<mark>{esc(c.quote)}</mark>"
        flag = ' <span class="unverified">unverified quote</span>' if not c.verified else ""
        quotes.append(
            f'<div class="quote" id="src-{turn}-{c.marker}"><span class="qn">{marker(c.marker)}</span>{flag}'
            f'<p class="para">{body}</p></div>'
        )
    others = "".join(
        f'<div class="meta">also reported by {esc(o.get("source") or "unknown")} · {link(o.get("url"))}</div>'
        for o in first.also_reported_by
    )
    where = f" · {link(first.url)}" if first.url else ""
    return (
        f'<div class="src-card" id="card-{turn}-{group}"><div class="src-title"><span class="qn">{markers}</span> '
        f"<b>{title}</b></div>"
        f'<div class="meta">{esc(first.source or "unknown source")} · {esc(first.date or "date unknown")}{where}</div>'
        f"{''.join(quotes)}{others}</div>"
    )


def render_sources(turns: list[ChatEntry]) -> str:
    """Sources of every turn; the newest turn's are open, older ones folded. A refusal's closest articles are in the
    answer itself (as links), so the panel only says that nothing supports an answer."""
    if not turns:
        return "<p><em>Sources of the answer appear here.</em></p>"
    parts = []
    for i in range(len(turns) - 1, -1, -1):
        t = turns[i]
        if t.answer.citations:
            groups = group_by_article(t.answer.citations)
            cards = "".join(render_card(i, g, cites, t.paragraphs) for g, cites in enumerate(groups))
        else:
            cards = '<p class="none">No article supports an answer.</p>'
        opened = " open" if i == len(turns) - 1 else ""
        parts.append(f"<details{opened}><summary>{esc(t.question)}</summary>{cards}</details>")
    return "".join(parts)
