"""The embedding model run by ONNX Runtime with the `tokenizers` library: the same vectors as sentence-transformers
(pooling and L2 normalisation in numpy), without importing torch. A cold process loads it in about 0.3 s."""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import Any

import numpy as np

from assistant.embedder import DEFAULT_MODEL_NAME, Embedder, EmbedderUnavailable, resolve_model_path
from assistant.retrieval.onnx_cache import Exported, Notify, ensure_export, ensure_int8

RUNTIME_HINT = "pip install onnxruntime==1.32.0 tokenizers==0.23.3"


def print_notice(message: str) -> None:
    """The default progress line of a one-time export: on stderr, so `ask --json` output stays clean."""
    print(f"assistant: {message}", file=sys.stderr, flush=True)


def pool(hidden: np.ndarray, mask: np.ndarray, mode: str) -> np.ndarray:
    """Sentence vectors from token embeddings, as sentence-transformers' Pooling + Normalize modules compute them."""
    m = mask[..., None].astype(hidden.dtype)
    if mode == "cls":
        vecs = hidden[:, 0]
    elif mode == "max":
        vecs = np.where(m > 0, hidden, -1e9).max(axis=1)
    else:
        vecs = (hidden * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None)
    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
    return vecs / np.clip(norms, 1e-12, None)


class OnnxEmbedder(Embedder):
    """A sentence-transformers folder exported to ONNX (fp32, or dynamically quantised int8)."""

    def __init__(
        self,
        cache: Path,
        model_path: str | None = None,
        quantized: bool = False,
        batch_size: int = 32,
        notify: Notify = print_notice,
    ) -> None:
        self.cache = cache
        self._override = model_path
        self.quantized = quantized
        self.batch_size = batch_size
        self.notify = notify
        self.name = (Path(model_path).name if model_path else DEFAULT_MODEL_NAME) + ("-int8" if quantized else "")
        self.exported: Exported | None = None
        self._session: Any = None
        self._tokenizer: Any = None
        self._inputs: set[str] = set()
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        """Find (or make, once) the export, then open the session and the tokenizer; thread-safe, cheap twice."""
        with self._lock:
            if self._session is not None:
                return
            exported = ensure_export(resolve_model_path(self._override), self.cache, self.notify)
            graph = ensure_int8(exported, self.notify) if self.quantized else exported.model
            try:
                import onnxruntime as ort
                from tokenizers import Tokenizer
            except ModuleNotFoundError as exc:
                raise EmbedderUnavailable(f"the ONNX embedder needs {exc.name}; run: {RUNTIME_HINT}") from None
            tokenizer = Tokenizer.from_file(str(exported.tokenizer))
            padding = tokenizer.padding or {}  # tokenizer.json pads to a fixed 128; pad each batch to its longest
            tokenizer.enable_padding(pad_id=padding.get("pad_id", 0), pad_token=padding.get("pad_token", "[PAD]"))
            tokenizer.enable_truncation(max_length=exported.spec.max_length)
            options = ort.SessionOptions()
            options.log_severity_level = 3
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")  # no busy-waiting between runs
            self._session = ort.InferenceSession(str(graph), options, providers=["CPUExecutionProvider"])
            self._inputs = {i.name for i in self._session.get_inputs()}
            self._tokenizer = tokenizer
            self.exported = exported
            self.dimensions = exported.dimensions

    def embed_batch(self, texts: list[str]) -> list[list[float]]:
        """Embed in batches of similar length (less padding); vectors come back in input order, L2-normalised."""
        self.warm_up()
        assert self.exported is not None
        out = np.empty((len(texts), self.dimensions), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for i in range(0, len(order), self.batch_size):
            idx = order[i : i + self.batch_size]
            enc = self._tokenizer.encode_batch([texts[j] for j in idx])
            ids = np.asarray([e.ids for e in enc], dtype=np.int64)
            mask = np.asarray([e.attention_mask for e in enc], dtype=np.int64)
            feeds = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self._inputs:
                feeds["token_type_ids"] = np.asarray([e.type_ids for e in enc], dtype=np.int64)
            hidden = self._session.run(None, feeds)[0]
            out[idx] = pool(hidden, mask, self.exported.spec.pooling)
        return out.tolist()
