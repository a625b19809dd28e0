"""Export a sentence-transformers model folder to ONNX with torch (legacy exporter, opset 17), and quantise it.

Runs once per model version (`onnx_cache.ensure_export` decides when); the only module of the query path's
embedder that imports torch, transformers or onnx.
"""

from __future__ import annotations

import inspect
import json
import os
import shutil
import warnings
from pathlib import Path

from assistant.embedder import EmbedderUnavailable
from assistant.retrieval.onnx_files import META_FILE, MODEL_FILE, TOKENIZER_FILE, ModelSpec

OPSET = 17
EXPORT_HINT = "pip install torch==2.13.0 transformers==5.24.0 onnx==1.23.2"


def export_model(model_dir: Path, out_dir: Path, spec: ModelSpec, key: str) -> None:
    """Write model.onnx (token embeddings for input ids and mask), tokenizer.json and meta.json into `out_dir`."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import onnx  # noqa: F401 - torch's exporter needs it; fail here with the hint rather than deep inside torch
        import torch
        from transformers import AutoModel
        from transformers.utils import logging as hf_logging
    except ModuleNotFoundError as exc:
        raise EmbedderUnavailable(f"exporting the embedding model to ONNX needs {exc.name}; run: {EXPORT_HINT}") from None
    hf_logging.disable_progress_bar()
    try:
        model = AutoModel.from_pretrained(str(model_dir)).eval()
    except OSError as exc:
        raise EmbedderUnavailable(f"cannot load the embedding model from {model_dir}: {exc}") from None
    names = ["input_ids", "attention_mask"]
    if "token_type_ids" in inspect.signature(model.forward).parameters:
        names.append("token_type_ids")

    class TokenEmbeddings(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, *inputs):
            return self.model(**dict(zip(names, inputs, strict=True))).last_hidden_state

    # Two rows, the second padded: the traced graph must honour the attention mask, not assume a full batch.
    ids = torch.tensor([[101, 7592, 2088, 2003, 1037, 3231, 1012, 102], [101, 7592, 102, 0, 0, 0, 0, 0]])
    mask = (ids != 0).long()
    dummy = (ids, mask, torch.zeros_like(ids))[: len(names)]
    axes = {n: {0: "batch", 1: "tokens"} for n in [*names, "token_embeddings"]}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer notes about Python booleans in attention code; the test checks vectors
        torch.onnx.export(
            TokenEmbeddings(),
            dummy,
            str(out_dir / MODEL_FILE),
            input_names=names,
            output_names=["token_embeddings"],
            dynamic_axes=axes,
            opset_version=OPSET,
            dynamo=False,
            do_constant_folding=True,
        )
    shutil.copyfile(model_dir / TOKENIZER_FILE, out_dir / TOKENIZER_FILE)
    meta = {
        "checksum": key,
        "source": str(model_dir),
        "pooling": spec.pooling,
        "max_length": spec.max_length,
        "dimensions": int(model.config.hidden_size),
        "opset": OPSET,
        "torch": torch.__version__,
    }
    (out_dir / META_FILE).write_text(json.dumps(meta, indent=2), encoding="utf-8")


def quantize_int8(source: Path, target: Path) -> None:
    """ONNX Runtime's dynamic quantisation: int8 weights (per output channel: per tensor, the mean cosine to the fp32
    vectors was 0.959 on corpus text, per channel 0.993), activations quantised on the fly."""
    try:
        import logging

        from onnxruntime.quantization import QuantType, quantize_dynamic
    except ModuleNotFoundError as exc:
        raise EmbedderUnavailable(f"int8 quantisation needs {exc.name}; run: {EXPORT_HINT}") from None
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # it logs a generic "consider pre-processing" warning on the root logger
    try:
        quantize_dynamic(str(source), str(target), weight_type=QuantType.QInt8, per_channel=True)
    finally:
        root.setLevel(level)
