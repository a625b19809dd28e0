"""The hybrid retriever as a LangChain `BaseRetriever`: passages become `Document`s with their metadata.

Use: `retriever = pipe.retriever.as_retriever(Filters(since="2024-01-01"), k=5)`, then compose it like any LangChain
retriever: `{"context": retriever | format_docs, "question": RunnablePassthrough()} | prompt | model`
(tests/test_langchain_retriever.py does exactly this with a fake chat model).
"""

from __future__ import annotations

from typing import Any, Protocol

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from assistant.documents import Passage, Sentence
from assistant.retrieval.filters import Filters


class _Retrieves(Protocol):
    """What the wrapper needs of `retriever.Retriever` (typed here so this module does not import it)."""

    def retrieve(
        self, question: str, k: int = 8, mode: str = "hybrid", filters: Filters | None = None, vector: Any = None
    ) -> list[Passage]: ...


def to_document(p: Passage) -> Document:
    """A passage as a LangChain Document: its text, and where it comes from as metadata."""
    meta = {
        "chunk_id": p.chunk_id,
        "doc_id": p.doc_id,
        "title": p.title,
        "date": p.date,
        "source": p.source,
        "url": p.url,
        "start": p.start,
        "end": p.end,
        "score": p.score,
        "dense_sim": p.dense_sim,
        "ranks": dict(p.ranks),
        "sentences": [(s.start, s.end) for s in p.sentences],
    }
    return Document(page_content=p.text, metadata=meta, id=p.chunk_id)


def to_passage(doc: Document) -> Passage:
    """The passage a `to_document` Document was made from (the pipeline's retrieve step reads its retriever's
    Documents back)."""
    m = doc.metadata
    return Passage(
        chunk_id=m["chunk_id"],
        doc_id=m["doc_id"],
        text=doc.page_content,
        start=m["start"],
        end=m["end"],
        sentences=[Sentence(start, end) for start, end in m["sentences"]],
        title=m["title"],
        date=m["date"],
        source=m["source"],
        url=m["url"],
        score=m["score"],
        dense_sim=m["dense_sim"],
        ranks=dict(m["ranks"]),
    )


class HybridRetriever(BaseRetriever):
    """Dense + BM25 with reciprocal rank fusion over the assistant's Store."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    retriever: Any  # assistant.retrieval.retriever.Retriever (pydantic does not validate it)
    filters: Filters = Filters()
    k: int = 8
    mode: str = "hybrid"
    vector: Any = None  # the query's vector when already embedded (a list or numpy array, passed on as it is)

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        inner: _Retrieves = self.retriever
        found = inner.retrieve(query, k=self.k, mode=self.mode, filters=self.filters, vector=self.vector)
        return [to_document(p) for p in found]
