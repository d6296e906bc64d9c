"""CL307: a table's Total row that is not the sum of its rows."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from cardlint.checks import CheckContext, check, finding
from cardlint.checks.figure_helpers import _ratio
from cardlint.compute.methods import significant_digits
from cardlint.compute.options import constants
from cardlint.core.regex_store import compile_pattern
from cardlint.types import Finding

_TOTAL_LABEL = compile_pattern(r"^\W*(total|sum|overall|all models)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class TableRow:
    line: int  # 1-based file line of the row's first cell
    cells: tuple[str, ...]
    lines: tuple[int, ...] = ()  # file line of each cell (HTML cells often sit on lines of their own)
    columns: tuple[int, ...] = ()  # file column of each cell
    header: bool = False

    def line_of(self, column: int) -> int:
        return self.lines[column] if column < len(self.lines) else self.line

    def column_of(self, column: int) -> int:
        return self.columns[column] if column < len(self.columns) else 1


def card_tables(card: Any) -> list[list[TableRow]]:
    """Markdown and HTML tables of the card (spans expanded, code skipped), read by the facts extractor's
    table reader so both see the same cells."""
    from cardlint.extract.layout import layout_of
    from cardlint.extract.table_grid import card_tables as tables_read

    tables = []
    for table in tables_read(card, layout_of(card)):
        rows = [
            TableRow(
                line=row[0].line,
                cells=tuple(cell.text for cell in row),
                lines=tuple(cell.line for cell in row),
                columns=tuple(cell.column for cell in row),
                header=all(cell.header for cell in row),
            )
            for row in table.rows
            if row
        ]
        tables.append(rows)
    return tables


def _cell_number(text: str) -> tuple[float, float] | None:
    """(value, half a unit of its last digit) of a cell holding one plain figure, else None."""
    from cardlint.extract.quantities import parse_quantity

    cleaned = re.sub(r"[*_`]|<[^>]{0,100}>", "", text).strip()
    if not cleaned or not re.match(r"^[~≈]?\s*[\d.,]", cleaned):
        return None
    quantity = parse_quantity(cleaned)
    if quantity is None:
        return None
    digits = significant_digits(quantity.text.split()[0]) if quantity.text else ""
    half = quantity.value * 0.5 / int(digits) if digits and int(digits) > 0 else 0.0
    return quantity.value, half


def total_row_mismatches(
    table: Sequence[TableRow],
) -> Iterator[tuple[TableRow, int, float, float, list[TableRow]]]:
    """(total row, column, stated total, row sum, rows summed) for each column that does not add up."""
    tolerance = float(constants()["tables"]["total_tolerance"])
    body = [row for row in table if not row.header]
    header = next((row for row in table if row.header), None)
    if header is None and body and all(_cell_number(cell) is None for cell in body[0].cells[1:]):
        header, body = body[0], body[1:]
    for position, row in enumerate(body):
        if not row.cells or not _TOTAL_LABEL.match(re.sub(r"<[^>]{0,100}>|[*_]", "", row.cells[0])):
            continue
        rows = body[:position]
        if len(rows) < 2:
            continue
        for column in range(1, len(row.cells)):
            total = _cell_number(row.cells[column])
            if total is None:
                continue
            parts = [
                _cell_number(other.cells[column]) if column < len(other.cells) else None for other in rows
            ]
            if any(part is None for part in parts):
                continue
            numbers = [part for part in parts if part is not None]
            summed = sum(value for value, _half in numbers)
            slack = max(tolerance * abs(total[0]), total[1] + sum(half for _value, half in numbers))
            if abs(summed - total[0]) > slack:
                yield row, column, total[0], summed, rows


@check("CL307")
def total_row_mismatch(ctx: CheckContext) -> Iterator[Finding]:
    """A family table's Total row that is not the sum of the rows above it."""
    for table in card_tables(ctx.card):
        header = next((row for row in table if row.header), table[0] if table else None)
        for row, column, total, summed, rows in total_row_mismatches(table):
            name = (
                header.cells[column]
                if header is not None and column < len(header.cells)
                else f"column {column + 1}"
            )
            name = re.sub(r"<[^>]{0,100}>", "", name)
            yield finding(
                "CL307",
                f"Total row says {total:,.10g} for '{name.strip()}' but the {len(rows)} rows above sum to "
                f"{summed:,.10g} ({_ratio(total, summed):.3g}× apart): a row missing or a figure wrong",
                ctx.at(row.line_of(column), row.column_of(column)),
                related=[ctx.at(other.line_of(column), other.column_of(column)) for other in rows],
                fix="add the missing rows or correct the total",
                column=column,
            )
