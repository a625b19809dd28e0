"""The Gradio web UI: chat with a sources panel, an ingest tab and a corpus tab (layout and wiring; what the
buttons do is in `assistant.ui.handlers`).

Gradio is imported only here (it takes seconds to import), and only when `assistant serve` runs.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.errors import AssistantError
from assistant.ui.handlers import ALL_SOURCES, EXAMPLES, AssistantUI
from assistant.ui.render import CSS, HEAD, esc, render_conversation, render_sources

if TYPE_CHECKING:
    from assistant.pipeline import Pipeline

log = logging.getLogger(__name__)

INSTALL_HINT = "the web UI needs gradio: pip install gradio==6.31.0"


class UIUnavailable(AssistantError, RuntimeError):
    """The web UI cannot start (gradio is missing)."""


MAX_UPLOAD = "20mb"
__all__ = ["AssistantUI", "UIUnavailable", "build_app", "serve"]


def _import_gradio():
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")  # gradio_client reports through huggingface_hub
    try:
        import gradio as gr
    except ModuleNotFoundError as exc:
        raise UIUnavailable(INSTALL_HINT) from exc
    return gr


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
    from assistant.ui.cite_tab import build_cite_tab

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
        with gr.Tab("Find the source"):
            build_cite_tab(gr, pipe)
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


def warm_events(url: str, auth: tuple[str, str] | None) -> None:
    """Send the server one event before anyone else does: Gradio sets up its event path on the first one (about
    1.5 s), which would otherwise fall on the first question. The event is an empty ingest (nothing is indexed)."""
    from gradio_client import Client

    Client(url, auth=auth, verbose=False, analytics_enabled=False).predict(None, "", api_name="/ingest")  # no telemetry


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
    # Answers are CPU-bound Python (GIL) and numpy on a few cores: a handful at once keeps every core busy; more only
    # interleave (each answer gets slower, none sooner). The queue holds the rest (evals/bench_load.py measures it).
    app.queue(default_concurrency_limit=pipe.settings.ui_concurrency, max_size=pipe.settings.ui_queue)
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
    warm_events(app.local_url, auth)
    if on_ready:
        on_ready()
    if block:
        app.block_thread()
    return app
