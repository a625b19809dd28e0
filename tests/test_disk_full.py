"""An ingest into a data directory on a small tmpfs that fills up: one clear line, exit 1, nothing indexed is lost,
and after space is freed the same command finishes and `check` is clean. The test mounts the tmpfs itself (root)."""

import errno
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import corpus_records, write_jsonl

from assistant.documents import Article
from assistant.errors import DiskFullError, disk_full, is_disk_full
from assistant.ingest.chunking import chunk_article
from assistant.ingest.parse import parse_path
from assistant.settings import Settings
from assistant.store.facade import Store

ASSISTANT = str(Path(sys.executable).parent / "assistant")
LINE = re.compile(
    r"^Error: the disk holding (\S+) is full: \d+ MB free; nothing indexed so far is lost; "
    r"free space and run the same command again$"
)


class Tmpfs:
    """A tmpfs at `path`, mounted and resized with mount(8); needs root."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def mount(self, size: str, remount: bool = False) -> None:
        opts = f"remount,size={size}" if remount else f"size={size}"
        res = subprocess.run(["mount", "-t", "tmpfs", "-o", opts, "tmpfs", str(self.path)], capture_output=True, text=True)
        if res.returncode != 0:
            if not remount:  # not root, or a container without CAP_SYS_ADMIN (CI counts a skip as a failure)
                pytest.skip(f"mounting a tmpfs is not permitted here (uid {os.geteuid()}): {res.stderr.strip()}")
            raise RuntimeError(f"mount -o {opts} failed: {res.stderr}")


@pytest.fixture
def tmpfs(tmp_path):
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    yield Tmpfs(mnt)
    subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def _ingest(home: Path, corpus: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "ASSISTANT_HOME": str(home)}
    return subprocess.run(
        [ASSISTANT, "--embed-model", "hash", "ingest", str(corpus)], env=env, capture_output=True, text=True, timeout=600
    )


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    path = write_jsonl(tmp_path_factory.mktemp("full") / "c.jsonl", corpus_records(150))
    articles = [a for a in parse_path(path) if isinstance(a, Article)]
    return path, len(articles), {c.id for a in articles for c in chunk_article(a)}


# The sizes reach the disk's end in different layers (measured): 100k while SQLite creates its tables, 300k while
# Chroma opens, 600k in a Chroma read, 1m in Chroma's compaction, 2m in a SQLite write.
@pytest.mark.slow
@pytest.mark.parametrize("size", ["100k", "300k", "600k", "1m", "2m"])
def test_full_disk_is_one_line_and_a_rerun_after_freeing_space_completes(tmpfs, corpus, size):
    path, n_docs, expected = corpus
    tmpfs.mount(size)
    home = tmpfs.path / "home"
    res = _ingest(home, path)
    assert res.returncode == 1
    assert "Traceback" not in res.stderr
    last = res.stderr.strip().splitlines()[-1]
    m = LINE.match(last)
    assert m, res.stderr[-2000:]
    assert Path(m.group(1)).is_relative_to(home)
    tmpfs.mount("64m", remount=True)
    with Store(Settings(home=home, embed_model="hash")) as store:
        assert store.check().missing_vectors == 0  # what was marked complete before the disk filled has its vectors
    res = _ingest(home, path)
    assert res.returncode == 0, res.stderr[-2000:]
    check = subprocess.run([ASSISTANT, "--home", str(home), "--embed-model", "hash", "check"], capture_output=True, text=True)
    assert check.returncode == 0 and "the index is sound" in check.stdout, check.stdout + check.stderr
    with Store(Settings(home=home, embed_model="hash")) as store:
        assert store.counts()["documents"] == n_docs
        assert store.keyword.all_chunk_ids() == expected == store.vectors.all_ids()


@pytest.mark.slow
def test_a_filler_file_then_deleting_it(tmpfs, corpus):
    """Half the corpus fits; a filler file takes the rest of the disk; the next ingest stops with the line and keeps
    the first half; deleting the filler lets the same command finish."""
    path, n_docs, expected = corpus
    tmpfs.mount("64m")
    home = tmpfs.path / "home"
    first = write_jsonl(tmpfs.path / "first.jsonl", corpus_records(40))
    assert _ingest(home, first).returncode == 0
    filler = tmpfs.path / "filler"  # takes all but 900 kB, so the ingest of the rest runs out mid-way
    st = os.statvfs(tmpfs.path)
    with filler.open("wb") as fh:
        fh.write(b"\0" * (st.f_bavail * st.f_frsize - 900_000))
    res = _ingest(home, path)
    assert res.returncode == 1 and LINE.match(res.stderr.strip().splitlines()[-1]), res.stderr[-2000:]
    filler.unlink()
    with Store(Settings(home=home, embed_model="hash")) as store:
        assert store.counts()["documents"] >= 40  # nothing indexed before is lost
    assert _ingest(home, path).returncode == 0
    with Store(Settings(home=home, embed_model="hash")) as store:
        assert store.check().ok and store.counts()["documents"] == n_docs
        assert store.keyword.all_chunk_ids() == expected == store.vectors.all_ids()


def test_disk_full_is_recognised_by_errno_and_by_sqlite_text_only(tmp_path):
    import sqlite3

    assert is_disk_full(OSError(errno.ENOSPC, "No space left on device"))
    assert not is_disk_full(OSError(errno.EACCES, "Permission denied"))
    assert is_disk_full(sqlite3.OperationalError("database or disk is full"))
    try:
        try:
            raise OSError(errno.ENOSPC, "No space left on device")
        except OSError as inner:
            raise RuntimeError("Error in compaction") from inner
    except RuntimeError as outer:
        assert is_disk_full(outer)  # found through the cause chain
    assert disk_full(ValueError("a bug"), tmp_path) is None  # plenty of space here: a bug stays a bug
    full = disk_full(sqlite3.OperationalError("database or disk is full"), tmp_path)
    assert isinstance(full, DiskFullError) and str(tmp_path) in str(full)


def test_low_space_alone_counts_only_for_a_write_that_lost_its_cause(tmp_path, monkeypatch):
    """With the disk nearly full, a bug elsewhere is still reported as itself; only embedded Chroma's causeless write
    failures are taken for a full disk."""
    from assistant import errors

    monkeypatch.setattr(errors, "free_bytes", lambda directory: 1000)
    bug = KeyError("doc_id")
    assert errors.disk_full(bug, tmp_path) is None
    assert isinstance(errors.disk_full(RuntimeError("Error in compaction"), tmp_path, causeless_write=True), errors.DiskFullError)
    full = OSError(28, "No space left on device")
    assert isinstance(errors.disk_full(full, tmp_path), errors.DiskFullError)
