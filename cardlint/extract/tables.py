"""Figures in Markdown tables and HTML `<table>`s, with family rows told apart.

A table's header says what its numbers are (`Time (GPU hours)`, `Params / M`, `Carbon Emitted (tCO2eq)`); its
first cell (or its size column) says which model a row is about. The row that names the card's subject gives
the card's own facts; every other row (other sizes, the Total row) is kept with its own `subject`. Two-column
tables whose first column holds keys (`| Num Parameters | 4.3B |`) read like `Key: value` lines.

HTML is read with the standard library's HTMLParser (rowspan and colspan expanded), never with regexes.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from typing import cast

from cardlint.card.document import Card
from cardlint.extract.device_counts import device_count
from cardlint.extract.hardware_names import find_hardware
from cardlint.extract.kinds import DATASET_SIZE, make_fact
from cardlint.extract.layout import Block, Layout, clean_text, key_value_block
from cardlint.extract.quantities import Quantity, find_quantities
from cardlint.extract.stages import hours_by_stage
from cardlint.extract.subject import normalise, other_subject_name, row_score, size_of, subject_size
from cardlint.types import Fact


@dataclass
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


# ---------------------------------------------------------------- reading Markdown and HTML into Tables


def markdown_tables(card: Card, layout: Layout) -> Iterator[Table]:
    tokens = card.tokens
    rows: list[list[Cell]] = []
    header_rows = 0
    in_table = False
    row: list[Cell] = []
    row_line = 0
    header = False
    search_from = 0
    count = 0
    for token in tokens:
        if token.type == "table_open":
            in_table, rows, header_rows = True, [], 0
        elif not in_table:
            continue
        elif token.type == "thead_open":
            header = True
        elif token.type == "thead_close":
            header = False
        elif token.type == "tr_open":
            row = []
            row_line = (token.map[0] + 1) if token.map else row_line + 1
            search_from = 0
        elif token.type == "tr_close":
            rows.append(row)
            if header:
                header_rows += 1
        elif token.type == "inline":
            raw = card.lines[row_line - 1] if 0 < row_line <= len(card.lines) else ""
            content = token.content
            position = raw.find(content, search_from) if content else -1
            column = position + 1 if position >= 0 else 1
            if position >= 0:
                search_from = position + len(content)
            row.append(Cell(content, row_line, column, header))
        elif token.type == "table_close":
            in_table = False
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


# ---------------------------------------------------------------- what the columns mean

# Columns that are never training figures of the model, whatever else the header says.
_NEVER_HEADER = re.compile(
    r"logit|inference|market[- ]based|non-?embedding|offset|per\s+(?:token|image|sample)", re.I
)
_SKIP_HEADER = re.compile(
    r"logit|inference|market[- ]based|non-?embedding|embedding|vocab|context|layers?\b|hidden|heads|"
    r"dimension|"
    r"sequence|batch|learning|\blr\b|latency|speed|memory|vram|throughput|per\s|/\s*s\b|flops?/s|tflops|"
    r"dataset|data\b|cutoff|license|score|accuracy|\bwer\b|resolution",
    re.IGNORECASE,
)
_COLUMN_KINDS: list[tuple[str, re.Pattern[str]]] = [
    ("active_parameters", re.compile(r"activ\w*\s*(?:param|size)", re.I)),
    ("parameters", re.compile(r"param|#\s*params|model size|^size$|total size|weights", re.I)),
    ("training_tokens", re.compile(r"tokens?", re.I)),
    (
        "device_hours",
        re.compile(
            r"gpu[- ]?hours|gpu hrs|device[- ]hours|tpu[- ]hours|chip[- ]hours|time \(gpu|compute \(hours",
            re.I,
        ),
    ),
    (
        "training_duration_days",
        re.compile(r"training (?:time|duration|days)|time to train|wall[- ]?clock|^duration|^days$", re.I),
    ),
    ("power_watts_per_device", re.compile(r"power|tdp|watt", re.I)),
    ("co2_tonnes", re.compile(r"co2|carbon|emission|ghg|greenhouse", re.I)),
    ("energy_mwh", re.compile(r"energy|mwh|kwh", re.I)),
    ("training_flop", re.compile(r"flops?\b|compute \(flop", re.I)),
    ("hardware_type", re.compile(r"hardware|gpu type|accelerator", re.I)),
    (
        "hardware_count",
        re.compile(
            r"#\s*(?:of\s+)?(?:gpus|tpus|chips|devices|accelerators)|num(?:ber)?[\s_]*(?:of\s+)?"
            r"(?:gpus|tpus|chips|devices|accelerators)|^(?:gpus|tpus|chips)$|(?:gpu|tpu|chip|device) count",
            re.I,
        ),
    ),
]
_HEADER_SCALE = re.compile(
    r"(?:/|\(|\bin\s)\s{0,2}(?P<unit>M|B|K|T|millions?|billions?|trillions?|kg|g|grams?|tons?|tonnes?|t|tco2e?q?|kwh|mwh|gwh)\b",
    re.IGNORECASE,
)
_MILLIONS_HEADER = re.compile(r"param_count", re.IGNORECASE)
_SCALES = {
    "m": 1e6, "million": 1e6, "millions": 1e6, "b": 1e9, "billion": 1e9, "billions": 1e9, "k": 1e3,
    "t": 1e12, "trillion": 1e12, "trillions": 1e12,
}  # fmt: skip
_CO2_SCALES = {
    "kg": 1e-3,
    "g": 1e-6,
    "gram": 1e-6,
    "grams": 1e-6,
    "ton": 1,
    "tons": 1,
    "tonne": 1,
    "tonnes": 1,
    "t": 1,
}
_ENERGY_SCALES = {"kwh": 1e-3, "mwh": 1.0, "gwh": 1e3}
_HEADER_DAYS = {"day": 1.0, "hour": 1 / 24, "week": 7.0, "month": 30.0}
_EMPTY = re.compile(r"^\s*(?:[-–—?]|n/?a|none|unknown|\\-|)\s*$", re.IGNORECASE)


@dataclass
class _Column:
    kind: str
    scale: float = 1.0
    header: str = ""


def _column_kind(header: str) -> _Column | None:
    text = header.strip()
    if not text or _NEVER_HEADER.search(text):
        return None
    if _SKIP_HEADER.search(text) and not re.search(r"gpu hours|co2|carbon|emission|tdp|power", text, re.I):
        return None
    for kind, pattern in _COLUMN_KINDS:
        if pattern.search(text):
            if kind == "training_tokens" and re.search(r"per|/|context|max", text, re.IGNORECASE):
                return None
            scale = 1.0
            unit = _HEADER_SCALE.search(text)
            if unit is not None:
                name = unit.group("unit")
                lower = name.lower()
                if kind == "co2_tonnes":
                    scale = _CO2_SCALES.get(
                        lower.replace("co2", "").replace("eq", "").rstrip("e") or "t", 1.0
                    )
                    if lower.startswith("tco2"):
                        scale = 1.0
                elif kind == "energy_mwh":
                    scale = _ENERGY_SCALES.get(lower, 1.0)
                elif kind in ("parameters", "active_parameters", "training_tokens"):
                    scale = _SCALES.get(lower if len(name) > 1 else name.lower(), 1.0)
            elif kind == "co2_tonnes" and re.search(r"\bkg\b", text, re.I):
                scale = 1e-3
            if kind == "parameters" and unit is None and _MILLIONS_HEADER.fullmatch(text):
                scale = 1e6  # timm's results tables: `param_count` holds millions (88.59 = 88.59M)
            return _Column(kind, scale, text)
    return None


# ---------------------------------------------------------------- facts from one table


def card_tables(card: Card, layout: Layout) -> list[Table]:
    """Every Markdown and HTML table of the card, read once per Layout: the facts extractor and CL307 (totals
    that do not add up) both read them."""
    found = layout.derived.get("tables")
    if found is None:
        found = layout.derived["tables"] = [*markdown_tables(card, layout), *html_tables(card, layout)]
    return cast(list[Table], found)


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
    own_column = _own_model_column(table, subject)
    if own_column is not None:
        yield from _model_columns(card, table, path, subject, own_column)
        return
    if _is_key_value(table):
        yield from _key_value_rows(card, table, path, subject)
        return
    kinds = {index: _column_kind(cell.text) for index, cell in enumerate(header)}
    columns = {
        index: column
        for index, column in kinds.items()
        if column is not None and _mostly_values(body, index, column)
    }
    if not body:
        return
    param_columns = [index for index, column in columns.items() if column.kind == "parameters"]
    labels = [_row_label(row, columns) for row in body]
    sizes = [_row_size(row, param_columns, columns) for row in body]
    scores = [row_score(label, size, subject) for label, size in zip(labels, sizes, strict=True)]
    best = max(scores) if scores else 0.0
    data_rows = [index for index, label in enumerate(labels) if label.strip().lower() not in ("total", "sum")]
    own_row: int | None = None
    if best > 0 and scores.count(best) == 1:
        own_row = scores.index(best)
    elif best == 0 and len(data_rows) == 1 and not _names_other_model(labels[data_rows[0]], subject):
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
        index: _Column("by-unit", 1.0, cell.text)
        for index, cell in enumerate(header)
        if index not in columns and kinds.get(index) is None and not _SKIP_HEADER.search(cell.text)
    }
    columns = {**columns, **unit_columns}
    if not columns:
        return
    for row_index, row in enumerate(body):
        row_subject = (
            None
            if row_index == own_row
            else other_subject_name(_readable(labels[row_index], sizes[row_index]))
        )
        label_index = _label_index(row, columns)  # once per row, not once per cell
        for index, column in columns.items():
            if index >= len(row) or (index == label_index and columns[index].kind != "parameters"):
                continue
            for fact in _cell_facts(card, table, row[index], column, path, row_subject):
                if row_index == mix_total and fact.kind in ("training_tokens", "fine_tune_tokens"):
                    fact = replace(fact, note=DATASET_SIZE)
                yield fact


_DATA_WORDS = re.compile(
    r"\b(?:sub-?sets?|datasets?|data|sources?|domains?|corp(?:us|ora)|splits?|mix)\b", re.I
)


def _data_mix_total(
    table: Table, labels: list[str], sizes: list[float | None], columns: dict[int, _Column]
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


_DESCRIPTION_HEADER = re.compile(r"^\s*(?:description|details?|value|information|notes?)\s*$", re.I)


def _describes_the_model(header: list[Cell], labels: list[str]) -> bool:
    """A "| Model Detail | Description |" table: two columns whose rows are fields of the card's model
    (labels without digits, slashes or hyphens, so not a list of other models), described in prose."""
    if len(header) != 2 or not _DESCRIPTION_HEADER.match(header[1].text):
        return False
    return not any(re.search(r"[\d/-]", label) for label in labels)


def _row_base_model(
    card: Card, table: Table, row: list[Cell], columns: dict[int, _Column], path: str, subject: str | None
) -> Iterator[Fact]:
    """A description cell of the subject's own row may say what it was fine-tuned from."""
    from cardlint.extract.base_model import base_models_in

    for index, cell in enumerate(row):
        if index in columns:
            continue
        block = clean_text(cell.text, cell.line, cell.column, table.headings)
        for name, start, end in base_models_in(block, 0, block.text, subject):
            yield _make(card, table, block, "base_model", name, start, end, path, None)
            return


def _mostly_values(body: list[list[Cell]], index: int, column: _Column) -> bool:
    """A column whose cells are mostly words (a `Size` column of tiny/base/large) names rows, not figures."""
    if column.kind == "hardware_type":
        return True
    cells = [row[index].text for row in body if index < len(row) and not _EMPTY.match(row[index].text)]
    if not cells:
        return False
    numeric = sum(1 for text in cells if re.search(r"\d", text))
    return numeric * 2 >= len(cells)


def _names_other_model(label: str, subject: str | None) -> bool:
    if not label or not subject:
        return False
    return size_of(label) is not None and subject_size(subject) is not None


def _readable(label: str, size: float | None) -> str:
    if size is not None and size_of(label) is None:
        return f"{label} {size / 1e9:g}B".strip()
    return label or "other row"


_QUANTITY_WORDS = re.compile(
    r"\b(?:thousand|million|billion|trillion|params?|parameters|tokens?|hours?|days?|[KMBTG])\b",
    re.IGNORECASE,
)


def _label_index(row: list[Cell], columns: dict[int, _Column]) -> int:
    """The cell that names the row's model: the first with a name in it (`OLMo 7B`, `Llama 3.1 8B`), even in
    a size column; else the first non-figure cell."""
    for index, cell in enumerate(row):
        if _is_name(cell.text):
            return index
    for index, cell in enumerate(row):
        if index not in columns and cell.text.strip():
            return index
    return -1


@functools.lru_cache(maxsize=4096)
def _is_name(text: str) -> bool:
    """Pure in `text` and asked again for every cell of a row, so remembered."""
    cleaned = clean_text(text, 0).text
    for quantity in find_quantities(cleaned):
        cleaned = cleaned.replace(quantity.text, " ", 1)
    return re.search(r"[^\W\d_]{2,}", _QUANTITY_WORDS.sub(" ", cleaned)) is not None


def _row_label(row: list[Cell], columns: dict[int, _Column]) -> str:
    index = _label_index(row, columns)
    if index < 0:
        return ""
    text = clean_text(row[index].text, row[index].line).text
    return re.sub(r"\s+", " ", text).strip()


def _row_size(row: list[Cell], param_columns: list[int], columns: dict[int, _Column]) -> float | None:
    for index in param_columns:
        if index < len(row):
            for quantity in find_quantities(clean_text(row[index].text, row[index].line).text):
                value = quantity.value if quantity.magnitude else quantity.value * columns[index].scale
                if value >= 1e6:
                    return value
    return None


def _cell_facts(
    card: Card, table: Table, cell: Cell, column: _Column, path: str, subject: str | None
) -> Iterator[Fact]:
    # a cell longer than a line may be is cut like one: a 600 kB cell is a pasted log, not a figure
    block = clean_text(cell.text[: card.limits.max_line_chars], cell.line, cell.column, table.headings)
    text = block.text
    if _EMPTY.match(text):
        return
    kind = column.kind
    if kind == "by-unit":
        yield from _unit_cell_facts(card, table, block, path, subject)
        return
    if kind == "hardware_type":
        for mention in find_hardware(text):
            yield _make(
                card, table, block, kind, mention.hardware_id, mention.start, mention.end, path, subject
            )
            count = device_count(text, mention)  # "8x A100" in a Hardware column
            if count is not None:
                devices, start = float(count.value), count.start
                fact = _make(card, table, block, "hardware_count", devices, start, mention.end, path, subject)
                yield replace(fact, note=count.note) if count.note else fact
            return
        return
    if kind in ("device_hours", "training_duration_days"):  # "Training time: 82,432 GPU hours"
        parts = hours_by_stage(text, table.headings)
        for part in parts:
            fact = _make(
                card, table, block, part.kind, part.value, part.first.start, part.first.end, path, subject,
                part.first,
            )  # fmt: skip
            yield replace(fact, derived=part.derived, note=part.note) if part.derived else fact
        if parts:
            return
    for quantity in find_quantities(text):
        value = _value_for(kind, quantity, column)
        if value is None:
            continue
        yield _make(card, table, block, kind, value, quantity.start, quantity.end, path, subject, quantity)
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
        yield _make(
            card, table, block, kind, quantity.value, quantity.start, quantity.end, path, subject, quantity
        )
        return


def _value_for(kind: str, quantity: Quantity, column: _Column) -> float | None:
    dimension = quantity.dimension
    if kind in ("parameters", "active_parameters"):
        if dimension not in ("count", "parameters"):
            return None
        value = quantity.value if quantity.magnitude else quantity.value * column.scale
        return value if value >= 1e5 else None
    if kind == "training_tokens":
        if dimension not in ("count", "tokens"):
            return None
        value = quantity.value if quantity.magnitude else quantity.value * column.scale
        return value if value >= 1e6 else None
    if kind == "device_hours":
        if dimension not in ("count", "device_hours"):
            return None
        return quantity.value
    if kind == "power_watts_per_device":
        if dimension not in ("count", "power"):
            return None
        return quantity.value if 1 <= quantity.value <= 5000 else None
    if kind == "co2_tonnes":
        if dimension in ("co2", "mass"):
            return quantity.value
        return quantity.value * column.scale if dimension == "count" else None
    if kind == "energy_mwh":
        if dimension == "energy":
            return quantity.value
        return quantity.value * column.scale if dimension == "count" else None
    if kind == "training_flop":
        if dimension not in ("count", "flop"):
            return None
        return quantity.value if quantity.value >= 1e15 else None
    if kind == "hardware_count":
        return quantity.value if dimension == "count" and quantity.value >= 1 else None
    if kind == "training_duration_days":
        if dimension == "duration":
            return quantity.value if quantity.value > 0 else None
        if dimension != "count" or quantity.value <= 0:
            return None
        unit = re.search(r"\b(days?|hours?|weeks?|months?)\b", column.header, re.I)  # "Training time (days)"
        return quantity.value * _HEADER_DAYS[unit.group(1).lower().rstrip("s")] if unit else None
    return None


def _make(
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


# ---------------------------------------------------------------- key/value tables

_KEY_WORDS = re.compile(
    r"param|tokens|hardware|gpus?\b|hours|training time|flop|carbon|co2|emission|energy|base model|"
    r"finetuned from|"
    r"fine-tuned from|model size",
    re.IGNORECASE,
)


def _is_key_value(table: Table) -> bool:
    """Two-column tables whose first column names what the second one holds."""
    rows = [row for row in table.rows if row]
    if not rows or any(len(row) > 3 for row in rows):
        return False
    keyed = sum(1 for row in rows if len(row) >= 2 and _KEY_WORDS.search(row[0].text))
    header_kinds = [_column_kind(cell.text) for cell in table.rows[0]]
    return keyed >= 1 and not any(header_kinds[1:])


_CORNER = re.compile(r"^\W*(?:models?|name|size|variant|checkpoint|)\W*$", re.IGNORECASE)


def _own_model_column(table: Table, subject: str | None) -> int | None:
    """A family table turned on its side ("| | Finch-1B | Finch-7B |" over rows "Parameters", "Tokens"): the
    column whose header names the subject, when every other header names a model too."""
    if not subject or not table.header_rows or len(table.rows) < 2:
        return None
    header = [clean_text(cell.text, cell.line).text.strip() for cell in table.rows[0]]
    if len(header) < 3 or not _CORNER.match(header[0]) or any(_column_kind(text) for text in header[1:]):
        return None
    if not all(size_of(text) is not None or _is_name(text) for text in header[1:]):
        return None
    scores = [row_score(text, None, subject) for text in header[1:]]
    best = max(scores)
    if best <= 0 or scores.count(best) > 1:
        return None
    return scores.index(best) + 1


def _model_columns(
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


def _key_value_rows(card: Card, table: Table, path: str, subject: str | None) -> Iterator[Fact]:
    from cardlint.extract.key_values import key_value_block_facts

    for row in table.rows:
        if len(row) < 2:
            continue
        key_block = clean_text(row[0].text, row[0].line, row[0].column, table.headings)
        value_block = clean_text(row[1].text, row[1].line, row[1].column, table.headings)
        block = key_value_block(key_block, value_block, table.headings, table.origin)
        yield from key_value_block_facts(card, block, path=path, subject=subject)
