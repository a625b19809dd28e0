"""The conversation as Markdown: questions, answers with their markers, and every source with its title, date, URL
and quoted sentence. Article and user text is data: Markdown and HTML syntax in it is escaped, never interpreted."""

from __future__ import annotations

import re
from urllib.parse import quote

from assistant.answer.markers import marker, pieces
from assistant.ui.render import ChatEntry, safe_url

# Characters that can start Markdown or HTML syntax anywhere in a line (CommonMark backslash-escapes them all).
_SPECIAL = re.compile(r"([\\`*_\[\]{}<>#|~&!])")
# At the start of a line: list items, ordered lists, headings, block quotes, thematic breaks, setext underlines.
_LINE_START = re.compile(r"^(\s*)([-+=]|\d+(?=[.)]))", re.M)


def md_escape(text: str | None) -> str:
    """Text shown literally by any CommonMark renderer: no links, images, emphasis, HTML, headings or lists."""
    text = _SPECIAL.sub(r"\\\1", text or "")
    return _LINE_START.sub(_escape_line_start, text)


def _escape_line_start(m: re.Match) -> str:
    """`- x` -> `\\- x`; `1. x` -> `1\\. x` (the backslash goes before the list punctuation)."""
    lead, token = m.group(1), m.group(2)
    return f"{lead}\\{token}" if token in "-+=" else f"{lead}{token}\\"


def md_url(url: str | None) -> str | None:
    """An http(s) URL as an autolink, its <, > and spaces percent-encoded; other schemes give None."""
    ok = safe_url(url)
    return f"<{quote(ok, safe=':/?#[]@!$&()*+,;=%~-._')}>" if ok else None


def _answer(text: str, valid: set[int]) -> str:
    """The answer escaped, its valid markers kept as [n] (invalid ones dropped, as the UI does); the "- " points of
    an overview stay a list."""
    lines = []
    for line in text.split("\n"):
        point = line.strip().startswith("- ")
        escaped = _escape_line(line.strip()[2:] if point else line, valid)
        lines.append("- " + escaped if point else escaped)
    return "\n".join(lines)


def _escape_line(line: str, valid: set[int]) -> str:
    """`md_escape` of one line of an answer, except its markers: the valid ones stay [n], the others are dropped."""
    parts = pieces(line)
    kept = (_SPECIAL.sub(r"\\\1", p) if isinstance(p, str) else marker(p) if p in valid else "" for p in parts)
    return _LINE_START.sub(_escape_line_start, "".join(kept))


def _quote_block(text: str) -> str:
    return "\n".join("> " + line if line.strip() else ">" for line in md_escape(text).splitlines())


def conversation_markdown(turns: list[ChatEntry], title: str = "Diplomacy news assistant: conversation") -> str:
    """Markdown of the whole conversation, oldest question first."""
    out = [f"# {md_escape(title)}", ""]
    for i, t in enumerate(turns, 1):
        ans = t.answer
        valid = {c.marker for c in ans.citations}
        out += [f"## {i}. {md_escape(t.question)}", "", _answer(ans.answer, valid), ""]
        if ans.citations:
            out += ["Sources:", ""]
            for c in ans.citations:
                url = md_url(c.url)
                meta = [md_escape(c.source or "unknown source"), md_escape(c.date or "date unknown")]
                if url:
                    meta.append(url)
                elif c.url:
                    meta.append(md_escape(" ".join(c.url.split())))  # not http(s): shown as inert text
                flag = " (unverified quote)" if not c.verified else ""
                out += [f"{marker(c.marker)} **{md_escape(c.title)}**, {', '.join(meta)}{flag}", "", _quote_block(c.quote), ""]
    return "\n".join(out).rstrip() + "\n"
