"""An optional second reader for the ranker's best few sentences: a local LLM (llama.cpp) asked of each whether it
states the answer, its Yes-versus-No log-odds read from the next-token logits (no text is generated)."""

from __future__ import annotations

import html
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from assistant.answer.prompting import render
from assistant.errors import AssistantError

SENTENCE_CHARS = 400  # a longer sentence is cut: what decides it is near its start, and the prompt stays short
QUESTION_CHARS = 600  # the pipeline accepts longer questions; the judge reads their start (its context is 2,048 tokens)


class JudgeError(AssistantError, RuntimeError):
    """The judge model is missing, unreadable or cannot be loaded."""


@dataclass(frozen=True)
class JudgedSentence:
    """What the judge reads of one candidate: its text and its article's date."""

    text: str
    date: str | None


class SentenceJudge(Protocol):
    """Scores candidate sentences for one question: log-odds that each states the answer."""

    name: str

    def judge(self, question: str, sentences: list[JudgedSentence]) -> np.ndarray:
        """One log-odds (Yes minus No) per sentence, in the order given."""
        ...

    def warm_up(self) -> None:
        """Load what the first judgement needs."""
        ...


class LlamaCppJudge:
    """A GGUF chat model in process; the question's prompt prefix is evaluated once and kept for every sentence.

    The prompts are `prompts/judge_*.md` (ChatML, as Qwen2.5 expects). Article text is data: it is HTML-escaped and
    cut to SENTENCE_CHARS, and at most it moves one of the ranker's sentences above another; the answer is still a
    verbatim, cited sentence."""

    def __init__(self, model_path: Path, n_threads: int = 2, n_ctx: int = 2048) -> None:
        self.model_path = Path(model_path)
        self.name = f"llamacpp:{self.model_path.name}"
        self.n_threads = n_threads
        self.n_ctx = n_ctx
        self._llm: Any = None
        self._yes_no: tuple[int, int] | None = None
        self._lock = threading.Lock()  # a llama.cpp context is not re-entrant

    def _model(self) -> Any:
        if self._llm is None:
            if not self.model_path.is_file():
                raise JudgeError(f"judge model not found: {self.model_path} (fetch one with: assistant fetch-judge)")
            try:
                from llama_cpp import Llama
            except ImportError:
                raise JudgeError(
                    "the judge needs llama-cpp-python: CMAKE_ARGS='-DGGML_NATIVE=off -DLLAVA_BUILD=off' pip install '.[llamacpp]'"
                ) from None
            try:
                llm = Llama(model_path=str(self.model_path), n_ctx=self.n_ctx, n_threads=self.n_threads, verbose=False)
            except ValueError as exc:  # llama-cpp-python reports an unreadable GGUF as ValueError
                raise JudgeError(f"cannot load the judge model {self.model_path}: {exc}") from None
            yes = llm.tokenize(b"Yes", add_bos=False, special=False)
            no = llm.tokenize(b"No", add_bos=False, special=False)
            self._llm, self._yes_no = llm, (yes[0], no[0])
        return self._llm

    def warm_up(self) -> None:
        """Load the model now rather than at the first question."""
        with self._lock:
            self._model()

    def judge(self, question: str, sentences: list[JudgedSentence]) -> np.ndarray:
        """Yes-minus-No logit for each sentence."""
        if not sentences:
            return np.zeros(0)
        out = []
        with self._lock:
            llm = self._model()
            assert self._yes_no is not None  # set with the model
            yes, no = self._yes_no
            head = llm.tokenize(prompt_head(question).encode(), add_bos=False, special=True)
            try:
                llm.reset()
                llm.eval(head)
                for s in sentences:
                    tail = self._fitting_tail(llm, s, self.n_ctx - len(head))
                    llm.n_tokens = len(head)  # keep the question's prefix, drop the previous sentence
                    llm.eval(tail)
                    # the last position's logits (llama-cpp-python 0.3 keeps no copy unless logits_all, which is slower)
                    logits = np.ctypeslib.as_array(llm._ctx.get_logits(), shape=(llm.n_vocab(),))
                    out.append(float(logits[yes] - logits[no]))
            except RuntimeError as exc:  # llama_decode failed
                raise JudgeError(f"the judge model {self.model_path.name} failed: {exc}") from None
        return np.asarray(out)

    @staticmethod
    def _fitting_tail(llm: Any, sentence: JudgedSentence, room: int) -> list[int]:
        """The sentence's prompt tokens, its text halved until they fit in `room` (only odd text, e.g. a run of
        "&" escaped five-fold, needs that)."""
        text = sentence.text[:SENTENCE_CHARS]
        while True:
            # special=True reads the ChatML markers; the escaped text cannot spell one ("<" is "&lt;")
            tail = llm.tokenize(prompt_tail(JudgedSentence(text, sentence.date)).encode(), add_bos=False, special=True)
            if len(tail) <= room or not text:
                return tail
            text = text[: len(text) // 2]


def prompt_head(question: str) -> str:
    """The part of the prompt shared by every sentence of one question: system prompt and the (escaped) question."""
    system = render("judge_system").strip()
    asked = render("judge_question", question=html.escape(question[:QUESTION_CHARS], quote=False))
    return f"<|im_start|>system\n{system}<|im_end|>\n<|im_start|>user\n{asked}"


def prompt_tail(sentence: JudgedSentence) -> str:
    """One sentence's part of the prompt, up to where the model's Yes or No would begin."""
    body = render(
        "judge_sentence",
        date=html.escape(sentence.date or "undated", quote=False),
        sentence=html.escape(sentence.text[:SENTENCE_CHARS], quote=False),
    ).strip()
    return f"{body}<|im_end|>\n<|im_start|>assistant\n"
