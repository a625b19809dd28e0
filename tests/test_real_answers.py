"""Answers on the real embedder and real Chroma over the seed article and the 1,250-article corpus."""

import pytest

from assistant.retrieval.filters import Filters

pytestmark = pytest.mark.slow


def _doc(pipe, doc_id):
    return pipe.store.keyword.document(doc_id)


def test_seed_airport_question_names_both_officials_and_quotes_irna(real_pipeline):
    ans = real_pipeline.ask("Who greeted Pezeshkian at the airport?")
    assert not ans.refused
    assert "Yagub Eyyubov" in ans.answer and "Samir Sharifov" in ans.answer
    c = ans.citations[0]
    assert c.doc_id == "seed-pezeshkian-baku" and "IRNA" in c.quote and "Heydar Aliyev International Airport" in c.quote
    assert _doc(real_pipeline, c.doc_id)["text"][c.start : c.end] == c.quote
    assert c.verified and c.date is None


def test_seed_follow_up_and_refusal(real_pipeline):
    first = real_pipeline.ask("Who greeted Pezeshkian at the airport?")
    hist = [{"question": "Who greeted Pezeshkian at the airport?", "answer": first.answer}]
    ans = real_pipeline.ask("Where was he officially welcomed?", history=hist)
    assert "Zagulba Presidential Palace" in ans.answer and ans.standalone_question
    no = real_pipeline.ask("What did Pezeshkian eat in Baku?")
    assert no.refused and not no.citations
    assert "do not say" in no.answer and any(d["doc_id"] == "seed-pezeshkian-baku" for d in no.closest)


@pytest.mark.parametrize(
    ("question", "expected", "doc_id"),
    [
        ("Where did Jake Sullivan meet Wang Yi in January 2024?", "Bangkok", "wh-2024-01-27-9c12468b"),
        (
            "How much did the Biden administration ask Congress for in its April 2022 aid request for Ukraine?",
            "$33 billion",
            None,
        ),
        ("How many nations were represented at Sullivan's May 2024 meeting about hostages?", "18", "wh-2024-05-16-f948cc77"),
        ("Who signed the Artemis Accords for Singapore?", "Gan Kim Yong", "sd-2022-03-28-5793e00b"),
    ],
)
def test_corpus_questions(real_pipeline, question, expected, doc_id):
    ans = real_pipeline.ask(question)
    assert not ans.refused, ans.answer
    assert expected in ans.answer.split("\n\n")[0]  # the short answer a reader sees first
    assert doc_id is None or doc_id in {c.doc_id for c in ans.citations}
    for c in ans.citations:
        assert _doc(real_pipeline, c.doc_id)["text"][c.start : c.end] == c.quote


def test_relative_day_gets_an_absolute_date(real_pipeline):
    ans = real_pipeline.ask("When did Blinken meet Penny Wong in Tokyo?")
    assert "May 23, 2022" in ans.answer and "dated May 24, 2022" in ans.answer


def test_list_question_gathers_items_from_two_documents(real_pipeline):
    q = "Where did Blinken meet Indian External Affairs Minister Jaishankar in May 2021 and in February 2022?"
    ans = real_pipeline.ask(q)
    assert "Melbourne" in ans.answer.split("\n\n")[0]  # the second meeting's place ("the Department of State") is an
    assert len({c.doc_id for c in ans.citations}) >= 2  # organisation, not a place entity: a known miss of the reader


def test_filters_on_the_real_index(real_pipeline):
    got = real_pipeline.retriever.retrieve("Blinken call foreign minister", k=10, filters=Filters(source="The White House"))
    assert got and all(p.source == "The White House" for p in got)
    got = real_pipeline.retriever.retrieve("NATO summit", k=10, filters=Filters(since="2024-01-01", until="2024-12-31"))
    assert got and all(p.date and "2024-01-01" <= p.date <= "2024-12-31" for p in got)
