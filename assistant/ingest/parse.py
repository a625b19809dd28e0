"""Parse and validate article files: JSONL, .txt/.md with YAML front matter, .html, folders."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from assistant.documents import Article, content_hash
from assistant.errors import RecordError
from assistant.ingest.html_text import extract_html
from assistant.text import parse_date

SUFFIXES = {".jsonl", ".txt", ".md", ".markdown", ".html", ".htm"}
MAX_LINE_BYTES = 5_000_000
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_CONTROL = dict.fromkeys(c for c in range(32) if c not in (9, 10, 13))


@dataclass(frozen=True)
class IngestError:
    """A record or file that could not be read, located as `file:line`."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def clean_text(text: str) -> str:
    """Normalise Unicode and white space; keeps paragraph breaks."""
    text = unicodedata.normalize("NFC", text).translate(_ZERO_WIDTH).translate(_CONTROL)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[ \t\f\v\u00a0]+", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def _opt_str(record: dict, field: str) -> str | None:
    value = record.get(field)
    if value is None:
        return None
    if not isinstance(value, str):
        raise RecordError(f"field '{field}' must be a string, got {type(value).__name__}")
    return value.strip() or None


def make_article(record: dict, origin: str, default_title: str = "") -> Article:
    """Validate a mapping of article fields and build an Article."""
    if not isinstance(record, dict):
        raise RecordError(f"expected a JSON object, got {type(record).__name__}")
    raw_text = record.get("text")
    if raw_text is None:
        raise RecordError("missing field 'text'")
    if not isinstance(raw_text, str):
        raise RecordError(f"field 'text' must be a string, got {type(raw_text).__name__}")
    text = clean_text(raw_text)
    if not text:
        raise RecordError("field 'text' is empty")
    title = clean_text(_opt_str(record, "title") or default_title or text.split("\n", 1)[0][:120])
    date = parse_date(record.get("date"))
    source = clean_text(_opt_str(record, "source") or "")
    url = _opt_str(record, "url")
    doc_id = record.get("id")
    if doc_id is not None and not isinstance(doc_id, str | int):
        raise RecordError(f"field 'id' must be a string, got {type(doc_id).__name__}")
    doc_id = str(doc_id).strip() if doc_id is not None else ""
    if not doc_id:
        doc_id = "h-" + content_hash(title, text)[:16]
    return Article(id=doc_id, title=title, text=text, date=date, source=source, url=url, origin=origin)


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    if not data.strip():
        raise RecordError("empty file")
    if b"\x00" in data[:8192]:
        raise RecordError("binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RecordError(f"not valid UTF-8 (byte {exc.start})") from None


def parse_jsonl(path: Path) -> Iterator[Article | IngestError]:
    """Yield one Article per valid line and one IngestError per bad line."""
    seen_any = False
    with path.open("rb") as fh:
        for lineno, raw in enumerate(fh, 1):
            where = f"{path}:{lineno}"
            if not raw.strip():
                continue
            seen_any = True
            if len(raw) > MAX_LINE_BYTES:
                yield IngestError(where, f"line longer than {MAX_LINE_BYTES} bytes")
                continue
            try:
                record = json.loads(raw.decode("utf-8-sig"))
                yield make_article(record, where)
            except UnicodeDecodeError as exc:
                yield IngestError(where, f"not valid UTF-8 (byte {exc.start})")
            except RecursionError:
                yield IngestError(where, "JSON nested too deeply")
            except json.JSONDecodeError as exc:
                yield IngestError(where, f"malformed JSON: {exc.msg} (column {exc.colno})")
            except RecordError as exc:
                yield IngestError(where, str(exc))
    if not seen_any:
        yield IngestError(f"{path}:1", "empty file")


def split_front_matter(text: str) -> tuple[dict, str]:
    """Separate a leading `---` YAML block from the body."""
    import yaml

    m = re.match(r"\A---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)", text, re.S)
    if not m:
        return {}, text
    try:
        meta = yaml.safe_load(m.group(1)) or {}
    except yaml.YAMLError as exc:
        raise RecordError(f"invalid YAML front matter: {str(exc).splitlines()[0]}") from None
    if not isinstance(meta, dict):
        raise RecordError("front matter must be a mapping of fields")
    return meta, text[m.end() :]


def parse_text_file(path: Path) -> Article:
    """A .txt/.md file with optional YAML front matter (title, date, source, url, id)."""
    meta, body = split_front_matter(_read_text(path))
    record = {k: meta.get(k) for k in ("id", "title", "date", "source", "url")}
    record["text"] = body
    return make_article(record, f"{path}:1", default_title=path.stem.replace("-", " ").replace("_", " "))


def parse_html_file(path: Path) -> Article:
    """An HTML page: title, date and main text."""
    page = extract_html(_read_text(path))
    record = {"title": page.title, "date": page.date, "text": page.text, "url": page.url, "source": page.site}
    return make_article_lenient_date(record, f"{path}:1", default_title=path.stem)


def make_article_lenient_date(record: dict, origin: str, default_title: str = "") -> Article:
    """`make_article`, except that a web page's unreadable date becomes 'unknown' instead of an error."""
    try:
        return make_article(record, origin, default_title)
    except RecordError as exc:
        if "date" not in str(exc):
            raise
        return make_article({**record, "date": None}, origin, default_title)


# Files that describe a folder rather than hold an article; skipped when a folder is walked (named directly, they index).
FOLDER_NOTES = {"readme", "license", "licence", "changelog"}


def iter_files(path: Path) -> Iterator[Path]:
    """The article files at `path` (a file, or a folder searched recursively, without hidden files and READMEs)."""
    if path.is_dir():
        for child in sorted(path.rglob("*")):
            if (
                child.is_file()
                and child.suffix.lower() in SUFFIXES
                and not child.name.startswith(".")
                and child.stem.lower() not in FOLDER_NOTES
            ):
                yield child
    else:
        yield path


def parse_path(path: Path) -> Iterator[Article | IngestError]:
    """Yield Articles and IngestErrors from a file or folder, never raising for bad data."""
    if not path.exists():
        yield IngestError(str(path), "no such file or folder")
        return
    seen: dict[str, str] = {}
    for file in iter_files(path):
        for item in _parse_file(file):
            if isinstance(item, Article):
                if item.id in seen:
                    yield IngestError(item.origin, f"duplicate id {item.id!r} (first at {seen[item.id]}); skipped")
                    continue
                seen[item.id] = item.origin
            yield item


def _parse_file(file: Path) -> Iterator[Article | IngestError]:
    suffix = file.suffix.lower()
    try:
        if suffix == ".jsonl":
            yield from parse_jsonl(file)
        elif suffix in {".html", ".htm"}:
            yield parse_html_file(file)
        elif suffix in {".txt", ".md", ".markdown"}:
            yield parse_text_file(file)
        else:
            yield IngestError(str(file), f"unsupported file type {suffix or '(none)'}; use .jsonl, .txt, .md or .html")
    except RecordError as exc:
        yield IngestError(f"{file}:1", str(exc))
    except OSError as exc:
        yield IngestError(str(file), f"cannot read: {exc.strerror or exc}")
