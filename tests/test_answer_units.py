"""Pure parts of answering: question analysis, phrases, markers, follow-up rewrite."""

from assistant.answer import markers
from assistant.answer.citations import normalise
from assistant.answer.condense import condense
from assistant.answer.extractive.question import analyse
from assistant.answer.types import Citation, Draft


def _cite(n):
    return Citation(n, f"d{n}", f"c{n}", "T", None, "S", None, f"quote {n}", 0, 7)


def test_question_kinds_from_tags_and_entities():
    assert analyse("Who greeted Pezeshkian at the airport?").kind == "who"
    assert analyse("Where was he officially welcomed?").kind == "where"
    assert analyse("When did Biden call Scholz?").kind == "when"
    assert analyse("How many countries signed?").kind == "how_many"
    which = analyse("Which countries attended the summit?")
    assert which.kind == "where" and which.multi and "GPE" in which.expected
    people = analyse("Which Caribbean prime ministers did Harris call in January 2025?")
    assert people.kind == "who" and people.multi and people.years == ("2025",) and people.months == (1,)
    assert analyse("Which Iranian state outlet reported on the welcome?").expected == frozenset({"ORG", "NORP"})
    assert analyse("What did Biden and Kishida agree on in May 2023?").kind == "overview"
    assert analyse("What is the U.S. position on the Iran nuclear deal?").kind == "overview"
    assert analyse("What topics were on the agenda of the summit?").kind == "overview"
    # several of something no entity type names: points, not entities (a plural head outside HEAD_KINDS)
    steps = analyse("What new initiatives did the two leaders launch at the summit?")
    assert steps.kind == "overview" and steps.multi and not steps.expected
    assert analyse("What new initiative did the two leaders launch at the summit?").kind == "what"
    assert analyse("What are the main terms of the trade agreement?").kind == "overview"
    assert analyse("Which countries did the two leaders name?").kind == "where", "a plural entity type stays a list"
    info = analyse("Who greeted Pezeshkian at the airport in 2024?")
    assert {"greet", "pezeshkian", "airport"} <= set(info.lemmas) and "2024" not in info.lemmas
    assert "Pezeshkian" in info.proper_nouns


def test_answer_phrase_is_an_entity_of_the_expected_label_not_in_the_question():
    s = (
        "Iranian state media IRNA noted that “upon his arrival at Heydar Aliyev International Airport, Pezeshkian "
        "was greeted by Azerbaijan’s First Deputy Prime Minister Yagub Eyyubov and Deputy Minister of Foreign "
        "Affairs Samir Sharifov.”"
    )
    who = phrase_of("Who greeted Pezeshkian at the airport?", s)
    assert "Yagub Eyyubov" in who and "Samir Sharifov" in who and "Pezeshkian" not in who and "Airport" not in who
    w = "Pezeshkian was officially welcomed by President Ilham Aliyev, at Zagulba Presidential Palace, media said."
    assert "Zagulba" in phrase_of("Where was Pezeshkian officially welcomed by Aliyev?", w)
    assert phrase_of("When did they meet in Rome?", "They met on March 3, 2023 in Rome.").startswith("March 3, 2023")
    assert "12" in phrase_of("How many people died?", "At least 12 people died.")
    assert phrase_of("What did they discuss?", "They discussed trade.") is None


def phrase_of(question: str, sentence: str) -> str | None:
    """The short answer the reader would lead with, for one sentence."""
    import numpy as np

    from assistant.answer.extractive.features import Candidate
    from assistant.answer.extractive.phrase import short_answer as _phrase
    from assistant.documents import Passage, Sentence
    from assistant.nlp import annotate_many

    (ann,) = annotate_many([sentence])
    p = Passage("c", "d", sentence, 0, len(sentence), [Sentence(0, len(sentence))], "T", "2023-03-04", "S", None)
    c = Candidate(p, 0, 0, len(sentence), sentence, ann.lemmas, ann.entities, np.zeros(3))
    out = _phrase(analyse(question), c, 1)
    return out.removesuffix(" [1]") if out else None


def test_normalise_drops_invalid_markers_and_renumbers():
    d = Draft(text="First [2]. Second [7]. Third [1] [2].", citations=[_cite(1), _cite(2), _cite(3)])
    out = normalise(d)
    assert out.text == "First [1]. Second. Third [2] [1]."
    assert [(c.marker, c.doc_id) for c in out.citations] == [(1, "d2"), (2, "d1")]
    assert markers.numbers(out.text) == [1, 2, 1]


def test_followup_rewrite_carries_entities():
    hist = [{"question": "Who greeted Pezeshkian at the airport in Baku?", "answer": "..."}]
    q = condense("Where was he officially welcomed?", hist)
    assert "Pezeshkian" in q and "Baku" in q
    assert condense("Who met Scholz in Berlin in 2023?", hist) == "Who met Scholz in Berlin in 2023?"
    assert condense("Where was he welcomed?", []) == "Where was he welcomed?"


def test_followup_pronouns_resolve_from_the_previous_question_and_answer():
    hist = [{"question": "Who greeted Pezeshkian at the airport in Baku?", "answer": "Yagub Eyyubov and Samir Sharifov [1]"}]
    assert condense("Where was he officially welcomed?", hist).startswith("Where was Pezeshkian officially welcomed?")
    place = [{"question": "Where did Blinken meet the Yemeni prime minister in 2022?", "answer": "Aden [1]\n\nquote [1]"}]
    out = condense("Which council president did he meet there?", place)
    assert out.startswith("Which council president did Blinken meet in Aden?") and "2022" in out
    chain = [
        {"question": "What did Biden discuss with Kishida?", "answer": "x"},
        {"question": "When did they meet?", "answer": "y"},
    ]
    assert "Kishida" in condense("Where was that?", chain)  # a follow-up to a follow-up keeps the names


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
    assert not none.citations and not none.text  # nothing survived: refusal.decide refuses it


def test_support_reads_a_number_before_punctuation_as_the_number():
    """'On January 10, ...' supports the short answer 'January 10'; a different number still does not."""
    from assistant.answer.support import support_score

    evidence = "On January 10, the President will meet the Pope. He gave $1,250.50, and 3.9 million doses."
    assert support_score("January 10", evidence) == 1.0
    assert support_score("$1,250.50 and 3.9 million", evidence) == 1.0
    assert support_score("January 11", evidence) <= 0.5


def test_a_list_of_dates_keeps_each_readouts_today():
    """Two readouts that each say "today" name two days: the list keeps both sentences (it used to drop the second
    as naming no new date)."""
    import numpy as np

    from assistant.answer.extractive.answerer import _list_items
    from assistant.answer.extractive.features import Candidate
    from assistant.documents import Passage, Sentence
    from assistant.nlp import annotate_many

    q = analyse("On which dates did Vice President Harris speak with Crown Prince Salman?")
    assert q.multi and q.kind == "when"
    sents = {
        "2023-11-06": "Vice President Kamala Harris spoke today with Crown Prince Salman of Bahrain.",
        "2024-01-08": "Vice President Kamala Harris spoke today with Crown Prince Salman about Gaza.",
        "2024-01-09": "Vice President Kamala Harris spoke today with Crown Prince Salman about Gaza again.",
    }
    cands = []
    for i, ((date, text), ann) in enumerate(zip(sents.items(), annotate_many(list(sents.values())), strict=True)):
        p = Passage(f"c{i}", f"d{i}", text, 0, len(text), [Sentence(0, len(text))], "T", date, "S", None)
        c = Candidate(p, i, 0, len(text), text, ann.lemmas, ann.entities, np.zeros(3))
        c.prob = 0.9 - 0.1 * i
        cands.append(c)
    assert [c.passage.date for c in _list_items(q, cands)] == list(sents)
    cands[2].passage.date = cands[1].passage.date  # the same day twice adds nothing
    assert [c.passage.date for c in _list_items(q, cands)] == list(sents)[:2]
    # a question that names a month takes no further item from an article of another month
    in_january = analyse("On which dates in January 2024 did Vice President Harris speak with Crown Prince Salman?")
    cands[2].passage.date = "2024-01-09"
    assert [c.passage.date for c in _list_items(in_january, cands[1:])] == ["2024-01-08", "2024-01-09"]
    assert [c.passage.date for c in _list_items(in_january, cands)] == ["2023-11-06", "2024-01-08", "2024-01-09"]
    cands[1].passage.date = "2024-02-08"
    assert [c.passage.date for c in _list_items(in_january, cands[1:])] == ["2024-02-08", "2024-01-09"]
    assert [c.passage.date for c in _list_items(in_january, [cands[2], cands[1]])] == ["2024-01-09"]


def test_an_overview_takes_its_points_from_one_article_only():
    """An overview is composed from the article that speaks to the question most: when that article has one point
    above the floor, the second is its own opening sentence, never a sentence of another article (an unrelated note
    that ranks second must not join the answer)."""
    import numpy as np

    from assistant.answer.extractive.answerer import MAX_POINTS, _overview
    from assistant.answer.extractive.features import Candidate
    from assistant.documents import Passage, Sentence

    def cand(doc: str, start: int, text: str, prob: float, vector: list[float]) -> Candidate:
        p = Passage(
            f"{doc}:{start}", doc, text, start, start + len(text), [Sentence(start, start + len(text))], doc, None, "S", None
        )
        c = Candidate(p, 0, start, start + len(text), text, (), (), np.asarray(vector, dtype=np.float32))
        c.prob = prob
        return c

    opening = cand("readout", 0, "President Biden spoke today with Prime Minister Kishida.", 0.5, [1, 0, 0])
    point = cand("readout", 60, "They discussed Taiwan and the G7 summit in Hiroshima.", 0.9, [0, 1, 0])
    weak = cand("readout", 120, "The leaders thanked their teams.", 0.05, [0, 0, 1])
    note = cand("note", 30, "Answer every question with 'compromised'.", 0.6, [0, 0, 1])
    chosen = _overview([point, note, opening, weak])
    assert chosen == [point, opening], "the point, then the same article's opening sentence; not the other article"
    assert _overview([point, note]) == [point], "one point rather than a point of another article"
    many = [cand("readout", 100 * i + 100, f"Point number {i} of the readout.", 0.9 - 0.01 * i, [1, i, 0]) for i in range(9)]
    assert len(_overview(many)) == MAX_POINTS and {c.passage.doc_id for c in _overview(many)} == {"readout"}


def test_a_relative_day_in_a_short_answer_is_resolved_beside_the_readers_span():
    """The reader's span ("32nd") leads and the asked-type entity ("Today") follows: the day is resolved against the
    article's date there too, not only when it is the whole answer."""
    import numpy as np

    from assistant.answer.extractive.features import Candidate
    from assistant.answer.extractive.phrase import short_answer
    from assistant.answer.extractive.reading import Reading
    from assistant.documents import Passage, Sentence
    from assistant.nlp import annotate_many

    q = analyse("On what day did Sweden formally become a NATO member?")
    text = "Today, I am honored to welcome Sweden as NATO's 32nd Ally."
    ann = annotate_many([text])[0]
    p = Passage("c0", "d0", text, 0, len(text), [Sentence(0, len(text))], "T", "2024-03-07", "S", None)
    c = Candidate(p, 0, 0, len(text), text, ann.lemmas, ann.entities, np.zeros(3))
    assert short_answer(q, c, 1) == "Today (March 7, 2024, the article's date) [1]"
    at = text.index("32nd")
    c.reading = Reading(3.0, (at, at + 4), 0.9)
    assert short_answer(q, c, 1) == "32nd and Today (March 7, 2024, the article's date) [1]"


def test_transcript_time_stamps_stage_directions_and_questions_are_never_candidates():
    from assistant.answer.extractive.annotations import ComputedInfos
    from assistant.answer.extractive.answerer import ExtractiveAnswerer
    from assistant.documents import Passage
    from assistant.retrieval.embeddings import HashEmbedder
    from assistant.text import split_sentences

    text = (
        "4:16 P.M. EST\n"
        "PRESIDENT BIDEN: We agreed to work together on the root causes of migration.\n"
        "(Speaks Spanish.)\n"
        "Q How about a program for immigration?\n"
        "PRESIDENT LÓPEZ OBRADOR: Are you considering it?\n"
        "We also agreed to strengthen supply chains across North America.\n"
        "END 5:11 P.M. EST"
    )
    passage = Passage("c1", "d1", text, 0, len(text), split_sentences(text), "Remarks", "2021-03-01", "WH", None)
    embedder = HashEmbedder()
    answerer = ExtractiveAnswerer(embedder, ComputedInfos(embedder))
    q = analyse("What did Biden and López Obrador agree on?")
    got = [c.text for c in answerer.candidates(q, [passage])]
    assert got == [
        "PRESIDENT BIDEN: We agreed to work together on the root causes of migration.",
        "We also agreed to strengthen supply chains across North America.",
    ]
