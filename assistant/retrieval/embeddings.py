"""Embedding models: the packaged MiniLM on sentence-transformers, a hash embedder for tests, and the factory that
picks one (the ONNX Runtime embedder lives in `onnx_embedder.py`, the `Embedder` interface in `assistant/embedder.py`)."""

from __future__ import annotations

import hashlib
import math
import os
import re
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.embedder import DEFAULT_MODEL_NAME, Embedder, EmbedderUnavailable, resolve_model_path

if TYPE_CHECKING:
    from assistant.settings import Settings


class SentenceTransformerEmbedder(Embedder):
    """A sentence-transformers model loaded from a local folder, never from a hub."""

    def __init__(self, model_path: str | None = None, batch_size: int = 32) -> None:
        self._override = model_path
        self.batch_size = batch_size
        self._model = None
        self._lock = threading.Lock()
        self.name = Path(model_path).name if model_path else DEFAULT_MODEL_NAME

    def warm_up(self) -> None:
        """Load the model (once, thread-safe)."""
        with self._lock:
            if self._model is not None:
                return
            path = resolve_model_path(self._override)
            # Never let transformers or huggingface_hub reach for the network.
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()

            try:
                self._model = SentenceTransformer(str(path), device="cpu")
            except OSError as exc:
                raise EmbedderUnavailable(f"cannot load the embedding model from {path}: {exc}") from None
            self.dimensions = int(self._model.get_embedding_dimension() or 0)

    def embed_batch(self, texts: list[str]) -> list[list[float]]:
        """Encode with the model, normalised."""
        self.warm_up()
        with self._lock:  # one model shared by every UI session; torch inference is not re-entrant-safe here
            vecs = self._model.encode(
                texts, batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False, convert_to_numpy=True
            )
        return vecs.tolist()


class HashEmbedder(Embedder):
    """Deterministic bag-of-words embedding from SHA-256 of tokens; for fast tests."""

    def __init__(self, dimensions: int = 256) -> None:
        self.dimensions = dimensions
        self.name = f"hash-{dimensions}"

    def embed_batch(self, texts: list[str]) -> list[list[float]]:
        """Hash each lower-cased word into a bucket with a sign; normalise."""
        out = []
        for text in texts:
            vec = [0.0] * self.dimensions
            for word in re.findall(r"\w+", text.lower()):
                digest = hashlib.sha256(word.encode()).digest()
                idx = int.from_bytes(digest[:4], "little") % self.dimensions
                vec[idx] += 1.0 if digest[4] & 1 else -1.0
            norm = math.sqrt(sum(v * v for v in vec)) or 1.0
            out.append([v / norm for v in vec])
        return out


def make_embedder(model_path: str | None = None, backend: str = "onnx", cache: Path | None = None) -> Embedder:
    """The embedder for a model and backend (not loaded until first use): ONNX Runtime (`onnx`, `onnx-int8`; the
    export goes to `cache`) or sentence-transformers on torch (`torch`)."""
    if model_path == "hash":
        return HashEmbedder()
    if backend == "torch":
        return SentenceTransformerEmbedder(model_path)
    if backend in ("onnx", "onnx-int8"):
        from assistant.retrieval.onnx_embedder import OnnxEmbedder
        from assistant.settings import Settings

        return OnnxEmbedder(cache or Settings().onnx_cache, model_path, quantized=backend == "onnx-int8")
    raise EmbedderUnavailable(f"unknown embedding backend {backend!r}; choose onnx, onnx-int8 or torch")


def embedder_for(settings: Settings) -> Embedder:
    """The embedder these settings ask for."""
    return make_embedder(settings.embed_model, settings.embed_backend, settings.onnx_cache)
