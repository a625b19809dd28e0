"""Input checks of citation lookup: every refusal is a one-line `LookupInputError`, never a traceback."""

from __future__ import annotations

import re

from assistant.errors import QuestionError
from assistant.lookup.text import STOPWORDS, words

MAX_CHARS = 2000  # a quote or claim of a few sentences
MAX_SENTENCES = 8
_MARKUP = re.compile(r"<\s*/?\s*[A-Za-z][\w:-]*(\s[^<>]*)?/?\s*>|<!--|\[/?(b|i|url|img|quote)\b[^\]]*\]|\]\(https?:")
# Function words of the languages a pasted text is most likely in when it is not English.
_FOREIGN = frozenset(
    """le la les des du une est et dans pour que qui pas sur avec ce cette sont aux der das und ist nicht mit den
    dem ein eine zu von auf für sich el los las del y en que por para una es lo como pero su il di che della
    sono non gli nel da o os um uma não são com""".split()
)


class LookupInputError(QuestionError):
    """A text that citation lookup cannot take as given."""


def check_text(text: str | None) -> str:
    """The text with spacing tidied, or a `LookupInputError` saying in one line what is wrong with it."""
    text = (text or "").strip()
    if not text:
        raise LookupInputError("the text to look up is empty: give a quote or a claim of one or a few sentences")
    if len(text) > MAX_CHARS:
        raise LookupInputError(
            f"the text is {len(text):,} characters; citation lookup takes a quote or claim of up to {MAX_CHARS:,} "
            "characters (a few sentences): look up the sentences you want sourced"
        )
    if _MARKUP.search(text):
        raise LookupInputError("the text contains markup (HTML or similar tags): paste the quote or claim as plain text")
    letters = [c for c in text if c.isalpha()]
    if not letters:
        raise LookupInputError("the text has no words to look up")
    latin = sum(c.isascii() for c in letters) / len(letters)
    found = [w.lower() for w in words(text)]
    foreign = sum(w in _FOREIGN for w in found)
    english = sum(w in STOPWORDS for w in found)
    if latin < 0.6 or (foreign >= 2 and foreign > english):
        raise LookupInputError(
            "the text does not look like English; the indexed articles are English news releases, so look up an "
            "English quote or claim (a translation finds its source only when it is worded as the article)"
        )
    return " ".join(text.split())
