"""A cold `assistant ask` parses its question in a forked process while this one opens the index.

On 2 cores most of a cold question is loading: spaCy and its English pipeline (~1 s) for the question's analysis,
Chroma (~1 s) and LangChain's tracing machinery (~0.6 s) for the chain. Imports hold the GIL, so a thread gains
nothing (tried, README); a forked child does the spaCy part beside the parent's imports and sends back the
`ParsedQuestion`, a small frozen dataclass. The parent never loads spaCy unless the child fails, in which case it
parses the question itself, so a missing spaCy model still gives its usual error. Linux only (fork is the cheap
start there; macOS's frameworks are not fork-safe), only from a single-threaded process, and off with
ASSISTANT_PREFETCH=0.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported after the fork: the question module brings numpy, whose BLAS starts a thread
    from assistant.answer.extractive.question import ParsedQuestion


def supported() -> bool:
    """Whether this process may fork a parser: Linux, and this the process's only thread, native ones included (a
    fork copies only the calling thread; `assistant ask` forks before numpy, ONNX Runtime or Chroma start theirs)."""
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return False
    try:
        return len(os.listdir(Path("/proc/self/task"))) == 1
    except FileNotFoundError:  # no /proc: the threads cannot be counted
        return False


class QuestionPrefetch:
    """One forked child parsing one question; `result()` waits for it, `close()` reaps it whatever happened."""

    def __init__(self, question: str, parse: Callable[[str], ParsedQuestion] | None = None) -> None:
        self.question = question
        self._fd: int | None = None
        self._pid: int | None = None
        self._done = False
        self._result: ParsedQuestion | None = None
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: parse, send, and leave without running the parent's exit handlers or buffers
            os.close(read_fd)
            status = 1
            try:
                if parse is None:
                    from assistant.answer.extractive.question import parse_question as parse
                data = pickle.dumps(parse(question), protocol=pickle.HIGHEST_PROTOCOL)
                view = memoryview(data)
                while view:
                    view = view[os.write(write_fd, view) :]
                status = 0
            except BaseException:  # noqa: BLE001 - any failure means "parse it in the parent", which reports it
                status = 1
            finally:
                os._exit(status)
        os.close(write_fd)
        self._fd, self._pid = read_fd, pid

    def result(self) -> ParsedQuestion | None:
        """The child's analysis, waiting for it; None when the child failed (the caller parses instead)."""
        if self._done:
            return self._result
        self._done = True
        chunks = []
        assert self._fd is not None
        while chunk := os.read(self._fd, 1 << 16):
            chunks.append(chunk)
        status = self._reap()
        from assistant.answer.extractive.question import ParsedQuestion

        if status == 0 and chunks:
            parsed = pickle.loads(b"".join(chunks))  # our own child, forked from this process
            if isinstance(parsed, ParsedQuestion):
                self._result = parsed
        return self._result

    def close(self) -> None:
        """Stop the child if its answer was never asked for, and reap it (no zombie is left)."""
        if self._pid is not None and not self._done:
            os.kill(self._pid, signal.SIGTERM)
        self._done = True
        self._reap()

    def _reap(self) -> int | None:
        status = None
        if self._pid is not None:
            _, raw = os.waitpid(self._pid, 0)
            status = os.waitstatus_to_exitcode(raw)
            self._pid = None
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        return status


def prefetch_question(question: str) -> QuestionPrefetch | None:
    """Start parsing `question` (as the pipeline will see it: whitespace collapsed) in a child, and tell the question
    analysis to wait for it; None where forking is not supported."""
    if not supported():
        return None
    text = " ".join(question.split())
    job = QuestionPrefetch(text)
    from assistant.answer.extractive.question import expect

    expect(text, job.result)
    return job
