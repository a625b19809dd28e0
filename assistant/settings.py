"""One settings dataclass, read from the environment and overridden by CLI flags.

This is the only module that reads the assistant's environment variables (`ASSISTANT_*`, `OPENAI_API_KEY`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from assistant.errors import SettingsError

DEFAULT_HOME = Path.home() / ".local" / "share" / "diplomacy-assistant"
EMBED_BACKENDS = ("onnx", "onnx-int8", "torch")


def default_cache_dir() -> Path:
    """Where derived files (the ONNX export of the embedding model) go: ASSISTANT_CACHE_DIR, else the XDG cache."""
    if os.environ.get("ASSISTANT_CACHE_DIR"):
        return Path(os.environ["ASSISTANT_CACHE_DIR"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser() / "diplomacy-assistant"


def _env_int(name: str, default: int, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise SettingsError(f"environment variable {name}={raw!r} is not an integer") from exc
    if minimum is not None and value < minimum:
        raise SettingsError(f"environment variable {name}={raw!r} must be at least {minimum}")
    return value


def _env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise SettingsError(f"environment variable {name}={raw!r} is not a number") from exc


def _env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    raw = os.environ.get(name) or default
    if raw not in choices:
        raise SettingsError(f"environment variable {name}={raw!r} is not one of {', '.join(choices)}")
    return raw


def _env_flag(name: str) -> bool:
    """A switch that is on unless set to 0, false, no or off."""
    return os.environ.get(name, "1").strip().lower() not in ("0", "false", "no", "off")


@dataclass(frozen=True)
class Settings:
    """Everything the pipeline can be tuned with; immutable, copy with `.with_()`."""

    home: Path = field(default_factory=lambda: DEFAULT_HOME)
    embed_model: str | None = None  # a local path; None means the packaged MiniLM
    embed_backend: str = "onnx"  # onnx | onnx-int8 (ONNX Runtime, fp32 or dynamic int8) | torch (sentence-transformers)
    cache_dir: Path = field(default_factory=default_cache_dir)
    collection: str = "articles"
    chunk_tokens: int = 200
    chunk_overlap_sentences: int = 1
    k: int = 8  # passages handed to the answerer
    expand_articles: int = 2  # the extractive reader also reads the rest of the first N retrieved articles (0: off)
    candidates: int = 30  # per retriever, before fusion
    rrf_k: int = 60
    mode: str = "hybrid"  # hybrid | dense | bm25
    llm: str = "extractive"  # extractive | llamacpp:PATH | llamacpp-server:URL | ollama:MODEL | openai:MODEL
    llm_base_url: str | None = None
    llm_timeout: float = 60.0  # seconds for one LLM call; past it the answer falls back to extractive
    llm_context: int = 4096  # the model's context window, in tokens
    llm_max_tokens: int = 384  # room kept for the answer
    show_unsupported: bool = False
    judge: Path | None = None  # a GGUF chat model that re-reads the reader's best sentences (`assistant fetch-judge`)
    reader: bool = True  # the trained reading model re-reads the ranker's best sentences (ASSISTANT_READER=0: off)
    prefetch: bool = True  # a cold `ask` parses its question in a forked process (Linux; ASSISTANT_PREFETCH=0: off)
    chroma_url: str | None = None  # a `chroma run` server shared by several processes; None = embedded Chroma
    chroma_timeout: float = 10.0  # seconds a Chroma server may take to answer one request
    ui_concurrency: int = 2  # answers the web UI / API computes at once (gradio queue); more wait in the queue
    ui_queue: int = 512  # requests that may wait in that queue before new ones are refused
    # postgresql://... holding documents, keyword index, sentences, feeds; None = the SQLite file under `home`
    database_url: str | None = field(default=None, repr=False)
    openai_api_key: str | None = field(default=None, repr=False)

    @classmethod
    def from_env(cls) -> Settings:
        """Read `ASSISTANT_*` environment variables."""
        env = os.environ
        home = Path(env["ASSISTANT_HOME"]).expanduser() if env.get("ASSISTANT_HOME") else DEFAULT_HOME
        return cls(
            home=home,
            embed_model=env.get("ASSISTANT_EMBED_MODEL") or None,
            embed_backend=_env_choice("ASSISTANT_EMBED_BACKEND", cls.embed_backend, EMBED_BACKENDS),
            chunk_tokens=_env_int("ASSISTANT_CHUNK_TOKENS", cls.chunk_tokens),
            k=_env_int("ASSISTANT_K", cls.k),
            expand_articles=_env_int("ASSISTANT_EXPAND_ARTICLES", cls.expand_articles, minimum=0),
            mode=env.get("ASSISTANT_MODE", cls.mode),
            llm=env.get("ASSISTANT_LLM", cls.llm),
            llm_base_url=env.get("ASSISTANT_LLM_BASE_URL") or None,
            llm_timeout=_env_float("ASSISTANT_LLM_TIMEOUT", cls.llm_timeout),
            llm_context=_env_int("ASSISTANT_LLM_CONTEXT", cls.llm_context),
            judge=Path(env["ASSISTANT_JUDGE"]).expanduser() if env.get("ASSISTANT_JUDGE") else None,
            reader=_env_flag("ASSISTANT_READER"),
            prefetch=_env_flag("ASSISTANT_PREFETCH"),
            chroma_url=env.get("ASSISTANT_CHROMA_URL") or None,
            chroma_timeout=_env_float("ASSISTANT_CHROMA_TIMEOUT", cls.chroma_timeout),
            ui_concurrency=_env_int("ASSISTANT_UI_CONCURRENCY", cls.ui_concurrency),
            ui_queue=_env_int("ASSISTANT_UI_QUEUE", cls.ui_queue),
            database_url=env.get("ASSISTANT_DATABASE_URL") or None,
            openai_api_key=env.get("OPENAI_API_KEY") or None,
        )

    def with_(self, **changes: object) -> Settings:
        """Return a copy with the given non-None fields replaced."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    @property
    def sqlite_path(self) -> Path:
        """The SQLite file holding documents, chunks and the FTS5 index."""
        return self.home / "assistant.sqlite3"

    @property
    def chroma_path(self) -> Path:
        """The Chroma persistent directory."""
        return self.home / "chroma"

    @property
    def feedback_path(self) -> Path:
        """Answer feedback from the UI, one evaluation case per line (`assistant feedback list|export`)."""
        return self.home / "feedback.jsonl"

    @property
    def onnx_cache(self) -> Path:
        """Exports of embedding models for ONNX Runtime, one folder per checksum of the source weights."""
        return self.cache_dir / "onnx"
