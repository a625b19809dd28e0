"""Chat-model backends through LangChain: llama.cpp (in process or server), Ollama, OpenAI-compatible."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from assistant.settings import Settings

KINDS = ("extractive", "llamacpp", "llamacpp-server", "ollama", "openai")
HINTS = {
    "llamacpp": "pip install '.[llamacpp]'  (builds llama-cpp-python: CMAKE_ARGS=\"-DGGML_NATIVE=off -DLLAVA_BUILD=off\")",
    "llamacpp-server": "pip install '.[openai]'",
    "openai": "pip install '.[openai]'",
    "ollama": "pip install '.[ollama]'",
}


class LLMError(RuntimeError):
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


def parse_spec(value: str) -> LLMSpec:
    """'ollama:llama3.2' -> LLMSpec('ollama', 'llama3.2'); raises LLMError naming the accepted forms."""
    value = (value or "extractive").strip()
    kind, _, target = value.partition(":")
    if kind not in KINDS:
        raise LLMError(
            f"unknown answerer {value!r}; use extractive, llamacpp:/path/model.gguf, llamacpp-server:http://host:port/v1, "
            "ollama:MODEL or openai:MODEL"
        )
    if kind != "extractive" and not target:
        raise LLMError(f"--llm {kind}: needs a {'path' if kind == 'llamacpp' else 'model name or URL'} after the colon")
    if kind == "llamacpp" and not os.path.exists(target):
        raise LLMError(f"GGUF model {target} does not exist")
    return LLMSpec(kind, target)


def make_chat_model(spec: LLMSpec, settings: Settings) -> Any:
    """A LangChain chat model for the spec, with timeouts and no retries (a fallback answers instead)."""
    from langchain.chat_models import init_chat_model  # LangChain's provider registry builds the client

    try:
        if spec.kind in ("openai", "llamacpp-server"):
            base = spec.target if spec.kind == "llamacpp-server" else settings.llm_base_url
            key = os.environ.get("OPENAI_API_KEY") or ("not-needed" if spec.kind == "llamacpp-server" or base else None)
            if not key:
                raise LLMError("openai: set OPENAI_API_KEY (or --llm-base-url for a local OpenAI-compatible server)")
            model = "local" if spec.kind == "llamacpp-server" else spec.target
            return init_chat_model(model, model_provider="openai", base_url=base, api_key=key, timeout=settings.llm_timeout,
                                   max_retries=0, max_tokens=settings.llm_max_tokens, temperature=0)  # fmt: skip
        if spec.kind == "ollama":
            return init_chat_model(spec.target, model_provider="ollama", base_url=settings.llm_base_url or "http://127.0.0.1:11434",
                                   temperature=0, num_predict=settings.llm_max_tokens, num_ctx=settings.llm_context,
                                   client_kwargs={"timeout": settings.llm_timeout})  # fmt: skip
        if spec.kind == "llamacpp":
            from assistant.answer.llm.llamacpp_chat import LlamaCppChat

            return LlamaCppChat(model_path=spec.target, n_ctx=settings.llm_context, max_tokens=settings.llm_max_tokens)
    except ImportError as exc:  # init_chat_model raises ImportError naming the missing langchain-<provider> package
        raise LLMError(f"the {spec.kind} backend is not installed ({exc}); run: {HINTS[spec.kind]}") from None
    raise LLMError(f"no chat model for {spec.label}")
