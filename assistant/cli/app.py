"""The `assistant` command group: settings from the environment and flags, and what the commands share.

The commands live in `ingest_commands.py`, `ask_commands.py`, `admin_commands.py` and `eval_command.py`; importing
the `assistant.cli` package registers them all on `main`.
"""

from __future__ import annotations

import atexit
import gc
from pathlib import Path
from typing import TYPE_CHECKING

import click

from assistant.answer.llm.registry import cli_help as llm_help
from assistant.errors import AssistantError
from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.pipeline import Pipeline
    from assistant.retrieval.retriever import Filters

DEMO_QUESTION = "Who greeted Pezeshkian at the airport?"


def _settings(ctx: click.Context) -> Settings:
    return ctx.obj


def _user_errors() -> type[AssistantError]:
    """Exceptions that are the user's or the environment's, shown as one line; anything else is a bug."""
    return AssistantError


def _pipeline(settings: Settings) -> Pipeline:
    from assistant.errors import disk_full_is_user_error
    from assistant.pipeline import Pipeline

    try:
        with disk_full_is_user_error(settings.home):
            return Pipeline(settings)
    except _user_errors() as exc:
        raise click.ClickException(str(exc)) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--home", type=click.Path(file_okay=False, path_type=Path), help="Data directory [env ASSISTANT_HOME].")
@click.option("--embed-model", help="Local path of a sentence-transformers model [env ASSISTANT_EMBED_MODEL].")
@click.option(
    "--embed-backend",
    type=click.Choice(["onnx", "onnx-int8", "torch"]),
    help="Embedding runtime: onnx (default), onnx-int8 or torch [env ASSISTANT_EMBED_BACKEND].",
)
@click.option("--llm", help=llm_help())
@click.option("--llm-base-url", help="Base URL for ollama/openai backends [env ASSISTANT_LLM_BASE_URL].")
@click.option(
    "--judge",
    type=click.Path(dir_okay=False, path_type=Path),
    help="GGUF model that re-reads the reader's best sentences, ~4 s an answer (assistant fetch-judge) [env ASSISTANT_JUDGE].",
)
@click.version_option(package_name="diplomacy-assistant")
@click.pass_context
def main(
    ctx: click.Context,
    home: Path | None,
    embed_model: str | None,
    embed_backend: str | None,
    llm: str | None,
    llm_base_url: str | None,
    judge: Path | None,
) -> None:
    """Answer questions about diplomatic news, with citations, offline."""
    # At exit CPython collects every object the models left (~0.2 s of a cold `ask`); freezing them first skips that
    # final pass. Only the interpreter's exit is affected, and only objects still alive then.
    atexit.unregister(gc.freeze)  # once, however often the group runs in one process (tests)
    atexit.register(gc.freeze)
    try:
        ctx.obj = Settings.from_env().with_(
            home=home,
            embed_model=embed_model,
            embed_backend=embed_backend,
            llm=llm,
            llm_base_url=llm_base_url,
            judge=judge,
        )
    except _user_errors() as exc:
        raise click.ClickException(str(exc)) from None


def _filters(since: str | None, until: str | None, source: str | None) -> Filters:
    from assistant.ingest.parse import RecordError
    from assistant.retrieval.retriever import parse_filters

    try:
        return parse_filters(since, until, source, "--since", "--until")
    except RecordError as exc:
        raise click.BadParameter(str(exc)) from None


def _ask_options(f):
    f = click.option("--since", help="Only articles dated on or after YYYY-MM-DD.")(f)
    f = click.option("--until", help="Only articles dated on or before YYYY-MM-DD.")(f)
    f = click.option("--source", help="Only articles from this source, e.g. 'The White House'.")(f)
    f = click.option("-k", "k", type=click.IntRange(1, 50), help="Passages to read (default 8).")(f)
    f = click.option("--mode", type=click.Choice(["hybrid", "dense", "bm25"]), help="Retrieval mode.")(f)
    return f
