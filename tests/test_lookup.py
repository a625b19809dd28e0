"""Citation lookup on a real small index (the seed article and a few fixtures, real Chroma and SQLite FTS5)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import CORPUS_DIR, write_jsonl

from assistant.lookup import CitationLookup, OverlapChecker
from assistant.lookup.types import NEAR, NONE, PARAPHRASE, VERBATIM
from assistant.retrieval.filters import Filters

SEED_QUOTE = (
    "upon his arrival at Heydar Aliyev International Airport, Pezeshkian was greeted by Azerbaijan's First Deputy Prime Minister"
)
STATEMENT = "The two ministers agreed to reopen the consulate in Tashkent by the end of the year."
BODY = (
    "Foreign ministers of Uzbekistan and Latvia met in Riga on Tuesday to review trade, energy and transport links. "
    + STATEMENT
    + " They also discussed a new rail freight corridor linking the Baltic ports with Central Asia and pledged to "
    "meet again in the spring to sign an agreement on road haulage permits and customs cooperation."
)
FIXTURES = [
    {
        "id": "wh-riga",
        "title": "Readout of the Riga meeting",
        "date": "2024-03-01",
        "source": "The White House",
        "url": "https://example.gov/riga",
        "text": BODY,
    },
    # the same story from a wire service, dated earlier: merged by the near-duplicate index, not indexed twice
    {
        "id": "wire-riga",
        "title": "Ministers meet in Riga",
        "date": "2024-02-28",
        "source": "Agency Wire",
        "url": "https://wire.example/riga",
        "text": BODY,
    },
    # another article that re-publishes the statement among other news: indexed on its own
    {
        "id": "paper-riga",
        "title": "Week in review",
        "date": "2024-03-05",
        "source": "Daily Paper",
        "url": "https://paper.example/week",
        "text": "Markets were calm this week as central banks held rates steady across the region. "
        + STATEMENT
        + " Elsewhere, a summit on fisheries in Oslo ended without a joint communique after three days of talks.",
    },
]


def _index(settings, tmp: Path) -> None:
    from assistant.indexer import index_articles
    from assistant.ingest.parse import parse_path
    from assistant.retrieval.embeddings import embedder_for
    from assistant.store.facade import Store

    extra = write_jsonl(tmp / "fixtures.jsonl", FIXTURES)
    with Store(settings) as store:
        embedder = embedder_for(settings)
        for path in (CORPUS_DIR / "pezeshkian-baku.md", extra):
            result = index_articles(store, embedder, parse_path(path), settings)
            assert not result.errors


@pytest.fixture
def lookup(hash_settings, tmp_path):
    from assistant.retrieval.embeddings import embedder_for
    from assistant.store.facade import Store

    _index(hash_settings, tmp_path)
    store = Store(hash_settings)
    yield CitationLookup(store, embedder_for(hash_settings))
    store.close()


def test_a_verbatim_quote_of_the_seed_article_finds_it(lookup):
    res = lookup.cite(f"\u201c{SEED_QUOTE}\u201d")
    (s,) = res.sentences
    assert s.found and s.kind == VERBATIM
    hit = s.hits[0]
    src = hit.first
    assert src.doc_id == "seed-pezeshkian-baku" and src.title.startswith("Pezeshkian visits Baku")
    text = lookup.store.document(src.doc_id)["text"]
    assert text[src.start : src.end] == hit.sentence and "Heydar Aliyev" in hit.sentence


def test_a_one_word_changed_quote_is_near_verbatim_and_a_changed_fact_is_no_source(lookup):
    edited = lookup.cite(SEED_QUOTE.replace("greeted", "welcomed")).sentences[0]
    assert edited.kind == NEAR and edited.hits[0].first.doc_id == "seed-pezeshkian-baku"
    assert any(d.article == "greeted" and d.quote == "welcomed" for d in edited.hits[0].diffs)
    lookalike = lookup.cite(SEED_QUOTE.replace("Pezeshkian", "Rouhani")).sentences[0]
    assert lookalike.kind == NONE and not lookalike.found
    assert lookalike.closest and not lookalike.closest[0].matches
    assert "rouhani" in lookalike.closest[0].note and "Pezeshkian" in lookalike.closest[0].sentence


def test_an_invented_claim_gets_no_source_found_with_closest_sentences_not_matching(lookup):
    s = lookup.cite("The Iranian president met the Pope in Rome to discuss climate finance.").sentences[0]
    assert not s.found and s.kind == NONE and s.hits == ()
    assert s.closest and all(h.kind == NONE and not h.matches for h in s.closest)


def test_wire_copies_and_republications_group_under_the_earliest(lookup):
    (s,) = lookup.cite(STATEMENT).sentences
    assert s.kind == VERBATIM and len(s.hits) == 1
    sources = s.hits[0].sources
    assert [x.doc_id for x in sources] == ["wire-riga", "wh-riga", "paper-riga"]
    assert sources[0].copy_of == "wh-riga" and sources[0].start is None  # recorded by dedup, not indexed twice
    assert all(x.start is not None for x in sources[1:])
    later = lookup.cite(STATEMENT, Filters(since="2024-03-02")).sentences[0]
    assert [x.doc_id for x in later.hits[0].sources] == ["paper-riga"]


def test_a_text_of_several_sentences_is_reported_sentence_by_sentence(lookup):
    res = lookup.cite(STATEMENT + " The moon is made of green cheese and was annexed by Luxembourg in 1999.")
    assert [s.kind for s in res.sentences] == [VERBATIM, NONE]
    assert not res.found and res.to_dict()["sentences"][1]["found"] is False


def test_the_checker_is_injected_and_names_alone_are_not_a_match(lookup):
    checker = OverlapChecker()
    claim = "Uzbekistan and Latvia agreed to reopen a consulate in Tashkent."
    good, names_only = checker.score(claim, [STATEMENT + " Uzbekistan and Latvia.", "Uzbekistan and Latvia met in Riga."])
    assert good > 0.5 > names_only

    class Always:
        name = "always"

        def score(self, claim: str, sentences: list[str]) -> list[float]:
            return [1.0] * len(sentences)

    eager = CitationLookup(lookup.store, lookup.finder.embedder, checker=Always(), min_similarity=-1.0)
    s = eager.cite("Ministers said a consular office would open again in Uzbekistan soon.").sentences[0]
    assert s.kind == PARAPHRASE and s.found


def test_phrase_search_needs_the_words_in_order(lookup):
    store = lookup.store
    assert store.search_phrase(["reopen", "the", "consulate"], 10)
    assert store.search_phrase(["consulate", "the", "reopen"], 10) == []


def test_cite_cli_json(hash_settings, tmp_path):
    from assistant.cli import main

    _index(hash_settings, tmp_path)
    res = CliRunner().invoke(main, ["--embed-model", "hash", "cite", "--json", "-k", "2", SEED_QUOTE])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    (s,) = out["sentences"]
    assert out["found"] and s["kind"] == "verbatim"
    src = s["hits"][0]["sources"][0]
    assert src["doc_id"] == "seed-pezeshkian-baku" and src["end"] > src["start"] >= 0
    plain = CliRunner().invoke(main, ["--embed-model", "hash", "cite", "Kazakhstan bought 40 submarines from Chile in 1987."])
    assert plain.exit_code == 0 and "no source found" in plain.output and "NOT MATCHING" in plain.output


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("   ", "the text to look up is empty"),
        ("word " * 2000, "characters; citation lookup takes"),
        ("<script>alert(1)</script> Biden met Xi", "contains markup"),
        (
            "Le président iranien est arrivé à Bakou pour une visite de deux jours avec les ministres",
            "does not look like English",
        ),
        ("伊朗总统访问巴库", "does not look like English"),
    ],
)
def test_bad_input_gets_one_clear_line(text, message):
    from assistant.cli import main

    res = CliRunner().invoke(main, ["--embed-model", "hash", "cite", text])
    assert (res.exit_code == 1 and res.exception is None) or isinstance(res.exception, SystemExit)
    lines = res.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and message in lines[0], res.output
