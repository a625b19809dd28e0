"""What the web UI does, without Gradio: chat turns, feedback, export, ingest and the corpus overview.

The Gradio layout and wiring live in `assistant.ui.app`; everything here is plain Python, testable without a browser.
"""

from __future__ import annotations

import datetime as dt
import queue
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.errors import AssistantError, disk_full_message, is_disk_full
from assistant.feedback import FeedbackStore, make_feedback
from assistant.retrieval.filters import Filters, parse_filters
from assistant.ui.examples import example_questions
from assistant.ui.export import conversation_markdown
from assistant.ui.render import ChatEntry, error_html, esc, paragraph_around, pending_html, render_conversation
from assistant.ui.sources import render_sources

if TYPE_CHECKING:
    from assistant.pipeline import Pipeline

ALL_SOURCES = "All sources"
EXAMPLES = 5  # example questions on the empty chat


class FilterError(AssistantError, ValueError):
    """A filter field holds something that is not a date, or the dates exclude every article."""


def date_problem(since: str | None, until: str | None) -> str | None:
    """What is wrong with the date filters, worded for a person, or None."""
    days = {}
    for label, raw in (("Since", since), ("Until", until)):
        raw = (raw or "").strip()
        if not raw:
            continue
        try:
            days[label] = dt.date.fromisoformat(raw[:10])
        except ValueError:
            return f"{label}: '{raw[:40]}' is not a date; use YYYY-MM-DD, e.g. 2024-03-01."
    if len(days) == 2 and days["Since"] > days["Until"]:
        return f"Since ({days['Since']}) is after Until ({days['Until']}); swap them."
    return None


@dataclass
class Step:
    """What the chat shows at one moment: the answered turns, a question being answered and what follows it (a
    stream, an error), the text left in the question box, and a message for the date fields."""

    turns: list[ChatEntry] = field(default_factory=list)
    pending: str | None = None
    tail: str = ""
    kept: str = ""
    field_error: str = ""


class AssistantUI:
    """Holds the one pipeline the app shares across sessions; per-session state lives in gr.State."""

    def __init__(self, pipe: Pipeline, ingest_dir: Path | None = None, feedback: FeedbackStore | None = None) -> None:
        self.pipe = pipe
        self.ingest_dir = ingest_dir.resolve() if ingest_dir else None  # server paths allowed only under this folder
        self._feedback = feedback
        self._exports: tempfile.TemporaryDirectory | None = None
        self.ingest_lock = threading.Lock()
        self._examples: tuple[int, list[str]] | None = None  # (documents indexed, examples checked then)

    @property
    def feedback_store(self) -> FeedbackStore:
        """Where verdicts go: the given store, or feedback.jsonl in the pipeline's data directory."""
        if self._feedback is None:
            self._feedback = FeedbackStore(self.pipe.settings.feedback_path)
        return self._feedback

    def server_path(self, text: str) -> Path:
        """A server path a web user asked to index, resolved (symlinks, `..`); refused outside `--ingest-dir`."""
        if self.ingest_dir is None:
            raise PermissionError("indexing server paths is off; the operator can allow a folder with serve --ingest-dir DIR")
        path = (self.ingest_dir / Path(text.strip()).expanduser()).resolve()
        if not path.is_relative_to(self.ingest_dir):
            raise PermissionError(f"{text.strip()} is outside the allowed folder {self.ingest_dir}")
        return path

    # ---- chat
    def _filters(self, since: str, until: str, source: str) -> Filters:
        return parse_filters(since, until, None if source in (ALL_SOURCES, None) else source)

    def turn_for(self, question: str, history: list[ChatEntry], filters: Filters, k: int, on_token=None) -> ChatEntry:
        """Answer a question in the context of a session's earlier turns."""
        hist = [t.turn for t in history]
        ans = self.pipe.ask(question, history=hist, filters=filters, k=int(k), on_token=on_token)
        paragraphs = {}
        for c in ans.citations:
            doc = self.pipe.store.document(c.doc_id)
            if doc:
                paragraphs[c.marker] = paragraph_around(doc["text"], c.start, c.end)
        return ChatEntry(question=question, answer=ans, paragraphs=paragraphs)

    def steps(self, question, turns, since, until, source, k) -> Iterator[Step]:
        """A chat step as it unfolds: the question at once, streamed LLM tokens, then the checked answer (or an
        error, the question kept in the box). A bad date answers nothing and names the field (`Step.field_error`)."""
        turns = list(turns or [])
        question = (question or "").strip()
        if not question:
            yield Step(turns)
            return
        if problem := date_problem(since, until):
            yield Step(turns, kept=question, field_error=problem)
            return
        yield Step(turns, pending=question)
        tokens: queue.Queue = queue.Queue()
        result: dict = {}

        def work() -> None:
            try:
                result["turn"] = self.turn_for(question, turns, self._filters(since, until, source), k, tokens.put)
            except AssistantError as exc:
                result["error"] = str(exc)
            finally:
                tokens.put(None)

        threading.Thread(target=work, daemon=True).start()
        streamed = ""
        while (token := tokens.get()) is not None:  # LLM tokens stream in; the checked answer replaces them
            streamed += token
            yield Step(turns, pending=question, tail=pending_html(streamed))
        if "error" in result:
            yield Step(turns, pending=question, tail=error_html(result["error"]), kept=question)
            return
        yield Step([*turns, result["turn"]])

    def chat(self, question, turns, since, until, source, k):
        """The chat step as (transcript HTML, sources HTML, turns, text left in the question box)."""
        for s in self.steps(question, turns, since, until, source, k):
            tail = s.tail or (error_html(s.field_error) if s.field_error else "")
            pending = s.pending or (s.kept if s.field_error else None)
            yield render_conversation(s.turns, pending, tail), render_sources(s.turns), s.turns, s.kept

    def api_ask(
        self, question: str, history: list | None = None, since: str = "", until: str = "", source: str = "", k: int = 8
    ) -> dict:
        """The same JSON as `assistant ask --json`; a user error raises AssistantError (the app reports it to the
        client in one line, with no traceback in the server log)."""
        if problem := date_problem(since, until):
            raise FilterError(problem)
        hist = [h for h in (history or []) if isinstance(h, dict)]
        ans = self.pipe.ask(question, history=hist, filters=self._filters(since, until, source), k=int(k))
        return ans.to_dict()

    def examples(self) -> list[str]:
        """Example questions from the indexed titles that the assistant answers (not refuses), checked once per
        index size (a few milliseconds to a second each)."""
        docs = self.pipe.store.find_documents("", limit=2000)
        if self._examples is None or self._examples[0] != len(docs):
            self._examples = (len(docs), example_questions(docs, self.answers, EXAMPLES))
        return list(self._examples[1])

    def answers(self, question: str) -> bool:
        """Whether the assistant answers `question` (with citations) rather than refusing it."""
        try:
            ans = self.pipe.ask(question, k=self.pipe.settings.k)
        except AssistantError:
            return False
        return not ans.refused and bool(ans.citations)

    # ---- feedback and export
    def resolve_article(self, text: str) -> str | None:
        """The doc id of the article a user named by id or by (part of) its title, when exactly one matches."""
        text = (text or "").strip()
        if not text:
            return None
        if self.pipe.store.document(text):
            return text
        found = self.pipe.store.find_documents(text, limit=2)
        return found[0]["doc_id"] if len(found) == 1 else None

    def feedback(self, turns: list[ChatEntry], index: int | None, verdict: str, correction="", article="", comment="") -> str:
        """Append a verdict (with a correction, its article, a comment) on `turns[index]` to feedback.jsonl; returns
        the message shown."""
        if not turns:
            return "Ask a question first."
        i = len(turns) - 1 if index is None else int(index)
        if not 0 <= i < len(turns):
            return "Choose an answer of this conversation."
        entry = turns[i]
        doc_id = self.resolve_article(article)
        item = make_feedback(entry.answer, [t.turn for t in turns[:i]], verdict, correction, doc_id, article, comment)
        try:
            self.feedback_store.append(item)
        except OSError as exc:
            if not is_disk_full(exc):
                raise
            return f"Not recorded: {disk_full_message(self.feedback_store.path.parent)}"
        if verdict == "up":
            return "Thanks: recorded as a right answer."
        note = (
            f" Supporting article: {doc_id}."
            if doc_id
            else (" The article was not found by id or title." if article.strip() else "")
        )
        kept = "recorded with your correction" if item.correction else "recorded (add the right answer to make it a test case)"
        return f"Thanks: {kept}.{note}"

    def like(self, turns: list[ChatEntry], message: int | list | tuple, liked: bool | str) -> tuple[str, int | None]:
        """A Chatbot thumbs up/down on message `message` (answer i is message 2i+1). A thumbs up is recorded at once;
        a thumbs down returns the answer's index: the correction fields open under it and Send records it. Returns
        (the message shown, the index of the answer awaiting a correction or None)."""
        n = message[0] if isinstance(message, list | tuple) else message
        i = int(n) // 2
        if not 0 <= i < len(turns or []):
            return "Choose an answer of this conversation.", None
        if liked is True:
            return self.feedback(turns, i, "up"), None
        if liked is False:
            return f"Thumbs down on answer {i + 1}: what is wrong? Every field is optional; Send records it.", i
        return "", None  # the thumb was taken back

    def export(self, turns: list[ChatEntry]) -> tuple[str, str | None]:
        """The conversation as Markdown, and a file of it to download."""
        if not turns:
            return "", None
        text = conversation_markdown(turns)
        if self._exports is None:  # removed when the server exits
            self._exports = tempfile.TemporaryDirectory(prefix="assistant-export-")
        path = Path(tempfile.mkdtemp(dir=self._exports.name)) / "conversation.md"
        path.write_text(text, encoding="utf-8")
        return text, str(path)

    # ---- ingest
    def ingest(self, files, path_text):
        """Index uploaded files and/or a server-side path; stream progress and per-record errors."""
        from assistant.indexer import index_articles
        from assistant.ingest.parse import parse_path

        paths = [Path(f if isinstance(f, str) else f.name) for f in (files or [])]
        if path_text and path_text.strip():
            try:
                paths.append(self.server_path(path_text))
            except PermissionError as exc:
                yield f"refused: {exc}", self.stats_html()
                return
        if not paths:
            yield "Choose files to upload or give a path.", self.stats_html()
            return
        log_lines: list[str] = []
        with self.ingest_lock:
            for path in paths:
                yield "\n".join([*log_lines, f"indexing {path.name}…"]), self.stats_html()
                try:
                    result = index_articles(self.pipe.store, self.pipe.embedder, parse_path(path), self.pipe.settings)
                except AssistantError as exc:  # a full disk, a Chroma server gone: what was indexed stays
                    log_lines.append(f"{path.name}: stopped: {exc}")
                    break
                log_lines.append(f"{path.name}: {result.summary()}")
                log_lines += [f"  error: {e}" for e in result.errors[:200]]
                yield "\n".join(log_lines), self.stats_html()
        yield "\n".join(log_lines), self.stats_html()

    # ---- corpus
    def stats_html(self) -> str:
        """Counts by source and year."""
        store = self.pipe.store
        counts = store.counts()
        rows = "".join(
            f"<tr><td>{esc(src)}</td><td>{esc(year or 'unknown')}</td><td>{n}</td></tr>"
            for src, year, n in store.by_source_year()
        )
        return (
            f"<p>{counts['documents']} documents, {counts['chunks']} chunks.</p>"
            f"<table><tr><th>source</th><th>year</th><th>documents</th></tr>{rows}</table>"
        )

    def ranges_html(self) -> str:
        """The dates each source covers."""
        rows = "".join(
            f"<tr><td>{esc(r.source)}</td><td>{esc(r.first or 'undated')}</td><td>{esc(r.last or 'undated')}</td>"
            f"<td>{r.documents}</td><td>{r.undated}</td></tr>"
            for r in self.pipe.store.date_ranges()
        )
        return (
            '<table id="date-ranges"><tr><th>source</th><th>from</th><th>to</th><th>documents</th><th>undated</th></tr>'
            f"{rows}</table>"
        )

    def search_articles(self, query: str) -> list[list[str]]:
        """Indexed articles whose title contains the query."""
        return [[d["date"] or "", d["source"], d["title"], d["doc_id"]] for d in self.pipe.store.find_documents(query)]

    def sources(self) -> list[str]:
        """Choices for the source filter."""
        return [ALL_SOURCES] + [s for s, _ in self.pipe.store.sources()]
