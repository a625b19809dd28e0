"""The `[n]` marker format (assistant/answer/markers.py): parse, remove, replace, split, first paragraph."""

from __future__ import annotations

from assistant.answer import markers


def test_numbers_in_order_with_repeats_adjacent_and_multi_digit():
    assert markers.numbers("A [1][2] and B [12] then A again [1].") == [1, 2, 12, 1]
    assert markers.numbers("[100] [999]") == [100, 999]


def test_brackets_that_are_not_markers_are_text():
    text = "He said [sic] it [2019] was [The interpretive audio devices are adjusted.] over [a1] [ 1] [1a] [-1]."
    assert markers.numbers(text) == []
    assert markers.remove(text) == text
    assert markers.pieces(text) == [text]
    assert markers.numbers("[1234]") == [] and markers.remove("x [1234]") == "x [1234]"


def test_remove_takes_the_one_space_before_each_marker():
    assert markers.remove("Rabat [1] and Paris [2][3].") == "Rabat and Paris."
    assert markers.remove("Rabat [1] [2]") == "Rabat"
    assert markers.remove("[1] Rabat") == " Rabat"
    assert markers.remove("Rabat  [1]") == "Rabat "  # not trimmed: callers decide


def test_replace_bare_or_with_the_space_before():
    assert markers.replace("A [1] B [12]", lambda n: f"<{n}>") == "A <1> B <12>"
    assert markers.replace("A [1][2] [sic]", lambda n: "" if n == 2 else f" [{n + 1}]", spaced=True) == "A [2] [sic]"


def test_write_and_opening_run():
    assert markers.marker(3) == "[3]"
    assert markers.cited([1, 2]) == " [1] [2]" and markers.cited([]) == ""
    assert markers.opening(" [1] [2]Next sentence [3].") == " [1] [2]"
    assert markers.opening("Next [1]") == ""
    assert markers.opening("[sic] [1]") == ""


def test_pieces_alternate_text_and_numbers():
    assert markers.pieces("A [1][2] b [sic] [12]") == ["A ", 1, 2, " b [sic] ", 12]
    assert markers.pieces("") == []


def test_first_paragraph_without_markers():
    assert markers.first_paragraph("Rabat [1]; Paris [2]\n\nmore [3]") == "Rabat; Paris"
    assert markers.first_paragraph("  A [1] and B [2]\n\nmore") == "A and B"
    assert markers.first_paragraph("[1][2]") == ""
    assert markers.first_paragraph("One line\nsecond [1]\n\nthird") == "One line\nsecond"
    assert markers.first_paragraph("He said [sic] so [1].") == "He said [sic] so."
