"""Indexing needs a store and an embedder only: an LLM answerer that cannot be built (no API key) does not stop it."""

import json

from click.testing import CliRunner
from conftest import write_jsonl
from test_cli import RECORDS

from assistant.cli import main

LLM = ["--embed-model", "hash", "--llm", "openai:gpt-4o"]


def run(*args):
    return CliRunner().invoke(main, list(args), env={"OPENAI_API_KEY": None}, catch_exceptions=False)


def test_ingest_sync_and_check_ignore_an_llm_without_its_key(tmp_path, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    data = write_jsonl(tmp_path / "a.jsonl", RECORDS)
    res = run(*LLM, "ingest", str(data))
    assert res.exit_code == 0, res.output
    assert "2 added" in res.output and "OPENAI_API_KEY" not in res.output
    after = run("ingest", str(data), *LLM)  # the options after the command too; the articles are unchanged
    assert after.exit_code == 0 and "2 unchanged" in after.output, after.output
    stats = json.loads(run(*LLM, "stats", "--json").output)
    assert stats["documents"] == 2 and stats["answerer"] == "openai:gpt-4o"
    sync = run(*LLM, "sync")
    assert sync.exit_code == 1 and "no feeds configured" in sync.output and "OPENAI_API_KEY" not in sync.output
    check = run(*LLM, "check", "--repair")
    assert check.exit_code == 0 and "the index is sound" in check.output
    # asking does need the answerer, so there the missing key is the one-line error it always was
    ask = run(*LLM, "ask", "Where did Blinken meet Marsudi?")
    assert ask.exit_code == 1 and "OPENAI_API_KEY" in ask.output
