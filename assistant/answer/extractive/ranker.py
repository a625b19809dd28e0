"""The learned sentence ranker and answer calibrator: two logistic regressions stored as a small versioned JSON file.

`evals/train_ranker.py` fits them on evals/dev.jsonl only and writes `ranker.json` beside this module; here they
are only applied (numpy, no scikit-learn at query time).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources

import numpy as np

from assistant.answer.extractive.features import EVIDENCE, FEATURES
from assistant.errors import AssistantError

MODEL_FILE = "ranker.json"
VERSION = 2
# What the calibrator sees of a question's ranked candidates (see `answer_features`).
ANSWER_FEATURES = (
    "top_prob",
    "margin",
    "top_type_found",
    "top_name_cov",
    "top_date_ok",
    "top_cov",
    "top_focus_cov",
    "max_focus_cov",
    "top_dense",
    "expects_type",
    "top_head_match",
    "head_anywhere",
    *EVIDENCE,
)
# What the calibrator sees when the optional judge (`judge.py`) has read the best sentences: the same, for the
# sentence the judge's log-odds put first, and those log-odds.
JUDGE_FEATURES = (*ANSWER_FEATURES, "judge_top", "judge_max")
# ... and when the trained reading model (`reading.py`) has read the ranker's best sentences: its log-odds for the
# sentence put first and the best log-odds.
READER_FEATURES = (*ANSWER_FEATURES, "reader_top", "reader_max")


class RankerUnavailable(AssistantError):
    """The ranker file is missing or was written for other features."""


@dataclass(frozen=True)
class Linear:
    """A fitted logistic regression over standardised features."""

    names: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Probabilities for rows of features in `names` order."""
        if x.shape[0] == 0:
            return np.zeros(0)
        z = ((x - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    def to_dict(self) -> dict:
        """JSON-ready."""
        return {
            "names": list(self.names),
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "coef": self.coef.tolist(),
            "intercept": self.intercept,
        }

    @classmethod
    def from_dict(cls, d: dict) -> Linear:
        """From `to_dict` output."""
        return cls(tuple(d["names"]), np.asarray(d["mean"]), np.asarray(d["scale"]), np.asarray(d["coef"]), float(d["intercept"]))


@dataclass(frozen=True)
class JudgeFit:
    """How the judge's log-odds join the ranker, fit on dev by `evals/train_ranker.py --judge MODEL`."""

    k: int  # the ranker's best k sentences are judged
    weight: float  # their order: logit(ranker probability) + weight * judge log-odds
    answer: Linear  # calibrator over JUDGE_FEATURES: the probability that the first sentence answers (the confidence)
    threshold: float  # the refusal's operating point, on `gate` when there is one, else on `answer`
    meta: dict
    # over the same features, the probability that the passages answer the question at all (fit on whether a dev
    # question is answerable): what the refusal weighs, so an answerable question whose sentence is uncertain is not
    # refused as if the articles did not say
    gate: Linear | None = None

    def to_dict(self) -> dict:
        """JSON-ready."""
        d = {
            "k": self.k,
            "weight": self.weight,
            "answer": self.answer.to_dict(),
            "threshold": self.threshold,
            "meta": self.meta,
        }
        if self.gate is not None:
            d["gate"] = self.gate.to_dict()
        return d

    @classmethod
    def from_dict(cls, d: dict, names: tuple[str, ...] = JUDGE_FEATURES) -> JudgeFit:
        """From `to_dict` output; `names` are the calibrator's expected features."""
        if tuple(d["answer"]["names"]) != names or (d.get("gate") and tuple(d["gate"]["names"]) != names):
            raise RankerUnavailable("ranker.json has another second-stage calibrator; run: python evals/train_ranker.py")
        gate = Linear.from_dict(d["gate"]) if d.get("gate") else None
        return cls(int(d["k"]), float(d["weight"]), Linear.from_dict(d["answer"]), float(d["threshold"]), d["meta"], gate)


@dataclass(frozen=True)
class RankerModel:
    """Sentence ranker, answer calibrator and the refusal threshold chosen on dev; optionally how to use a judge."""

    sentence: Linear
    answer: Linear
    threshold: float
    meta: dict
    judge: JudgeFit | None = None
    reader: JudgeFit | None = None  # how the trained reader's log-odds join the ranker (same form as the judge's)

    def to_json(self) -> str:
        """The file's text."""
        d = {
            "version": VERSION,
            "sentence": self.sentence.to_dict(),
            "answer": self.answer.to_dict(),
            "threshold": self.threshold,
            "meta": self.meta,
        }
        if self.judge is not None:
            d["judge"] = self.judge.to_dict()
        if self.reader is not None:
            d["reader"] = self.reader.to_dict()
        return json.dumps(d, indent=1)


def load_model(text: str | None = None) -> RankerModel:
    """The shipped model (or one given as JSON text); refuses a file for another version or feature set."""
    if text is None:
        try:
            text = resources.files(__package__).joinpath(MODEL_FILE).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise RankerUnavailable(f"{MODEL_FILE} is not in the package; run: python evals/train_ranker.py") from None
    d = json.loads(text)
    if d.get("version") != VERSION or tuple(d["sentence"]["names"]) != FEATURES:
        raise RankerUnavailable("ranker.json was trained for other features; run: python evals/train_ranker.py")
    if tuple(d["answer"]["names"]) != ANSWER_FEATURES:
        raise RankerUnavailable("ranker.json has another answer calibrator; run: python evals/train_ranker.py")
    judge = JudgeFit.from_dict(d["judge"]) if d.get("judge") else None
    reader = JudgeFit.from_dict(d["reader"], READER_FEATURES) if d.get("reader") else None
    sentence, answer = Linear.from_dict(d["sentence"]), Linear.from_dict(d["answer"])
    return RankerModel(sentence, answer, float(d["threshold"]), d["meta"], judge, reader)


def answer_features(
    probs: np.ndarray, x: np.ndarray, expects_type: bool, top_evidence: np.ndarray, best: int | None = None
) -> np.ndarray:
    """What the calibrator sees: the best candidate's probability and features, its lead over the runner-up, and
    the EVIDENCE about it (`features.evidence`). `best` is the ranker's first unless given (the judge's first)."""
    if probs.size == 0:
        return np.zeros(len(ANSWER_FEATURES))
    b = int(np.argmax(probs)) if best is None else best
    top = x[b]
    second = float(np.delete(probs, b).max()) if probs.size > 1 else 0.0
    col = {n: i for i, n in enumerate(FEATURES)}
    return np.asarray(
        [
            probs[b],
            probs[b] - second,
            top[col["type_found"]],
            top[col["name_cov"]],
            top[col["date_ok"]],
            top[col["cov"]],
            top[col["focus_cov"]],
            x[:, col["focus_cov"]].max(),
            top[col["dense"]],
            float(expects_type),
            top[col["head_match"]],
            top[col["head_anywhere"]],
            *top_evidence,
        ]
    )


def judge_features(answer_row: np.ndarray, judged: np.ndarray, first: int) -> np.ndarray:
    """JUDGE_FEATURES: the calibrator's row for the judge's first sentence, its log-odds and the best log-odds."""
    return np.asarray([*answer_row, float(judged[first]), float(judged.max())])
