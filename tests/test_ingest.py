"""Parsing and validation of article files; errors name file, line and field."""

import json

from conftest import write_jsonl

from assistant.documents import Article
from assistant.ingest.parse import IngestError, parse_path

GOOD = {
    "id": "d1",
    "title": "Readout",
    "date": "2023-03-07",
    "source": "The White House",
    "url": "http://x/1",
    "text": "The President met the Prime Minister. They discussed trade.",
}


def _split(items):
    arts = [i for i in items if isinstance(i, Article)]
    errs = [i for i in items if isinstance(i, IngestError)]
    return arts, errs


def test_jsonl_good_and_bad_lines_are_reported_by_line_and_field(tmp_path):
    path = write_jsonl(
        tmp_path / "a.jsonl",
        [
            GOOD,
            '{"id": "broken", "text": ',
            {"id": "d3", "title": "No text"},
            {"id": "d4", "text": 42},
            {"id": "d5", "text": "Fine text here.", "date": "07/03/2023"},
            {"id": "d6", "text": "   "},
            "[1, 2]",
            {**GOOD, "id": "d7", "title": ["not", "a", "string"]},
            {**GOOD, "id": "d1"},
        ],
    )
    arts, errs = _split(list(parse_path(path)))
    assert [a.id for a in arts] == ["d1"]
    msgs = {e.where.rsplit(":", 1)[1]: e.message for e in errs}
    assert "malformed JSON" in msgs["2"]
    assert "missing field 'text'" in msgs["3"]
    assert "field 'text' must be a string" in msgs["4"]
    assert "field 'date' is not an ISO date" in msgs["5"]
    assert "field 'text' is empty" in msgs["6"]
    assert "expected a JSON object" in msgs["7"]
    assert "field 'title' must be a string" in msgs["8"]
    assert "duplicate id 'd1'" in msgs["9"]
    assert all(e.where.startswith(str(path)) for e in errs)


def test_binary_non_utf8_and_empty_files(tmp_path):
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02binary")
    (tmp_path / "latin.txt").write_bytes("Caf\xe9 au lait.".encode("latin-1"))
    (tmp_path / "empty.md").write_text("")
    (tmp_path / "empty.jsonl").write_text("\n\n")
    (tmp_path / "ok.md").write_text("A real article. It has two sentences.")
    arts, errs = _split(list(parse_path(tmp_path)))
    assert [a.title for a in arts] == ["ok"]
    text = "\n".join(str(e) for e in errs)
    assert "bin.txt:1: binary file" in text
    assert "latin.txt:1: not valid UTF-8" in text
    assert "empty.md:1: empty file" in text
    assert "empty.jsonl:1: empty file" in text


def test_front_matter_and_unknown_date(tmp_path):
    p = tmp_path / "story.md"
    p.write_text("---\ntitle: A visit\ndate: unknown\nsource: Wire\nurl: http://w/1\n---\nBody text here. More.\n")
    (art,) = list(parse_path(p))
    assert (art.title, art.date, art.source, art.url) == ("A visit", None, "Wire", "http://w/1")
    assert art.text == "Body text here. More."
    bad = tmp_path / "bad.md"
    bad.write_text("---\ntitle: [unclosed\n---\nBody.\n")
    (err,) = list(parse_path(bad))
    assert isinstance(err, IngestError) and "front matter" in err.message


def test_ids_are_stable_content_hashes_when_absent(tmp_path):
    rec = {"title": "T", "text": "Same text. Twice."}
    a = next(iter(parse_path(write_jsonl(tmp_path / "1.jsonl", [rec]))))
    b = next(iter(parse_path(write_jsonl(tmp_path / "2.jsonl", [rec]))))
    assert a.id == b.id and a.id.startswith("h-")
    c = next(iter(parse_path(write_jsonl(tmp_path / "3.jsonl", [{**rec, "text": "Other text."}]))))
    assert c.id != a.id


def test_html_page_main_text_without_navigation(tmp_path):
    html = """<html><head><title>Site | Talks</title>
    <meta property="article:published_time" content="2024-05-02T10:00:00Z"></head>
    <body><nav>Home | About</nav><h1>Leaders hold talks</h1><p>The leaders met in Rome.</p>
    <script>var x = 1;</script><footer>Copyright</footer></body></html>"""
    p = tmp_path / "page.html"
    p.write_text(html)
    (art,) = list(parse_path(p))
    assert art.title == "Leaders hold talks" and art.date == "2024-05-02"
    assert "The leaders met in Rome." in art.text
    assert "Home" not in art.text and "var x" not in art.text and "Copyright" not in art.text


def test_text_is_cleaned(tmp_path):
    rec = {"id": "z", "text": "Zero\u200bwidth  and\r\nCRLF.\n\n\n\nNext para.", "title": "T"}
    (art,) = list(parse_path(write_jsonl(tmp_path / "z.jsonl", [rec])))
    assert art.text == "Zerowidth and\nCRLF.\n\nNext para."


def test_missing_path():
    (err,) = list(parse_path(__import__("pathlib").Path("/no/such/dir")))
    assert "no such file" in err.message
    assert json.dumps(str(err))


def test_folder_walk_skips_readme_but_a_named_readme_indexes(tmp_path):
    from assistant.documents import Article
    from assistant.ingest.parse import parse_path

    (tmp_path / "README.md").write_text("# About this folder\nThese are our articles.")
    (tmp_path / "story.md").write_text("---\ntitle: Talks\n---\nThe ministers met in Oslo.")
    ids = [a.title for a in parse_path(tmp_path) if isinstance(a, Article)]
    assert ids == ["Talks"]
    assert [a for a in parse_path(tmp_path / "README.md") if isinstance(a, Article)]
