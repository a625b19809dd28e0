"""Citation lookup on PostgreSQL: the phrase search runs on the chunks' GIN-indexed tsvector, and copies still group."""

from __future__ import annotations

import pytest
from test_lookup import SEED_QUOTE, STATEMENT, _index

from assistant.lookup import CitationLookup
from assistant.lookup.types import NEAR, VERBATIM

pytest.importorskip("psycopg", reason="PostgreSQL support is an extra: pip install '.[postgres]'")


def test_lookup_on_postgres(hash_settings, pg_url, tmp_path):
    from assistant.retrieval.embeddings import embedder_for
    from assistant.store.facade import Store

    settings = hash_settings.with_(database_url=pg_url)
    _index(settings, tmp_path)
    with Store(settings) as store:
        assert type(store.keyword).__name__ == "PgKeywordIndex"
        assert store.search_phrase(["reopen", "the", "consulate"], 10)
        assert store.search_phrase(["consulate", "the", "reopen"], 10) == []
        lookup = CitationLookup(store, embedder_for(settings))
        seed = lookup.cite(SEED_QUOTE).sentences[0]
        assert seed.kind == VERBATIM and seed.hits[0].first.doc_id == "seed-pezeshkian-baku"
        assert lookup.cite(SEED_QUOTE.replace("greeted", "welcomed")).sentences[0].kind == NEAR
        grouped = lookup.cite(STATEMENT).sentences[0].hits[0].sources
        assert [s.doc_id for s in grouped] == ["wire-riga", "wh-riga", "paper-riga"]
