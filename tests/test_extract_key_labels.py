"""`Key: value` template fields written in Japanese, Chinese and Korean, read through data/key_labels.csv.
Lines are our own."""

from __future__ import annotations

import csv

import pytest
from extract_support import own

from cardlint.card.document import parse_card
from cardlint.core.resources import resource_path
from cardlint.extract import extract_facts
from cardlint.extract.key_labels import english_key
from cardlint.types import Fact

_PATH = "README.md"


def facts_of(text: str) -> list[Fact]:
    return extract_facts(parse_card(text, _PATH), path=_PATH, subject="example/Wren-1B")


def test_every_label_row_has_a_source_and_an_english_key() -> None:
    with resource_path("data", "key_labels.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows
    for row in rows:
        assert row["label"].strip() and row["english"].strip() and row["source"].strip(), row
        assert row["english"].isascii()


@pytest.mark.parametrize(("label", "english"), [("ハードウェア", "hardware"), ("使用时长", "hours used")])
def test_labels_read_as_english(label: str, english: str) -> None:
    assert english_key(label) == english


def test_a_bracketed_note_after_the_label() -> None:
    assert own(facts_of("# Wren-1B\n\n- **使用時間（単位は時間）:** 450\n"), "device_hours") == [450]


def test_unknown_and_english_labels_are_left_alone() -> None:
    assert english_key("ライセンス") == "ライセンス"
    assert english_key("hardware type") == "hardware type"


def test_japanese_template_fields() -> None:
    facts = facts_of("# Wren-1B\n\n- ハードウェア: H100 x 4\n- 使用時間: 2日間\n")
    assert own(facts, "hardware_type") == ["h100"]
    assert own(facts, "hardware_count") == [4]
    assert own(facts, "training_duration_days") == [2.0]
    assert own(facts, "device_hours") == [pytest.approx(192)]


def test_chinese_field_with_a_full_width_colon() -> None:
    facts = facts_of("# Wren-1B\n\n- 硬件类型：8 x A800\n- 训练时长：36小时\n")
    assert own(facts, "hardware_count") == [8]
    assert own(facts, "training_duration_days") == [pytest.approx(1.5)]


def test_korean_hours_used_in_hours_are_device_hours() -> None:
    assert own(facts_of("# Wren-1B\n\n- 사용 시간: 120시간\n"), "device_hours") == [120]
