"""The Gradio web UI: chat with a sources panel, an ingest tab and a corpus tab.

Gradio is imported only here (it takes seconds to import), and only when `assistant serve` runs.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.errors import AssistantError
from assistant.retrieval.retriever import Filters, parse_filters
from assistant.ui.render import CSS, HEAD, ChatEntry, esc, paragraph_around, render_conversation, render_sources

if TYPE_CHECKING:
    from assistant.pipeline import Pipeline

log = logging.getLogger(__name__)

INSTALL_HINT = "the web UI needs gradio: pip install gradio==6.31.0"


class UIUnavailable(AssistantError, RuntimeError):
    """The web UI cannot start (gradio is missing)."""


MAX_UPLOAD = "20mb"
ALL_SOURCES = "All sources"


def _import_gradio():
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    try:
        import gradio as gr
    except ModuleNotFoundError as exc:
        raise UIUnavailable(INSTALL_HINT) from exc
    return gr


class AssistantUI:
    """Holds the one pipeline the app shares across sessions; per-session state lives in gr.State."""

    def __init__(self, pipe: Pipeline, ingest_dir: Path | None = None) -> None:
        self.pipe = pipe
        self.ingest_dir = ingest_dir.resolve() if ingest_dir else None  # server paths allowed only under this folder
        self._ingest_lock = threading.Lock()

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
        return parse_filters(since, until, None if source == ALL_SOURCES else source)

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

    def chat(self, question, turns, since, until, source, k):
        """Streamed chat step: show the question at once, then the checked answer."""
        turns = list(turns or [])
        question = (question or "").strip()
        if not question:
            yield render_conversation(turns), render_sources(turns), turns, ""
            return
        yield render_conversation(turns, pending=question), render_sources(turns), turns, ""
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
            yield render_conversation(turns, pending=question, partial=streamed), render_sources(turns), turns, ""
        if "error" in result:
            err = f'<p class="error">{esc(result["error"])}</p>'
            yield render_conversation(turns) + err, render_sources(turns), turns, question
            return
        turns.append(result["turn"])
        yield render_conversation(turns), render_sources(turns), turns, ""

    def api_ask(
        self, question: str, history: list | None = None, since: str = "", until: str = "", source: str = "", k: int = 8
    ) -> dict:
        """The same JSON as `assistant ask --json`."""
        hist = [h for h in (history or []) if isinstance(h, dict)]
        try:
            ans = self.pipe.ask(question, history=hist, filters=self._filters(since, until, source), k=int(k))
        except AssistantError as exc:  # e.g. the Chroma server did not answer: the client gets the one line
            raise _import_gradio().Error(str(exc)) from exc
        return ans.to_dict()

    # ---- ingest
    def ingest(self, files, path_text):
        """Index uploaded files and/or a server-side path; stream progress and per-record errors."""
        from assistant.ingest.indexer import index_articles
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
        with self._ingest_lock:
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

    def search_articles(self, query: str) -> list[list[str]]:
        """Indexed articles whose title contains the query."""
        return [[d["date"] or "", d["source"], d["title"], d["doc_id"]] for d in self.pipe.store.find_documents(query)]

    def sources(self) -> list[str]:
        """Choices for the source filter."""
        return [ALL_SOURCES] + [s for s, _ in self.pipe.store.sources()]


def build_app(pipe: Pipeline, ingest_dir: Path | None = None):
    """The gr.Blocks app."""
    gr = _import_gradio()
    ui = AssistantUI(pipe, ingest_dir)
    with gr.Blocks(title="Diplomacy news assistant", analytics_enabled=False) as app:
        gr.Markdown("## Diplomacy news assistant\nAnswers come only from the indexed articles, with their sources.")
        with gr.Tab("Chat"):
            turns = gr.State([])
            with gr.Row():
                with gr.Column(scale=3):
                    conv = gr.HTML(render_conversation([]), elem_id="conversation")
                    question = gr.Textbox(
                        label="Question",
                        placeholder="Who greeted Pezeshkian at the airport?",
                        elem_id="question",
                        lines=1,
                        max_lines=4,
                    )
                    with gr.Row():
                        ask_btn = gr.Button("Ask", variant="primary", elem_id="ask")
                        new_btn = gr.Button("New conversation", elem_id="new")
                    with gr.Accordion("Filters", open=False):
                        with gr.Row():
                            since = gr.Textbox(label="Since (YYYY-MM-DD)", elem_id="since")
                            until = gr.Textbox(label="Until (YYYY-MM-DD)", elem_id="until")
                        source = gr.Dropdown(ui.sources(), value=ALL_SOURCES, label="Source", allow_custom_value=True)
                        k = gr.Slider(1, 20, value=pipe.settings.k, step=1, label="Passages")
                with gr.Column(scale=2):
                    gr.Markdown("### Sources")
                    panel = gr.HTML(render_sources([]), elem_id="sources")
            inputs = [question, turns, since, until, source, k]
            outputs = [conv, panel, turns, question]
            ask_btn.click(ui.chat, inputs, outputs, api_visibility="private")
            question.submit(ui.chat, inputs, outputs, api_visibility="private")
            new_btn.click(lambda: (render_conversation([]), render_sources([]), [], ""), None, outputs, api_visibility="private")
        with gr.Tab("Ingest"):
            files = gr.File(file_count="multiple", file_types=[".jsonl", ".txt", ".md", ".html", ".htm"], label="Upload")
            where = f"inside {ui.ingest_dir}" if ui.ingest_dir else "off: start the server with --ingest-dir DIR"
            path = gr.Textbox(
                label=f"…or a path on the server ({where})", elem_id="ingest-path", interactive=ui.ingest_dir is not None
            )
            ingest_btn = gr.Button("Index", elem_id="ingest")
            ingest_log = gr.Textbox(label="Progress and errors", lines=8, elem_id="ingest-log")
            stats = gr.HTML(ui.stats_html())
            ingest_btn.click(ui.ingest, [files, path], [ingest_log, stats], api_name="ingest")
        with gr.Tab("Corpus"):
            corpus_stats = gr.HTML(ui.stats_html())
            query = gr.Textbox(label="Search titles", elem_id="corpus-search")
            table = gr.Dataframe(headers=["date", "source", "title", "id"], value=ui.search_articles(""), wrap=True)
            query.change(ui.search_articles, query, table, api_visibility="private")
            refresh = gr.Button("Refresh")
            refresh.click(
                lambda q: (ui.stats_html(), ui.search_articles(q)), query, [corpus_stats, table], api_visibility="private"
            )
        gr.api(ui.api_ask, api_name="ask")
    return app


def serve(
    pipe: Pipeline,
    host: str = "127.0.0.1",
    port: int = 7860,
    auth: tuple[str, str] | None = None,
    block: bool = True,
    ingest_dir: Path | None = None,
):
    """Launch the app; never shares publicly."""
    app = build_app(pipe, ingest_dir)
    # Answers are CPU-bound Python (GIL) and numpy on a few cores: a handful at once keeps every core busy; more only
    # interleave (each answer gets slower, none sooner). The queue holds the rest (evals/bench_load.py measures it).
    app.queue(default_concurrency_limit=pipe.settings.ui_concurrency, max_size=pipe.settings.ui_queue)
    return app.launch(
        server_name=host,
        server_port=port,
        auth=auth,
        share=False,
        prevent_thread_lock=not block,
        css=CSS,
        head=HEAD,
        max_file_size=MAX_UPLOAD,
        quiet=True,
        footer_links=[],
    )
