"""What a question asks for, from spaCy's tags, lemmas and entities: the answer kind, the expected entity labels,
the terms to match, the names and dates it mentions."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from assistant import nlp
from assistant.text import MONTHS

# Entity labels that can answer each kind of question (OntoNotes labels).
EXPECTED = {
    "who": frozenset({"PERSON", "ORG", "NORP"}),
    "where": frozenset({"GPE", "LOC", "FAC"}),
    "when": frozenset({"DATE", "TIME"}),
    "how_many": frozenset({"CARDINAL", "QUANTITY", "MONEY", "PERCENT"}),
}
# Head nouns of "which/what <noun>" that name an answer kind. A general English taxonomy of answer-type nouns
# (people, places, times, amounts, organisations), not words taken from the evaluation questions.
HEAD_KINDS = {
    "who": """person people official leader minister president secretary ambassador envoy counterpart diplomat adviser
        advisor chancellor king queen premier prince head chief representative delegate negotiator spokesperson
        officer commander general senator governor mayor member""",
    "where": """country nation city capital province region venue place location site island port town territory
        continent""",
    "when": "date day month year week time",
    "how_many": "number amount sum figure percentage share total count",
    "org": """organization organisation agency company firm group bank outlet institution body council alliance
        ministry department party network coalition union""",
}
_HEAD_KIND = {w: k for k, ws in HEAD_KINDS.items() for w in ws.split()}
# Place nouns that only a geopolitical name answers (a city or a country is a GPE, never a building or a venue).
GPE_HEADS = frozenset("country nation city capital province town territory".split())
# Nouns and verbs that ask for a summary of several points ("what did they agree on", "what is the position on"):
# the vocabulary of readouts and statements in general, so an overview answer gathers 2-4 sentences.
OVERVIEW_VERBS = set("discuss agree talk address cover focus emphasize emphasise review raise highlight pledge commit".split())
OVERVIEW_NOUNS = set(
    """topic issue area priority agenda position stance view outcome point step commitment theme
    subject matter goal objective""".split()
)
_QUANTITY = re.compile(r"^\s*how (many|much)\b|\bnumber of\b", re.I)
_WHEN = re.compile(r"^\s*when\b", re.I)
_YEAR = re.compile(r"\b(19\d\d|20\d\d)\b")
_WH = {"who", "whom", "whose", "what", "when", "where", "which", "why", "how"}


@dataclass(frozen=True)
class ParsedQuestion:
    """A question as the reader sees it."""

    text: str
    kind: str  # who | where | when | how_many | which | what | overview | other
    multi: bool  # asks for several items (plural head noun, "list", "name the ...")
    expected: frozenset[str]  # entity labels that can answer it; empty when any sentence may
    lemmas: tuple[str, ...]  # content lemmas to match, without the dates it names
    entities: tuple[nlp.Entity, ...]
    years: tuple[str, ...]
    months: tuple[int, ...]
    words: frozenset[str] = frozenset()  # every word of the question, lower-cased (to tell what it already names)
    proper_nouns: tuple[str, ...] = ()  # runs of proper nouns as written (names the entity recogniser may miss)
    head: str | None = None  # lemma of the noun a "which/what/how many" governs ("which hotel" -> hotel), unless it
    # names an entity type ("which city")
    noun: str | None = None  # that noun's lemma even when it names a type: "which alliance" -> alliance


def _head_noun(doc, wh_index: int):
    """The noun a 'which/what' governs ('Which Caribbean prime ministers' -> ministers), skipping 'kind of'."""
    head = None
    for tok in doc[wh_index + 1 :]:
        if tok.pos_ in ("NOUN", "PROPN") or tok.tag_ in ("NN", "NNS"):
            head = tok
            continue
        if tok.pos_ in ("ADJ", "NUM") or (
            tok.lower_ == "of" and head is not None and head.lemma_.lower() in ("kind", "type", "sort")
        ):
            head = None if tok.lower_ == "of" else head
            continue
        break
    return head


def _subject_noun(doc, wh_index: int):
    """After 'what/which' + an auxiliary ('What are the main terms ...'), the first noun."""
    rest = doc[wh_index + 1 :]
    if not len(rest) or rest[0].pos_ != "AUX":
        return None
    return next((t for t in rest[1:] if t.pos_ == "NOUN"), None)


def _plural_subject(head, subject) -> bool:
    """'What are the main terms ...': no head noun after 'what', and the subject a plural noun that names no entity
    type ('What are the countries ...' asks for places)."""
    return head is None and subject is not None and subject.tag_ == "NNS" and subject.lemma_.lower() not in _HEAD_KIND


# Analyses another process is making: question -> a call that waits for it (None: it failed, parse here).
_expected: dict[str, Callable[[], ParsedQuestion | None]] = {}


def expect(question: str, source: Callable[[], ParsedQuestion | None]) -> None:
    """Take this question's analysis from `source`, called once when it is first needed, instead of parsing it here:
    a cold `assistant ask` has a forked process parse it while this one opens the index (`cli/prefetch.py`). A
    source that returns None leaves the parse to this process."""
    _expected[question] = source


@lru_cache(maxsize=2048)
def analyse(question: str) -> ParsedQuestion:
    """Parse one question (cached: condense and the reader both ask), or take the analysis `expect` was given."""
    source = _expected.pop(question, None)
    parsed = source() if source is not None else None
    return parsed if parsed is not None else parse_question(question)


def parse_question(question: str) -> ParsedQuestion:
    """What a question asks for, from its spaCy parse (uncached; `analyse` is what callers use)."""
    doc = nlp.parse(question)
    low = question.lower()
    ann = nlp.annotate(doc)
    years = tuple(_YEAR.findall(question))
    months = tuple(MONTHS.index(t.lower_) + 1 for t in doc if t.lower_ in MONTHS and (t.lower_ != "may" or t.tag_ == "NNP"))
    date_words = set(years) | {MONTHS[m - 1] for m in months}
    lemmas = tuple(dict.fromkeys(lem for lem in ann.lemmas if lem not in _WH and lem not in date_words))
    kind, multi, expected = "other", False, frozenset()
    wh = next((t for t in doc if t.lower_ in _WH), None)
    head_tok = _head_noun(doc, wh.i) if wh is not None and wh.lower_ in ("which", "what") else None
    if _QUANTITY.search(low):  # "how many doses": the counted noun
        at = next((t.i for t in doc if t.lower_ in ("many", "number")), len(doc))
        head_tok = next((t for t in doc[at + 1 :] if t.pos_ == "NOUN"), None)
    head_lemma = head_tok.lemma_.lower() if head_tok is not None and head_tok.pos_ == "NOUN" else None
    noun = head_lemma
    if head_lemma in _HEAD_KIND:  # "which city": answered by an entity's type, not by the word itself
        head_lemma = None
    if _QUANTITY.search(low):
        kind = "how_many"
    elif _WHEN.search(low):
        kind = "when"
    elif wh is not None and wh.lower_ in ("who", "whom", "whose"):
        kind = "who"
    elif wh is not None and wh.lower_ == "where":
        kind = "where"
    elif wh is not None and wh.lower_ in ("which", "what"):
        head, subject = _head_noun(doc, wh.i), _subject_noun(doc, wh.i)
        hk = _HEAD_KIND.get(head.lemma_.lower()) if head is not None else None
        multi = head is not None and head.tag_ in ("NNS", "NNPS")
        if hk == "org":
            kind, expected = "who", frozenset({"ORG", "NORP"})
        elif hk:
            kind = hk
            if head.lemma_.lower() in GPE_HEADS:
                expected = frozenset({"GPE"})
        elif head is not None and head.lemma_.lower() in OVERVIEW_NOUNS:
            kind, multi = "overview", True
        elif head is None and subject is not None and subject.lemma_.lower() in OVERVIEW_NOUNS:  # "What is the position"
            kind, multi = "overview", True
        elif head is None and any(t.lemma_.lower() in OVERVIEW_VERBS for t in doc):
            kind, multi = "overview", True
        elif multi or _plural_subject(head, subject):
            # "What new initiatives", "What are the main terms": several points that no entity type names
            kind, multi = "overview", True
        else:
            kind = wh.lower_
    if low.lstrip().startswith(("list ", "name ")):
        multi = True
    if sum(e.label == "DATE" for e in ann.entities) >= 2:  # "in May 2021 and in February 2022": one item per date
        multi = True
    if not expected:
        expected = EXPECTED.get(kind, frozenset())
    words = frozenset(t.lower_.replace("’", "'") for t in doc if not t.is_punct)
    runs: list[list[str]] = [[]]
    for t in doc:
        if t.tag_ in ("NNP", "NNPS") and t.lower_ not in _WH:
            runs[-1].append(t.text)
        elif runs[-1]:
            runs.append([])
    proper = tuple(dict.fromkeys(" ".join(r) for r in runs if r))
    return ParsedQuestion(
        question.strip(), kind, multi, expected, lemmas, ann.entities, years, months, words, proper, head_lemma, noun
    )
