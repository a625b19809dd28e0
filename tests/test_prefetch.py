"""A question parsed in a forked process (`assistant/cli/prefetch.py`) is the analysis this process would have made,
a failed child leaves the parse to this process, and no child is left behind."""

from __future__ import annotations

import dataclasses
import os
import sys

import pytest

from assistant.answer.extractive import question as question_module
from assistant.answer.extractive.question import ParsedQuestion, analyse, expect, parse_question
from assistant.cli.prefetch import QuestionPrefetch, prefetch_question, supported

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the prefetch forks on Linux only")


def _gone(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_the_childs_analysis_is_the_one_this_process_makes():
    text = "Which Caribbean prime ministers did Harris call in January 2025?"
    job = QuestionPrefetch(text)
    pid = job._pid
    got = job.result()
    assert got == parse_question(text)  # real spaCy on both sides: same kind, labels, lemmas, entities
    assert got.kind == "who" and got.multi and "PERSON" in got.expected
    assert _gone(pid)  # reaped as soon as it answered
    job.close()  # closing after the answer is harmless


def test_analyse_takes_what_it_was_told_to_expect_once():
    text = "Prefetch test: who met whom in Baku in March 2024?"
    sentinel = dataclasses.replace(parse_question(text), kind="sentinel")
    calls = []

    def source():
        calls.append(1)
        return sentinel

    expect(text, source)
    assert analyse(text).kind == "sentinel"
    assert analyse(text).kind == "sentinel" and calls == [1]  # cached, the source is asked once
    assert text not in question_module._expected


def test_a_source_that_fails_leaves_the_parse_here():
    text = "Prefetch test: where did Blinken meet Wang Yi in June 2023?"
    expect(text, lambda: None)
    assert analyse(text) == parse_question(text)


def test_a_child_that_fails_gives_none_and_is_reaped():
    def broken(_: str) -> ParsedQuestion:
        raise RuntimeError("no spaCy model here")

    job = QuestionPrefetch("Who greeted Pezeshkian at the airport?", parse=broken)
    pid = job._pid
    assert job.result() is None
    assert _gone(pid)


def test_closing_an_unused_prefetch_stops_and_reaps_the_child():
    job = QuestionPrefetch("Who greeted Pezeshkian at the airport?", parse=_slow_parse)
    pid = job._pid
    job.close()
    assert _gone(pid)
    assert job.result() is None  # asked after closing: the caller parses it itself


def _slow_parse(text: str) -> ParsedQuestion:
    import time

    time.sleep(60)
    return parse_question(text)


def test_prefetch_question_collapses_whitespace_as_the_pipeline_does(monkeypatch):
    monkeypatch.setattr("assistant.cli.prefetch.supported", lambda: True)  # pytest runs other threads (numpy's)
    job = prefetch_question("  Who   greeted the prefetch test's delegation\tat the airport? ")
    try:
        assert job is not None and job.question == "Who greeted the prefetch test's delegation at the airport?"
        assert question_module._expected.get(job.question) == job.result
        assert analyse(job.question).kind == "who"
        assert job.question not in question_module._expected
    finally:
        job.close()


def test_no_fork_beside_another_thread():
    import threading

    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not supported()
        assert prefetch_question("Who greeted Pezeshkian at the airport?") is None
    finally:
        stop.set()
        other.join()


def test_only_a_single_threaded_process_forks():
    import subprocess

    def check(code: str) -> str:
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr
        return out.stdout.strip()

    # importing the module starts nothing (the question module, with numpy and its BLAS thread, comes after the fork)
    assert check("from assistant.cli.prefetch import supported; print(supported())") == "True"
    assert check("import numpy; from assistant.cli.prefetch import supported; print(supported())") == "False"
