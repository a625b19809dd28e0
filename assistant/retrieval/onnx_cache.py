"""Where the ONNX export of an embedding model lives: one cache folder per checksum of the source files, exported
once and installed atomically (a complete folder renamed into place), so concurrent processes never see half a model.

Nothing here imports torch: finding an existing export costs a few file reads. Only a missing export loads
`onnx_export.py` (torch + onnx), once per model version.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from assistant.embedder import EmbedderUnavailable
from assistant.retrieval.onnx_files import INT8_FILE, META_FILE, MODEL_FILE, TOKENIZER_FILE, ModelSpec

EXPORT_FORMAT = 1  # part of the checksum: bump it when the export itself changes, and every cache re-exports
WEIGHTS = ("model.safetensors", "pytorch_model.bin")
CONFIGS = ("config.json", "tokenizer.json", "modules.json", "sentence_bert_config.json", "1_Pooling/config.json")
POOLING_KEYS = {"mean": "pooling_mode_mean_tokens", "cls": "pooling_mode_cls_token", "max": "pooling_mode_max_tokens"}
SUPPORTED_MODULES = {"Transformer", "Pooling", "Normalize"}  # last part of sentence-transformers' module type


@dataclass(frozen=True)
class Exported:
    """A complete export in the cache."""

    folder: Path
    spec: ModelSpec
    dimensions: int

    @property
    def model(self) -> Path:
        """The fp32 ONNX graph (token embeddings out; pooling happens in numpy)."""
        return self.folder / MODEL_FILE

    @property
    def tokenizer(self) -> Path:
        """The model's tokenizer.json, copied beside the graph."""
        return self.folder / TOKENIZER_FILE


Notify = Callable[[str], None]


def _read_json(path: Path) -> dict | list:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise EmbedderUnavailable(f"{path}: line {exc.lineno}: not valid JSON ({exc.msg})") from None


def model_spec(model_dir: Path) -> ModelSpec:
    """Pooling and length from the sentence-transformers config; a module the export cannot reproduce is an error."""
    modules_file = model_dir / "modules.json"
    if modules_file.exists():
        kinds = {str(m.get("type", "")).rsplit(".", 1)[-1] for m in _read_json(modules_file)}
        extra = sorted(kinds - SUPPORTED_MODULES)
        if extra:
            raise EmbedderUnavailable(
                f"{modules_file}: the ONNX embedder reproduces Transformer, Pooling and Normalize, not {', '.join(extra)};"
                " use ASSISTANT_EMBED_BACKEND=torch for this model"
            )
    pooling = "mean"
    pool_file = model_dir / "1_Pooling" / "config.json"
    if pool_file.exists():
        cfg = _read_json(pool_file)
        on = [k for k, v in cfg.items() if k.startswith("pooling_mode") and v]
        modes = [mode for mode, k in POOLING_KEYS.items() if k in on]
        if len(on) != 1 or not modes:
            raise EmbedderUnavailable(f"{pool_file}: the ONNX embedder supports one of mean, cls or max pooling, not {on}")
        pooling = modes[0]
    max_length = 512
    st_file = model_dir / "sentence_bert_config.json"
    if st_file.exists():
        max_length = int(_read_json(st_file).get("max_seq_length") or max_length)
    return ModelSpec(pooling, max_length)


def source_files(model_dir: Path) -> list[Path]:
    """The files whose bytes define the model: weights, configs and tokenizer."""
    weights = [model_dir / w for w in WEIGHTS if (model_dir / w).exists()]
    if not weights:
        raise EmbedderUnavailable(f"{model_dir}: no model weights ({' or '.join(WEIGHTS)}) to export to ONNX")
    if not (model_dir / TOKENIZER_FILE).exists():
        raise EmbedderUnavailable(f"{model_dir}: no tokenizer.json; the ONNX embedder needs a fast tokenizer file")
    return weights + [model_dir / c for c in CONFIGS if (model_dir / c).exists()]


def checksum(model_dir: Path, cache: Path) -> str:
    """SHA-256 over the source files. Hashing 90 MB costs ~0.2 s, so the digest is remembered per (path, size,
    mtime) of every file: an unchanged folder is recognised by a stat, a changed one is hashed again."""
    files = source_files(model_dir)
    stamp = [(str(f.resolve()), f.stat().st_size, f.stat().st_mtime_ns) for f in files]
    memo = cache / "checksums" / (hashlib.sha256(json.dumps([EXPORT_FORMAT, stamp]).encode()).hexdigest()[:32] + ".txt")
    if memo.exists():
        return memo.read_text().strip()
    digest = hashlib.sha256(f"export-format-{EXPORT_FORMAT}".encode())
    for f in files:
        digest.update(f.relative_to(model_dir).as_posix().encode() + b"\0")
        with f.open("rb") as fh:
            while block := fh.read(1 << 20):
                digest.update(block)
    try:
        _write_atomic(memo, digest.hexdigest())
    except PermissionError:
        pass  # a read-only shared cache: the digest is only remembered to save the hashing next time
    return digest.hexdigest()


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock between processes: the second exporter waits, then finds the export done."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def load(folder: Path) -> Exported:
    """An export's metadata."""
    meta = _read_json(folder / META_FILE)
    return Exported(folder, ModelSpec(meta["pooling"], int(meta["max_length"])), int(meta["dimensions"]))


def ensure_export(model_dir: Path, cache: Path, notify: Notify) -> Exported:
    """The export of this model, made now (torch, once) if the cache has none for its checksum."""
    spec = model_spec(model_dir)
    key = checksum(model_dir, cache)[:24]
    folder = cache / key
    if (folder / META_FILE).exists():
        return load(folder)
    with _locked(cache / f"{key}.lock"):
        if not (folder / META_FILE).exists():  # another process may have finished it while we waited
            notify(f"Exporting the embedding model to ONNX Runtime, once for this model (about 10-30 s): {folder}")
            tmp = Path(tempfile.mkdtemp(prefix=f".{key}-", dir=cache))
            tmp.chmod(0o755)  # mkdtemp makes it private; the cache may be shared
            try:
                from assistant.retrieval.onnx_export import export_model

                export_model(model_dir, tmp, spec, key)
                os.rename(tmp, folder)  # atomic: the folder appears complete or not at all
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
    return load(folder)


def ensure_int8(exported: Exported, notify: Notify) -> Path:
    """ONNX Runtime's dynamic int8 quantisation of the export (weights int8, activations quantised per batch)."""
    target = exported.folder / INT8_FILE
    if target.exists():
        return target
    with _locked(exported.folder.parent / f"{exported.folder.name}-int8.lock"):
        if not target.exists():
            notify(f"Quantising the ONNX embedding model to int8, once: {target}")
            from assistant.retrieval.onnx_export import quantize_int8

            fd, tmp = tempfile.mkstemp(prefix=".int8-", suffix=".onnx", dir=exported.folder)
            os.close(fd)
            os.chmod(tmp, 0o644)
            try:
                quantize_int8(exported.model, Path(tmp))
                os.replace(tmp, target)
            finally:
                Path(tmp).unlink(missing_ok=True)
    return target
