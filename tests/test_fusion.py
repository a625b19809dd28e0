"""Reciprocal rank fusion."""

import pytest

from assistant.retrieval.fusion import reciprocal_rank_fusion


def test_rrf_prefers_items_ranked_well_by_both():
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["c", "b", "d"]], k=60)
    ids = [i for i, _ in fused]
    assert ids[0] == "b" or ids[0] == "c"
    assert set(ids) == {"a", "b", "c", "d"}
    scores = dict(fused)
    assert scores["b"] == pytest.approx(1 / 62 + 1 / 62)
    assert scores["a"] == pytest.approx(1 / 61)
    assert scores["d"] < scores["a"]


def test_rrf_is_deterministic_on_ties():
    assert [i for i, _ in reciprocal_rank_fusion([["x", "y"], ["y", "x"]])] == ["x", "y"]


def test_rrf_weights_and_validation():
    fused = dict(reciprocal_rank_fusion([["a"], ["b"]], k=0, weights=[2.0, 1.0]))
    assert fused == {"a": 2.0, "b": 1.0}
    with pytest.raises(ValueError):
        reciprocal_rank_fusion([["a", "a"]])
    with pytest.raises(ValueError):
        reciprocal_rank_fusion([["a"]], weights=[1.0, 2.0])
    with pytest.raises(ValueError):
        reciprocal_rank_fusion([["a"]], k=-1)
    assert reciprocal_rank_fusion([]) == []
