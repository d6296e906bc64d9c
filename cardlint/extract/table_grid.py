"""A card's tables read into grids of cells: Markdown pipe tables and HTML tables (rowspan and colspan
expanded, with the standard library's HTMLParser, never regexes), read once per Layout so the facts
extractor and CL307 share them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import cast

from cardlint.card.document import Card
from cardlint.extract.layout import Layout


@dataclass(slots=True)
class Cell:
    text: str
    line: int
    column: int
    header: bool = False
    rowspan: int = 1
    colspan: int = 1


@dataclass
class Table:
    rows: list[list[Cell]]
    origin: str  # table | html-table
    header_rows: int = 1
    headings: tuple[str, ...] = ()


def markdown_tables(card: Card, layout: Layout) -> Iterator[Table]:
    count = 0
    for block in card.blocks:
        if block.type != "table":
            continue
        rows: list[list[Cell]] = []
        header_rows = 0
        for table_row in block.rows:
            row_line = table_row.line + 1
            raw = card.lines[row_line - 1] if 0 < row_line <= len(card.lines) else ""
            row: list[Cell] = []
            search_from = 0
            for content in table_row.cells:
                position = raw.find(content, search_from) if content else -1
                column = position + 1 if position >= 0 else 1
                if position >= 0:
                    search_from = position + len(content)
                row.append(Cell(content, row_line, column, table_row.header))
            rows.append(row)
            header_rows += table_row.header
        count += 1
        if count > card.limits.max_tables:
            return
        first = rows[0][0].line if rows and rows[0] else 0
        yield Table(rows, "table", max(header_rows, 1), layout.headings(first) if first else ())


class _HtmlTables(HTMLParser):
    """Collects <table>s as grids of cells with file positions; nested tables are read separately."""

    def __init__(self, first_line: int, lines: list[str], max_cells: int) -> None:
        super().__init__(convert_charrefs=True)
        self.first_line = first_line
        self.lines = lines
        self.max_cells = max_cells
        self.stack: list[list[list[Cell]]] = []
        self.tables: list[list[list[Cell]]] = []
        self.cell: Cell | None = None
        self.cell_parts: list[str] = []
        self.cells = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._close_cell()  # a cell holding a nested table ends there; it belongs to the outer table
            self.stack.append([])
        elif not self.stack:
            return
        elif tag == "tr":
            self._close_cell()
            self.stack[-1].append([])
        elif tag in ("td", "th"):
            self._close_cell()
            if not self.stack[-1]:
                self.stack[-1].append([])
            values = dict(attrs)
            line, offset = self.getpos()
            self.cell = Cell(
                "",
                self.first_line + line - 1,
                offset + 1,
                tag == "th",
                _span(values.get("rowspan")),
                _span(values.get("colspan")),
            )
            self.cell_parts = []
        elif tag == "br" and self.cell is not None:
            self.cell_parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if not self.stack:
            return
        if tag in ("td", "th"):
            self._close_cell()
        elif tag == "table":
            self._close_cell()
            self.tables.append(self.stack.pop())

    def handle_data(self, data: str) -> None:
        if self.cell is None:
            return
        if not "".join(self.cell_parts).strip() and data.strip():
            line, offset = self.getpos()
            leading = data[: len(data) - len(data.lstrip())]
            newlines = leading.count("\n")
            if newlines:
                line += newlines
                offset = len(leading) - leading.rfind("\n") - 1
            else:
                offset += len(leading)
            self.cell.line = self.first_line + line - 1
            self.cell.column = offset + 1
        self.cell_parts.append(data)

    def _close_cell(self) -> None:
        if self.cell is None or not self.stack:
            self.cell = None
            return
        self.cells += 1
        if self.cells <= self.max_cells:
            self.cell.text = re.sub(r"\s+", " ", "".join(self.cell_parts)).strip()
            if not self.stack[-1]:
                self.stack[-1].append([])
            self.stack[-1][-1].append(self.cell)
        self.cell = None


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 1000))
    except ValueError:
        return 1


def html_tables(card: Card, layout: Layout) -> Iterator[Table]:
    count = 0
    for first, last in layout.html_table_ranges:
        text = "\n".join(line.rstrip("\r") for line in card.lines[first - 1 : last])
        parser = _HtmlTables(first, card.lines, card.limits.max_table_cells)
        try:
            parser.feed(text)
            parser.close()
        except (AssertionError, ValueError):  # malformed markup: keep what was read
            pass
        for grid in parser.tables:
            count += 1
            if count > card.limits.max_tables:
                return
            rows = _expand_spans(grid, card.limits.max_table_cells)
            if rows:
                header_rows = 1
                yield Table(rows, "html-table", header_rows, layout.headings(first))


_MAX_COLUMNS = 200


def _expand_spans(grid: list[list[Cell]], budget: int) -> list[list[Cell]]:
    """Place each cell in every row and column it spans (the Llama tables use rowspan for shared values).

    Spans are cut to the rows that exist and to 200 columns, and the whole grid to `budget` placed cells, so
    `rowspan="999999"` on every cell cannot blow up."""
    result: list[list[Cell]] = []
    pending: dict[tuple[int, int], Cell] = {}
    rows_left = len(grid)
    for row_index, row in enumerate(grid):
        rows_left -= 1
        if budget <= 0:
            break
        placed: list[Cell] = []
        column = 0
        cells = iter(row)
        while True:
            if (row_index, column) in pending:
                placed.append(pending.pop((row_index, column)))
                column += 1
                continue
            cell = next(cells, None)
            if cell is None:
                break
            width = max(1, min(cell.colspan, _MAX_COLUMNS - column))
            height = min(cell.rowspan - 1, rows_left)
            if column >= _MAX_COLUMNS or budget < width * (height + 1):
                break
            budget -= width * (height + 1)
            for span_column in range(width):
                placed.append(cell)
                for extra in range(1, height + 1):
                    pending[(row_index + extra, column + span_column)] = cell
            column += width
        while (row_index, column) in pending:
            placed.append(pending.pop((row_index, column)))
            column += 1
        result.append(placed)
    return result


def card_tables(card: Card, layout: Layout) -> list[Table]:
    """Every Markdown and HTML table of the card, read once per Layout: the facts extractor and CL307 (totals
    that do not add up) both read them."""
    found = layout.derived.get("tables")
    if found is None:
        found = layout.derived["tables"] = [*markdown_tables(card, layout), *html_tables(card, layout)]
    return cast(list[Table], found)
