"""Where a running `assistant serve` that holds the embedded index answers: `home/serve.json`, beside the lock."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

RECORD = "serve.json"


@dataclass(frozen=True)
class ServerRecord:
    """A serving process: its pid, the URL its HTTP API answers at on this machine, whether it requires a login, and
    the settings it answers with (mode, llm, judge, embedder: what a command-line option could ask otherwise)."""

    pid: int
    url: str
    auth: bool = False
    settings: dict[str, str | None] = field(default_factory=dict)


def record_path(home: Path) -> Path:
    """The record's file in the data directory."""
    return home / RECORD


def local_url(host: str, port: int) -> str:
    """The URL a process on this machine reaches a server bound to `host` at: a wildcard or loopback bind answers
    on 127.0.0.1 (::1 for IPv6), any other address on itself."""
    if host in ("127.0.0.1", "localhost", "0.0.0.0", ""):
        return f"http://127.0.0.1:{port}"
    if host in ("::1", "::"):
        return f"http://[::1]:{port}"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def write(home: Path, record: ServerRecord) -> None:
    """Write the record atomically (a reader sees the old file or the new one, never half of one)."""
    path = record_path(home)
    tmp = path.with_name(f".{RECORD}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(asdict(record)), encoding="utf-8")
    os.replace(tmp, path)


def remove(home: Path, pid: int) -> None:
    """Remove the record if it is `pid`'s (a later server's record stays)."""
    found = read(home)
    if found is not None and found.pid == pid:
        record_path(home).unlink(missing_ok=True)


def read(home: Path) -> ServerRecord | None:
    """The record as written, or None when there is none or it cannot be read as one."""
    try:
        raw = json.loads(record_path(home).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    if not isinstance(raw, dict) or not isinstance(raw.get("pid"), int) or not isinstance(raw.get("url"), str):
        return None
    settings = raw.get("settings") if isinstance(raw.get("settings"), dict) else {}
    return ServerRecord(pid=raw["pid"], url=raw["url"], auth=bool(raw.get("auth")), settings=settings)


def live_server(home: Path) -> ServerRecord | None:
    """The record of the server that holds the index now: its process is alive and is the one the lock file names.
    A record left by a server that died (kill -9) is ignored; one whose port no longer answers is the caller's to
    notice (the first request fails to connect)."""
    found = read(home)
    if found is None or found.pid == os.getpid():
        return None
    try:
        os.kill(found.pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:  # alive, another user's
        pass
    try:
        holder = (home / ".lock").read_text(encoding="utf-8", errors="replace").strip()
    except FileNotFoundError:
        return None
    return found if holder == str(found.pid) else None
