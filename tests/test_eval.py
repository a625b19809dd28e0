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


def test_held_out_written_set_is_sound_and_apart_from_everything_else(splits):
    """evals/heldout_written.jsonl (report only): sound, on articles no evaluation split and no written training
    question uses, and those articles kept out of training data built from now on (EVAL_FILES)."""
    from evals.reader_written_data import EVAL_FILES, WRITTEN, evaluation_documents

    held = load_questions(ROOT / "evals" / "heldout_written.jsonl")
    assert len(held) >= 600 and sum(q["type"] == "unanswerable" for q in held) >= 450
    assert check(held, load_documents()) == []
    docs = {d for q in held for d in q["doc_ids"]}
    others = {d for qs in splits.values() for q in qs for d in q["doc_ids"]}
    written = {json.loads(line)["doc_id"] for f in WRITTEN.glob("*.jsonl") for line in f.open(encoding="utf-8")}
    assert not docs & others and not docs & written
    assert "heldout_written.jsonl" in EVAL_FILES and docs <= evaluation_documents()


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


def test_written_questions_become_an_eval_set_with_the_article_text_cleaned():
    """evals/written_eval_set.py: an answerable question keeps its answer and sentence as gold, a look-alike becomes
    unanswerable with its tempting sentence; both as ingest cleans the article (a no-break space is a space)."""
    from evals.written_eval_set import eval_rows

    rows = eval_rows(
        [
            {
                "doc_id": "d",
                "question": "Who?",
                "answerable": True,
                "sentence": "Met\u00a0Kuleba.",
                "answer": "Kuleba",
                "kind": "who",
                "lookalike": "",
                "sub": "later",
            },
            {
                "doc_id": "d",
                "question": "When?",
                "answerable": False,
                "sentence": "They met.",
                "answer": "",
                "kind": "when",
                "lookalike": "missing",
                "sub": "specific",
            },
        ],
        "t",
    )
    assert rows[0]["id"] == "t-0001" and rows[0]["type"] == "who" and rows[0]["evidence"] == ["Met Kuleba."]
    assert rows[0]["answers"] == ["Kuleba"] and rows[0]["doc_ids"] == ["d"]
    assert rows[1]["type"] == "unanswerable" and rows[1]["answers"] == [] and rows[1]["evidence"] == []
    assert rows[1]["tempting"] == "They met." and rows[1]["asks"] == "when" and rows[1]["sub"] == "specific"
    docs = {"d": {"text": "They met. Met Kuleba.", "date": "2022-01-01", "title": "t"}}
    assert check(rows, docs) == []
