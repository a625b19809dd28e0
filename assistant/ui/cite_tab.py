"""The web UI's "Find the source" tab and its `/cite` endpoint: citation lookup, each statement as a card with the
sentence highlighted in its paragraph. Article and user text are HTML-escaped; nothing from an article is markup."""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.errors import AssistantError
from assistant.ui.render import esc, paragraph_around, safe_url

if TYPE_CHECKING:
    from assistant.lookup import CitationLookup, CiteResult, Hit, SentenceLookup, Source
    from assistant.pipeline import Pipeline

ALL = "All sources"


def _link(url: str | None) -> str:
    ok = safe_url(url)
    return f'<a href="{esc(ok)}" target="_blank" rel="noopener noreferrer">{esc(ok)}</a>' if ok else esc(url or "")


class CiteUI:
    """Citation lookup over the app's one pipeline (its store, embedder and retriever)."""

    def __init__(self, pipe: Pipeline) -> None:
        self.pipe = pipe
        self._lookup: CitationLookup | None = None

    @property
    def lookup(self) -> CitationLookup:
        """The lookup, made on first use."""
        if self._lookup is None:
            from assistant.lookup import CitationLookup

            self._lookup = CitationLookup(self.pipe.store, self.pipe.embedder, retriever=self.pipe.retriever)
        return self._lookup

    def cite(self, text: str, since: str = "", until: str = "", source: str = "", k: int = 5) -> CiteResult:
        """Look the text up with the filters as the UI gives them (raises AssistantError on bad input)."""
        from assistant.retrieval.filters import parse_filters

        filters = parse_filters(since or None, until or None, None if source in ("", ALL, None) else source)
        return self.lookup.cite(text, filters, int(k or 5))

    def api_cite(self, text: str, since: str = "", until: str = "", source: str = "", k: int = 5) -> dict:
        """The `/cite` endpoint: the JSON of `assistant cite --json`."""
        return self.cite(text, since, until, source, k).to_dict()

    def find(self, text: str, since: str, until: str, source: str, k: int) -> str:
        """The tab's button: result cards, or the one-line reason the text cannot be looked up."""
        try:
            return self.render(self.cite(text, since, until, source, k))
        except AssistantError as exc:
            return f'<p><span class="unverified">{esc(str(exc))}</span></p>'

    def sources(self) -> list[str]:
        """Choices of the source filter."""
        return [ALL] + [name for name, _ in self.pipe.store.sources()]

    # ---- HTML
    def render(self, result: CiteResult) -> str:
        """Every sentence of the text with its statements (or 'no source found' and the closest sentences)."""
        return "".join(self._sentence(i, s) for i, s in enumerate(result.sentences))

    def _sentence(self, i: int, s: SentenceLookup) -> str:
        if s.found:
            first = s.hits[0].first
            head = f"{esc(s.kind)}: first published {esc(first.date or '(date unknown)')} by {esc(first.source or 'unknown')}"
            cards = "".join(self._card(i, n, h) for n, h in enumerate(s.hits, 1))
        else:
            head = '<span class="unverified">No source found</span>: no indexed sentence states it.'
            head += " Closest sentences, not matching:" if s.closest else ""
            cards = "".join(self._card(i, n, h) for n, h in enumerate(s.closest, 1))
        return f'<div class="cite-sentence" id="cite-{i}"><p><b>\u201c{esc(s.text)}\u201d</b><br>{head}</p>{cards}</div>'

    def _card(self, i: int, n: int, h: Hit) -> str:
        label = f"{esc(h.kind)} {h.score:.2f}" if h.matches else f'<span class="unverified">not matching</span> {h.score:.2f}'
        rows = "".join(self._source_row(s, j == 0 and len(h.sources) > 1) for j, s in enumerate(h.sources))
        indexed = next((s for s in h.sources if s.start is not None), None)
        body = self._paragraph(indexed, h.sentence) if indexed else f"<mark>{esc(h.sentence)}</mark>"
        diffs = ""
        if h.diffs and h.kind != "verbatim":
            pairs = "; ".join(f"{esc(d.article or '(nothing)')} \u2192 {esc(d.quote or '(nothing)')}" for d in h.diffs[:6])
            diffs = f'<div class="meta">differs (article \u2192 text): {pairs}</div>'
        note = f'<div class="meta">{esc(h.note)}</div>' if h.note else ""
        return (
            f'<div class="src-card" id="cite-{i}-{n}"><div><b>[{n}] {label}</b></div>{rows}'
            f'<p class="para">{body}</p>{diffs}{note}</div>'
        )

    def _source_row(self, s: Source, first: bool) -> str:
        copy = f" (copy of {esc(s.copy_of)}, not indexed twice)" if s.copy_of else ""
        lead = "<b>first:</b> " if first else ""
        return (
            f'<div class="meta">{lead}{esc(s.date or "date unknown")} \u00b7 {esc(s.source or "unknown source")} \u00b7 '
            f"{esc(s.title)}{copy} \u00b7 {_link(s.url)}</div>"
        )

    def _paragraph(self, s: Source, sentence: str) -> str:
        doc = self.pipe.store.document(s.doc_id)
        if not doc or s.start is None or s.end is None or doc["text"][s.start : s.end] != sentence:
            return f"<mark>{esc(sentence)}</mark>"
        para, at = paragraph_around(doc["text"], s.start, s.end)
        a, b = s.start - at, s.end - at
        return f"{esc(para[:a])}<mark>{esc(para[a:b])}</mark>{esc(para[b:])}"


def build_cite_tab(gr, pipe: Pipeline) -> CiteUI:
    """The tab's layout and wiring, and the `/cite` endpoint (call inside the app's Blocks)."""
    ui = CiteUI(pipe)
    text = gr.Textbox(label="Quote or claim", placeholder="we will not allow Iran to obtain a nuclear weapon", lines=3)
    with gr.Row():
        since = gr.Textbox(label="Since (YYYY-MM-DD)", elem_id="cite-since")
        until = gr.Textbox(label="Until (YYYY-MM-DD)", elem_id="cite-until")
        source = gr.Dropdown(ui.sources(), value=ALL, label="Source", allow_custom_value=True, elem_id="cite-source")
        k = gr.Slider(1, 20, value=5, step=1, label="Statements per sentence", elem_id="cite-k")
    button = gr.Button("Find the source", variant="primary", elem_id="cite-find")
    results = gr.HTML("<p><em>Who said it first? Paste a quote or a claim.</em></p>", elem_id="cite-results")
    for trigger in (button.click, text.submit):
        trigger(ui.find, [text, since, until, source, k], results, api_visibility="private")

    def api(text: str, since: str = "", until: str = "", source: str = "", k: int = 5) -> dict:
        """Citation lookup: the JSON of `assistant cite --json`."""
        try:
            return ui.api_cite(text, since, until, source, k)
        except AssistantError as exc:
            raise gr.Error(str(exc), print_exception=False) from None

    gr.api(api, api_name="cite")
    return ui
