"""Four user mistakes get their own message and exit status instead of "The indexed articles do not say" (real small
index, hash embedder): nothing indexed, an unknown --source, --since after --until, a date range without articles."""

import json

from click.testing import CliRunner
from conftest import ROOT, write_jsonl
from test_cli import RECORDS  # The White House 2023-01-10, U.S. Department of State 2022-07-10

from assistant.cli import main
from assistant.cli.preflight import EXIT_STATUSES, nearest_sources

Q = "Where did Blinken meet Marsudi?"


def run(*args, input=None):
    return CliRunner().invoke(main, ["--embed-model", "hash", *args], input=input, catch_exceptions=False)


def _index(tmp_path):
    assert run("ingest", str(write_jsonl(tmp_path / "a.jsonl", RECORDS))).exit_code == 0


def test_nothing_indexed_says_so_in_ask_batch_and_chat(tmp_path, _home):
    for res in (
        run("ask", Q),
        run("ask", "--json", "--batch", str(write_jsonl(tmp_path / "q.jsonl", [{"id": "a", "question": Q}]))),
        run("chat", input=Q + "\n"),
    ):
        assert res.exit_code == 3, res.output
        assert f"nothing is indexed yet in {_home}: run assistant ingest corpus/" in res.output
        assert "do not say" not in res.output


def test_unknown_source_lists_the_indexed_ones_nearest_first(tmp_path):
    _index(tmp_path)
    res = run("ask", "--source", "White House", Q)
    assert res.exit_code == 4
    assert "no indexed source is called 'White House'; the indexed sources, nearest first: " in res.output
    assert "'The White House', 'U.S. Department of State'" in res.output
    res = run("chat", "--source", "State Department", input=Q + "\n")
    assert res.exit_code == 4 and "'U.S. Department of State', 'The White House'" in res.output
    ok = json.loads(run("ask", "--json", "--source", "U.S. Department of State", Q).output)
    assert not ok["refused"] and ok["citations"][0]["doc_id"] == "r2"


def test_since_after_until(tmp_path):
    _index(tmp_path)
    res = run("ask", "--since", "2023-02-01", "--until", "2023-01-01", Q)
    assert res.exit_code == 5 and "--since 2023-02-01 is after --until 2023-01-01" in res.output


def test_a_range_without_articles_names_the_dates_covered(tmp_path):
    _index(tmp_path)
    res = run("ask", "--since", "2030-01-01", Q)
    assert res.exit_code == 6
    assert "no indexed article is dated on or after 2030-01-01; the index covers 2022-07-10 to 2023-01-10" in res.output
    assert "U.S. Department of State 2022-07-10 to 2022-07-10" in res.output
    res = run("ask", "--source", "The White House", "--until", "2022-12-31", Q)
    assert res.exit_code == 6
    assert "no indexed article from 'The White House' is dated on or before 2022-12-31" in res.output
    assert "'The White House' covers 2023-01-10 to 2023-01-10" in res.output
    # the same range holds the State Department article: answered as before
    ok = run("ask", "--json", "--source", "U.S. Department of State", "--since", "2022-01-01", "--until", "2022-12-31", Q)
    assert ok.exit_code == 0 and json.loads(ok.output)["citations"][0]["doc_id"] == "r2"


def test_exit_statuses_are_distinct_and_documented():
    codes = [code for code, _ in EXIT_STATUSES]
    assert len(set(codes)) == len(codes) == 8
    helps = " ".join(run("ask", "--help").output.split())
    readme = (ROOT / "README.md").read_text()
    for code, what in EXIT_STATUSES:
        assert f"{code} {what}" in helps
        assert f"| {code} | {what} |" in readme


def test_nearest_sources_order():
    names = ["U.S. Department of State", "The White House", "Embassy of Japan"]
    assert nearest_sources("white house", names)[0] == "The White House"
    assert nearest_sources("Department of State", names)[0] == "U.S. Department of State"
    assert nearest_sources("japan embassy", names)[0] == "Embassy of Japan"
