"""The reader's second-stage fit (`evals/train_ranker.py::fit_judge`): with a gate, the refusal's threshold is chosen
on whether a question is answerable at all, not on whether its first sentence is right."""

from __future__ import annotations

import numpy as np

from assistant.answer.extractive.features import EVIDENCE, FEATURES
from assistant.answer.extractive.ranker import READER_FEATURES
from evals.train_ranker import Example, fit_judge


def _dev(n: int = 200, seed: int = 3) -> tuple[list[Example], dict, dict]:
    """Synthetic dev questions of four candidates each. For half the answerable ones the first sentence is gold and the
    reader is sure of it (best log-odds about +3); for the other half it is not gold and the reader hesitates (about
    0); for unanswerable questions it says no (about -1.5). So the reader tells answerable questions from the rest,
    while the calibrated chance that the first sentence is right is low for both of the last two kinds."""
    rng = np.random.default_rng(seed)
    examples, oof, scores = [], {}, {}
    for i in range(n):
        answerable = i % 4 != 0
        y = np.zeros(4)
        if answerable:
            y[0 if i % 2 else 3] = 1.0  # the ranker's first is gold for half of them
        qid = f"q{i}"
        x = rng.random((4, len(FEATURES)))
        examples.append(Example(qid, answerable, x, y, True, rng.random((4, len(EVIDENCE)))))
        oof[qid] = np.asarray([0.9, 0.5, 0.4, 0.3])
        best = (-1.5 if not answerable else 3.0 if i % 2 else 0.0) + rng.normal(0, 0.3)
        scores[qid] = ([0, 1, 2, 3], np.asarray([best, best - 3, best - 3, best - 3]))
    return examples, oof, scores


def test_a_gated_fit_refuses_unanswerable_questions_that_the_confidence_alone_answers():
    examples, oof, scores = _dev()
    plain = fit_judge(examples, oof, scores, 1.0, 4, READER_FEATURES, (0.5,))
    gated = fit_judge(examples, oof, scores, 1.0, 4, READER_FEATURES, (0.5,), gated=True)
    assert plain.gate is None and plain.meta["dev_at_threshold"]["on"] == "answer"
    assert gated.gate is not None and gated.meta["dev_at_threshold"]["on"] == "gate"
    at_plain, at_gated = plain.meta["dev_at_threshold"], gated.meta["dev_at_threshold"]
    # the gate separates what the reader separates: most unanswerable questions refused within the budget
    assert at_gated["false_refusal"] <= 0.10 and at_gated["refusal"] >= 0.9
    # the confidence is low for every answerable question whose first sentence is wrong: its lowest threshold already
    # refuses more of them than the budget allows (and the fit falls back to that threshold)
    assert at_plain["false_refusal"] > 0.10 or at_plain["refusal"] < 0.5
    assert gated.answer.coef.tolist() == plain.answer.coef.tolist()  # the confidence is the same regression


def test_mined_negatives_are_what_the_ranker_reads_minus_the_answers_and_evaluation_documents(kishida_index):
    """`evals/reader_mined_data.py` on a real (small) index: the ranker's best sentences that hold no answer become
    negatives; the answer's own sentence, a sentence holding the answer and an excluded document's sentences never do."""
    import warnings

    from evals.reader_mined_data import mine

    question = {
        "doc_id": "a1",
        "question": "Where did Biden and Kishida meet in May 2023?",
        "answerable": True,
        "sentence": "The leaders met in Hiroshima on May 19 to discuss semiconductors.",
        "answer": "Hiroshima",
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the shipped ranker was fit with another embedder than this test index's
        rows = mine(kishida_index, [question], 3, excluded=set())
        capped = mine(kishida_index, [question], 1, excluded=set())
        excluded = mine(kishida_index, [question], 3, excluded={"a1"})
    assert sorted(r["sentence"] for r in rows) == [
        "President Biden spoke today with Prime Minister Kishida of Japan.",
        "They agreed to expand cooperation on clean energy and critical minerals.",
    ]
    assert all(r["label"] == 0 and r["kind"] == "mined" and r["title"] == "a1" for r in rows)
    assert len(capped) == 1 and excluded == []
    lookalike = {**question, "answerable": False, "answer": "", "question": "Where did Biden and Macron meet?"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert len(mine(kishida_index, [lookalike], 3, excluded=set())) == 2  # its tempting sentence is left out
