"""Stop words for the keyword query, calendar words for dates, and the IDF formula: the one home of each."""

from __future__ import annotations

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


def idf_from_counts(n_docs: int, dfs: dict[str, int]) -> dict[str, float]:
    """BM25-style IDF, floored at a small positive value so every term counts a little."""
    import math

    return {t: max(0.05, math.log(1 + (n_docs - df + 0.5) / (df + 0.5))) for t, df in dfs.items()}
