"""Calendar words for dates and the IDF formula: the one home of each (stop words: `assistant/text.py`)."""

from __future__ import annotations

# Calendar words, the one home for every module that matches dates in questions or sentences.
MONTHS = tuple("january february march april may june july august september october november december".split())
MONTH_PATTERN = "|".join(m.capitalize() for m in MONTHS)  # 'January|February|...' for regular expressions
WEEKDAYS = tuple("monday tuesday wednesday thursday friday saturday sunday".split())
WEEKDAY_PATTERN = "|".join(d.capitalize() for d in WEEKDAYS)


def idf_from_counts(n_docs: int, dfs: dict[str, int]) -> dict[str, float]:
    """BM25-style IDF, floored at a small positive value so every term counts a little."""
    import math

    return {t: max(0.05, math.log(1 + (n_docs - df + 0.5) / (df + 0.5))) for t, df in dfs.items()}
