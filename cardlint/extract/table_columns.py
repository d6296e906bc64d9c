"""What a table's header says its column holds (`Time (GPU hours)`, `Params / M`, `Carbon Emitted (tCO2eq)`)
and the scale its unit implies, and how a cell's quantity becomes a figure of that kind."""

from __future__ import annotations

import re
from dataclasses import dataclass

from cardlint.core.regex_store import compile_pattern
from cardlint.extract.quantities import Quantity
from cardlint.extract.table_grid import Cell

# Columns that are never training figures of the model, whatever else the header says.
_NEVER_HEADER = compile_pattern(
    r"logit|inference|market[- ]based|non-?embedding|offset|per\s+(?:token|image|sample)", re.I
)


SKIP_HEADER = compile_pattern(
    r"logit|inference|market[- ]based|non-?embedding|embedding|vocab|context|layers?\b|hidden|heads|"
    r"dimension|"
    r"sequence|batch|learning|\blr\b|latency|speed|memory|vram|throughput|per\s|/\s*s\b|flops?/s|tflops|"
    r"dataset|data\b|cutoff|license|score|accuracy|\bwer\b|resolution",
    re.IGNORECASE,
)


_COLUMN_KINDS: list[tuple[str, re.Pattern[str]]] = [
    ("active_parameters", compile_pattern(r"activ\w*\s*(?:param|size)", re.I)),
    ("parameters", compile_pattern(r"param|#\s*params|model size|^size$|total size|weights", re.I)),
    ("training_tokens", compile_pattern(r"tokens?", re.I)),
    (
        "device_hours",
        compile_pattern(
            r"gpu[- ]?hours|gpu hrs|device[- ]hours|tpu[- ]hours|chip[- ]hours|time \(gpu|compute \(hours",
            re.I,
        ),
    ),
    (
        "training_duration_days",
        compile_pattern(
            r"training (?:time|duration|days)|time to train|wall[- ]?clock|^duration|^days$", re.I
        ),
    ),
    ("power_watts_per_device", compile_pattern(r"power|tdp|watt", re.I)),
    ("co2_tonnes", compile_pattern(r"co2|carbon|emission|ghg|greenhouse", re.I)),
    ("energy_mwh", compile_pattern(r"energy|mwh|kwh", re.I)),
    ("training_flop", compile_pattern(r"flops?\b|compute \(flop", re.I)),
    ("hardware_type", compile_pattern(r"hardware|gpu type|accelerator", re.I)),
    (
        "hardware_count",
        compile_pattern(
            r"#\s*(?:of\s+)?(?:gpus|tpus|chips|devices|accelerators)|num(?:ber)?[\s_]*(?:of\s+)?"
            r"(?:gpus|tpus|chips|devices|accelerators)|^(?:gpus|tpus|chips)$|(?:gpu|tpu|chip|device) count",
            re.I,
        ),
    ),
]


_HEADER_SCALE = compile_pattern(
    r"(?:/|\(|\bin\s)\s{0,2}(?P<unit>M|B|K|T|millions?|billions?|trillions?|kg|g|grams?|tons?|tonnes?|t|tco2e?q?|kwh|mwh|gwh)\b",
    re.IGNORECASE,
)


_MILLIONS_HEADER = compile_pattern(r"param_count", re.IGNORECASE)


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


EMPTY_CELL = compile_pattern(r"^\s*(?:[-–—?]|n/?a|none|unknown|\\-|)\s*$", re.IGNORECASE)

_LETTER_OR_CODE = compile_pattern(r"[^\W\d_]|&#")


def may_hold_words(raw: str) -> bool:
    """Whether a cell's text can still hold a letter once cleaned: cleaning only drops or replaces markup,
    and only a numeric entity (`&#66;`) turns something without letters into one. A cell of bare numbers
    ("0.2345", "1,500") names no unit and no model, so its unit and name readers can be skipped."""
    return _LETTER_OR_CODE.search(raw) is not None


@dataclass
class Column:
    kind: str
    scale: float = 1.0
    header: str = ""


def column_kind(header: str) -> Column | None:
    text = header.strip()
    if not text or _NEVER_HEADER.search(text):
        return None
    if SKIP_HEADER.search(text) and not re.search(r"gpu hours|co2|carbon|emission|tdp|power", text, re.I):
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
            return Column(kind, scale, text)
    return None


def mostly_values(body: list[list[Cell]], index: int, column: Column) -> bool:
    """A column whose cells are mostly words (a `Size` column of tiny/base/large) names rows, not figures."""
    if column.kind == "hardware_type":
        return True
    cells = [row[index].text for row in body if index < len(row) and not EMPTY_CELL.match(row[index].text)]
    if not cells:
        return False
    numeric = sum(1 for text in cells if re.search(r"\d", text))
    return numeric * 2 >= len(cells)


def value_for(kind: str, quantity: Quantity, column: Column) -> float | None:
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
