"""Sentence splitting, chunking and offsets."""

import itertools

from assistant.documents import Article
from assistant.ingest.chunking import chunk_article
from assistant.text import split_sentences, states_something
from assistant.tokens import count_tokens

TEXT = (
    "President Biden met Mr. Kishida in Washington on Monday. The U.S. Secretary of State attended.\n"
    "They discussed the Indo-Pacific, trade and climate! Did they agree? “Yes,” said an aide.\n"
    "Headline without a full stop\n"
    "St. Petersburg hosted talks on Jan. 5, 2023 with Gen. Smith."
)


def test_sentences_respect_abbreviations_and_keep_offsets():
    spans = split_sentences(TEXT)
    got = [TEXT[s.start : s.end] for s in spans]
    assert got == [
        "President Biden met Mr. Kishida in Washington on Monday.",
        "The U.S. Secretary of State attended.",
        "They discussed the Indo-Pacific, trade and climate!",
        "Did they agree?",
        "“Yes,” said an aide.",
        "Headline without a full stop",
        "St. Petersburg hosted talks on Jan. 5, 2023 with Gen. Smith.",
    ]


def test_quote_cut_from_chunk_offsets_equals_sentence():
    art = Article(id="a1", title="T", text=TEXT * 8)
    chunks = chunk_article(art, max_tokens=40, overlap_sentences=1)
    assert len(chunks) > 3
    for c in chunks:
        assert art.text[c.start : c.end] == c.text
        for s in c.sentences:
            assert art.text[s.start : s.end] in c.text
        # never mid-sentence: chunk boundaries are sentence boundaries
        assert c.start == c.sentences[0].start and c.end == c.sentences[-1].end


def test_chunks_are_token_bounded_and_overlap_by_one_sentence():
    art = Article(id="a1", title="T", text=" ".join(f"Sentence number {i} is here." for i in range(60)))
    chunks = chunk_article(art, max_tokens=50, overlap_sentences=1)
    for c in chunks:
        assert count_tokens(c.text) <= 50 + 5  # joined sentences add at most spaces
    for a, b in itertools.pairwise(chunks):
        assert a.sentences[-1] == b.sentences[0]
    covered = {s for c in chunks for s in c.sentences}
    assert len(covered) == 60


def test_overlong_sentence_is_its_own_chunk():
    long = "Word " + "word " * 300 + "end."
    art = Article(id="a", title="T", text=f"Short one. {long} Short two.")
    chunks = chunk_article(art, max_tokens=50, overlap_sentences=0)
    assert [c.text for c in chunks] == ["Short one.", long.strip(), "Short two."]


def test_chunk_ids_are_stable_and_change_with_content():
    a = Article(id="x", title="T", text="One sentence here. Another one there.")
    b = Article(id="x", title="T", text="One sentence here. A changed one there.")
    assert [c.id for c in chunk_article(a)] == [c.id for c in chunk_article(a)]
    assert [c.id for c in chunk_article(a)] != [c.id for c in chunk_article(b)]


def test_tiktoken_works_offline():
    assert count_tokens("Pezeshkian was greeted at the airport.") > 5


def test_transcript_lines_that_state_nothing_are_told_from_statements():
    nothing = [
        "END 5:11 P.M. EST",
        "3:48 P.M. PET",
        "4:16 PM EST",
        "(Speaks French.)",
        "(The interpretive audio devices are adjusted.)",
        "[Inaudible]",
        "Q Mr. President, are you sending vaccines to Mexico?",
        "Q (Cross-talk.)",
        "PRESIDENT MACRON: How are you?",
        'He asked: "Why not?"',
        "PRIME MINISTER SUGA: (As interpreted.)",  # a speaker's label, then a stage direction
        "PRESIDENT BIDEN:",
    ]
    statements = [
        "Secretary Blinken met Foreign Minister Retno Marsudi in Jakarta.",
        "The leaders met at 4:16 P.M. EST in Tokyo.",
        "Qatar hosted the talks (the third round) in Doha.",
        "(In Spanish) The President thanked the people of Mexico.",  # only a lead-in is in parentheses
        "Q4 growth was discussed.",
        "PRESIDENT BIDEN: We agreed to work together on supply chains.",
        "NATO: allies agreed to raise spending.",
    ]
    assert [t for t in nothing if states_something(t)] == []
    assert [t for t in statements if not states_something(t)] == []
