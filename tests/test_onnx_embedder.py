"""The ONNX Runtime embedder: same vectors as sentence-transformers, one export per checksum of the weights, exports
that concurrent processes cannot corrupt, and clear errors for models it cannot reproduce."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT, corpus_records

from assistant.embedder import EmbedderUnavailable, resolve_model_path
from assistant.errors import SettingsError
from assistant.retrieval.embeddings import make_embedder
from assistant.retrieval.onnx_cache import checksum, ensure_export, model_spec
from assistant.retrieval.onnx_embedder import OnnxEmbedder, pool
from assistant.retrieval.onnx_files import ModelSpec
from assistant.settings import Settings
from assistant.text import split_sentences


def _folder(tmp_path: Path, pooling: dict | None = None, modules: list[str] | None = None) -> Path:
    model = tmp_path / "model"
    (model / "1_Pooling").mkdir(parents=True)
    (model / "model.safetensors").write_bytes(b"weights v1")
    (model / "tokenizer.json").write_text("{}")
    (model / "sentence_bert_config.json").write_text(json.dumps({"max_seq_length": 128}))
    (model / "1_Pooling" / "config.json").write_text(json.dumps(pooling or {"pooling_mode_mean_tokens": True}))
    kinds = modules or ["Transformer", "Pooling", "Normalize"]
    (model / "modules.json").write_text(json.dumps([{"type": f"sentence_transformers.models.{k}"} for k in kinds]))
    return model


def test_model_spec_reads_pooling_and_length(tmp_path):
    assert model_spec(_folder(tmp_path / "a")) == ModelSpec("mean", 128)
    assert model_spec(_folder(tmp_path / "b", {"pooling_mode_cls_token": True})).pooling == "cls"
    with pytest.raises(EmbedderUnavailable, match=r"modules.json: .*not Dense; use ASSISTANT_EMBED_BACKEND=torch"):
        model_spec(_folder(tmp_path / "c", modules=["Transformer", "Pooling", "Dense"]))
    both = {"pooling_mode_mean_tokens": True, "pooling_mode_max_tokens": True}
    with pytest.raises(EmbedderUnavailable, match=r"1_Pooling/config.json: .*one of mean, cls or max"):
        model_spec(_folder(tmp_path / "d", both))
    broken = _folder(tmp_path / "e")
    (broken / "sentence_bert_config.json").write_text('{"max_seq_length": 12,\n oops}')
    with pytest.raises(EmbedderUnavailable, match=r"sentence_bert_config.json: line 2: not valid JSON"):
        model_spec(broken)


def test_checksum_follows_the_weights_and_is_remembered(tmp_path):
    model, cache = _folder(tmp_path), tmp_path / "cache"
    first = checksum(model, cache)
    assert checksum(model, cache) == first and len(list((cache / "checksums").iterdir())) == 1
    (model / "model.safetensors").write_bytes(b"weights v2")
    assert checksum(model, cache) != first
    (model / "model.safetensors").unlink()
    with pytest.raises(EmbedderUnavailable, match=r"no model weights \(model.safetensors or pytorch_model.bin\)"):
        checksum(model, cache)


def test_pooling_ignores_padding_and_normalises():
    hidden = np.array([[[1.0, 0.0], [3.0, 4.0], [100.0, 100.0]]], dtype=np.float32)
    mask = np.array([[1, 1, 0]])
    mean = pool(hidden, mask, "mean")[0]
    assert np.allclose(mean, np.array([2.0, 2.0]) / np.linalg.norm([2.0, 2.0]))
    assert np.allclose(pool(hidden, mask, "cls")[0], [1.0, 0.0])
    assert np.allclose(pool(hidden, mask, "max")[0], np.array([3.0, 4.0]) / 5.0)


def test_backend_choice_is_checked(monkeypatch):
    with pytest.raises(EmbedderUnavailable, match="unknown embedding backend 'tf'"):
        make_embedder(None, "tf")
    monkeypatch.setenv("ASSISTANT_EMBED_BACKEND", "gpu")
    with pytest.raises(SettingsError, match="ASSISTANT_EMBED_BACKEND='gpu' is not one of onnx, onnx-int8, torch"):
        Settings.from_env()
    monkeypatch.setenv("ASSISTANT_EMBED_BACKEND", "onnx-int8")
    emb = make_embedder(None, Settings.from_env().embed_backend)
    assert isinstance(emb, OnnxEmbedder) and emb.quantized


# ---- the real model and real exports (torch, transformers, onnx, onnxruntime)


def tiny_model(folder: Path, seed: int) -> Path:
    """A small random BERT with MiniLM's tokenizer and sentence-transformers config: a real model to export in
    seconds. A different seed gives different weights."""
    import torch
    from transformers import BertConfig, BertModel

    packaged = resolve_model_path()
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("tokenizer.json", "tokenizer_config.json", "vocab.txt", "special_tokens_map.json", "modules.json"):
        shutil.copy(packaged / name, folder / name)
    shutil.copytree(packaged / "1_Pooling", folder / "1_Pooling", dirs_exist_ok=True)
    (folder / "1_Pooling" / "config.json").write_text(
        json.dumps({"word_embedding_dimension": 32, "pooling_mode_mean_tokens": True})
    )
    (folder / "sentence_bert_config.json").write_text(json.dumps({"max_seq_length": 64, "do_lower_case": False}))
    torch.manual_seed(seed)
    config = BertConfig(hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64)
    BertModel(config).save_pretrained(str(folder))
    return folder


SENTENCES_FOR_TINY = ["Who greeted Pezeshkian at the airport?", "Hi", "word " * 300, ""]


@pytest.mark.slow
def test_export_happens_once_per_version_of_the_weights(tmp_path):
    from sentence_transformers import SentenceTransformer

    model, cache, notes = tiny_model(tmp_path / "tiny", seed=1), tmp_path / "cache", []
    first = ensure_export(model, cache, notes.append)
    assert len(notes) == 1 and "Exporting the embedding model" in notes[0]
    assert ensure_export(model, cache, notes.append).folder == first.folder and len(notes) == 1  # reused
    emb = OnnxEmbedder(cache, str(model), notify=notes.append)
    ours = np.asarray(emb.embed_batch(SENTENCES_FOR_TINY))
    theirs = SentenceTransformer(str(model), device="cpu").encode(SENTENCES_FOR_TINY, normalize_embeddings=True)
    assert np.all((ours * theirs).sum(axis=1) >= 0.9999), (ours * theirs).sum(axis=1)

    tiny_model(model, seed=2)  # new weights in the same folder: a new checksum, a new export
    second = ensure_export(model, cache, notes.append)
    assert second.folder != first.folder and len(notes) == 2
    fresh = np.asarray(OnnxEmbedder(cache, str(model), notify=notes.append).embed_batch(SENTENCES_FOR_TINY))
    assert not np.allclose(fresh, ours)
    assert sorted(p.name for p in cache.iterdir() if p.name.startswith(".")) == []  # no temporary folder left


@pytest.mark.slow
def test_two_processes_exporting_at_once_leave_one_complete_export(tmp_path):
    model, cache = tiny_model(tmp_path / "tiny", seed=3), tmp_path / "cache"
    code = (
        "import sys; from pathlib import Path; from assistant.retrieval.onnx_cache import ensure_export; "
        "from assistant.retrieval.onnx_embedder import OnnxEmbedder; "
        f"e = ensure_export(Path({str(model)!r}), Path({str(cache)!r}), lambda m: print('EXPORTING', flush=True)); "
        f"print(e.folder); print(len(OnnxEmbedder(Path({str(cache)!r}), {str(model)!r}).embed('a test')))"
    )
    procs = [subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=300)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    lines = [o.split() for o in outs]
    assert sum(o.count("EXPORTING") for o in lines) == 1  # the second process waited for the first one's export
    folders = {o[-2] for o in lines}
    assert len(folders) == 1 and all(o[-1] == "32" for o in lines)
    assert sorted(p.name for p in cache.iterdir() if p.is_dir()) == sorted(["checksums", Path(folders.pop()).name])


def _corpus_sentences(n: int) -> list[str]:
    out: list[str] = []
    for record in corpus_records(60):
        text = record["text"]
        out += [text[s.start : s.end] for s in split_sentences(text) if len(text[s.start : s.end]) > 20]
    step = max(1, len(out) // n)
    return out[::step][:n]


@pytest.mark.slow
def test_onnx_vectors_match_sentence_transformers_on_200_corpus_sentences():
    from assistant.retrieval.embeddings import SentenceTransformerEmbedder

    sentences = _corpus_sentences(200)
    long_texts = [r["text"] for r in corpus_records(5)]  # whole articles: both must cut at 256 word pieces
    assert len(sentences) == 200
    onnx = make_embedder(None, "onnx", Settings.from_env().onnx_cache)
    ours = np.asarray(onnx.embed_batch(sentences + long_texts))
    theirs = np.asarray(SentenceTransformerEmbedder().embed_batch(sentences + long_texts))
    cos = (ours * theirs).sum(axis=1)
    assert cos.min() >= 0.9999, (cos.min(), int(cos.argmin()))
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    assert np.allclose(onnx.embed(sentences[7]), ours[7], atol=1e-5)  # one text alone = the same text in a batch
    int8 = np.asarray(make_embedder(None, "onnx-int8", Settings.from_env().onnx_cache).embed_batch(sentences[:50]))
    assert 0.98 <= (int8 * ours[:50]).sum(axis=1).mean() < 0.9999  # quantised: close, not equal
