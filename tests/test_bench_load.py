"""evals/bench_load.py at a small size: 20 gradio_client sessions x 2 questions against a real `serve`."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import corpus_records, write_jsonl

from evals.bench_load import PEOPLE, Turn, crossed, measure

ASSISTANT = str(Path(sys.executable).parent / "assistant")


def test_a_follow_up_that_names_another_sessions_person_counts_as_crossed():
    def turn(standalone):
        return Turn(0.1, {"question": "When did they last meet?", "standalone_question": standalone}, None)

    own, other = PEOPLE[3], PEOPLE[4]
    assert crossed(3, [turn(None), turn(f"When did {own} last meet?")]) == []
    assert crossed(3, [turn(None), turn(f"When did {other} last meet?")])
    assert crossed(3, [turn(None), turn(f"When did {own} and {other} last meet?")])
    assert crossed(3, [turn(None), turn(None)])  # the follow-up was not resolved at all


@pytest.mark.slow
def test_twenty_sessions_two_questions_no_error_no_crossed_answer(tmp_path):
    home = tmp_path / "home"
    corpus = write_jsonl(tmp_path / "c.jsonl", corpus_records(150))
    env = {**os.environ, "ASSISTANT_HOME": str(home)}
    res = subprocess.run([ASSISTANT, "--embed-model", "hash", "ingest", str(corpus)], env=env, capture_output=True)
    assert res.returncode == 0
    figures, problems = measure(home, clients=20, turns=2, concurrency=2, embed_model="hash")
    assert problems == []
    assert figures.errors == 0 and figures.crossed == 0 and figures.answers == 40
    assert figures.p50_ms > 0 and figures.answers_per_s > 0
    print(figures)
