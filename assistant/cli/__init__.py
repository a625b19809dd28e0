"""Command line: `assistant ingest | sync | ask | chat | stats | check | eval | feedback | serve`."""

from assistant.cli import (  # noqa: F401 - register commands
    admin_commands,
    ask_commands,
    cite_command,
    eval_command,
    feedback_commands,
    ingest_commands,
)
from assistant.cli.app import main

__all__ = ["main"]
