"""The table readers skip cells of bare numbers without changing what a table gives."""

from __future__ import annotations

from extract_support import facts_of, own

from cardlint.extract.table_columns import may_hold_words


def test_only_cells_without_letters_are_skipped() -> None:
    assert not may_hold_words("0.2345")
    assert not may_hold_words(" 1,500 | ")
    assert may_hold_words("82,432 GPU hours")
    assert may_hold_words("7B")
    assert may_hold_words("3000亿参数")  # CJK units are words too
    assert may_hold_words("5&#66;")  # a numeric entity decodes to a letter


def test_a_table_of_scores_still_gives_the_unit_cells_beside_it() -> None:
    card = (
        "# Wren-1B\n\n"
        "| Epoch | Loss | Compute |\n|---|---|---|\n"
        "| 1 | 0.2345 | 1,200 GPU hours |\n| 2 | 0.1987 | 0.5 |\n"
    )
    assert own(facts_of(card), "device_hours") == [1200.0]
