"""The reading model trained here (evals/train_reader.py): does a sentence answer the question, and where in it is the
answer. A MiniLM-L6 cross-encoder run by ONNX Runtime with the `tokenizers` library (no torch on the query path)."""

from __future__ import annotations

import json
import os
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from assistant.errors import AssistantError

MODEL_DIR = Path(__file__).resolve().parent / "reader"
MODEL_FILE = "reader-int8.onnx"
TOKENIZER_FILE = "tokenizer.json"
META_FILE = "meta.json"
MAX_LENGTH = 96  # tokens of question + sentence, as in training
MAX_SPAN_TOKENS = 16  # the longest answer span the span head may return
RUNTIME_HINT = "pip install onnxruntime==1.32.0 tokenizers==0.23.3"


class ReaderUnavailable(AssistantError):
    """The reading model's file or runtime is missing."""


@dataclass(frozen=True)
class Reading:
    """What the model reads in one (question, sentence) pair."""

    logit: float  # log-odds that the sentence answers the question
    span: tuple[int, int] | None  # character offsets of the answer within the sentence
    span_prob: float  # the span head's probability of that span (0 when there is none)

    @property
    def prob(self) -> float:
        """Probability that the sentence answers the question."""
        return float(1.0 / (1.0 + np.exp(-self.logit)))


class SentenceReader(Protocol):
    """Reads (question, sentence) pairs: answerability and the answer span."""

    def read(self, question: str, sentences: list[str]) -> list[Reading]:
        """One Reading per sentence."""
        ...

    def warm_up(self) -> None:
        """Load what the first read needs."""
        ...


class OnnxReader:
    """The shipped int8 reader (or another ONNX export of it), loaded on first use."""

    name = "reader"

    def __init__(self, path: Path | None = None, threads: int | None = None, workers: int | None = None) -> None:
        self.path = path or MODEL_DIR / MODEL_FILE
        self.threads = threads or _usable_cpus()
        # sentences read at the same time, each run on threads // workers of ONNX Runtime's threads: one short pair
        # barely uses a second thread, two pairs side by side use both cores (evals/bench_reader.py --workers)
        self.workers = max(1, min(workers or self.threads, self.threads))
        self._session: Any = None
        self._tokenizer: Any = None
        self._pool: Any = None
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        """Load the model and tokenizer (about 0.2 s)."""
        self._load()

    def _load(self) -> tuple[Any, Any]:
        with self._lock:
            if self._session is None:
                try:
                    import onnxruntime as ort
                    from tokenizers import Tokenizer
                except ModuleNotFoundError as exc:
                    raise ReaderUnavailable(f"the reader needs {exc.name}; run: {RUNTIME_HINT}") from None
                if not self.path.exists():
                    raise ReaderUnavailable(f"the reading model is missing at {self.path}; reinstall the package")
                check_meta(self.path.parent / META_FILE, ort.__version__)
                tok = Tokenizer.from_file(str(self.path.parent / TOKENIZER_FILE))
                tok.enable_truncation(MAX_LENGTH, strategy="longest_first")
                tok.enable_padding(pad_id=0, pad_token="[PAD]")
                opts = ort.SessionOptions()
                opts.intra_op_num_threads = max(1, self.threads // self.workers)
                opts.inter_op_num_threads = 1
                self._session = ort.InferenceSession(str(self.path), opts, providers=["CPUExecutionProvider"])
                self._tokenizer = tok
                if self.workers > 1:  # Run is thread-safe on one session; ONNX Runtime releases the GIL
                    from concurrent.futures import ThreadPoolExecutor

                    self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="reader")
            return self._session, self._tokenizer

    def _run(self, pairs: list[tuple[str, str]]) -> tuple[list[Any], np.ndarray, np.ndarray, np.ndarray]:
        session, tok = self._load()
        encs = tok.encode_batch(pairs)
        answer, start, end = session.run(["answer", "start", "end"], _feed(encs))
        return encs, answer, start, end

    def read(self, question: str, sentences: list[str]) -> list[Reading]:
        """One Reading per sentence, each pair run on its own: no padding (a third faster than one padded batch of
        eight readout sentences), and a sentence's score does not depend on what else is read with it (dynamic int8
        takes its activation ranges per run)."""
        session, tok = self._load()

        def one(sentence: str) -> Reading:
            enc = tok.encode(question, sentence)
            answer, start, end = session.run(["answer", "start", "end"], _feed([enc]))
            return _reading(float(answer[0]), enc, start[0], end[0])

        if self._pool is None or len(sentences) < 2:
            return [one(s) for s in sentences]
        return list(self._pool.map(one, sentences))

    def answerability(self, questions: list[str], sentences: list[str], batch: int = 64) -> np.ndarray:
        """Log-odds for many (question, sentence) pairs (evaluation)."""
        out = []
        for i in range(0, len(questions), batch):
            _, answer, _, _ = self._run(list(zip(questions[i : i + batch], sentences[i : i + batch], strict=True)))
            out.append(answer)
        return np.concatenate(out) if out else np.zeros(0)


def _feed(encs: list[Any]) -> dict[str, np.ndarray]:
    """The model's inputs for encoded (question, sentence) pairs of equal length."""
    return {
        "input_ids": np.asarray([e.ids for e in encs], dtype=np.int64),
        "attention_mask": np.asarray([e.attention_mask for e in encs], dtype=np.int64),
        "token_type_ids": np.asarray([e.type_ids for e in encs], dtype=np.int64),
    }


def _usable_cpus(cap: int = 2) -> int:
    """The CPUs this process may run on, at most `cap`: two threads on one allowed core run slower than one."""
    try:
        return max(1, min(cap, len(os.sched_getaffinity(0))))
    except AttributeError:  # not on Linux
        return cap


def _reading(logit: float, enc: Any, start: np.ndarray, end: np.ndarray) -> Reading:
    """The best span over the sentence's tokens (start <= end, at most MAX_SPAN_TOKENS long) and its probability."""
    in_sentence = np.asarray([sid == 1 for sid in enc.sequence_ids])
    if not in_sentence.any():
        return Reading(logit, None, 0.0)
    s = np.where(in_sentence, start, -np.inf)
    e = np.where(in_sentence, end, -np.inf)
    ls = s - np.logaddexp.reduce(s[in_sentence])
    le = e - np.logaddexp.reduce(e[in_sentence])
    n = len(ls)
    grid = ls[:, None] + le[None, :]
    i, j = np.indices((n, n))
    grid = np.where((j >= i) & (j - i < MAX_SPAN_TOKENS), grid, -np.inf)
    a, b = np.unravel_index(int(np.argmax(grid)), grid.shape)
    offsets = enc.offsets
    return Reading(logit, (int(offsets[a][0]), int(offsets[b][1])), float(np.exp(grid[a, b])))


def check_meta(path: Path, runtime_version: str) -> dict:
    """The model's meta.json; warns when it was exported with another ONNX Runtime than the one installed."""
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReaderUnavailable(f"the reading model's {META_FILE} is missing at {path}; reinstall the package") from None
    trained = meta.get("versions", {}).get("onnxruntime")
    if trained and trained.split(".")[:2] != runtime_version.split(".")[:2]:
        warnings.warn(
            f"the reading model was exported with onnxruntime {trained}, this is {runtime_version}: scores may differ",
            stacklevel=3,
        )
    return meta
