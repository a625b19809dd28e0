"""kill -9 an ingest at random points; a re-run leaves Chroma and FTS5 with exactly the expected chunks."""

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import corpus_records, write_jsonl

from assistant.documents import Article
from assistant.ingest.chunking import chunk_article
from assistant.ingest.parse import parse_path
from assistant.settings import Settings
from assistant.store.facade import Store

ASSISTANT = str(Path(sys.executable).parent / "assistant")
KILLS = 5


def test_kill_nine_then_rerun_gives_exact_index(tmp_path):
    records = corpus_records(250)
    corpus = write_jsonl(tmp_path / "c.jsonl", records)
    articles = [a for a in parse_path(corpus) if isinstance(a, Article)]
    expected = {c.id for a in articles for c in chunk_article(a)}
    home = tmp_path / "home"
    env = {**os.environ, "ASSISTANT_HOME": str(home)}
    cmd = [ASSISTANT, "--embed-model", "hash", "ingest", str(corpus)]
    rng = random.Random(20261129)
    killed_mid_way = 0
    for _ in range(KILLS):
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(1.0, 6.0))
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            killed_mid_way += 1
        proc.wait()
        with Store(Settings(home=home, embed_model="hash")) as store:
            report = store.check()
            # whatever state a kill left, SQLite rows marked complete always have their vectors
            assert report.missing_vectors == 0
    assert killed_mid_way >= 1, "no kill landed during the ingest; raise the delays' range"
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    with Store(Settings(home=home, embed_model="hash")) as store:
        assert store.check().ok
        assert store.keyword.all_chunk_ids() == expected
        assert store.vectors.all_ids() == expected
        assert store.vectors.count() == len(expected)  # no duplicates
        assert store.keyword.counts()["documents"] == len(articles)
