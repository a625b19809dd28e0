"""Choose how the reader's span makes the short answer (phrase.SPAN_MODE, SPAN_MIN) on evals/dev.jsonl only:
the dev split's strict answer
accuracy and short-answer exact match for each candidate value (1.01 = never lead with the span).

Usage: python evals/tune_span.py --home DIR   (DIR: an index of corpus/)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.answer.extractive import phrase  # noqa: E402
from assistant.evaluation.runner import parse_config, run_eval  # noqa: E402
from assistant.pipeline import Pipeline  # noqa: E402
from assistant.settings import Settings  # noqa: E402

VALUES = (0.2, 0.35, 0.5, 0.65, 0.8, 1.01)


class MemoReader:
    """The pipeline's reader, remembering each batch it read: only the first pass pays for the model."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.memo: dict = {}

    def read(self, question: str, sentences: list[str]):
        key = (question, tuple(sentences))
        if key not in self.memo:
            self.memo[key] = self.inner.read(question, sentences)
        return self.memo[key]

    def warm_up(self) -> None:
        self.inner.warm_up()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--home", type=Path, required=True)
    args = ap.parse_args()
    lines = (ROOT / "evals" / "dev.jsonl").read_text(encoding="utf-8").splitlines()
    questions = [{**json.loads(line), "split": "dev"} for line in lines if line.strip()]
    pipe = Pipeline(Settings(home=args.home))
    pipe.extractive.reader = MemoReader(pipe.extractive.reader)
    print("mode     | span_min | accuracy | exact match | contains")
    try:
        for mode, value in [(m, v) for m in ("lead", "fallback", "union") for v in VALUES[:-1]] + [("lead", 1.01)]:
            phrase.SPAN_MIN, phrase.SPAN_MODE = value, mode
            overall = run_eval(pipe, questions, [parse_config("hybrid")])["configs"]["hybrid"]["overall"]
            acc, em, contains = overall["answer_accuracy"], overall["exact_match"], overall["contains_answer"]
            print(f"{mode:8s} | {value:8.2f} | {acc:8.3f} | {em:11.3f} | {contains:.3f}", flush=True)
    finally:
        pipe.close()


if __name__ == "__main__":
    main()
