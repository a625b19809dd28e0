"""One error type for everything a user can cause or fix: bad input, a missing model, an unreachable server.

Every module's own error subclasses `AssistantError` (most also keep their historical base, `ValueError` or
`RuntimeError`, so existing `except` clauses still match). The CLI prints an `AssistantError` as one line and lets
anything else, which is a bug, show its traceback.
"""

from __future__ import annotations

import errno
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class AssistantError(Exception):
    """Base of the errors reported to users as a one-line message."""


class SettingsError(AssistantError, ValueError):
    """A setting (environment variable or flag) has an invalid value."""


class QuestionError(AssistantError, ValueError):
    """A question cannot be asked as given (empty, too long, unknown retrieval mode)."""


class RecordError(AssistantError, ValueError):
    """A single record (or a filter typed by a user) is invalid; the message names the field."""


class DiskFullError(AssistantError, RuntimeError):
    """The disk holding the data directory (or the model cache) filled up during a write."""


class NoArticlesError(AssistantError, ValueError):
    """No indexed article can answer, whatever the question: the index is empty or the filters exclude everything.
    `ask` and `chat` exit with `exit_code`, one per case (the table is in `assistant ask --help` and the README)."""

    exit_code = 1


class NothingIndexedError(NoArticlesError):
    """The data directory holds no article yet."""

    exit_code = 3


class UnknownSourceError(NoArticlesError):
    """`--source` names no indexed source."""

    exit_code = 4


class DateOrderError(NoArticlesError):
    """`--since` is after `--until`."""

    exit_code = 5


class EmptyDateRangeError(NoArticlesError):
    """No indexed article (of the source asked for) is dated within `--since` .. `--until`."""

    exit_code = 6


class ServerBusyError(AssistantError, RuntimeError):
    """The index is held by a running `assistant serve` that cannot do what the command asks (an option it was not
    started with, a login it requires, `check --repair`); the message names what and how to go on."""

    exit_code = 7


class ServerAnswerError(AssistantError, RuntimeError):
    """The running `assistant serve` that holds the index failed to answer (an error it reported, or no answer)."""


# What each layer says when a write finds no space: SQLite (sqlite3.OperationalError, and chromadb's InternalError
# that wraps its own SQLite), the OS (OSError with errno ENOSPC; EDQUOT for a quota), hnswlib / Rust bindings.
_FULL_TEXTS = ("database or disk is full", "no space left on device", "disk quota exceeded")
_FULL_ERRNOS = (errno.ENOSPC, errno.EDQUOT)
# Chroma's Rust core reports a failed write without its cause ("Error in compaction: Failed to apply logs to the
# metadata segment"); a write that fails while the disk has less than this left is taken as a full disk.
LOW_SPACE_BYTES = 2_000_000


def is_disk_full(exc: BaseException) -> bool:
    """True when `exc`, or an exception it was raised from, says the disk is full (by errno, or SQLite's text)."""
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        if isinstance(cur, OSError) and cur.errno in _FULL_ERRNOS:
            return True
        if any(text in str(cur).lower() for text in _FULL_TEXTS):
            return True
        cur = cur.__cause__ or cur.__context__
    return False


def free_bytes(directory: Path) -> int:
    """Free space on the disk holding `directory` (or its nearest existing parent)."""
    where = directory
    while not where.exists() and where != where.parent:
        where = where.parent
    return shutil.disk_usage(where).free


def disk_full_message(directory: Path) -> str:
    """The one line shown when the disk holding `directory` is full."""
    free_mb = free_bytes(directory) / 1e6
    return (
        f"the disk holding {directory} is full: {free_mb:.0f} MB free; nothing indexed so far is lost; "
        "free space and run the same command again"
    )


def disk_full(exc: BaseException, directory: Path, causeless_write: bool = False) -> DiskFullError | None:
    """The `DiskFullError` that `exc` amounts to, or None when it is something else (a bug, a user error).
    `causeless_write`: `exc` is a failed write of a layer that drops its cause (embedded Chroma), so less than
    LOW_SPACE_BYTES free also counts; elsewhere only the errno or the text does, so a bug is never hidden."""
    if isinstance(exc, AssistantError) or not isinstance(exc, Exception):
        return None
    if is_disk_full(exc) or (causeless_write and free_bytes(directory) < LOW_SPACE_BYTES):
        return DiskFullError(disk_full_message(directory))
    return None


@contextmanager
def disk_full_is_user_error(directory: Path) -> Iterator[None]:
    """Turn a disk-full failure of any layer into one `DiskFullError` naming `directory`; other errors pass."""
    try:
        yield
    except Exception as exc:
        if (full := disk_full(exc, directory)) is not None:
            raise full from exc
        raise


__all__ = [
    "AssistantError",
    "DateOrderError",
    "DiskFullError",
    "EmptyDateRangeError",
    "NoArticlesError",
    "NothingIndexedError",
    "QuestionError",
    "ServerAnswerError",
    "ServerBusyError",
    "SettingsError",
    "UnknownSourceError",
    "disk_full",
    "disk_full_is_user_error",
    "is_disk_full",
]
