"""card.py: where the front matter starts and ends (as the Hub sees it), positions of keys and values, and
hostile YAML that must fail fast with a located error instead of hanging or exhausting memory."""

from __future__ import annotations

import datetime
import time

import pytest
from huggingface_hub.repocard import REGEX_YAML_BLOCK

from cardlint.card.document import CardReadError, decode, parse_card
from cardlint.core.limits import Limits

SIMPLE = """---
license: mit
language:
- en
- fr
model-index:
- name: tiny
  results: []
---
# Tiny

Body text.
"""


def test_keys_and_values_have_file_lines_and_columns() -> None:
    fm = parse_card(SIMPLE).front_matter
    assert fm is not None and fm.closed and fm.error is None
    assert (fm.start_line, fm.end_line) == (2, 9)
    license_mark = fm.marks[("license",)]
    assert (license_mark.key_line, license_mark.key_column) == (2, 1)
    assert (license_mark.value_line, license_mark.value_column) == (2, 10)
    assert (fm.marks[("language", 1)].value_line, fm.marks[("language", 1)].value_column) == (5, 3)
    assert fm.marks[("model-index", 0, "name")].value_line == 7
    assert fm.line_of(("model-index", 0, "results")) == 8


def test_body_sections_use_file_lines() -> None:
    card = parse_card(SIMPLE)
    assert card.body_start_line == 10
    assert [(section.title, section.line) for section in card.sections] == [("Tiny", 10)]


def test_crlf_card_keeps_lines_and_positions() -> None:
    card = parse_card(SIMPLE.replace("\n", "\r\n"))
    fm = card.front_matter
    assert fm is not None and fm.error is None
    assert card.metadata["language"] == ["en", "fr"]
    assert fm.marks[("language", 1)].value_line == 5
    assert card.lines[1] == "license: mit\r"
    assert card.body_start_line == 10


def test_byte_order_mark_is_dropped_before_the_opening_line() -> None:
    text, problem = decode(b"\xef\xbb\xbf" + SIMPLE.encode())
    card = parse_card(text)
    assert problem is None
    assert card.metadata["license"] == "mit"
    assert card.front_matter is not None and card.front_matter.marks[("license",)].key_column == 1


def test_unclosed_front_matter_has_no_metadata() -> None:
    card = parse_card("---\nlicense: mit\n# Title\n")
    assert card.front_matter is not None and not card.front_matter.closed
    assert card.metadata == {}
    assert card.body_start_line == 1


def test_duplicate_keys_are_recorded_with_both_lines() -> None:
    fm = parse_card("---\nlicense: mit\ntags: [a]\nlicense: apache-2.0\n---\n").front_matter
    assert fm is not None
    [duplicate] = fm.duplicates
    assert (duplicate.path, duplicate.line, duplicate.column, duplicate.first_line) == (("license",), 4, 1, 2)
    assert fm.data["license"] == "apache-2.0"  # PyYAML keeps the last value


def test_nested_duplicate_keys_are_found() -> None:
    fm = parse_card("---\nco2_eq_emissions:\n  emissions: 1\n  emissions: 2\n---\n").front_matter
    assert fm is not None
    assert [(d.path, d.line, d.column) for d in fm.duplicates] == [(("co2_eq_emissions", "emissions"), 4, 3)]


def test_yaml_error_carries_the_file_position() -> None:
    fm = parse_card("# not a heading line\n", "x").front_matter
    assert fm is None
    fm = parse_card("---\nlicense: mit\ntags:\n\t- audio\n---\n").front_matter
    assert fm is not None and fm.error is not None
    assert (fm.error.line, fm.error.column) == (4, 1)


def test_yaml_11_values_are_read_as_the_hub_reads_them_and_recorded() -> None:
    text = (
        "---\nlanguage:\n- en\n- no\nrelease: 2024-05-01\nsize: 24_700_000\nflop: 3.8e25\nok: 1.0e+25\n---\n"
    )
    fm = parse_card(text).front_matter
    assert fm is not None
    assert fm.data["language"] == ["en", False]
    assert fm.data["release"] == datetime.date(2024, 5, 1)
    assert fm.data["flop"] == "3.8e25"
    found = [(s.path, s.kind, s.line, s.column) for s in fm.surprises]
    assert found == [
        (("language", 1), "bool", 4, 3),
        (("release",), "timestamp", 5, 10),
        (("size",), "int", 6, 7),
        (("flop",), "str", 7, 7),
    ]


def test_special_floats_and_plain_numbers_are_not_surprises() -> None:
    fm = parse_card("---\na: .nan\nb: -.inf\nc: 12\nd: 0.5\ne: true\n---\n").front_matter
    assert fm is not None and fm.surprises == []


def test_alias_bomb_fails_fast_with_a_located_error() -> None:
    lines = ["---", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 10):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 10) + "]")
    lines.append("---")
    started = time.perf_counter()
    fm = parse_card("\n".join(lines) + "\n").front_matter
    assert time.perf_counter() - started < 2
    assert fm is not None and fm.error is not None
    assert "alias" in fm.error.message
    assert fm.data is None


def test_recursive_alias_is_an_error_not_a_hang() -> None:
    started = time.perf_counter()
    fm = parse_card("---\na: &x [1, *x]\n---\nbody\n").front_matter
    assert time.perf_counter() - started < 2
    assert fm is not None and fm.error is not None and fm.error.line == 2


def test_shared_aliases_that_are_not_cycles_still_load() -> None:
    fm = parse_card("---\nbase: &b [1, 2]\nx: [*b, *b]\ny: {k: *b}\n---\n").front_matter
    assert fm is not None and fm.error is None
    assert fm.data["x"] == [[1, 2], [1, 2]]


def test_deep_nesting_is_bounded() -> None:
    deep = "---\nk: " + "[" * 5000 + "]" * 5000 + "\n---\n"
    started = time.perf_counter()
    fm = parse_card(deep, limits=Limits(max_yaml_depth=64)).front_matter
    assert time.perf_counter() - started < 2
    assert fm is not None and fm.error is not None and "deeper" in fm.error.message


def test_binary_bytes_are_not_a_card() -> None:
    with pytest.raises(CardReadError):
        decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00")


def test_invalid_utf8_is_repaired_and_reported() -> None:
    text, problem = decode(b"---\nlicense: mit\n---\nMod\xe8le\n")
    assert problem is not None and "UTF-8" in problem
    assert parse_card(text).metadata == {"license": "mit"}


# The Hub's own front-matter pattern (huggingface_hub says it is the server's regex) decides whether a card
# has metadata; cardlint must agree with it on every edge case. One known divergence: the Hub also takes a
# lone CR (old Mac files) as a line break, while cardlint's lines are split on LF only.
HUB_EDGE_CASES = [
    "---\nlicense: mit\n---\nbody",
    "---\r\nlicense: mit\r\n---\r\nbody",
    "\n\n---\nlicense: mit\n---\nbody",
    "  ---\nlicense: mit\n---\nbody",
    "---\nlicense: mit\n--- \t\nbody",
    "---\nlicense: mit\n---",
    "---\nlicense: mit\nbody",
    "# title\n---\nlicense: mit\n---\n",
    "---\nlicense: mit\n ---\nbody",
    "---\nlicense: mit\n----\nbody",
    "---\nlicense: mit\nsome text---\n",
    "---\r\r\nlicense: mit\r\r\n---\r\r\nbody",
    "---\n---\nlicense: mit\n---\nbody",
    "---\n---\n# title\n",
    "---\nlicense: mit\n---\r",
]


@pytest.mark.parametrize("text", HUB_EDGE_CASES)
def test_metadata_found_exactly_where_the_hub_finds_it(text: str) -> None:
    match = REGEX_YAML_BLOCK.search(text)
    card = parse_card(text)
    assert bool(card.metadata) == (match is not None)
    if match is not None:
        assert card.metadata == {"license": "mit"}


def test_opening_with_trailing_spaces_is_parsed_but_marked_as_invisible_to_the_hub() -> None:
    text = "--- \nlicense: mit\n---\nbody"
    assert REGEX_YAML_BLOCK.search(text) is None
    fm = parse_card(text).front_matter
    assert fm is not None and not fm.opening_exact and fm.closed


def test_surprises_before_a_syntax_error_are_salvaged_without_data() -> None:
    fm = parse_card("---\nlanguage:\n- no\nlicense: mit\nsplit: test\t\n---\nText\n").front_matter
    assert fm is not None and fm.error is not None and fm.error.line == 5
    assert [(s.path, s.kind, s.line) for s in fm.surprises] == [(("language", 0), "bool", 3)]
    assert fm.data is None and fm.marks == {}
