"""The package's declared shape: light public API, one error type, backend registry, module sizes, Store-only access."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from click.testing import CliRunner
from conftest import ROOT

import assistant
from assistant.errors import AssistantError


def test_public_api_is_lazy_and_complete():
    code = (
        "import sys, assistant; heavy = [m for m in ('torch', 'chromadb', 'gradio', 'langchain_core', 'sentence_transformers')"
        " if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"
    assert set(assistant.__all__) >= {"Pipeline", "Settings", "Answer", "Citation", "AssistantError"}
    from assistant.answer.types import Answer, Citation
    from assistant.pipeline import Pipeline

    assert assistant.Pipeline is Pipeline and assistant.Answer is Answer and assistant.Citation is Citation
    assert assistant.AssistantError is AssistantError
    with pytest.raises(AttributeError):
        assistant.NoSuchThing  # noqa: B018


def test_module_errors_are_assistant_errors():
    from assistant.answer.llm.registry import LLMError
    from assistant.answer.prompting import PromptError
    from assistant.embedder import EmbedderUnavailable
    from assistant.errors import RecordError
    from assistant.ingest.web import FetchError
    from assistant.store import StoreError
    from assistant.tokens import TokenizerUnavailable
    from assistant.ui.app import UIUnavailable

    for err in (
        LLMError,
        PromptError,
        RecordError,
        TokenizerUnavailable,
        FetchError,
        EmbedderUnavailable,
        StoreError,
        UIUnavailable,
    ):
        assert issubclass(err, AssistantError), err


def test_cli_shows_assistant_errors_as_one_line_and_bugs_as_tracebacks(monkeypatch, tmp_path):
    from assistant.cli import main
    from assistant.pipeline import Pipeline

    res = CliRunner().invoke(main, ["--embed-model", "hash", "ask", "   "])
    assert res.exit_code == 1 and res.output.strip() == "Error: the question is empty"

    def bug(self, *a, **k):
        raise ValueError("a real bug")

    article = tmp_path / "a.txt"
    article.write_text("Secretary Blinken met Foreign Minister Retno Marsudi in Jakarta.\n")
    CliRunner().invoke(main, ["--embed-model", "hash", "ingest", str(article)])  # an index, so the question reaches ask
    monkeypatch.setattr(Pipeline, "ask", bug)
    res = CliRunner().invoke(main, ["--embed-model", "hash", "ask", "anything"])
    assert res.exit_code == 1 and isinstance(res.exception, ValueError)  # not swallowed into a one-line message


def test_llm_help_errors_and_readme_come_from_the_registry():
    from assistant.answer.llm.registry import BACKENDS, LLMError, cli_help, parse_spec, readme_table
    from assistant.cli import main

    help_text = CliRunner().invoke(main, ["--help"]).output
    flat = " ".join(help_text.split())
    for b in BACKENDS.values():
        assert b.usage in flat
    with pytest.raises(LLMError) as exc:
        parse_spec("gpt")
    assert all(b.example in str(exc.value) for b in BACKENDS.values())
    assert readme_table() in (ROOT / "README.md").read_text()
    assert cli_help().startswith("Answerer: extractive (default)")


def test_no_module_is_over_300_lines():
    long = [
        (str(p.relative_to(ROOT)), n) for p in (ROOT / "assistant").rglob("*.py") if (n := len(p.read_text().splitlines())) > 300
    ]
    assert long == []


def test_retrieval_ui_and_chain_use_the_store_facade_only():
    pattern = re.compile(r"store\.(vectors|keyword)\.")
    offenders = []
    for sub in ("retrieval", "ui", "answer", "ingest", "cli"):
        for p in (ROOT / "assistant" / sub).rglob("*.py"):
            offenders += [f"{p.name}:{i}" for i, line in enumerate(p.read_text().splitlines(), 1) if pattern.search(line)]
    text = (ROOT / "assistant" / "pipeline.py").read_text()
    offenders += ["pipeline.py"] if pattern.search(text) else []
    assert offenders == []


def test_storage_does_not_import_network_ingestion():
    code = (
        "import sys, assistant.store.facade; "
        "print([m for m in ('assistant.ingest.web', 'assistant.ingest.feeds', 'httpx') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"
