"""The IDF formula the reader weighs question terms with (calendar words and stop words: `assistant/text.py`)."""

from __future__ import annotations


def idf_from_counts(n_docs: int, dfs: dict[str, int]) -> dict[str, float]:
    """BM25-style IDF, floored at a small positive value so every term counts a little."""
    import math

    return {t: max(0.05, math.log(1 + (n_docs - df + 0.5) / (df + 0.5))) for t, df in dfs.items()}
