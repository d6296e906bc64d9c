"""Which model a table row is about: the cell that names it (`OLMo 7B`) and the size it gives, so the row
naming the card's subject can be told from rows of other sizes."""

from __future__ import annotations

import functools
import re

from cardlint.core.regex_store import compile_pattern
from cardlint.extract.layout import clean_text
from cardlint.extract.quantities import find_quantities
from cardlint.extract.subject import size_of, subject_size
from cardlint.extract.table_columns import Column, may_hold_words
from cardlint.extract.table_grid import Cell


def names_other_model(label: str, subject: str | None) -> bool:
    if not label or not subject:
        return False
    return size_of(label) is not None and subject_size(subject) is not None


def readable_label(label: str, size: float | None) -> str:
    if size is not None and size_of(label) is None:
        return f"{label} {size / 1e9:g}B".strip()
    return label or "other row"


_QUANTITY_WORDS = compile_pattern(
    r"\b(?:thousand|million|billion|trillion|params?|parameters|tokens?|hours?|days?|[KMBTG])\b",
    re.IGNORECASE,
)


def name_cell_index(row: list[Cell], columns: dict[int, Column]) -> int:
    """The cell that names the row's model: the first with a name in it (`OLMo 7B`, `Llama 3.1 8B`), even in
    a size column; else the first non-figure cell."""
    for index, cell in enumerate(row):
        if is_name(cell.text):
            return index
    for index, cell in enumerate(row):
        if index not in columns and cell.text.strip():
            return index
    return -1


@functools.lru_cache(maxsize=4096)
def is_name(text: str) -> bool:
    """Pure in `text` and asked again for every cell of a row, so remembered."""
    if not may_hold_words(text):
        return False  # no letters once cleaned: no name
    cleaned = clean_text(text, 0).text
    for quantity in find_quantities(cleaned):
        cleaned = cleaned.replace(quantity.text, " ", 1)
    return re.search(r"[^\W\d_]{2,}", _QUANTITY_WORDS.sub(" ", cleaned)) is not None


def row_label(row: list[Cell], columns: dict[int, Column]) -> str:
    index = name_cell_index(row, columns)
    if index < 0:
        return ""
    text = clean_text(row[index].text, row[index].line).text
    return re.sub(r"\s+", " ", text).strip()


def row_size(row: list[Cell], param_columns: list[int], columns: dict[int, Column]) -> float | None:
    for index in param_columns:
        if index < len(row):
            for quantity in find_quantities(clean_text(row[index].text, row[index].line).text):
                value = quantity.value if quantity.magnitude else quantity.value * columns[index].scale
                if value >= 1e6:
                    return value
    return None
