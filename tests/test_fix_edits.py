"""Span edits: each changes exactly the lines it means to and copies every other byte through."""

from __future__ import annotations

import pytest
import yaml
from fix_support import CARDS, front_matters
from hypothesis import given
from hypothesis import strategies as st

from cardlint.card.document import parse_card
from cardlint.fix.edits import (
    EditRefused,
    add_front_matter,
    editable_card,
    find_block,
    insert_into_mapping,
    insert_top_level,
    newline_of,
    replace_token,
    set_top_level,
    top_level_blocks,
)


def test_crlf_card_keeps_every_byte_and_new_lines_use_crlf() -> None:
    text = (CARDS / "crlf.md").read_bytes().decode()
    assert newline_of(text) == "\r\n"
    new = insert_top_level(text, ["extra:", "  a: 1"])
    closing = text.index("---\r\n# Demo")
    assert new == text[:closing] + "extra:\r\n  a: 1\r\n" + text[closing:]
    assert not new.endswith("\n")  # the missing final newline stays missing


def test_blocks_exclude_trailing_blank_lines_and_column_one_comments() -> None:
    card = editable_card((CARDS / "crlf.md").read_bytes().decode())
    blocks = {block.key: (block.start, block.end) for block in top_level_blocks(card)}
    # 0-based lines: tags is line 6; the blank line 7 belongs to no key; datasets spans 8..10 with its comment
    assert blocks["tags"] == (6, 7)
    assert blocks["datasets"] == (8, 11)
    assert blocks["language"] == (3, 6)


def test_set_top_level_replaces_only_that_block() -> None:
    text = "---\na: 1  # keep\nb:\n  - x\n  # inner\n  - y\n\n# about c\nc: 'q'\n---\nbody\n"
    new = set_top_level(text, "b", ["b: [z]"])
    assert new == "---\na: 1  # keep\nb: [z]\n\n# about c\nc: 'q'\n---\nbody\n"


def test_set_top_level_appends_a_missing_key_before_the_closing_line() -> None:
    text = "---\na: 1\n---\nbody\n"
    assert set_top_level(text, "b", ["b: 2"]) == "---\na: 1\nb: 2\n---\nbody\n"


def test_insert_into_mapping_adds_after_the_last_child() -> None:
    text = "---\nm:\n    k: 1\n    # note\nn: 2\n---\n"
    new = insert_into_mapping(text, "m", ["    j: 3"])
    assert new == "---\nm:\n    k: 1\n    # note\n    j: 3\nn: 2\n---\n"
    assert yaml.safe_load(new.split("---\n")[1]) == {"m": {"k": 1, "j": 3}, "n": 2}


def test_replace_token_refuses_when_the_token_is_not_there() -> None:
    text = "---\nlicence: mit\n---\n"
    assert replace_token(text, 2, 1, "licence:", "license:") == "---\nlicense: mit\n---\n"
    with pytest.raises(EditRefused):
        replace_token(text, 2, 2, "licence:", "license:")
    with pytest.raises(EditRefused):
        replace_token(text, 9, 1, "x", "y")


@pytest.mark.parametrize(
    "text",
    [
        "no front matter\n",
        "---\na: 1\n",  # never closed
        "---\na:\n\t- b\n---\n",  # TAB: a YAML error for PyYAML
        "---\n- a\n- b\n---\n",  # a list, not a mapping
        "---\na: 1\na: 2\n---\n",  # duplicate key
        "---\n  a: 1\n  b: 2\n---\n",  # mapping indented as a whole
        "---\n{a: 1, b: 2}\n---\n",  # flow mapping
    ],
)
def test_uneditable_front_matters_are_refused(text: str) -> None:
    with pytest.raises(EditRefused):
        editable_card(text)


def test_empty_front_matter_accepts_an_insertion() -> None:
    new = insert_top_level("---\n# only a comment\n---\nbody\n", ["k: 1"])
    assert new == "---\n# only a comment\nk: 1\n---\nbody\n"


def test_add_front_matter_keeps_the_card_after_it() -> None:
    text = "# Title\r\n\r\ntext\r\n"
    new = add_front_matter(text, ["# hello"])
    assert new == "---\r\n# hello\r\n---\r\n" + text
    assert parse_card(new).front_matter is not None
    with pytest.raises(EditRefused):
        add_front_matter(new, ["# again"])


def test_find_block_of_a_missing_key_is_none() -> None:
    card = editable_card("---\na: 1\n---\n")
    assert find_block(card, "b") is None


# ------------------------------------------------------------------ property: any layout survives


@given(front_matters(), st.booleans())
def test_insertion_keeps_every_original_line_in_order(text: str, crlf: bool) -> None:
    if crlf:
        text = text.replace("\n", "\r\n")
    try:
        new = insert_top_level(text, ["zz_new:", "  a: 1"])
    except EditRefused:
        return  # a layout we refuse is left alone, which is also safe
    newline = "\r\n" if crlf else "\n"
    inserted = f"zz_new:{newline}  a: 1{newline}"
    at = new.index(inserted)
    assert at == 0 or new[at - 1] == "\n"  # whole lines, at a line start
    assert new[:at] + new[at + len(inserted) :] == text
    before, after = parse_card(text), parse_card(new)
    assert {k: v for k, v in after.metadata.items() if k != "zz_new"} == before.metadata
    assert after.body == before.body
