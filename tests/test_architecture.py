"""The package's declared shape: light public API, one error type, backend registry, module sizes, Store-only access."""

from __future__ import annotations

import ast
import builtins
import dataclasses
import importlib
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner
from conftest import ROOT

import assistant
import assistant.errors
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


def test_every_exception_class_is_an_assistant_error():
    """Every exception class defined in the package (found in the source, not listed by hand) is an AssistantError,
    so the CLI and the UI show it as one line."""
    defined, bases = [], {}
    for p in sorted((ROOT / "assistant").rglob("*.py")):
        module = ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                defined.append((module, node.name))
                bases.setdefault(node.name, set()).update(ast.unparse(b).rpartition(".")[2] for b in node.bases)

    def is_exception(name: str, seen: frozenset = frozenset()) -> bool:
        if name in bases and name not in seen:
            return any(is_exception(b, seen | {name}) for b in bases[name])
        builtin = getattr(builtins, name, None)
        return isinstance(builtin, type) and issubclass(builtin, BaseException)

    errors = [(m, n) for m, n in defined if is_exception(n)]
    # The scan finds every error class errors.py declares (however deep its bases) and others beyond it.
    declared = {n for n, v in vars(assistant.errors).items() if isinstance(v, type) and v.__module__ == "assistant.errors"}
    assert declared and declared <= {n for m, n in errors if m == "assistant.errors"}
    assert any(m != "assistant.errors" for m, _ in errors)
    not_user = [f"{m}.{n}" for m, n in errors if not issubclass(getattr(importlib.import_module(m), n), AssistantError)]
    assert not_user == []


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


def test_one_handler_gives_every_command_its_errors_one_line_and_exit_status():
    """`AssistantGroup.invoke` maps an AssistantError of any command, sub-groups' included, to "Error: message" and
    the error's `exit_code` (1 unless the class names another); commands do not catch them themselves."""
    from assistant.cli.app import AssistantGroup
    from assistant.errors import UnknownSourceError

    group = AssistantGroup("g")

    @group.command()
    def top() -> None:
        raise UnknownSourceError("no indexed source is called 'x'")

    @group.group()
    def sub() -> None:
        pass

    @sub.command()
    def deep() -> None:
        raise AssistantError("the disk is full")

    res = CliRunner().invoke(group, ["top"])
    assert (res.exit_code, res.output.strip()) == (UnknownSourceError.exit_code, "Error: no indexed source is called 'x'")
    res = CliRunner().invoke(group, ["sub", "deep"])
    assert (res.exit_code, res.output.strip()) == (1, "Error: the disk is full")
    cli = [p.read_text(encoding="utf-8") for p in (ROOT / "assistant" / "cli").glob("*.py") if p.name != "app.py"]
    assert not [src for src in cli if "ClickException(str(exc))" in src]


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


def test_outside_the_store_its_parts_are_reached_through_the_facade_only():
    """No module outside store/ touches a part of the Store (its vector index, or any table engines.py opens: keyword
    index, duplicates, feeds, sentences) other than through the `Store` facade's methods."""
    from assistant.store.engines import Tables

    parts = sorted({"vectors", "tables", *(f.name for f in dataclasses.fields(Tables))} - {"location", "close"})
    pattern = re.compile(rf"(?<!assistant\.)\bstore\.({'|'.join(parts)})\b")
    offenders = []
    for p in sorted((ROOT / "assistant").rglob("*.py")):
        if p.relative_to(ROOT / "assistant").parts[0] != "store":
            lines = enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
            offenders += [f"{p.relative_to(ROOT)}:{i}" for i, line in lines if pattern.search(line)]
    assert parts == ["dups", "feeds", "keyword", "sentences", "tables", "vectors"]
    assert offenders == []


def test_storage_does_not_import_network_ingestion():
    code = (
        "import sys, assistant.store.facade; "
        "print([m for m in ('assistant.ingest.web', 'assistant.ingest.feeds', 'httpx') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"
