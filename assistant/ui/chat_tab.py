"""The Chat tab as a cited chat people recognise (ChatGPT/Perplexity): the transcript in a Gradio Chatbot above a
question box pinned at the bottom, a thumbs up/down on every answer (the Chatbot's like event; a thumbs down opens
correction fields inside that answer), the sources panel on the right with one card per article, example questions
on the empty chat, active filters as removable chips above the box, and a bad date shown under the date fields.
What the buttons do is in `assistant.ui.handlers`.

Only `assistant.ui.app` imports this module, when the app is built (it needs gradio).
"""

import json

from assistant.ui.handlers import ALL_SOURCES, EXAMPLES, AssistantUI, date_problem
from assistant.ui.render import FORM_FIELDS, chat_messages, esc
from assistant.ui.sources import render_sources

CHAT_HEIGHT = "58vh"  # the transcript scrolls inside this; the question box stays right under it


def correction_fields(payload: str | None) -> dict[str, str] | None:
    """The correction fields the page script sent (JSON), as text; None when the box holds something else."""
    try:
        raw = json.loads(payload or "")
    except json.JSONDecodeError:
        return None
    if not isinstance(raw, dict):
        return None
    return {name: str(raw.get(name) or "") for name, _, _ in FORM_FIELDS}


def _field_error(message: str) -> str:
    return f'<p class="field-error">{esc(message)}</p>' if message else ""


def build_chat_tab(gr, app, ui: AssistantUI) -> None:
    """Lay out and wire the Chat tab inside the current gr.Tab of `app`."""
    turns = gr.State([])
    fb_index = gr.State(None)  # the answer whose correction fields are open (a thumbs down awaits them)
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            chatbot = gr.Chatbot(
                [],
                elem_id="chat",
                show_label=False,
                height=CHAT_HEIGHT,
                render_markdown=False,  # the messages are HTML built here, every piece of text escaped
                sanitize_html=False,  # (the sanitizer would strip the markers' data attributes)
                feedback_options=("Like", "Dislike"),
                buttons=[],  # no share (nothing leaves this machine), no copy (it would copy the HTML; export instead)
                placeholder="Answers come only from the indexed articles, each sentence with its source.",
            )
            first = ui.examples()
            with gr.Row(elem_id="examples", visible=bool(first)) as examples_box:
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
            # The correction fields open inside the disliked answer (`render.correction_form`); their Send puts them
            # here as JSON (the page script in render.HEAD), and this box's change event records them.
            fb_payload = gr.Textbox(visible="hidden", elem_id="fb-payload")
            with gr.Row(elem_id="chips"):
                chips = [gr.Button("", visible=False, size="sm", elem_id=f"chip-{n}") for n in ("since", "until", "source")]
            with gr.Row(elem_id="composer", equal_height=True):
                question = gr.Textbox(
                    show_label=False,
                    placeholder="Ask about the articles (Enter sends, Shift+Enter new line, Esc clears)",
                    elem_id="question",
                    lines=1,
                    max_lines=4,
                    scale=8,
                    container=False,
                )
                ask_btn = gr.Button("Ask", variant="primary", elem_id="ask", scale=1, min_width=70)
            with gr.Row():
                new_btn = gr.Button("New conversation", elem_id="new", size="sm")
                export_btn = gr.Button("Export as Markdown", elem_id="export-btn", interactive=False, size="sm")
            with gr.Accordion("Filters", open=False, elem_id="filters") as filters_box:
                with gr.Row():
                    since = gr.Textbox(label="Since (YYYY-MM-DD)", elem_id="since")
                    until = gr.Textbox(label="Until (YYYY-MM-DD)", elem_id="until")
                date_error = gr.HTML("", elem_id="date-error")
                source = gr.Dropdown(ui.sources(), value=ALL_SOURCES, label="Source", allow_custom_value=True, elem_id="source")
                k = gr.Slider(1, 20, value=ui.pipe.settings.k, step=1, label="Passages")
            with gr.Group(visible=False, elem_id="export") as export_box:
                export_md = gr.Textbox(
                    label="The conversation as Markdown (copy button at the top right)",
                    lines=8,
                    buttons=["copy"],
                    elem_id="export-md",
                )
                export_file = gr.File(label="Download", elem_id="export-file")
        with gr.Column(scale=2):
            gr.Markdown("### Sources")
            panel = gr.HTML(render_sources([]), elem_id="sources")

    def run(q, t, s, u, src, n):
        """A chat step as Chatbot messages; a bad date opens the filters and shows under the date fields."""
        for step in ui.steps(q, t, s, u, src, n):
            if step.field_error:
                gr.Warning(step.field_error)
            yield (
                chat_messages(step.turns, step.pending, step.tail),
                render_sources(step.turns),
                step.turns,
                step.kept,
                _field_error(step.field_error),
                gr.Accordion(open=True) if step.field_error else gr.skip(),
            )

    outputs = [chatbot, panel, turns, question, date_error, filters_box]
    after_outputs = [examples_box, fb_index, export_btn, export_box]

    def after(entries):
        """Examples only on the empty chat; export once there is an answer; no correction fields open."""
        return (
            gr.Row(visible=not entries),
            None,
            gr.Button(interactive=bool(entries)),
            gr.Group(visible=False),  # an export is of the conversation as it was: hidden once it changes
        )

    inputs = [turns, since, until, source, k]
    for trigger, asked in ((ask_btn.click, question), (question.submit, question), *((b.click, b) for b in example_btns)):
        trigger(run, [asked, *inputs], outputs, api_visibility="private").then(
            after, turns, after_outputs, api_visibility="private"
        )
    new_btn.click(
        lambda: ([], render_sources([]), [], ""), None, [chatbot, panel, turns, question], api_visibility="private"
    ).then(after, turns, after_outputs, api_visibility="private")

    chatbot.clear(lambda: (render_sources([]), [], ""), None, [panel, turns, question], api_visibility="private").then(
        after, turns, after_outputs, api_visibility="private"
    )

    def on_like(t, data: gr.LikeData):
        """A thumbs up is recorded (a line under the answer says so); a thumbs down opens the correction fields under
        the answer; taking a thumb back closes them."""
        message, waiting = ui.like(t, data.index, data.liked)
        i = (data.index[0] if isinstance(data.index, list | tuple) else int(data.index)) // 2
        if waiting is not None:
            return chat_messages(t, form=(waiting, message)), waiting
        return chat_messages(t, note=(i, message)), None

    chatbot.like(on_like, turns, [chatbot, fb_index], api_visibility="private")

    def on_send(t, i, payload):
        """Record the open correction fields with the thumbs down on answer `i`; a line under it says what was kept."""
        fields = correction_fields(payload)
        if i is None or fields is None:
            return gr.skip(), gr.skip()
        message = ui.feedback(t, i, "down", fields["correction"], fields["article"], fields["comment"])
        return chat_messages(t, note=(int(i), message)), None

    # each Send's JSON differs (it carries the time), so every one is a change
    fb_payload.change(on_send, [turns, fb_index, fb_payload], [chatbot, fb_index], api_visibility="private")
    export_btn.click(
        lambda t: (*ui.export(t), gr.Group(visible=bool(t))),
        turns,
        [export_md, export_file, export_box],
        api_visibility="private",
    )

    def show_filters(s, u, src):
        """The active filters as chips above the box (click one to remove it), and what is wrong with a date once it
        is typed out (10 characters), so the message under the fields always matches what they hold."""
        s, u = (s or "").strip(), (u or "").strip()
        src = "" if src in (None, ALL_SOURCES) else src
        problem = date_problem(s if len(s) >= 10 else "", u if len(u) >= 10 else "")
        return (
            gr.Button(f"since {s} ×", visible=bool(s)),
            gr.Button(f"until {u} ×", visible=bool(u)),
            gr.Button(f"source: {src} ×", visible=bool(src)),
            _field_error(problem or ""),
        )

    for box in (since, until, source):
        box.change(
            show_filters, [since, until, source], [*chips, date_error], trigger_mode="always_last", api_visibility="private"
        )
    for chip, box, empty in zip(chips, (since, until, source), ("", "", ALL_SOURCES), strict=True):
        chip.click(lambda e=empty: e, None, box, api_visibility="private")

    def refresh_examples():
        found = ui.examples()
        return [gr.Button(found[i] if i < len(found) else "", visible=i < len(found)) for i in range(EXAMPLES)]

    app.load(refresh_examples, None, example_btns, api_visibility="private")
