"""Text rules shared by every stage: stop words and the keyword query's words, calendar words, sentence splitting with
character offsets, and ISO dates from records or user input. Imports nothing of the assistant but its data types and errors."""

from __future__ import annotations

import datetime as dt
import re

from assistant.documents import Sentence
from assistant.errors import RecordError

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had has
    have having he her here hers herself him himself his how i if in into is it its itself just me more
    most my myself no nor not now of off on once only or other our ours ourselves out over own same she
    should so some such than that the their theirs them themselves then there these they this those
    through to too under until up very was we were what when where which while who whom whose why will
    with would you your yours yourself yourselves did does said say says according tell told mr mrs ms
    name names many much one ones two did get got make made take took give gave go went us u s""".split()
)

# Calendar words, the one home for every module that matches dates in questions or sentences.
MONTHS = tuple("january february march april may june july august september october november december".split())
MONTH_PATTERN = "|".join(m.capitalize() for m in MONTHS)  # 'January|February|...' for regular expressions
WEEKDAYS = tuple("monday tuesday wednesday thursday friday saturday sunday".split())
WEEKDAY_PATTERN = "|".join(d.capitalize() for d in WEEKDAYS)

_UNKNOWN_DATES = {"", "unknown", "none", "null", "n/a", "undated"}


def query_words(question: str) -> list[str]:
    """The question's content words, lower-cased, first occurrence order, at most 32 (both keyword engines use them)."""
    words = [w for w in re.findall(r"\w+", question.lower()) if w not in STOPWORDS and len(w) > 1]
    return list(dict.fromkeys(words))[:32]


def parse_date(value: object, field: str = "date") -> str | None:
    """An ISO date (yyyy-mm-dd) from a date or datetime string; None when unknown."""
    if value is None:
        return None
    if not isinstance(value, str | dt.date):
        raise RecordError(f"field '{field}' must be a string date, got {type(value).__name__}")
    if isinstance(value, dt.date):
        return value.isoformat()[:10]
    raw = value.strip()
    if raw.lower() in _UNKNOWN_DATES:
        return None
    try:
        return dt.date.fromisoformat(raw[:10]).isoformat()
    except ValueError:
        raise RecordError(f"field '{field}' is not an ISO date (yyyy-mm-dd): {raw[:40]!r}") from None


# Sentence splitting that keeps character offsets into the original text.
_ABBREVIATIONS = set(
    "mr mrs ms dr st jr sr gen lt col sgt capt gov sen rep amb prof no vs etc inc ltd co corp jan feb mar apr jun jul aug "
    "sep sept oct nov dec mt ft adm hon pres".split()
)

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


# Lines of a transcript that state nothing a reader could cite: a time stamp ("END 5:11 P.M. EST"), a stage
# direction wholly in parentheses or brackets ("(Laughter.)", "[Inaudible]"), a reporter's question ("Q Mr.
# President, ..."). A sentence that asks ("Are you considering?") states nothing either.
_TIME_STAMP = re.compile(r"^(?:END\s+)?\d{1,2}:\d{2}\s*[AP]\.?\s?M\.?(?:\s+[A-Z]{2,5})?\.?$")
_STAGE_DIRECTION = re.compile(r"^[(\[][^()\[\]]*[)\]]\.?$")
_PRESS_QUESTION = re.compile(r"^Q[\s.:]")
_SPEAKER = re.compile(r"^(?:[A-Z][A-Z.'’\-]*\s+)*[A-Z][A-Z.'’\-]+:\s*")  # "PRIME MINISTER SUGA: ", "THE PRESIDENT: "
_CLOSERS = "\"'”’)]"


def states_something(sentence: str) -> bool:
    """False for a time stamp, a stage direction, a reporter's question or any sentence ending in a question mark,
    after a speaker's label ("PRESIDENT BIDEN: (Laughs.)"): none can be the sentence that answers (or is cited for) a
    question."""
    text = sentence.strip()
    label = _SPEAKER.match(text)  # a transcript's speaker label: what follows it is what was said
    text = text[label.end() :] if label else text
    return bool(text) and not (
        _TIME_STAMP.match(text)
        or _STAGE_DIRECTION.match(text)
        or _PRESS_QUESTION.match(text)
        or text.rstrip(_CLOSERS).endswith("?")
    )
