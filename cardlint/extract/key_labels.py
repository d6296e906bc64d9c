"""`Key: value` labels in other languages ("ハードウェア:", "使用時間:", "训练时长：") read as the English
template label they render, so one table of key patterns (key_values._KEYS) decides what every key
reports.

The translations live in data/key_labels.csv (label, english, language, source): adding a language is a
data change."""

from __future__ import annotations

import csv
import functools

from cardlint.core.regex_store import compile_pattern
from cardlint.core.resources import resource_path


@functools.cache
def _labels() -> dict[str, str]:
    with resource_path("data", "key_labels.csv").open(encoding="utf-8", newline="") as handle:
        return {row["label"].strip().lower(): row["english"].strip() for row in csv.DictReader(handle)}


_NOTE = compile_pattern(r"[（(][^（()）]{0,40}[）)]")  # "（単位は時間）" (unit: hours) says how, not what


def english_key(key: str) -> str:
    """The English template label `key` renders, else `key` itself (already lowercased and stripped)."""
    if key.isascii():
        return key
    return _labels().get(_NOTE.sub("", key).strip(), key)
