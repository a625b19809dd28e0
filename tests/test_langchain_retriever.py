"""The hybrid retriever as a LangChain BaseRetriever, composed with a LangChain prompt and a fake chat model."""

from __future__ import annotations

from langchain_core.documents import Document
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import RunnableLambda, RunnablePassthrough

from assistant.documents import Article
from assistant.indexer import index_articles
from assistant.pipeline import Pipeline
from assistant.retrieval.filters import Filters

ARTICLES = [
    Article(id="a", title="Blinken in Jakarta", date="2022-07-10", source="State", text="Blinken met Retno Marsudi in Jakarta."),
    Article(id="b", title="Kishida call", date="2023-01-10", source="White House", text="Biden spoke with Kishida of Japan."),
]


def _pipe(hash_settings) -> Pipeline:
    pipe = Pipeline(hash_settings)
    index_articles(pipe.store, pipe.embedder, ARTICLES, hash_settings)
    return pipe


def test_as_retriever_returns_documents_with_metadata(hash_settings):
    pipe = _pipe(hash_settings)
    retriever = pipe.retriever.as_retriever(k=2)
    assert isinstance(retriever, BaseRetriever)
    docs = retriever.invoke("Blinken Marsudi Jakarta")
    assert docs and isinstance(docs[0], Document)
    top = docs[0]
    assert top.metadata["doc_id"] == "a" and top.metadata["title"] == "Blinken in Jakarta"
    assert top.page_content == "Blinken met Retno Marsudi in Jakarta."
    only_b = pipe.retriever.as_retriever(Filters(source="White House"), k=2).invoke("Blinken Marsudi Jakarta Kishida")
    assert {d.metadata["doc_id"] for d in only_b} == {"b"}
    pipe.close()


def test_composes_with_a_prompt_and_a_chat_model(hash_settings):
    pipe = _pipe(hash_settings)
    model = GenericFakeChatModel(messages=iter([AIMessage("In Jakarta [1].")]))
    prompt = ChatPromptTemplate.from_messages([("system", "Answer from the sources only.\n{context}"), ("human", "{question}")])
    seen: list = []

    def fmt(docs: list[Document]) -> str:
        return "\n".join(f"[{i}] {d.metadata['title']}: {d.page_content}" for i, d in enumerate(docs, 1))

    def spy(value):
        seen.append(value)
        return value

    chain = (
        {"context": pipe.retriever.as_retriever(k=1) | fmt, "question": RunnablePassthrough()}
        | prompt
        | RunnableLambda(spy)
        | model
        | StrOutputParser()
    )
    assert chain.invoke("Where did Blinken meet Marsudi?") == "In Jakarta [1]."
    messages = seen[0].to_messages()
    assert "[1] Blinken in Jakarta: Blinken met Retno Marsudi in Jakarta." in messages[0].content
    assert messages[1].content == "Where did Blinken meet Marsudi?"
    pipe.close()
