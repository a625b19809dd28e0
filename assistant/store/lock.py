"""The embedded index's process lock (`home/.lock`): one process at a time writes the SQLite file and embedded
Chroma; re-entrant within a process, so `check --repair` can hold it while it opens the `Store`."""

from __future__ import annotations

import fcntl
import os
import threading
from pathlib import Path

from assistant.store.base import StoreError
from assistant.store.serve_record import read as read_record

_locks: dict[str, tuple[int, int]] = {}
_locks_guard = threading.Lock()


def acquire(path: Path) -> None:
    """Take an exclusive, process-wide lock; re-entrant within this process."""
    key = str(path)
    with _locks_guard:
        if key in _locks:
            fd, n = _locks[key]
            _locks[key] = (fd, n + 1)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(key, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
            os.close(fd)
            raise StoreError(_in_use(path.parent, holder)) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        _locks[key] = (fd, 1)


def _in_use(home: Path, holder: str) -> str:
    """Why the lock cannot be had: another process holds it (a running `assistant serve` is named, with its URL)."""
    server = read_record(home)
    if server is not None and str(server.pid) == holder:
        return (
            f"the index at {home} is in use by `assistant serve` (pid {holder}) at {server.url}; `ask`, `chat` and "
            "`check` are sent to it, other commands need the index to themselves - stop the server first, or share "
            "the index through a Chroma server (ASSISTANT_CHROMA_URL, see README)"
        )
    return (
        f"the index at {home} is in use by another process (pid {holder}); an embedded index serves one process at a "
        "time - stop the other one, or share the index through a Chroma server (ASSISTANT_CHROMA_URL, see README)"
    )


def release(path: Path) -> None:
    key = str(path)
    with _locks_guard:
        if key not in _locks:
            return
        fd, n = _locks[key]
        if n > 1:
            _locks[key] = (fd, n - 1)
            return
        del _locks[key]
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
