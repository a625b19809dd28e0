"""The one refusal decision (`answer/refusal.py`): declined, low confidence, unsupported, answered; the evaluation
replays a threshold through it; and a refusal always names, in `closest`, the articles its text lists."""

from __future__ import annotations

import dataclasses

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from assistant.answer.llm.generative import GenerativeAnswerer
from assistant.answer.refusal import REFUSAL, decide
from assistant.answer.types import Citation, Draft
from assistant.documents import Article, Passage
from assistant.indexer import index_articles
from assistant.pipeline import Pipeline

QUOTE = "Blinken met Wong in Tokyo."
CITE = Citation(1, "d1", "c1", "Blinken in Tokyo", "2022-05-24", "S", None, QUOTE, 0, len(QUOTE))
PASSAGE = Passage("c1", "d1", QUOTE, 0, len(QUOTE), [], "Blinken in Tokyo", "2022-05-24", "S", None)
SEED = Article(
    id="seed",
    title="Pezeshkian visits Baku",
    date="2024-04-29",
    source="Wire",
    text="Pezeshkian was officially welcomed by President Ilham Aliyev at Zagulba Presidential Palace. "
    "At the airport he was greeted by First Deputy Prime Minister Yagub Eyyubov.",
)


def test_each_reason_to_refuse_and_the_closest_articles_it_names():
    answer = Draft(f"{QUOTE} [1]", [CITE], confidence=0.6, threshold=0.5)
    ok = decide(answer, answer, [PASSAGE])
    assert (ok.refused, ok.reason, ok.text, ok.closest) == (False, "answered", f"{QUOTE} [1]", [])
    low = decide(dataclasses.replace(answer, confidence=0.4), answer, [PASSAGE])
    assert (low.refused, low.reason, low.citations) == (True, "low confidence", [])
    assert low.text == f"{REFUSAL} Closest articles: Blinken in Tokyo (2022-05-24)." and low.closest[0]["doc_id"] == "d1"
    assert not decide(dataclasses.replace(answer, confidence=0.4), answer, threshold=0.0).refused  # the eval's 0
    assert decide(answer, answer, threshold=0.7).reason == "low confidence"  # a replayed threshold
    unsupported = decide(answer, dataclasses.replace(answer, text="", citations=[], notes=["1 removed"]))
    assert (unsupported.reason, unsupported.notes) == ("unsupported", ["1 removed"])
    # with an answerability (the reader's gate), that is what the threshold weighs, whatever the confidence
    gated = dataclasses.replace(answer, confidence=0.1, answerability=0.8)
    unsure = decide(gated, gated, [PASSAGE])
    assert unsure.reason == "answered" and unsure.notes == [
        "Not sure: the chance that the first quoted sentence answers the question is 10%. Check it against its article."
    ]
    assert ok.notes == []  # confidence 0.6: no such note
    unanswerable = dataclasses.replace(answer, confidence=0.9, answerability=0.4)
    assert (decide(unanswerable, unanswerable, [PASSAGE]).reason, decide(unanswerable, answer, threshold=0.0).refused) == (
        "not answerable",
        False,
    )
    declined = decide(Draft("", [], refused=True), Draft("", [], refused=True))
    assert declined.reason == "declined" and declined.text == f"{REFUSAL} Nothing relevant is indexed."


def test_an_uncited_llm_answer_shown_as_unsupported_is_refused_with_the_closest_articles_it_lists(hash_settings):
    """show_unsupported keeps an uncited claim, flagged; with nothing cited the answer is refused, and `closest` holds
    the articles the refusal text names (it used to be empty)."""
    model = GenericFakeChatModel(messages=iter([AIMessage("The talks covered trade, gas and the Zangezur corridor.")]))
    settings = dataclasses.replace(hash_settings, show_unsupported=True)
    pipe = Pipeline(settings, answerer=GenerativeAnswerer(model, "fake", context=4096, max_tokens=256))
    try:
        index_articles(pipe.store, pipe.embedder, [SEED], settings)
        ans = pipe.ask("What did Pezeshkian and Aliyev discuss?")
        assert ans.refused and not ans.citations and ans.answer.startswith(REFUSAL)
        assert [d["doc_id"] for d in ans.closest] == ["seed"]
        assert all(f"{d['title']} ({d['date']})" in ans.answer for d in ans.closest)
    finally:
        pipe.close()


def test_the_evaluation_replays_the_threshold_without_touching_the_reader(kishida_index):
    from assistant.evaluation.runner import operating_threshold, parse_config, replayed

    reader = kishida_index.extractive
    threshold = operating_threshold(kishida_index, parse_config("hybrid"))
    assert threshold == reader.threshold and reader._threshold is None
    ans = kishida_index.ask("Where did Biden and Kishida meet in May 2023?", threshold=0.0)
    assert not ans.refused and reader._threshold is None
    weighed = ans.confidence if ans.answerability is None else ans.answerability  # what the refusal weighs
    assert replayed(ans, weighed + 0.01) and not replayed(ans, weighed)
    assert operating_threshold(kishida_index, parse_config("llm")) is None
