"""The facts one table cell gives, read by its column's kind (or by the cell's own unit when the header says
nothing), each pointing back at the card line it came from."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from cardlint.card.document import Card
from cardlint.extract.device_counts import device_count
from cardlint.extract.hardware_names import find_hardware
from cardlint.extract.kinds import make_fact
from cardlint.extract.layout import Block, clean_text
from cardlint.extract.quantities import Quantity, find_quantities
from cardlint.extract.stages import hours_by_stage
from cardlint.extract.table_columns import EMPTY_CELL, Column, may_hold_words, value_for
from cardlint.extract.table_grid import Cell, Table
from cardlint.types import Fact


def cell_facts(
    card: Card, table: Table, cell: Cell, column: Column, path: str, subject: str | None
) -> Iterator[Fact]:
    kind = column.kind
    if kind == "by-unit" and not may_hold_words(cell.text):
        return  # every unit it reads is a word
    # a cell longer than a line may be is cut like one: a 600 kB cell is a pasted log, not a figure
    block = clean_text(cell.text[: card.limits.max_line_chars], cell.line, cell.column, table.headings)
    text = block.text
    if EMPTY_CELL.match(text):
        return
    if kind == "by-unit":
        yield from _unit_cell_facts(card, table, block, path, subject)
        return
    if kind == "hardware_type":
        for mention in find_hardware(text):
            yield table_fact(
                card, table, block, kind, mention.hardware_id, mention.start, mention.end, path, subject
            )
            count = device_count(text, mention)  # "8x A100" in a Hardware column
            if count is not None:
                devices, start = float(count.value), count.start
                fact = table_fact(
                    card, table, block, "hardware_count", devices, start, mention.end, path, subject
                )
                yield replace(fact, note=count.note) if count.note else fact
            return
        return
    if kind in ("device_hours", "training_duration_days"):  # "Training time: 82,432 GPU hours"
        parts = hours_by_stage(text, table.headings)
        for part in parts:
            fact = table_fact(
                card, table, block, part.kind, part.value, part.first.start, part.first.end, path, subject,
                part.first,
            )  # fmt: skip
            yield replace(fact, derived=part.derived, note=part.note) if part.derived else fact
        if parts:
            return
    for quantity in find_quantities(text):
        value = value_for(kind, quantity, column)
        if value is None:
            continue
        yield table_fact(
            card, table, block, kind, value, quantity.start, quantity.end, path, subject, quantity
        )
        if kind not in ("parameters",):
            return


# A cell whose own unit says what it is ("82,432 GPU hours") under a header that does not.
_UNIT_KINDS = {
    "device_hours": "device_hours",
    "co2": "co2_tonnes",
    "energy": "energy_mwh",
    "parameters": "parameters",
    "tokens": "training_tokens",
    "flop": "training_flop",
}


def _unit_cell_facts(
    card: Card, table: Table, block: Block, path: str, subject: str | None
) -> Iterator[Fact]:
    for quantity in find_quantities(block.text):
        kind = _UNIT_KINDS.get(quantity.dimension)
        if kind is None or (kind == "training_tokens" and quantity.value < 1e8):
            continue
        if kind == "training_flop" and quantity.value < 1e15:
            continue
        yield table_fact(
            card, table, block, kind, quantity.value, quantity.start, quantity.end, path, subject, quantity
        )
        return


def table_fact(
    card: Card,
    table: Table,
    block: Block,
    kind: str,
    value: float | str,
    start: int,
    end: int,
    path: str,
    subject: str | None,
    quantity: Quantity | None = None,
) -> Fact:
    line, column = block.where(start)
    raw = card.lines[line - 1].rstrip("\r") if 0 < line <= len(card.lines) else ""
    return make_fact(
        kind,
        value,
        path=path,
        line=line,
        column=column,
        origin=table.origin,
        quote=raw.strip()[:80],
        subject=subject,
        approximate=bool(quantity and quantity.approximate),
        lower_bound=bool(quantity and quantity.lower_bound),
        ambiguous=bool(quantity and quantity.ambiguous),
    )
