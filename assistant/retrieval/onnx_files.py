"""The files of an ONNX export and what it must reproduce: shared by the cache (`onnx_cache.py`, which finds exports)
and the exporter (`onnx_export.py`, which writes them), so neither imports the other's module to know them."""

from __future__ import annotations

from dataclasses import dataclass

MODEL_FILE, INT8_FILE, META_FILE, TOKENIZER_FILE = "model.onnx", "model-int8.onnx", "meta.json", "tokenizer.json"


@dataclass(frozen=True)
class ModelSpec:
    """What the ONNX side must reproduce of a sentence-transformers folder: pooling and truncation length."""

    pooling: str  # mean | cls | max
    max_length: int  # word pieces, as sentence-transformers' max_seq_length
