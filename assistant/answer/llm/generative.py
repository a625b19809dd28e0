"""The LLM answerer: numbered passages in, cited sentences out, every quote cut from the articles."""

from __future__ import annotations

from typing import Any

from assistant.answer.citations import claims
from assistant.answer.markers import cited
from assistant.answer.prompting import load, passage_block, render
from assistant.answer.support import SUPPORT_THRESHOLD, support_score
from assistant.answer.types import AnswerInput, Citation, Draft, citation_for
from assistant.documents import Passage
from assistant.tokens import count_tokens

REFUSAL_TOKEN = "NOT_IN_SOURCES"


class GenerativeAnswerer:
    """Answers with a LangChain chat model; the model's markers are mapped to verbatim sentences."""

    kind = "llm"  # the pipeline falls back to the extractive answer when it fails

    def __init__(self, model: Any, name: str, context: int = 4096, max_tokens: int = 384) -> None:
        self.model = model
        self.name = name
        self.context = context
        self.max_tokens = max_tokens

    @property
    def chat_model(self) -> Any:
        """The chat model it writes with (the pipeline also condenses follow-ups with it)."""
        return self.model

    def pack(self, question: str, passages: list[Passage]) -> list[Passage]:
        """As many passages, best first, as fit the context window with room for the answer.

        Counted with tiktoken plus a 15 % margin: the models' own tokenizers are not all reachable here.
        """
        fixed = count_tokens(load("answer_system")) + count_tokens(render("answer_user", passages="", question=question))
        budget = int((self.context - self.max_tokens - fixed - 32) / 1.15)
        packed, used = [], 0
        for p in passages:
            cost = count_tokens(passage_block(len(packed) + 1, p)) + 2
            if used + cost > budget:
                break
            packed.append(p)
            used += cost
        return packed

    def messages(self, question: str, packed: list[Passage]) -> list[Any]:
        """System and user messages for the chat model."""
        from langchain_core.messages import HumanMessage, SystemMessage

        blocks = "\n\n".join(passage_block(i, p) for i, p in enumerate(packed, 1))
        return [SystemMessage(load("answer_system")), HumanMessage(render("answer_user", passages=blocks, question=question))]

    def answer(self, request: AnswerInput) -> Draft:
        """Ask the model (streaming when `request.on_token` is given) and turn its text into a cited draft."""
        question, on_token = request.question, request.on_token
        packed = self.pack(question, list(request.passages))
        if not packed:
            return Draft(text="", citations=[], refused=True, notes=["no passage fits the model's context window"])
        msgs = self.messages(question, packed)
        if on_token:
            parts = []
            for chunk in self.model.stream(msgs):
                token = chunk.text if isinstance(chunk.text, str) else str(chunk.content)
                parts.append(token)
                on_token(token)
            text = "".join(parts)
        else:
            text = str(self.model.invoke(msgs).content)
        return to_draft(text, packed)


def to_draft(text: str, packed: list[Passage]) -> Draft:
    """Map the model's [n] (passage numbers) to citations of the best-supporting sentence of passage n.

    A claim without a valid marker gets one when a passage sentence supports it; markers that point to no
    passage are dropped. The chain's claim check then removes whatever the quotes do not support.
    """
    text = text.strip()
    if not text or REFUSAL_TOKEN in text:
        return Draft(text="", citations=[], refused=True, confidence=0.0)
    cites: dict[tuple[int, int], Citation] = {}
    out: list[str] = []
    inserted = 0
    for claim, marks in claims(text):
        valid = [m for m in dict.fromkeys(marks) if 1 <= m <= len(packed)]
        if not valid:
            best = max(((i, _best_sentence(claim, p)) for i, p in enumerate(packed, 1)), key=lambda t: t[1][0])
            if best[1][0] >= SUPPORT_THRESHOLD:
                valid = [best[0]]
                inserted += 1
        numbers = []
        for m in valid:
            _, sent = _best_sentence(claim, packed[m - 1])
            if sent is None:
                continue
            key = (m, sent[0])
            if key not in cites:
                cites[key] = citation_for(len(cites) + 1, packed[m - 1], *sent)
            numbers.append(cites[key].marker)
        out.append(claim + cited(dict.fromkeys(numbers)))
    notes = [f"{inserted} missing citation marker(s) were inserted by matching passages"] if inserted else []
    return Draft(text=" ".join(out), citations=list(cites.values()), refused=False, confidence=1.0, notes=notes)


def _best_sentence(claim: str, p: Passage) -> tuple[float, tuple[int, int] | None]:
    best: tuple[float, tuple[int, int] | None] = (0.0, None)
    for s in p.sentences:
        sent = p.text[s.start - p.start : s.end - p.start]
        score = support_score(claim, f"{sent} {p.title}")
        if score > best[0]:
            best = (score, (s.start, s.end))
    return best
