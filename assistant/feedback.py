"""Answer feedback stored as evaluation cases: one JSON line per verdict in `feedback.jsonl`, appended atomically.

Each line is a question in the evaluation format (`id, type, question, history, answers, doc_ids, evidence`, as in
evals/dev.jsonl) plus what the user saw and said: `answer`, `citations`, `verdict` (up/down), `correction`,
`article`, `comment`, `created`. An "up" expects the answer given (its first paragraph); a "down" with a correction
expects the correction; a "down" without one is kept and listed but cannot be scored.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from assistant.answer.markers import first_paragraph
from assistant.answer.types import Answer, Turn
from assistant.errors import AssistantError

VERDICTS = ("up", "down")
# The evaluation-format fields an exported case keeps (evals/check_questions.py knows these).
CASE_FIELDS = ("id", "type", "question", "history", "answers", "doc_ids", "evidence", "note")


class FeedbackError(AssistantError, ValueError):
    """A feedback record is invalid, or a line of feedback.jsonl cannot be read (names file and line)."""


@dataclass(frozen=True)
class Feedback:
    """One verdict on one answer, in the evaluation question format plus what was shown and said."""

    id: str
    type: str  # evaluation question type: "followup" when asked with history, else "what"
    question: str
    history: list[dict]
    answers: list[str]  # the expected answer's aliases: [] when there is nothing to score
    doc_ids: list[str]
    evidence: list[str]
    answer: str  # the answer given
    citations: list[dict]
    verdict: str
    correction: str | None = None
    article: str | None = None  # the supporting article the user named (doc id, title or URL), as given
    comment: str | None = None  # what the user said about the answer, beside the correction (not scored)
    created: str = field(default_factory=lambda: dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))

    @property
    def scored(self) -> bool:
        """Whether the case has an expected answer (an "up", or a "down" with a correction)."""
        return bool(self.answers)

    def case(self) -> dict:
        """The evaluation-format question (what `assistant eval --set` and evals/check_questions.py read)."""
        out = {k: v for k, v in asdict(self).items() if k in CASE_FIELDS}
        if not self.history:
            del out["history"]
        out["note"] = f"feedback {self.verdict} {self.created}"
        return out


def make_feedback(
    answer: Answer,
    history: Sequence[Turn],
    verdict: str,
    correction: str | None = None,
    article_doc_id: str | None = None,
    article: str | None = None,
    comment: str | None = None,
) -> Feedback:
    """A feedback record for `answer`; `article_doc_id` is the supporting article, when it could be resolved."""
    if verdict not in VERDICTS:
        raise FeedbackError(f"verdict must be one of {', '.join(VERDICTS)}, not {verdict!r}")
    correction = " ".join((correction or "").split()) or None
    article = (article or "").strip() or None
    comment = (comment or "").strip() or None
    if verdict == "up":
        expected = [first_paragraph(answer.answer)] if not answer.refused else []  # what an "up" expects again
        docs = list(dict.fromkeys(c.doc_id for c in answer.citations))
        evidence = list(dict.fromkeys(c.quote for c in answer.citations if c.verified))
    else:
        expected = [correction] if correction else []
        docs = [article_doc_id] if article_doc_id else []
        evidence = []
    hist = [{"question": t.question, "answer": t.answer} for t in history]
    created = dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
    return Feedback(
        id=f"fb-{uuid.uuid4().hex[:12]}",
        type="followup" if hist else "what",
        question=answer.question,
        history=hist,
        answers=expected,
        doc_ids=docs,
        evidence=evidence,
        answer=answer.answer,
        citations=[asdict(c) for c in answer.citations],
        verdict=verdict,
        correction=correction,
        article=article,
        comment=comment,
        created=created,
    )


class FeedbackStore:
    """`feedback.jsonl` in the data directory: appends are whole lines, never torn, whatever the number of writers."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def append(self, item: Feedback) -> None:
        """Append one record as one line: an exclusive lock on the file, then O_APPEND writes of the whole line."""
        data = (json.dumps(asdict(item), ensure_ascii=False) + "\n").encode("utf-8")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # released when fd closes; a short write (disk full) cannot interleave
            start = os.lseek(fd, 0, os.SEEK_END)
            view = memoryview(data)
            try:
                while view:
                    view = view[os.write(fd, view) :]
            except BaseException:
                os.ftruncate(fd, start)  # no torn line: the file stays readable (e.g. the disk filled up mid-line)
                raise
        finally:
            os.close(fd)

    def __iter__(self) -> Iterator[Feedback]:
        return iter(self.read())

    def read(self) -> list[Feedback]:
        """Every record, oldest first; a bad line raises FeedbackError naming the file and line."""
        if not self.path.exists():
            return []
        out = []
        names = set(Feedback.__dataclass_fields__)
        with self.path.open(encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    raw = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise FeedbackError(f"{self.path}:{n}: not valid JSON ({exc.msg})") from None
                if not isinstance(raw, dict):
                    raise FeedbackError(f"{self.path}:{n}: expected a JSON object")
                missing = {"id", "question", "verdict", "answer"} - set(raw)
                if missing:
                    raise FeedbackError(f"{self.path}:{n}: missing field(s) {', '.join(sorted(missing))}")
                if raw["verdict"] not in VERDICTS:
                    raise FeedbackError(f"{self.path}:{n}: field verdict must be up or down, not {raw['verdict']!r}")
                raw.setdefault("type", "followup" if raw.get("history") else "what")
                for key in ("history", "answers", "doc_ids", "evidence", "citations"):
                    raw.setdefault(key, [])
                out.append(Feedback(**{k: v for k, v in raw.items() if k in names}))
        return out

    def cases(self) -> tuple[list[dict], list[Feedback]]:
        """(scorable evaluation cases, feedback that cannot be scored: a "down" without a correction)."""
        items = self.read()
        return [f.case() for f in items if f.scored], [f for f in items if not f.scored]
