"""Tables read like `Key: value` lines: two-column tables whose first column holds keys (`| Num Parameters |
4.3B |`), and family tables turned on their side, one column per model."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

from cardlint.card.document import Card
from cardlint.core.regex_store import compile_pattern
from cardlint.extract.layout import clean_text, key_value_block
from cardlint.extract.subject import other_subject_name, row_score, size_of
from cardlint.extract.table_columns import column_kind
from cardlint.extract.table_grid import Table
from cardlint.extract.table_rows import is_name
from cardlint.types import Fact

_KEY_WORDS = compile_pattern(
    r"param|tokens|hardware|gpus?\b|hours|training time|flop|carbon|co2|emission|energy|base model|"
    r"finetuned from|"
    r"fine-tuned from|model size",
    re.IGNORECASE,
)


def is_key_value(table: Table) -> bool:
    """Two-column tables whose first column names what the second one holds."""
    rows = [row for row in table.rows if row]
    if not rows or any(len(row) > 3 for row in rows):
        return False
    keyed = sum(1 for row in rows if len(row) >= 2 and _KEY_WORDS.search(row[0].text))
    header_kinds = [column_kind(cell.text) for cell in table.rows[0]]
    return keyed >= 1 and not any(header_kinds[1:])


_CORNER = compile_pattern(r"^\W*(?:models?|name|size|variant|checkpoint|)\W*$", re.IGNORECASE)


def own_model_column(table: Table, subject: str | None) -> int | None:
    """A family table turned on its side ("| | Finch-1B | Finch-7B |" over rows "Parameters", "Tokens"): the
    column whose header names the subject, when every other header names a model too."""
    if not subject or not table.header_rows or len(table.rows) < 2:
        return None
    header = [clean_text(cell.text, cell.line).text.strip() for cell in table.rows[0]]
    if len(header) < 3 or not _CORNER.match(header[0]) or any(column_kind(text) for text in header[1:]):
        return None
    if not all(size_of(text) is not None or is_name(text) for text in header[1:]):
        return None
    scores = [row_score(text, None, subject) for text in header[1:]]
    best = max(scores)
    if best <= 0 or scores.count(best) > 1:
        return None
    return scores.index(best) + 1


def model_column_facts(
    card: Card, table: Table, path: str, subject: str | None, own_column: int
) -> Iterator[Fact]:
    """Each row read as `key: value` once per model column; columns of other models keep their names."""
    from cardlint.extract.key_values import key_value_block_facts

    header = [clean_text(cell.text, cell.line).text.strip() for cell in table.rows[0]]
    for row in table.rows[table.header_rows :]:
        if len(row) < 2:
            continue
        key_block = clean_text(row[0].text, row[0].line, row[0].column, table.headings)
        for index in range(1, min(len(row), len(header))):
            value_block = clean_text(row[index].text, row[index].line, row[index].column, table.headings)
            block = key_value_block(key_block, value_block, table.headings, table.origin)
            column_subject = None if index == own_column else other_subject_name(header[index])
            for fact in key_value_block_facts(card, block, path=path, subject=subject):
                yield replace(fact, subject=column_subject) if column_subject else fact


def key_value_rows(card: Card, table: Table, path: str, subject: str | None) -> Iterator[Fact]:
    from cardlint.extract.key_values import key_value_block_facts

    for row in table.rows:
        if len(row) < 2:
            continue
        key_block = clean_text(row[0].text, row[0].line, row[0].column, table.headings)
        value_block = clean_text(row[1].text, row[1].line, row[1].column, table.headings)
        block = key_value_block(key_block, value_block, table.headings, table.origin)
        yield from key_value_block_facts(card, block, path=path, subject=subject)
