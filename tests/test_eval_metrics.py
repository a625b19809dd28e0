"""The evaluation's measures on hand-made answers: strict vs lenient, exact match, the judge, risk-coverage."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.evaluation import metrics as M
from assistant.evaluation.failures import classify
from assistant.evaluation.judge import EvidenceSpan, cites_gold_evidence, evidence_spans, spans_in_passages
from assistant.evaluation.scores import QuestionScore

Q = {"answers": ["2.5 million", "2.5 million doses"], "type": "how_many"}
LIST_Q = {"all_of": [["Mottley"], ["Holness", "Andrew Holness"]], "type": "list"}


def test_strict_needs_the_answer_in_the_first_paragraph():
    wrong_phrase = "19 [1]\n\nThe U.S. shipped 2.5 million doses of COVID-19 vaccine. [1]"
    assert M.alias_match(wrong_phrase, Q)  # lenient: found in the quote
    assert not M.strict_match(wrong_phrase, Q)
    assert M.strict_match("2.5 million [1]\n\nThe U.S. shipped 2.5 million doses. [1]", Q)


def test_markers_do_not_count_and_lists_need_every_item():
    assert not M.strict_match("Mottley [1]\n\nHolness also called. [2]", LIST_Q)
    assert M.groups_found("Mottley [1]\n\nHolness also called. [2]", LIST_Q) == 2
    assert M.strict_match("Mottley [1]; Andrew Holness [2]", LIST_Q)


def test_exact_match_is_squad_normalised():
    assert M.exact_match("The 2.5 million. [1]", Q)
    assert not M.exact_match("2.5 million doses of vaccine [1]", Q)
    assert M.token_f1("2.5 million doses of vaccine", "2.5 million doses") == 0.8  # "2 5 million doses" in 6 tokens


def test_judge_uses_offsets_not_words():
    text = "Intro sentence. The ministers met in Rabat on Monday. They talked."
    spans = evidence_spans(["The ministers met in Rabat on Monday."], ["d"], {"d": text})
    assert spans == [EvidenceSpan("d", 16, 53)]

    @dataclass
    class C:
        doc_id: str
        start: int
        end: int

    assert cites_gold_evidence([C("d", 16, 53)], spans)
    assert not cites_gold_evidence([C("d", 0, 15)], spans)  # same words nearby do not count
    assert not cites_gold_evidence([C("other", 16, 53)], spans)
    assert spans_in_passages(spans, [C("d", 0, 60)]) and not spans_in_passages(spans, [C("d", 54, 66)])


def test_risk_coverage_and_its_area():
    # (confidence, would answer, correct)
    points = [(0.9, True, True), (0.8, True, True), (0.6, True, False), (0.3, True, False), (0.2, False, False)]
    curve = M.risk_coverage(points)
    assert [p["coverage"] for p in curve] == [0.2, 0.4, 0.6, 0.8]
    assert [p["risk"] for p in curve] == [0.0, 0.0, 0.3333, 0.5]
    assert 0 < M.aurc(curve) < 0.2
    perfect = M.risk_coverage([(0.9, True, True), (0.1, True, False)])
    assert M.aurc(perfect) < M.aurc(M.risk_coverage([(0.9, True, False), (0.1, True, True)]))


def _row(**kw) -> QuestionScore:
    base = dict(
        id="x",
        split="dev",
        type="who",
        kind="who",
        question="?",
        config="hybrid",
        answerable=True,
        answer="a",
        would_answer="a",
        refused=False,
        confidence=0.5,
        standalone=None,
        items_total=1,
    )
    return QuestionScore(**{**base, **kw})


def test_failures_are_named():
    assert classify(_row(answer_accuracy=True)) is None
    assert classify(_row(answerable=False)) == "answered an unanswerable question"
    assert classify(_row(answerable=False, refused=True)) is None
    assert classify(_row(refused=True, evidence_in_passages=True)).startswith("false refusal (evidence was")
    assert classify(_row(items_total=2, items_found=1, evidence_in_passages=True)).startswith("incomplete")
    assert classify(_row(gold_in_passages=False)) == "gold document not retrieved"
    assert classify(_row(evidence_in_passages=True, contains_answer=True)).startswith("answer in a later")
    assert classify(_row(evidence_in_passages=True, cites_gold_evidence=True)).startswith("right sentence")
    assert classify(_row(evidence_in_passages=True)).startswith("wrong sentence")
