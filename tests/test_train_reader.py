"""`evals/train_reader.py`: `soup` averages finished runs' weights and refuses runs that did not start from one model;
the list loss (`--lists`) and the order of pair and list steps."""

from __future__ import annotations

import json
import subprocess
import sys
from itertools import pairwise
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


class _Fixed(torch.nn.Module):
    """A stand-in encoder with two heads: answer logits given per row (in batch order), zero span logits."""

    def __init__(self, logits: list[float]) -> None:
        super().__init__()
        self.logits = torch.nn.Parameter(torch.tensor(logits))

    def forward(self, input_ids, attention_mask, token_type_ids):
        zeros = torch.zeros(input_ids.shape, requires_grad=False)
        return self.logits, zeros, zeros


def _tokenizer():
    from transformers import AutoTokenizer

    from evals.train_reader import base_path

    return AutoTokenizer.from_pretrained(str(base_path()))


def _members(*labels: int) -> list[dict]:
    return [{"sentence": f"Sentence number {i} is here.", "label": lab, "span": None} for i, lab in enumerate(labels)]


def test_a_list_is_a_softmax_over_its_members_and_a_none_slot_of_logit_zero():
    """Answerable: minus the log share of the answering members against all members and "none" (logit 0);
    unanswerable: minus none's log share. Each adds the members' own answerability loss (binary cross-entropy)."""
    import torch.nn.functional as F

    from evals.train_reader import list_losses

    tok = _tokenizer()
    answerable = {"question": "Who spoke?", "answerable": True, "members": _members(0, 1, 0)}
    none = {"question": "Who sang?", "answerable": False, "members": _members(0, 0)}
    logits = [0.5, 2.0, -1.0, 1.5, -0.5]
    model = _Fixed(logits)
    loss_a, loss_s, size = list_losses(model, tok, [answerable, none])
    z = torch.tensor(logits)
    first = -(z[1] - torch.logsumexp(torch.cat([z[:3], torch.zeros(1)]), 0))
    second = torch.logsumexp(torch.cat([z[3:], torch.zeros(1)]), 0)
    bce = F.binary_cross_entropy_with_logits(z, torch.tensor([0.0, 1, 0, 0, 0]))
    assert size == 5 and float(loss_s) == 0.0
    assert torch.allclose(loss_a, (first + second) / 2 + bce)
    loss_a.backward()
    grad = model.logits.grad
    assert grad[1] < 0 and (grad[[0, 2, 3, 4]] > 0).all()  # the answer goes up, every other member down


def test_a_list_step_learns_the_span_of_its_answering_member():
    """The span loss covers a list's answering member that has a span, as it does an answering pair."""
    from evals.train_reader import list_losses

    tok = _tokenizer()
    members = [{"sentence": "Eyyubov greeted Pezeshkian.", "label": 1, "span": [0, 7]}, *_members(0)]
    model = _Fixed([1.0, -1.0])
    _, loss_s, _ = list_losses(model, tok, [{"question": "Who greeted him?", "answerable": True, "members": members}])
    assert float(loss_s) > 0  # zero span logits over the sentence's tokens: log(tokens) each for start and end


def test_the_schedule_takes_every_pair_batch_and_list_batch_once_in_a_seeded_order():
    from evals.train_reader import schedule

    steps = schedule(5, 3, seed=7)
    assert sorted(steps) == [("lists", i) for i in range(3)] + [("pairs", i) for i in range(5)]
    assert steps == schedule(5, 3, seed=7) and steps != schedule(5, 3, seed=8)
    assert schedule(5, 0, seed=7) == [("pairs", i) for i in range(5)]  # a run without lists trains as before


@pytest.mark.parametrize("total", [20, 199, 1200, 2287])
def test_the_learning_rate_warms_up_then_decays_and_never_passes_its_peak(total):
    sys.path.insert(0, str(ROOT / "evals"))
    from train_reader import WARMUP, lr_factor, warmup_steps

    factors = [lr_factor(s, total) for s in range(total)]
    warm = warmup_steps(total)
    assert max(factors) < 1.1  # about the peak (a run shorter than WARMUP used to reach 33 times it)
    assert factors[warm - 1] == pytest.approx(1.0, abs=0.1) and factors[-1] == pytest.approx(1 / (total - warm))
    assert all(a <= b for a, b in pairwise(factors[:warm]))  # rising while it warms up
    assert all(a >= b for a, b in pairwise(factors[warm - 1 :]))  # then falling
    if total >= 4 * WARMUP:
        assert warm == WARMUP  # the long runs every shipped stage trained with keep their schedule
