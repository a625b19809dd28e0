"""The Gradio web UI: chat with a sources panel, an ingest tab and a corpus tab (layout and wiring; what the
buttons do is in `assistant.ui.handlers`).

Gradio is imported only here (it takes seconds to import), and only when `assistant serve` runs.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.errors import AssistantError
from assistant.ui.handlers import AssistantUI
from assistant.ui.render import CSS, HEAD

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
    from assistant.ui.chat_tab import build_chat_tab
    from assistant.ui.cite_tab import build_cite_tab
    from assistant.ui.cli_api import ServerAPI

    ui = AssistantUI(pipe, ingest_dir)
    with gr.Blocks(title="Diplomacy news assistant", analytics_enabled=False) as app:
        gr.Markdown("## Diplomacy news assistant\nAnswers come only from the indexed articles, with their sources.")
        with gr.Tab("Chat"):
            build_chat_tab(gr, app, ui)
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
        gr.api(_reported(gr, ui.api_ask), api_name="ask")
        cli_api = ServerAPI(ui)  # what `assistant ask/chat/check` in a second terminal use while this server runs
        gr.api(_reported(gr, cli_api.preflight), api_name="preflight")
        gr.api(_reported(gr, cli_api.check), api_name="check")
    return app


def _reported(gr, fn: Callable) -> Callable:
    """`fn` with a user error (AssistantError: a bad date, the Chroma server gone) sent to the client as one line,
    without a traceback in the server log; its signature is kept (Gradio builds the API from it)."""

    @functools.wraps(fn)
    def call(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except AssistantError as exc:
            raise gr.Error(str(exc), print_exception=False) from None

    return call


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
