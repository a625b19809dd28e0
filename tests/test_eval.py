"""The evaluation sets are sound and sealed, and `assistant eval` on the test split does not fall below its baseline."""

import json

import pytest
from conftest import ROOT

from assistant.evaluation.report import write_report
from assistant.evaluation.runner import parse_config, run_eval
from evals.check_questions import SPLITS, TYPES, check, check_disjoint, load_documents, load_questions

BASELINE = json.loads((ROOT / "evals" / "baseline.json").read_text())
MARGIN = BASELINE["margin"]
LOWER_IS_BETTER = {"false_refusal_rate", "aurc"}


@pytest.fixture(scope="module")
def splits() -> dict[str, list[dict]]:
    return {name: load_questions(path) for name, path in SPLITS.items()}


def test_question_sets_are_sound_and_disjoint(splits):
    dev, test = splits["dev"], splits["test"]
    assert len(dev) + len(test) >= 300 and len(test) >= 150
    assert sum(q["type"] == "unanswerable" for q in dev + test) >= 60
    for qs in (dev, test):
        assert {q["type"] for q in qs} == TYPES
        unanswerable_asks = {q.get("asks") for q in qs if q["type"] == "unanswerable"}
        assert {"who", "where", "when", "how_many", "what", "which"} <= unanswerable_asks
    docs = load_documents()
    assert check(dev, docs) == [] and check(test, docs) == []
    assert check_disjoint(splits) == []


def test_checker_catches_bad_evidence_and_shared_documents():
    docs = {"d": {"text": "The leaders met in Rome.", "date": "2023-01-02", "title": "t"}}
    bad = [
        {
            "id": "x",
            "type": "where",
            "question": "?",
            "answers": ["Paris"],
            "doc_ids": ["d"],
            "evidence": ["The leaders met in Rome."],
        },
        {"id": "y", "type": "where", "question": "?", "answers": ["Rome"], "doc_ids": ["d"], "evidence": ["They met in Rome."]},
    ]
    problems = check(bad, docs)
    assert any(p.startswith("x: no alias") for p in problems)
    assert any(p.startswith("y: evidence not verbatim") for p in problems)
    shared = check_disjoint({"dev": [bad[0]], "test": [{**bad[1], "id": "z"}]})
    assert shared == ["z: document d is gold in both dev and test"]


def test_test_split_is_the_one_in_the_readme():
    import hashlib

    digest = hashlib.sha256(SPLITS["test"].read_bytes()).hexdigest()
    assert digest in (ROOT / "README.md").read_text(), "a change to evals/test.jsonl is a commit of its own; update the README"


@pytest.mark.slow
def test_eval_scores_on_the_test_split_do_not_regress(real_pipeline, splits, tmp_path):
    questions = [{**q, "split": "test"} for q in splits["test"]]
    report = run_eval(real_pipeline, questions, [parse_config(c) for c in BASELINE["configs"]])
    paths = write_report(report, tmp_path)
    assert all(p.exists() and p.stat().st_size > 0 for p in paths)
    md = paths[1].read_text()
    assert "## Overall" in md and "## Failures, test split" in md
    for name, scores in BASELINE["configs"].items():
        got = report["configs"][name]["overall"]
        assert got["quote_validity"] == 1.0
        for metric, base in scores.items():
            if metric in LOWER_IS_BETTER:
                assert got[metric] <= base + MARGIN, (name, metric, got[metric], base)
            else:
                assert got[metric] >= base - MARGIN, (name, metric, got[metric], base)
