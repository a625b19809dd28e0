"""One evaluated question's measures: the row the runner fills, the failure classifier reads and the report shows."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class QuestionScore:
    """Every per-question measure of one config; the report's rows."""

    id: str
    split: str
    type: str
    kind: str  # what the question asks for: its type, or `asks` for follow-ups and unanswerable questions
    question: str
    config: str
    answerable: bool
    answer: str  # as the user sees it at the operating point
    would_answer: str | None  # the answer had the refusal threshold been 0 (None: refused even then)
    refused: bool
    confidence: float
    standalone: str | None
    answerability: float | None = None  # what the refusal weighed instead of `confidence`, when the answerer gave one
    gold: list[list[str]] = field(default_factory=list)  # alias groups, one per required item
    gold_docs: list[str] = field(default_factory=list)
    would_be_correct: bool = False  # the threshold-0 answer passes the strict measure (for the risk-coverage curve)
    answer_accuracy: bool = False  # strict: every required item in the first paragraph, markers removed
    contains_answer: bool = False  # lenient: every required item anywhere in the answer
    items_found: int = 0
    items_total: int = 0
    exact_match: bool | None = None  # short-answer kinds only
    short_f1: float | None = None
    recall_at: dict[str, float] = field(default_factory=dict)
    mrr: float = 0.0
    ndcg10: float = 0.0
    gold_in_passages: bool = False
    evidence_in_passages: bool = False
    cites_gold_doc: bool = False
    cites_gold_evidence: bool = False
    alce_recall: float = 0.0  # same judge as the answer's claim check
    alce_precision: float = 0.0
    quotes: int = 0
    quotes_valid: int = 0
    cited_docs: list[str] = field(default_factory=list)
    top_docs: list[str] = field(default_factory=list)
    latency_ms: float = 0.0
    failure: str | None = None
