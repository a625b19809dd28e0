"""The question path as a LangChain chain: a real callback handler on a real `ask` (the full corpus, the real embedder
and reader) sees the named steps, the product's HybridRetriever with its query and documents, the expand step that
adds the rest of the best articles, and the answerer; every citation is in a passage the tracer was shown; the
question is embedded and weighed once."""

from __future__ import annotations

from langchain_core.callbacks import BaseCallbackHandler

QUESTION = "Who greeted Pezeshkian at the airport?"


class Recorder(BaseCallbackHandler):
    """Records every chain and retriever run: its name, parent, input and output."""

    def __init__(self) -> None:
        self.runs: dict = {}  # run_id -> {"name", "parent", "input", "output", "kind"}
        self.order: list[str] = []

    def _start(self, kind: str, name, run_id, parent_run_id, value) -> None:
        self.runs[run_id] = {"kind": kind, "name": name, "parent": parent_run_id, "input": value, "output": None}
        self.order.append(name)

    def on_chain_start(self, serialized, inputs, *, run_id, parent_run_id=None, **kwargs):
        self._start("chain", kwargs.get("name"), run_id, parent_run_id, inputs)

    def on_chain_end(self, outputs, *, run_id, **kwargs):
        self.runs[run_id]["output"] = outputs

    def on_retriever_start(self, serialized, query, *, run_id, parent_run_id=None, **kwargs):
        self._start("retriever", kwargs.get("name"), run_id, parent_run_id, query)

    def on_retriever_end(self, documents, *, run_id, **kwargs):
        self.runs[run_id]["output"] = documents

    def named(self, name: str) -> dict:
        (run,) = [r for r in self.runs.values() if r["name"] == name]
        return run

    def parent_of(self, name: str) -> str | None:
        parent = self.named(name)["parent"]
        return self.runs[parent]["name"] if parent in self.runs else None


def test_a_tracer_sees_each_step_and_the_documents_the_answer_cites(real_pipeline, monkeypatch):
    pipe = real_pipeline
    embedded: list[str] = []
    weighed: list[list[str]] = []
    embed, doc_freqs = pipe.embedder.embed, pipe.store.doc_freqs
    monkeypatch.setattr(pipe.embedder, "embed", lambda text: embedded.append(text) or embed(text))
    monkeypatch.setattr(pipe.store, "doc_freqs", lambda lemmas: weighed.append(lemmas) or doc_freqs(lemmas))
    tracer = Recorder()
    ans = pipe.ask(QUESTION, callbacks=[tracer])
    assert not ans.refused and ans.citations

    order = ["ask", "condense", "retrieve", "HybridRetriever", "answer", "expand", "extractive", "finish"]
    assert tracer.order == order
    assert [tracer.parent_of(n) for n in ("condense", "retrieve", "answer", "finish")] == ["ask"] * 4
    assert tracer.parent_of("HybridRetriever") == "retrieve"
    assert tracer.parent_of("expand") == tracer.parent_of("extractive") == "answer"
    search = tracer.named("HybridRetriever")
    assert search["kind"] == "retriever" and search["input"] == QUESTION
    documents = search["output"]
    found = [d.metadata["chunk_id"] for d in documents]
    assert found == [r["chunk_id"] for r in ans.retrieved]
    # The expand step took the retrieved passages and added the other chunks of the first two articles among them.
    expand = tracer.named("expand")
    assert [p.chunk_id for p in expand["input"]] == found
    read = expand["output"]
    assert [p.chunk_id for p in read[: len(found)]] == found and len(read) > len(found)
    assert {p.doc_id for p in read[len(found) :]} <= set(list(dict.fromkeys(d.metadata["doc_id"] for d in documents))[:2])
    # The answerer read exactly those passages, with the retrieve step's query vector; its draft is what finish checked.
    request = tracer.named("extractive")["input"]
    assert request.passages == read
    assert request.query_vector is tracer.named("retrieve")["output"].query_vector
    for c in ans.citations:  # each cited quote is inside a passage the tracer was shown, at the same offsets
        passage = next(p for p in read if p.chunk_id == c.chunk_id)
        assert passage.text[c.start - passage.start : c.end - passage.start] == c.quote
    assert tracer.named("finish")["output"] == ans and tracer.named("ask")["output"] == ans
    assert embedded == [QUESTION] and len(weighed) == 1  # embedded once, term weights computed once
