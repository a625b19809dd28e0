"""Pure parts of answering: question analysis, phrases, markers, follow-up rewrite."""

from assistant.answer.citations import markers_in, normalise
from assistant.answer.extractive.phrases import answer_phrase
from assistant.answer.extractive.question import analyse
from assistant.answer.types import Citation, Draft
from assistant.retrieval.condense import condense


def _cite(n):
    return Citation(n, f"d{n}", f"c{n}", "T", None, "S", None, f"quote {n}", 0, 7)


def test_question_types():
    assert analyse("Who greeted Pezeshkian at the airport?").qtype == "who"
    assert analyse("Where was he officially welcomed?").qtype == "where"
    assert analyse("When did Biden call Scholz?").qtype == "when"
    assert analyse("How many countries signed?").qtype == "how_many"
    assert analyse("Which countries attended the summit?").qtype == "list"
    info = analyse("Who greeted Pezeshkian at the airport in 2024?")
    assert "pezeshkian" in info.terms and "airport" in info.terms and info.years == ("2024",)
    assert "Pezeshkian" in info.names


def test_answer_phrases():
    s = (
        "Iranian state media IRNA noted that “upon his arrival at Heydar Aliyev International Airport, Pezeshkian "
        "was greeted by Azerbaijan’s First Deputy Prime Minister Yagub Eyyubov and Deputy Minister of Foreign "
        "Affairs Samir Sharifov.”"
    )
    who = answer_phrase(analyse("Who greeted Pezeshkian at the airport?"), s)
    assert "Yagub Eyyubov" in who and "Samir Sharifov" in who and "Airport" not in who
    w = "Pezeshkian was officially welcomed by President Ilham Aliyev, at Zagulba Presidential Palace, media said."
    assert answer_phrase(analyse("Where was Pezeshkian officially welcomed?"), w) == "Zagulba Presidential Palace"
    assert answer_phrase(analyse("When did they meet?"), "They met on March 3, 2023 in Rome.") == "March 3, 2023"
    assert answer_phrase(analyse("How many people died?"), "At least 12 people died.") == "12"


def test_normalise_drops_invalid_markers_and_renumbers():
    d = Draft(text="First [2]. Second [7]. Third [1] [2].", citations=[_cite(1), _cite(2), _cite(3)])
    out = normalise(d)
    assert out.text == "First [1]. Second. Third [2] [1]."
    assert [(c.marker, c.doc_id) for c in out.citations] == [(1, "d2"), (2, "d1")]
    assert markers_in(out.text) == [1, 2, 1]


def test_followup_rewrite_carries_entities():
    hist = [{"question": "Who greeted Pezeshkian at the airport in Baku?", "answer": "..."}]
    q = condense("Where was he officially welcomed?", hist)
    assert "Pezeshkian" in q and "Baku" in q
    assert condense("Who met Scholz in Berlin in 2023?", hist) == "Who met Scholz in Berlin in 2023?"
    assert condense("Where was he welcomed?", []) == "Where was he welcomed?"


def test_claim_check_drops_unsupported_and_uncited_statements():
    from assistant.answer.citations import check_claims

    quote = "Secretary Blinken met Foreign Minister Wong in Tokyo on the sidelines of the Quad summit."
    cite = Citation(1, "d1", "c1", "T", "2022-05-24", "S", None, quote, 0, len(quote))
    d = Draft(
        text="Blinken met Wong in Tokyo [1]. They signed a $5 billion deal in Paris [1]. Uncited claim here.",
        citations=[cite, _cite(2)],
    )
    out = check_claims(d, threshold=0.75)
    assert out.text == "Blinken met Wong in Tokyo. [1]"
    assert [c.marker for c in out.citations] == [1] and out.citations[0].verified and out.citations[0].support == 1.0
    assert any("removed" in n for n in out.notes)
    flagged = check_claims(d, threshold=0.75, keep_unsupported=True)
    assert "[unsupported]" in flagged.text and "Paris" in flagged.text
    none = check_claims(Draft(text="Nothing cited at all.", citations=[cite]), threshold=0.75)
    assert none.refused and not none.citations
