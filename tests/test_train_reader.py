"""`evals/train_reader.py soup` averages finished runs' weights and refuses runs that did not start from one model."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
torch = pytest.importorskip("torch")


def _run(path: Path, seed: int, init: str, weight: float) -> Path:
    path.mkdir()
    state = {"layer.weight": torch.full((2, 3), weight), "embeddings.position_ids": torch.arange(4)}
    torch.save(state, path / "final.pt")
    (path / "run.json").write_text(json.dumps({"init": init, "seed": seed, "lr": 2e-5, "data": "d.jsonl"}))
    return path


def _soup(*args: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, str(ROOT / "evals" / "train_reader.py"), "soup", *args]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)


def test_soup_is_the_mean_of_the_runs_and_keeps_integer_buffers(tmp_path):
    a, b = _run(tmp_path / "a", 19, "evals/reader_run2", 1.0), _run(tmp_path / "b", 23, "evals/reader_run2", 4.0)
    done = _soup("--runs", str(a), str(b), "--out", str(tmp_path / "s"))
    assert done.returncode == 0, done.stderr
    state = torch.load(tmp_path / "s" / "final.pt", weights_only=False)
    assert torch.allclose(state["layer.weight"], torch.full((2, 3), 2.5))
    assert state["embeddings.position_ids"].dtype == torch.int64 and state["embeddings.position_ids"].tolist() == [0, 1, 2, 3]
    run = json.loads((tmp_path / "s" / "run.json").read_text())
    assert run["seed"] == [19, 23] and run["init"] == "evals/reader_run2" and len(run["soup"]) == 2


def test_soup_refuses_one_run_or_runs_from_different_starting_points(tmp_path):
    a, b = _run(tmp_path / "a", 19, "evals/reader_run2", 1.0), _run(tmp_path / "b", 23, "evals/reader_run", 4.0)
    for args in (["--runs", str(a)], ["--runs", str(a), str(b)]):
        done = _soup(*args, "--out", str(tmp_path / "s"))
        assert done.returncode != 0 and "from one --init" in done.stderr
    assert not (tmp_path / "s" / "final.pt").exists()
