"""The Gradio web UI: chat with a sources panel, an ingest tab and a corpus tab.

Gradio is imported only here (it takes seconds to import), and only when `assistant serve` runs.
"""

from __future__ import annotations

import logging
import os
import queue
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.errors import AssistantError
from assistant.feedback import FeedbackStore, make_feedback
from assistant.retrieval.retriever import Filters, parse_filters
from assistant.ui.examples import example_questions
from assistant.ui.export import conversation_markdown
from assistant.ui.render import CSS, HEAD, ChatEntry, esc, paragraph_around, render_conversation, render_sources

if TYPE_CHECKING:
    from assistant.pipeline import Pipeline

log = logging.getLogger(__name__)

INSTALL_HINT = "the web UI needs gradio: pip install gradio==6.31.0"


class UIUnavailable(AssistantError, RuntimeError):
    """The web UI cannot start (gradio is missing)."""


MAX_UPLOAD = "20mb"
ALL_SOURCES = "All sources"
EXAMPLES = 5  # example questions on the empty chat


def _import_gradio():
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    try:
        import gradio as gr
    except ModuleNotFoundError as exc:
        raise UIUnavailable(INSTALL_HINT) from exc
    return gr


class AssistantUI:
    """Holds the one pipeline the app shares across sessions; per-session state lives in gr.State."""

    def __init__(self, pipe: Pipeline, ingest_dir: Path | None = None, feedback: FeedbackStore | None = None) -> None:
        self.pipe = pipe
        self.ingest_dir = ingest_dir.resolve() if ingest_dir else None  # server paths allowed only under this folder
        self.feedback_store = feedback or FeedbackStore(pipe.settings.feedback_path)
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
        ans = self.pipe.ask(question, history=hist, filters=self._filters(since, until, source), k=int(k))
        return ans.to_dict()

    def examples(self) -> list[str]:
        """Example questions from the newest indexed titles (enough of them that a source with older articles shows)."""
        return example_questions(self.pipe.store.find_documents("", limit=2000), EXAMPLES)

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

    def feedback(self, turns: list[ChatEntry], index: int | None, verdict: str, correction: str = "", article: str = "") -> str:
        """Append a verdict on the answer `turns[index]` to feedback.jsonl; returns the message shown."""
        if not turns:
            return "Ask a question first."
        i = len(turns) - 1 if index is None else int(index)
        if not 0 <= i < len(turns):
            return "Choose an answer of this conversation."
        entry = turns[i]
        doc_id = self.resolve_article(article)
        item = make_feedback(entry.answer, [t.turn for t in turns[:i]], verdict, correction, doc_id, article)
        self.feedback_store.append(item)
        if verdict == "up":
            return "Thanks: recorded as a right answer."
        note = (
            f" Supporting article: {doc_id}."
            if doc_id
            else (" The article was not found by id or title." if article.strip() else "")
        )
        kept = "recorded with your correction" if item.correction else "recorded (add the right answer to make it a test case)"
        return f"Thanks: {kept}.{note}"

    def export(self, turns: list[ChatEntry]) -> tuple[str, str | None]:
        """The conversation as Markdown, and a file of it to download."""
        if not turns:
            return "", None
        text = conversation_markdown(turns)
        folder = Path(tempfile.mkdtemp(prefix="assistant-export-"))
        path = folder / "conversation.md"
        path.write_text(text, encoding="utf-8")
        return text, str(path)

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
                result = index_articles(self.pipe.store, self.pipe.embedder, parse_path(path), self.pipe.settings)
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


def _status(message: str) -> str:
    return f'<p class="fb-message">{esc(message)}</p>'


def theme():
    """Gradio's default theme with complete fonts only. Its semi-bold Source Sans Pro (and IBM Plex Mono) files are
    subsets of a few dozen glyphs, so bold text mixed their few capitals with another font's letters ("Baku" with a
    shrunken B); declaring only the complete Regular and Bold files makes weight 600 use the Bold face."""
    gr = _import_gradio()
    sans = gr.themes.LocalFont("Source Sans Pro", weights=(400, 700))
    mono = gr.themes.LocalFont("IBM Plex Mono", weights=(400, 700))
    return gr.themes.Default(
        font=(sans, "ui-sans-serif", "system-ui", "sans-serif"), font_mono=(mono, "ui-monospace", "Consolas", "monospace")
    )


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
                    first = ui.examples()
                    with gr.Column(elem_id="examples", visible=bool(first)) as examples_box:
                        gr.Markdown("Try a question about the newest articles:")
                        example_btns = [
                            gr.Button(
                                first[i] if i < len(first) else "",
                                visible=i < len(first),
                                size="sm",
                                elem_classes=["example"],
                                elem_id=f"example-{i}",
                            )
                            for i in range(EXAMPLES)
                        ]
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
                        export_btn = gr.Button("Export as Markdown", elem_id="export-btn", interactive=False)
                    with gr.Group(visible=False, elem_id="feedback") as fb_box:
                        fb_turn = gr.Dropdown([], label="Was this answer right?", elem_id="fb-turn")
                        with gr.Row():  # thumbs up/down as ✓/✗: glyphs of the UI font (emoji fonts may be missing)
                            up_btn = gr.Button("✓ Right", elem_id="fb-up", size="sm")
                            down_btn = gr.Button("✗ Wrong", elem_id="fb-down", size="sm")
                        with gr.Column(visible=False) as fb_down_box:
                            correction = gr.Textbox(label="The right answer (optional)", elem_id="fb-correction")
                            article = gr.Textbox(
                                label="The article that supports it: id or title (optional)", elem_id="fb-article"
                            )
                            send_btn = gr.Button("Send feedback", elem_id="fb-send", size="sm")
                    fb_status = gr.HTML("", elem_id="fb-status")
                    with gr.Group(visible=False, elem_id="export") as export_box:
                        export_md = gr.Textbox(
                            label="The conversation as Markdown (copy button at the top right)",
                            lines=8,
                            buttons=["copy"],
                            elem_id="export-md",
                        )
                        export_file = gr.File(label="Download", elem_id="export-file")
                    with gr.Accordion("Filters", open=False):
                        with gr.Row():
                            since = gr.Textbox(label="Since (YYYY-MM-DD)", elem_id="since")
                            until = gr.Textbox(label="Until (YYYY-MM-DD)", elem_id="until")
                        source = gr.Dropdown(ui.sources(), value=ALL_SOURCES, label="Source", allow_custom_value=True)
                        k = gr.Slider(1, 20, value=pipe.settings.k, step=1, label="Passages")
                with gr.Column(scale=2):
                    gr.Markdown("### Sources")
                    panel = gr.HTML(render_sources([]), elem_id="sources")
            outputs = [conv, panel, turns, question]
            after_outputs = [examples_box, fb_box, fb_turn, fb_down_box, fb_status, export_btn, export_box]

            def after(entries):
                """Examples only on the empty chat; feedback and export once there is an answer."""
                choices = [(f"{i + 1}. {t.question[:90]}", i) for i, t in enumerate(entries or [])]
                return (
                    gr.Column(visible=not entries),
                    gr.Group(visible=bool(entries)),
                    gr.Dropdown(choices=choices, value=choices[-1][1] if choices else None),
                    gr.Column(visible=False),
                    "",
                    gr.Button(interactive=bool(entries)),
                    gr.Group(visible=False),  # an export is of the conversation as it was: hidden once it changes
                )

            for trigger, asked in ((ask_btn.click, question), (question.submit, question)):
                trigger(ui.chat, [asked, turns, since, until, source, k], outputs, api_visibility="private").then(
                    after, turns, after_outputs, api_visibility="private"
                )
            for btn in example_btns:
                btn.click(ui.chat, [btn, turns, since, until, source, k], outputs, api_visibility="private").then(
                    after, turns, after_outputs, api_visibility="private"
                )
            new_btn.click(
                lambda: (render_conversation([]), render_sources([]), [], ""), None, outputs, api_visibility="private"
            ).then(after, turns, after_outputs, api_visibility="private")
            up_btn.click(
                lambda t, i: (_status(ui.feedback(t, i, "up")), gr.Column(visible=False)),
                [turns, fb_turn],
                [fb_status, fb_down_box],
                api_visibility="private",
            )
            down_btn.click(lambda: (gr.Column(visible=True), ""), None, [fb_down_box, fb_status], api_visibility="private")
            send_btn.click(
                lambda t, i, c, a: (_status(ui.feedback(t, i, "down", c, a)), gr.Column(visible=False), "", ""),
                [turns, fb_turn, correction, article],
                [fb_status, fb_down_box, correction, article],
                api_visibility="private",
            )
            export_btn.click(
                lambda t: (*ui.export(t), gr.Group(visible=bool(t))),
                turns,
                [export_md, export_file, export_box],
                api_visibility="private",
            )

            def refresh_examples():
                found = ui.examples()
                return [gr.Button(found[i] if i < len(found) else "", visible=i < len(found)) for i in range(EXAMPLES)]

            app.load(refresh_examples, None, example_btns, api_visibility="private")
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
            ranges = gr.HTML(ui.ranges_html(), elem_id="corpus-ranges")
            query = gr.Textbox(label="Search titles", elem_id="corpus-search")
            table = gr.Dataframe(headers=["date", "source", "title", "id"], value=ui.search_articles(""), wrap=True)
            query.change(ui.search_articles, query, table, api_visibility="private")
            refresh = gr.Button("Refresh")
            refresh.click(
                lambda q: (ui.stats_html(), ui.ranges_html(), ui.search_articles(q)),
                query,
                [corpus_stats, ranges, table],
                api_visibility="private",
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
    on_ready: Callable[[], None] | None = None,
):
    """Launch the app (never shared publicly); `on_ready` runs once it accepts connections, before blocking."""
    app = build_app(pipe, ingest_dir)
    app.queue(default_concurrency_limit=4, max_size=64)
    app.launch(
        server_name=host,
        server_port=port,
        auth=auth,
        share=False,
        prevent_thread_lock=True,
        css=CSS,
        head=HEAD,
        theme=theme(),
        max_file_size=MAX_UPLOAD,
        quiet=True,
        footer_links=[],
    )
    if on_ready:
        on_ready()
    if block:
        app.block_thread()
    return app
