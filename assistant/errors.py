"""One error type for everything a user can cause or fix: bad input, a missing model, an unreachable server.

Every module's own error subclasses `AssistantError` (most also keep their historical base, `ValueError` or
`RuntimeError`, so existing `except` clauses still match). The CLI prints an `AssistantError` as one line and lets
anything else, which is a bug, show its traceback.
"""

from __future__ import annotations


class AssistantError(Exception):
    """Base of the errors reported to users as a one-line message."""


class SettingsError(AssistantError, ValueError):
    """A setting (environment variable or flag) has an invalid value."""


class QuestionError(AssistantError, ValueError):
    """A question cannot be asked as given (empty, too long, unknown retrieval mode)."""


__all__ = ["AssistantError", "QuestionError", "SettingsError"]
