"""Words, stop words and a light stemmer shared by keyword search and answer scoring."""

from __future__ import annotations

import re

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

_WORD = re.compile(r"[\w’']+", re.UNICODE)
_SUFFIXES = (
    "ational",
    "ization",
    "fulness",
    "iveness",
    "ations",
    "ation",
    "ments",
    "ment",
    "ness",
    "ings",
    "ing",
    "edly",
    "ied",
    "ies",
    "ed",
    "es",
    "s",
)


def words(text: str) -> list[str]:
    """Lower-cased word tokens, possessives stripped."""
    out = []
    for w in _WORD.findall(text.lower()):
        w = re.sub(r"[’']s?$", "", w)
        if w:
            out.append(w)
    return out


# Calendar words, the one home for every module that matches dates in questions or sentences.
MONTHS = tuple("january february march april may june july august september october november december".split())
MONTH_PATTERN = "|".join(m.capitalize() for m in MONTHS)  # 'January|February|...' for regular expressions
WEEKDAYS = tuple("monday tuesday wednesday thursday friday saturday sunday".split())
WEEKDAY_PATTERN = "|".join(d.capitalize() for d in WEEKDAYS)

# Irregular verbs. IRREGULAR maps past forms to the base (for stemming); IRREGULAR_PAST lists the simple past forms
# that end a question's subject when looking for its focus word (question.focus_words).
IRREGULAR_PAST = frozenset(
    """met led flew took gave held came went became began sent brought told made saw found left paid ate spoke won
    hit joined""".split()
)
_IRREGULAR = dict(
    pair.split(":")
    for pair in """led:lead met:meet spoke:speak spoken:speak flew:fly flown:fly took:take taken:take gave:give
    given:give held:hold came:come went:go gone:go became:become began:begin begun:begin won:win sent:send
    brought:bring bought:buy told:tell thought:think wrote:write written:write made:make saw:see seen:see
    found:find left:leave paid:pay stood:stand chose:choose chosen:choose ate:eat eaten:eat sang:sing
    drove:drive driven:drive fought:fight sought:seek taught:teach struck:strike knew:know known:know""".split()
)


def stem(word: str) -> str:
    """Crude suffix stripping: 'greeted' -> 'greet', 'meetings' -> 'meet'."""
    word = _IRREGULAR.get(word, word)
    if len(word) <= 4 or word.isdigit():
        return word
    for suf in _SUFFIXES:
        if word.endswith(suf) and len(word) - len(suf) >= 3:
            base = word[: -len(suf)]
            if suf in ("ied", "ies"):
                base += "y"
            if len(base) > 3 and base[-1] == base[-2] and base[-1] not in "aeioulsz":
                base = base[:-1]  # 'planned' -> 'plan'
            return _drop_e(base)
    return _drop_e(word)


def _drop_e(word: str) -> str:
    """'agree'/'agreed' -> 'agre': fold the final e that suffix stripping leaves or removes."""
    return word[:-1] if len(word) > 4 and word.endswith("e") else word


def content_terms(text: str) -> list[str]:
    """Stemmed words that are not stop words, in order, de-duplicated."""
    return list(dict.fromkeys(stem(w) for w in words(text) if w not in STOPWORDS and len(w) > 1))


def idf_from_counts(n_docs: int, dfs: dict[str, int]) -> dict[str, float]:
    """BM25-style IDF, floored at a small positive value so every term counts a little."""
    import math

    return {t: max(0.05, math.log(1 + (n_docs - df + 0.5) / (df + 0.5))) for t, df in dfs.items()}
