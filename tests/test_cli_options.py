"""Global options (--home, --llm, --mode, ...) work before or after the command, on a real small index (hash embedder)."""

import json

from click.testing import CliRunner
from conftest import write_jsonl
from test_cli import RECORDS

from assistant.cli import main


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_home_and_embed_model_after_the_command(tmp_path, _home):
    home = tmp_path / "elsewhere"
    data = write_jsonl(tmp_path / "a.jsonl", RECORDS)
    res = run("ingest", str(data), "--home", str(home), "--embed-model", "hash")
    assert res.exit_code == 0, res.output
    after = json.loads(run("stats", "--json", "--home", str(home), "--embed-model", "hash").output)
    before = json.loads(run("--home", str(home), "--embed-model", "hash", "stats", "--json").output)
    assert after["documents"] == before["documents"] == 2 and after["home"] == before["home"] == str(home)
    # ASSISTANT_HOME (a different folder, set by conftest) was not touched
    default = json.loads(run("--embed-model", "hash", "stats", "--json").output)
    assert default["home"] == str(_home) and default["documents"] == 0
    ans = json.loads(run("ask", "--home", str(home), "--embed-model", "hash", "--json", "Where did Blinken meet Marsudi?").output)
    assert not ans["refused"] and ans["citations"][0]["doc_id"] == "r2"
    # mixed: one option before the command, one after; the one after the command wins over the one before
    mixed = json.loads(
        run("--home", str(tmp_path / "nowhere"), "stats", "--embed-model", "hash", "--home", str(home), "--json").output
    )
    assert mixed["documents"] == 2 and mixed["embed_model"] == "hash"


def test_llm_and_mode_after_the_command(tmp_path):
    run("--embed-model", "hash", "ingest", str(write_jsonl(tmp_path / "a.jsonl", RECORDS)))
    assert json.loads(run("stats", "--llm", "ollama:qwen", "--json").output)["answerer"] == "ollama:qwen"
    q = "Kishida semiconductors"
    for args in (["--mode", "bm25", "ask"], ["ask", "--mode", "bm25"]):
        out = json.loads(run("--embed-model", "hash", *args, "--json", q).output)
        assert {r["doc_id"] for r in out["retrieved"]} == {"r1"}  # keyword search finds only the article naming Kishida
    dense = json.loads(run("--embed-model", "hash", "ask", "--mode", "dense", "--json", q).output)
    assert {r["doc_id"] for r in dense["retrieved"]} == {"r1", "r2"}  # vector search ranks every chunk
    bad = run("ask", "--mode", "fast", "x")
    assert bad.exit_code == 2 and "'fast' is not one of" in bad.output


def test_serve_takes_home_and_port_after_the_command(tmp_path, monkeypatch):
    import assistant.ui.app as ui_app

    home = tmp_path / "served"
    run("--home", str(home), "--embed-model", "hash", "ingest", str(write_jsonl(tmp_path / "a.jsonl", RECORDS)))
    seen = {}

    def fake_serve(pipe, host, port, **kw):
        seen.update(home=pipe.settings.home, port=port, docs=pipe.store.counts()["documents"])

    monkeypatch.setattr(ui_app, "serve", fake_serve)
    res = run("serve", "--home", str(home), "--port", "7861", "--embed-model", "hash")
    assert res.exit_code == 0, res.output
    assert seen == {"home": home, "port": 7861, "docs": 2}


def test_help_says_options_go_anywhere_and_names_assistant_home():
    top = " ".join(run("--help").output.split())
    assert "before or after the command" in top and "ASSISTANT_HOME" in top
    sub = " ".join(run("ask", "--help").output.split())
    assert "--home" in sub and "ASSISTANT_HOME" in sub and "--llm" in sub and "--mode" in sub
    sub = " ".join(run("feedback", "list", "--help").output.split())
    assert "--home" in sub
