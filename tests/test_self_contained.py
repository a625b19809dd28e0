"""A fresh clone needs nothing outside the repository, and the installed package carries its prompts."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile

from conftest import CORPUS, ROOT

# The development machine's sibling folder (`shared` beside the checkout: corpus, seed, STACK.md) or its absolute paths.
OUTSIDE = re.compile(r"\.\./shared|/work/(?:shared|main)|\bshared/(?:corpus|seed|hooks)|STACK\.md")


def test_no_file_reads_outside_the_repository():
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    offenders = []
    for name in files:
        if name.endswith((".jsonl", ".png")) or name == "tests/test_self_contained.py":
            continue
        text = (ROOT / name).read_text(encoding="utf-8", errors="replace")
        offenders += [f"{name}:{i}: {line.strip()}" for i, line in enumerate(text.splitlines(), 1) if OUTSIDE.search(line)]
    assert offenders == []


def test_the_pattern_catches_a_sibling_path():
    sibling = "../" + "shared"  # spelled in two parts so this file does not name the folder itself
    assert OUTSIDE.search(f'Path("{sibling}/corpus/x.jsonl")')
    assert OUTSIDE.search("read /work/shared/STACK.md")
    assert not OUTSIDE.search("from ..store import Store") and not OUTSIDE.search("../secret.txt")


def test_corpus_is_in_the_repository():
    lines = CORPUS.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1250
    assert (ROOT / "corpus" / "README.md").read_text().count("public domain") >= 1


def test_wheel_ships_the_prompts(tmp_path):
    cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path), str(ROOT)]
    subprocess.run(cmd, check=True, capture_output=True)
    (wheel,) = tmp_path.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    prompts = {p.name for p in (ROOT / "prompts").glob("*.md")}
    assert prompts and {f"assistant/prompts/{n}" for n in prompts} <= names
    packages = {str(d.relative_to(ROOT)) for d in (ROOT / "assistant").rglob("__init__.py")}
    assert packages and packages <= names  # every subpackage ships
