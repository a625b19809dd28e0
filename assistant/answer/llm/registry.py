"""Chat-model backends through LangChain: llama.cpp (in process or server), Ollama, OpenAI-compatible.

One registry entry per backend: its name, how to write it, its pip extra and install hint, and a small factory.
The `--llm` help, `parse_spec` errors and the README table are all generated from `BACKENDS`. Adding a backend is
one `Backend(...)` entry here plus its extra in pyproject.toml. Nothing heavy is imported until a factory runs.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from assistant.errors import AssistantError
from assistant.settings import Settings


class LLMError(AssistantError, RuntimeError):
    """The LLM backend is misconfigured, missing, unreachable or too slow."""


@dataclass(frozen=True)
class LLMSpec:
    """A parsed `--llm` value."""

    kind: str
    target: str = ""

    @property
    def label(self) -> str:
        """Human-readable name, e.g. 'ollama:llama3.2'."""
        return self.kind if not self.target else f"{self.kind}:{self.target}"


Factory = Callable[[LLMSpec, Settings], Any]


@dataclass(frozen=True)
class Backend:
    """One way to answer: how it is written on the command line, installed and built."""

    name: str
    usage: str  # in `--llm` help, e.g. 'ollama:MODEL'
    example: str  # in error messages and the README, e.g. 'llamacpp:/path/model.gguf'
    description: str  # for the README table
    target: str = ""  # what follows the colon ('path', 'model name or URL'); empty: nothing
    extra: str | None = None  # pip extra of pyproject.toml
    hint: str = ""  # install command shown when the backend's package is missing
    factory: Factory | None = None  # None: the extractive answerer, no chat model


def _openai_compatible(spec: LLMSpec, settings: Settings) -> Any:
    from langchain.chat_models import init_chat_model  # LangChain's provider registry builds the client

    local = spec.kind == "llamacpp-server"
    base = spec.target if local else settings.llm_base_url
    key = settings.openai_api_key or ("not-needed" if local or base else None)
    if not key:
        raise LLMError("openai: set OPENAI_API_KEY (or --llm-base-url for a local OpenAI-compatible server)")
    model = "local" if local else spec.target
    return init_chat_model(
        model,
        model_provider="openai",
        base_url=base,
        api_key=key,
        timeout=settings.llm_timeout,
        max_retries=0,
        max_tokens=settings.llm_max_tokens,
        temperature=0,
    )


def _ollama(spec: LLMSpec, settings: Settings) -> Any:
    from langchain.chat_models import init_chat_model

    return init_chat_model(
        spec.target,
        model_provider="ollama",
        base_url=settings.llm_base_url or "http://127.0.0.1:11434",
        temperature=0,
        num_predict=settings.llm_max_tokens,
        num_ctx=settings.llm_context,
        client_kwargs={"timeout": settings.llm_timeout},
    )


def _llamacpp(spec: LLMSpec, settings: Settings) -> Any:
    from assistant.answer.llm.llamacpp_chat import LlamaCppChat

    return LlamaCppChat(model_path=spec.target, n_ctx=settings.llm_context, max_tokens=settings.llm_max_tokens)


BACKENDS: dict[str, Backend] = {
    b.name: b
    for b in (
        Backend("extractive", "extractive (default)", "extractive", "sentences picked from the articles (default)"),
        Backend(
            "llamacpp",
            "llamacpp:PATH.gguf",
            "llamacpp:/path/model.gguf",
            "llama-cpp-python, in process",
            target="path",
            extra="llamacpp",
            hint="pip install '.[llamacpp]'  (builds llama-cpp-python: CMAKE_ARGS=\"-DGGML_NATIVE=off -DLLAVA_BUILD=off\")",
            factory=_llamacpp,
        ),
        Backend(
            "llamacpp-server",
            "llamacpp-server:URL",
            "llamacpp-server:http://host:port/v1",
            "`python -m llama_cpp.server`, OpenAI-compatible",
            target="model name or URL",
            extra="openai",
            hint="pip install '.[openai]'",
            factory=_openai_compatible,
        ),
        Backend(
            "ollama",
            "ollama:MODEL",
            "ollama:MODEL",
            "Ollama (`--llm-base-url`, default `http://127.0.0.1:11434`)",
            target="model name or URL",
            extra="ollama",
            hint="pip install '.[ollama]'",
            factory=_ollama,
        ),
        Backend(
            "openai",
            "openai:MODEL",
            "openai:MODEL",
            "any OpenAI-compatible API; key from `OPENAI_API_KEY`, `--llm-base-url` for others",
            target="model name or URL",
            extra="openai",
            hint="pip install '.[openai]'",
            factory=_openai_compatible,
        ),
    )
}


def _or_list(items: list[str]) -> str:
    return ", ".join(items[:-1]) + " or " + items[-1] if len(items) > 1 else "".join(items)


def cli_help() -> str:
    """The `--llm` option's help text."""
    return "Answerer: " + ", ".join(b.usage for b in BACKENDS.values()) + " [env ASSISTANT_LLM]."


def readme_table() -> str:
    """The README's table of answerers (tests/test_generative.py checks the README carries it)."""
    rows = ["| value | backend | install |", "|---|---|---|"]
    for b in BACKENDS.values():
        install = f"`pip install '.[{b.extra}]'`" if b.extra else "-"
        rows.append(f"| `{b.example}` | {b.description} | {install} |")
    return "\n".join(rows)


def parse_spec(value: str) -> LLMSpec:
    """'ollama:llama3.2' -> LLMSpec('ollama', 'llama3.2'); raises LLMError naming the accepted forms."""
    value = (value or "extractive").strip()
    kind, _, target = value.partition(":")
    backend = BACKENDS.get(kind)
    if backend is None:
        raise LLMError(f"unknown answerer {value!r}; use {_or_list([b.example for b in BACKENDS.values()])}")
    if backend.target and not target:
        raise LLMError(f"--llm {kind}: needs a {backend.target} after the colon")
    if kind == "llamacpp" and not os.path.exists(target):
        raise LLMError(f"GGUF model {target} does not exist")
    return LLMSpec(kind, target)


def make_chat_model(spec: LLMSpec, settings: Settings) -> Any:
    """A LangChain chat model for the spec, with timeouts and no retries (a fallback answers instead)."""
    backend = BACKENDS.get(spec.kind)
    if backend is None or backend.factory is None:
        raise LLMError(f"no chat model for {spec.label}")
    try:
        return backend.factory(spec, settings)
    except ImportError as exc:  # init_chat_model raises ImportError naming the missing langchain-<provider> package
        raise LLMError(f"the {spec.kind} backend is not installed ({exc}); run: {backend.hint}") from None
