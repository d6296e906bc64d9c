"""Figures in Markdown tables and HTML `<table>`s, with family rows told apart.

A table's header says what its numbers are (`Time (GPU hours)`, `Params / M`, `Carbon Emitted (tCO2eq)`); its
first cell (or its size column) says which model a row is about. The row that names the card's subject gives
the card's own facts; every other row (other sizes, the Total row) is kept with its own `subject`. Two-column
tables whose first column holds keys (`| Num Parameters | 4.3B |`) read like `Key: value` lines.

This module decides which row (or column) is the subject's; the parts live beside it: table_grid reads the
tables, table_columns the headers, table_rows the row names, table_cells a cell's facts, table_keys the
key/value tables.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

from cardlint.card.document import Card
from cardlint.core.regex_store import compile_pattern
from cardlint.extract.kinds import DATASET_SIZE
from cardlint.extract.layout import Layout, clean_text
from cardlint.extract.subject import normalise, other_subject_name, row_score, size_of
from cardlint.extract.table_cells import cell_facts, table_fact
from cardlint.extract.table_columns import SKIP_HEADER, Column, column_kind, mostly_values
from cardlint.extract.table_grid import Cell, Table, card_tables
from cardlint.extract.table_keys import is_key_value, key_value_rows, model_column_facts, own_model_column
from cardlint.extract.table_rows import (
    name_cell_index,
    names_other_model,
    readable_label,
    row_label,
    row_size,
)
from cardlint.types import Fact


def table_facts(card: Card, layout: Layout, *, path: str, subject: str | None) -> list[Fact]:
    facts: list[Fact] = []
    for table in card_tables(card, layout):
        facts.extend(_facts_of(card, table, path, subject))
    return facts


def _facts_of(card: Card, table: Table, path: str, subject: str | None) -> Iterator[Fact]:
    if not table.rows:
        return
    header = table.rows[0] if table.header_rows else []
    body = table.rows[table.header_rows :]
    own_column = own_model_column(table, subject)
    if own_column is not None:
        yield from model_column_facts(card, table, path, subject, own_column)
        return
    if is_key_value(table):
        yield from key_value_rows(card, table, path, subject)
        return
    kinds = {index: column_kind(cell.text) for index, cell in enumerate(header)}
    columns = {
        index: column
        for index, column in kinds.items()
        if column is not None and mostly_values(body, index, column)
    }
    if not body:
        return
    param_columns = [index for index, column in columns.items() if column.kind == "parameters"]
    labels = [row_label(row, columns) for row in body]
    sizes = [row_size(row, param_columns, columns) for row in body]
    scores = [row_score(label, size, subject) for label, size in zip(labels, sizes, strict=True)]
    best = max(scores) if scores else 0.0
    data_rows = [index for index, label in enumerate(labels) if label.strip().lower() not in ("total", "sum")]
    own_row: int | None = None
    if best > 0 and scores.count(best) == 1:
        own_row = scores.index(best)
    elif best == 0 and len(data_rows) == 1 and not names_other_model(labels[data_rows[0]], subject):
        own_row = data_rows[0]
    if own_row is not None:
        yield from _row_base_model(card, table, body[own_row], columns, path, subject)
    elif best == 0 and _describes_the_model(header, labels):
        for row in body:
            found = list(_row_base_model(card, table, row[1:], {}, path, subject))
            if found:
                yield found[0]
                break
    mix_total = None if own_row is not None or best > 0 else _data_mix_total(table, labels, sizes, columns)
    if mix_total is not None:
        own_row = mix_total
    unit_columns = {
        index: Column("by-unit", 1.0, cell.text)
        for index, cell in enumerate(header)
        if index not in columns and kinds.get(index) is None and not SKIP_HEADER.search(cell.text)
    }
    columns = {**columns, **unit_columns}
    if not columns:
        return
    for row_index, row in enumerate(body):
        row_subject = (
            None
            if row_index == own_row
            else other_subject_name(readable_label(labels[row_index], sizes[row_index]))
        )
        label_index = name_cell_index(row, columns)  # once per row, not once per cell
        for index, column in columns.items():
            if index >= len(row) or (index == label_index and columns[index].kind != "parameters"):
                continue
            for fact in cell_facts(card, table, row[index], column, path, row_subject):
                if row_index == mix_total and fact.kind in ("training_tokens", "fine_tune_tokens"):
                    fact = replace(fact, note=DATASET_SIZE)
                yield fact


_DATA_WORDS = compile_pattern(
    r"\b(?:sub-?sets?|datasets?|data|sources?|domains?|corp(?:us|ora)|splits?|mix)\b", re.I
)


def _data_mix_total(
    table: Table, labels: list[str], sizes: list[float | None], columns: dict[int, Column]
) -> int | None:
    """The Total row of a table of training data (rows are subsets, not models: "| Subset | Tokens (B) |"
    under "Datasets and Mix"): the size of the data the card's model was trained on."""
    if not any(column.kind == "training_tokens" for column in columns.values()):
        return None
    if any(size is not None for size in sizes) or any(size_of(label) is not None for label in labels):
        return None
    header = " ".join(cell.text for cell in table.rows[0]) if table.header_rows else ""
    if not (_DATA_WORDS.search(header) or any(_DATA_WORDS.search(title) for title in table.headings[-2:])):
        return None
    totals = [index for index, label in enumerate(labels) if normalise(label) in ("total", "sum", "overall")]
    return totals[-1] if len(totals) == 1 else None


_DESCRIPTION_HEADER = compile_pattern(r"^\s*(?:description|details?|value|information|notes?)\s*$", re.I)


def _describes_the_model(header: list[Cell], labels: list[str]) -> bool:
    """A "| Model Detail | Description |" table: two columns whose rows are fields of the card's model
    (labels without digits, slashes or hyphens, so not a list of other models), described in prose."""
    if len(header) != 2 or not _DESCRIPTION_HEADER.match(header[1].text):
        return False
    return not any(re.search(r"[\d/-]", label) for label in labels)


def _row_base_model(
    card: Card, table: Table, row: list[Cell], columns: dict[int, Column], path: str, subject: str | None
) -> Iterator[Fact]:
    """A description cell of the subject's own row may say what it was fine-tuned from."""
    from cardlint.extract.base_model import base_models_in

    for index, cell in enumerate(row):
        if index in columns:
            continue
        block = clean_text(cell.text, cell.line, cell.column, table.headings)
        for name, start, end in base_models_in(block, 0, block.text, subject):
            yield table_fact(card, table, block, "base_model", name, start, end, path, None)
            return
