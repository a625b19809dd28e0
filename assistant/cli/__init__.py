"""Command line: `assistant ingest | sync | ask | chat | stats | check | eval | serve`."""

from assistant.cli.commands import main

__all__ = ["main"]
