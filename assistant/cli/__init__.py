"""Command line: `assistant ingest | sync | ask | chat | stats | check | eval | serve`."""

from assistant.cli import admin_commands, ask_commands, eval_command, ingest_commands  # noqa: F401 - register commands
from assistant.cli.app import main

__all__ = ["main"]
