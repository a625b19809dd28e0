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
from assistant.settings import EMBED_BACKENDS, Settings

if TYPE_CHECKING:
    from assistant.pipeline import Pipeline
    from assistant.retrieval.filters import Filters

DEMO_QUESTION = "Who greeted Pezeshkian at the airport?"
MODES = ("hybrid", "dense", "bm25")  # retrieval/retriever.py's, not imported here: `assistant --help` stays light


OPTIONS_KEY = "assistant.options"  # ctx.meta: the global options given so far, before or after the command
SETTINGS_KEY = "assistant.settings"  # ctx.meta: the Settings built from the environment and those options


def _settings(ctx: click.Context) -> Settings:
    """The environment's settings overridden by the global options, wherever on the command line they came."""
    settings = ctx.meta.get(SETTINGS_KEY)
    if settings is None:
        settings = Settings.from_env().with_(**ctx.meta.get(OPTIONS_KEY, {}))
        ctx.meta[SETTINGS_KEY] = settings
    return settings


def _set_option(ctx: click.Context, name: str, value: object) -> None:
    """Record a global option (click calls this for each one it parses; `eval` sets its temporary home)."""
    ctx.meta.setdefault(OPTIONS_KEY, {})[name] = value
    ctx.meta.pop(SETTINGS_KEY, None)


def _option_given(ctx: click.Context, name: str) -> bool:
    return name in ctx.meta.get(OPTIONS_KEY, {})


def _store_option(ctx: click.Context, param: click.Parameter, value: object) -> object:
    if value is not None and param.name:
        _set_option(ctx, param.name, value)
    return value


def _global_params() -> list[click.Option]:
    """The options of the `assistant` group, new instances each call; they store into ctx.meta, not the command's
    arguments, so every command accepts them before or after its name (`assistant ask --home DIR "q"`)."""

    def opt(*decls: str, **kw) -> click.Option:
        return click.Option(decls, callback=_store_option, expose_value=False, **kw)

    return [
        opt(
            "--home",
            type=click.Path(file_okay=False, path_type=Path),
            help="Data directory [env ASSISTANT_HOME; default ~/.local/share/diplomacy-assistant].",
        ),
        opt("--embed-model", help="Local path of a sentence-transformers model [env ASSISTANT_EMBED_MODEL]."),
        opt(
            "--embed-backend",
            type=click.Choice(EMBED_BACKENDS),
            help="Embedding runtime: onnx (default), onnx-int8 or torch [env ASSISTANT_EMBED_BACKEND].",
        ),
        opt("--mode", type=click.Choice(MODES), help="Retrieval mode: hybrid (default), dense or bm25 [env ASSISTANT_MODE]."),
        opt("--llm", help=llm_help()),
        opt("--llm-base-url", help="Base URL for ollama/openai backends [env ASSISTANT_LLM_BASE_URL]."),
        opt(
            "--judge",
            type=click.Path(dir_okay=False, path_type=Path),
            help="GGUF model that re-reads the reader's best sentences, ~4 s an answer (assistant fetch-judge) "
            "[env ASSISTANT_JUDGE].",
        ),
    ]


def user_error(exc: AssistantError) -> click.ClickException:
    """An `AssistantError` as click shows it: "Error: <message>" and the error's `exit_code` (default 1)."""
    err = click.ClickException(str(exc))
    err.exit_code = getattr(exc, "exit_code", 1)
    return err


class AssistantGroup(click.Group):
    """A group whose every command (and sub-group, and their commands) also takes the global options, and shows an
    `AssistantError` (the user's or the environment's) as one line with its exit status; anything else is a bug and
    keeps its traceback."""

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        taken = {o for p in cmd.params for o in p.opts}
        cmd.params.extend(p for p in _global_params() if not taken & set(p.opts))
        super().add_command(cmd, name)

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except AssistantError as exc:
            raise user_error(exc) from None


AssistantGroup.group_class = AssistantGroup


def _repo_file(relative: str) -> Path | None:
    """A file of the repository checkout (beside the package, or under the working directory), if present."""
    for base in (Path(__file__).resolve().parents[2], Path.cwd()):
        if (base / relative).exists():
            return base / relative
    return None


def _pipeline(settings: Settings) -> Pipeline:
    from assistant.errors import disk_full_is_user_error
    from assistant.pipeline import Pipeline

    with disk_full_is_user_error(settings.home):
        return Pipeline(settings)


@click.group(cls=AssistantGroup, context_settings={"help_option_names": ["-h", "--help"]}, params=_global_params())
@click.version_option(package_name="diplomacy-assistant")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Answer questions about diplomatic news, with citations, offline.

    \b
    The options below work before or after the command:
      assistant --home DIR ask "q"  =  assistant ask --home DIR "q"
    The data directory is --home, else ASSISTANT_HOME, else ~/.local/share/diplomacy-assistant.
    """
    # At exit CPython collects every object the models left (~0.2 s of a cold `ask`); freezing them first skips that
    # final pass. Only the interpreter's exit is affected, and only objects still alive then.
    atexit.unregister(gc.freeze)  # once, however often the group runs in one process (tests)
    atexit.register(gc.freeze)


def _filters(since: str | None, until: str | None, source: str | None) -> Filters:
    from assistant.errors import RecordError
    from assistant.retrieval.filters import parse_filters

    try:
        return parse_filters(since, until, source, "--since", "--until")
    except RecordError as exc:
        raise click.BadParameter(str(exc)) from None


def _ask_options(f):
    f = click.option("--since", help="Only articles dated on or after YYYY-MM-DD.")(f)
    f = click.option("--until", help="Only articles dated on or before YYYY-MM-DD.")(f)
    f = click.option("--source", help="Only articles from this source, e.g. 'The White House'.")(f)
    f = click.option("-k", "k", type=click.IntRange(1, 50), help="Passages to read (default 8).")(f)
    return f
