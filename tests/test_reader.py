"""The reader's parts on real spaCy and real SQLite: stored sentence annotations, the shipped ranker, answer shapes."""

from __future__ import annotations

import json

import numpy as np
import pytest

from assistant.answer.extractive.features import FEATURES
from assistant.answer.extractive.ranker import RankerUnavailable, load_model
from assistant.documents import Article
from assistant.indexer import index_articles
from assistant.pipeline import Pipeline

TEXT = (
    "President Biden spoke today with Prime Minister Kishida of Japan. "
    "The leaders met in Hiroshima on May 19 to discuss semiconductors. "
    "They agreed to expand cooperation on clean energy and critical minerals."
)


def test_shipped_ranker_loads_and_refuses_other_features():
    model = load_model()
    assert model.sentence.names == FEATURES and 0.0 < model.threshold < 1.0
    assert model.meta["trained_on"] == "evals/dev.jsonl"
    probs = model.sentence.predict(np.zeros((2, len(FEATURES))))
    assert probs.shape == (2,) and np.all((probs > 0) & (probs < 1))
    d = json.loads(model.to_json())
    d["sentence"]["names"] = d["sentence"]["names"][:-1]
    with pytest.raises(RankerUnavailable, match="train_ranker"):
        load_model(json.dumps(d))


def test_ingest_stores_every_sentence_with_lemmas_entities_and_a_unit_vector(hash_settings):
    pipe = Pipeline(hash_settings)
    try:
        art = Article(id="a1", title="Biden and Kishida", text=TEXT, date="2023-05-19", source="Test")
        index_articles(pipe.store, pipe.embedder, [art], hash_settings)
        starts = [0, TEXT.index("The leaders"), TEXT.index("They agreed")]
        got = pipe.store.sentence_infos([("a1", s) for s in starts])
        assert sorted(k[1] for k in got) == starts
        second = got[("a1", starts[1])]
        assert TEXT[second.start : second.end] == "The leaders met in Hiroshima on May 19 to discuss semiconductors."
        assert {"leader", "meet", "hiroshima", "discuss", "semiconductor"} <= set(second.lemmas)
        assert ("GPE", "Hiroshima") in {(e.label, e.text) for e in second.entities}
        assert abs(float(np.linalg.norm(second.vector)) - 1.0) < 1e-2
        changed = Article(
            id="a1", title="Biden and Kishida", text=TEXT.replace("Hiroshima", "Tokyo"), date="2023-05-19", source="Test"
        )
        index_articles(pipe.store, pipe.embedder, [changed], hash_settings)
        again = pipe.store.sentence_infos([("a1", starts[1])])[("a1", starts[1])]
        assert "tokyo" in again.lemmas and "hiroshima" not in again.lemmas
        pipe.store.delete("a1")
        assert pipe.store.sentence_infos([("a1", s) for s in starts]) == {}
    finally:
        pipe.close()


def test_answer_shapes_on_a_small_index(hash_settings):
    pipe = Pipeline(hash_settings)
    try:
        art = Article(id="a1", title="Biden and Kishida", text=TEXT, date="2023-05-19", source="Test")
        index_articles(pipe.store, pipe.embedder, [art], hash_settings)
        # The shape of answers, not the refusal, is under test here: asked at threshold 0.
        where = pipe.ask("Where did Biden and Kishida meet in May 2023?", threshold=0.0)
        assert not where.refused and where.answer.split("\n\n")[0].startswith("Hiroshima [1]")
        overview = pipe.ask("What did Biden and Kishida agree on?", threshold=0.0)
        first = overview.answer.split("\n\n")[0]
        assert first.startswith("- ") and first.count("\n- ") >= 1 and len(overview.citations) >= 2
        for c in overview.citations:
            assert TEXT[c.start : c.end] == c.quote
    finally:
        pipe.close()


def test_follow_up_with_the_extractive_reader_uses_the_rule_based_rewrite(hash_settings, caplog):
    """The reader's ranker is not a chat model: a follow-up must not be sent to it for rewriting."""
    pipe = Pipeline(hash_settings)
    try:
        art = Article(id="a1", title="Biden and Kishida", text=TEXT, date="2023-05-19", source="Test")
        index_articles(pipe.store, pipe.embedder, [art], hash_settings)
        with caplog.at_level("WARNING"):
            out = pipe.ask("Where did they meet?", history=[{"question": "Did Biden speak with Kishida?", "answer": "Yes."}])
        assert "condense with the LLM failed" not in caplog.text
        assert "Biden" in (out.standalone_question or "") or "Kishida" in (out.standalone_question or "")
    finally:
        pipe.close()


def _cand(text: str, *ents: tuple[str, str]):
    from assistant.answer.extractive.features import Candidate
    from assistant.documents import Entity, Passage

    entities = tuple(Entity(label, text.index(t), text.index(t) + len(t), t) for label, t in ents)
    passage = Passage("c", "d", text, 0, len(text), [], title="t", date="2023-06-11", source="s", url=None)
    return Candidate(passage, 0, 0, len(text), text, (), entities, np.zeros(3))


def test_phrase_prefers_the_specific_entity_near_the_rarest_asked_term():
    from assistant.answer.extractive.phrase import short_answer as _phrase
    from assistant.answer.extractive.question import analyse

    q = analyse("When were the offices set to start taking applications?")
    c = _cand(
        "As of today, the partners decided to start taking applications at the offices on June 19, 2023.",
        ("DATE", "today"),
        ("DATE", "June 19, 2023"),
    )
    assert _phrase(q, c, 1) == "June 19, 2023 [1]"  # an explicit date before a relative one
    q = analyse("In which city did Biden meet the Prime Minister of the United Kingdom in March 2023?")
    c = _cand(
        "Biden met Prime Minister Sunak of the United Kingdom in San Diego, California.",
        ("GPE", "the United Kingdom"),
        ("GPE", "San Diego"),
        ("GPE", "California"),
    )
    assert _phrase(q, c, 2) == "San Diego [2]"  # the country is named by the question; the state only locates
    q = analyse("Where did the South Korean and Japanese advisers meet?")
    c = _cand(
        "The advisers of the Republic of Korea and Japan met at Annapolis.",
        ("GPE", "the Republic of Korea"),
        ("GPE", "Japan"),
        ("GPE", "Annapolis"),
    )
    assert _phrase(q, c, 1) == "Annapolis [1]"  # "South Korean" names the Republic of Korea


def test_question_head_noun_is_kept_only_when_no_entity_type_answers_it():
    from assistant.answer.extractive.question import analyse

    assert analyse("Which hotel did the delegation stay at?").head == "hotel"
    assert analyse("Which city hosted the summit?").head is None
    assert analyse("Which city hosted the summit?").expected == frozenset({"GPE"})
    assert analyse("How many doses did the United States donate?").head in ("dose", "dos")


def test_phrase_takes_the_named_kind_of_thing_and_skips_a_name_the_question_paraphrases():
    from assistant.answer.extractive.phrase import short_answer as _phrase
    from assistant.answer.extractive.question import analyse

    q = analyse("Which alliance did the ministers call the linchpin of peace in Northeast Asia?")
    text = "The ministers reaffirmed the U.S.-ROK Alliance as the linchpin of peace in Northeast Asia and the Indo-Pacific."
    c = _cand(text, ("ORG", "the U.S.-ROK Alliance"), ("LOC", "Northeast Asia"), ("LOC", "the Indo-Pacific"))
    assert _phrase(q, c, 1) == "the U.S.-ROK Alliance [1]"
    q = analyse("Which organization runs the fellowship for the State Department's education and culture bureau?")
    text = "The fellowship is a program of the Department of State's Bureau of Educational and Cultural Affairs, run by IREX."
    c = _cand(text, ("ORG", "the Department of State's Bureau of Educational and Cultural Affairs"), ("ORG", "IREX"))
    assert _phrase(q, c, 1) == "IREX [1]"
    q = analyse("When did the offices open, as agreed in June 2023?")
    c = _cand("They decided in June 2023 to open the offices on June 19, 2023.", ("DATE", "June 2023"), ("DATE", "June 19, 2023"))
    assert _phrase(q, c, 1).startswith("June 19, 2023")  # a date sharing words with the question is still an answer
