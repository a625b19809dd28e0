"""Sentence splitting that keeps character offsets into the original text."""

from __future__ import annotations

import re

from assistant.documents import Sentence

_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "st", "jr", "sr", "gen", "lt", "col", "sgt", "capt", "gov", "sen",
    "rep", "amb", "prof", "no", "vs", "etc", "inc", "ltd", "co", "corp", "jan", "feb", "mar", "apr",
    "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mt", "ft", "adm", "hon", "pres",
}  # fmt: skip

# End punctuation, optional closing quotes/brackets, then whitespace.
_BOUNDARY = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s)")
_NEXT_START = re.compile(r"\s+[\"'“‘(\[]*[A-Z0-9À-ÖØ-Þ]")
_INITIALISM = re.compile(r"(?:\b[A-Za-z]\.)+$")


def _is_abbreviation(text: str, dot: int) -> bool:
    """True when the period at `dot` ends an abbreviation such as 'Mr.' or 'U.S.'."""
    head = text[max(0, dot - 12) : dot + 1]
    if _INITIALISM.search(head):
        return True
    word = re.search(r"([A-Za-z]+)\.$", head)
    return bool(word) and word.group(1).lower() in _ABBREVIATIONS


def split_sentences(text: str) -> list[Sentence]:
    """Split `text` into sentences; each is a trimmed [start, end) span of `text`."""
    spans: list[Sentence] = []
    for para in re.finditer(r"[^\n]+", text):
        p_start, p_text = para.start(), para.group(0)
        cut = 0
        for m in _BOUNDARY.finditer(p_text):
            end = m.end()
            if not _NEXT_START.match(p_text, end):
                continue
            if p_text[m.start()] == "." and m.end() - m.start() == 1 and _is_abbreviation(p_text, m.start()):
                continue
            _add(spans, text, p_start + cut, p_start + end)
            cut = end
        _add(spans, text, p_start + cut, p_start + len(p_text))
    return spans


def _add(spans: list[Sentence], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append(Sentence(start, end))
