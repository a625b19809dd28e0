"""The evaluation set is sound, and `assistant eval` does not regress below evals/baseline.json."""

import json

import pytest
from conftest import ROOT

from assistant.evaluation.report import write_report
from assistant.evaluation.runner import parse_config, run_eval
from evals.check_questions import SPLITS, check, load_documents, load_questions

BASELINE = json.loads((ROOT / "evals" / "baseline.json").read_text())
MARGIN = BASELINE["margin"]


def test_question_set_is_sound():
    questions = load_questions(SPLITS["dev"])
    assert len(questions) >= 100
    types = {q["type"] for q in questions}
    assert {"who", "where", "when", "which", "what", "how_many", "list", "unanswerable", "followup"} <= types
    assert check(questions, load_documents()) == []


def test_checker_catches_bad_evidence():
    docs = {"d": {"text": "The leaders met in Rome.", "date": "2023-01-02", "title": "t"}}
    bad = [{"id": "x", "type": "where", "question": "?", "answers": ["Paris"], "doc_ids": ["d"],
            "evidence": ["The leaders met in Rome."]},
           {"id": "y", "type": "where", "question": "?", "answers": ["Rome"], "doc_ids": ["d"],
            "evidence": ["They met in Rome."]}]  # fmt: skip
    problems = check(bad, docs)
    assert any(p.startswith("x: no alias") for p in problems)
    assert any(p.startswith("y: evidence not verbatim") for p in problems)


@pytest.mark.slow
def test_eval_scores_do_not_regress(real_pipeline, tmp_path):
    questions = load_questions(SPLITS["dev"])
    report = run_eval(real_pipeline, questions, [parse_config(c) for c in ("hybrid", "dense", "bm25")])
    paths = write_report(report, tmp_path)
    assert all(p.exists() and p.stat().st_size > 0 for p in paths)
    assert "## Overall" in paths[1].read_text()
    for name, scores in BASELINE["configs"].items():
        got = report["configs"][name]["overall"]
        assert got["quote_validity"] == 1.0
        for metric, base in scores.items():
            if metric.startswith("false_refusal"):
                assert got[metric] <= base + MARGIN, (name, metric, got[metric], base)
            else:
                assert got[metric] >= base - MARGIN, (name, metric, got[metric], base)
