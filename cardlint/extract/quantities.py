"""Numbers with magnitudes and units, as model cards write them, turned into values in base units.

Cards say `8B`, `8.03 billion`, `1.3M GPU hours`, `3.8 × 10^25 FLOPs`, `~5,500 GT`, `15T+`, `11250 kg CO2 eq.`
or `1.5万亿 tokens`. This module reads one number at a time: the number itself, an optional magnitude (word,
suffix, power of ten), then an optional unit, and reports the value in the base unit of its dimension
(plain counts, hours, days, FLOP, MWh, watts, tonnes CO2). numbers.py reads the number and its magnitude,
units.py the unit; this module joins them into a Quantity with its range, sum and bound flags.
Interpretation (is it a training figure?) is the extractors' job, not this module's.

Every regex here is compiled once, has no nested unbounded quantifiers and is applied with `match` at known
positions, so scanning is linear in the input even for adversarial lines (long digit runs, 1 MB lines).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from cardlint.core.memo import remembered_for_short_text
from cardlint.core.regex_store import compile_pattern
from cardlint.extract.numbers import (
    MAGNITUDE_WORD,
    MAGNITUDE_WORDS,
    NUMBER,
    NUMBER_START,
    NUMBER_WORDS,
    SUFFIX_VALUES,
    Number,
    read_number,
)
from cardlint.extract.units import DAYS_PER, compound_duration, read_unit

# Dimensions (the `dimension` of a Quantity) and their base units.
BASE_UNITS = {
    "count": "count",
    "parameters": "parameters",
    "tokens": "tokens",
    "device_hours": "hours",
    "duration": "days",
    "flop": "FLOP",
    "flop_rate": "FLOP/s",
    "energy": "MWh",
    "power": "W",
    "co2": "t",
    "mass": "t",
    "bytes": "bytes",
    "audio_hours": "hours",
}


_APPROX_BEFORE = compile_pattern(
    r"(?:~|∼|≈|approx\.?|approximately|about|around|roughly|nearly|almost|circa|ca\.|some|an estimated"
    r"|约|大约)\s{0,2}$",
    re.I,
)
_LOWER_BEFORE = compile_pattern(
    r"(?:>|≥|>=|over|more than|at least|above|in excess of|upwards of|超过)\s{0,2}$", re.I
)
_UPPER_BEFORE = compile_pattern(r"(?:<|≤|<=|up to|under|less than|at most|below|fewer than)\s{0,2}$", re.I)
_RANGE_JOIN = compile_pattern(r"\s{0,2}(?:-|–|—|to|~)\s{0,2}(?=[\d.])")
_PLUS_AFTER = compile_pattern(r"\+")
# "14.8 trillion diverse and high-quality tokens": a few describing words between a magnitude and its unit.
_DESCRIBED_TOKENS = compile_pattern(
    r"(?:\s{1,2}(?!(?:for|each|per|of|in|on|at|to|with|every|activated|active|parameters?|params?)\b)"
    r"(?:[A-Za-z][A-Za-z-]{0,20}|,)){1,4}?\s{1,2}tokens?\b",
    re.IGNORECASE,
)
# "1.5万亿中文token": a few Chinese characters between the magnitude and the unit
_CJK_DESCRIBED_TOKENS = compile_pattern(r"\s?[\u4e00-\u9fff]{1,4}\s?(?:tokens?|词元)(?![a-z])", re.IGNORECASE)
_SUM_AFTER = compile_pattern(r"\s\+\s(?=\d)")
# "Llama 3-8B", "Qwen-2-7B": a number glued to a name is a version, not the start of a range.
_NAME_BEFORE = compile_pattern(r"(?:-|[A-Z][\w.]*\s)$")


@dataclass(frozen=True)
class Quantity:
    """One number a text states, in the base unit of its dimension (see BASE_UNITS)."""

    value: float
    dimension: str
    unit: str
    start: int
    end: int
    text: str
    approximate: bool = False
    lower_bound: bool = False
    upper_bound: bool = False
    ambiguous: bool = False
    low: float | None = None  # the lower end when the text gives a range (value is the upper end)
    device: str | None = None  # the accelerator named inside the unit ("H800 GPU hours")
    magnitude: bool = False  # a magnitude (word, suffix or power of ten) was written
    unit_text: str = ""
    parts: int = 1  # >1 when the text adds figures up ("750M+450M params")

    @property
    def span(self) -> tuple[int, int]:
        """(start, end) of the figure in the text it was read from."""
        return (self.start, self.end)


def _quantity_at(text: str, number: Number) -> Quantity:
    """Attach range, unit and approximation flags to a number read at a known position."""
    start, end, value = number.start, number.end, number.value
    low: float | None = None
    range_join = _RANGE_JOIN.match(text, end)
    if range_join and not _NAME_BEFORE.search(text, max(0, start - 20), start):
        second_match = NUMBER.match(text, range_join.end())
        second = read_number(text, range_join.end()) if second_match else None
        if second is not None and second.value >= value:
            # "350-400W", "1.2-1.5 trillion": the first number borrows the second one's magnitude.
            low_value = value
            if second.magnitude and not number.magnitude and second.value > 0:
                scale = second.value / float(second_match.group(0).replace(",", "")) if second_match else 1.0
                low_value = value * scale
            if low_value <= second.value:
                low, value, end = low_value, second.value, second.end
    lower = False
    parts = 1
    plus = _PLUS_AFTER.match(text, end)
    summand = _SUM_AFTER.match(text, end) if plus is None else None
    if plus and NUMBER_START.match(text, plus.end()) and number.magnitude:
        # "750M+450M params": a sum of parts written with the same magnitudes
        second = read_number(text, plus.end())
        if second is not None and second.magnitude:
            value, end, parts = value + second.value, second.end, 2
            plus = None
    elif summand is not None and number.magnitude:
        second = read_number(text, summand.end())
        if second is not None and second.magnitude:
            value, end, parts = value + second.value, second.end, 2
    if plus:
        lower = True
        end = plus.end()
        word = None if number.magnitude else MAGNITUDE_WORD.match(text, end)
        if word is not None:  # "4+ trillion tokens": the magnitude follows the plus
            value *= MAGNITUDE_WORDS[word.group("word").lower()]
            end = word.end()
            number = replace(number, magnitude=True)
    layout = None if number.magnitude or not 2 <= value <= 1024 else _EXPERT_LAYOUT.match(text, end)
    if layout is not None and value == int(value):
        # "16x3.8B parameters": experts times the size of each, a product of two stated figures
        value *= float(layout.group("each")) * SUFFIX_VALUES[layout.group("suffix")]
        end, parts = layout.end(), 2
        number = replace(number, magnitude=True)
    unit = read_unit(text, end, value)
    if unit is None and number.magnitude:
        described = _DESCRIBED_TOKENS.match(text, end) or _CJK_DESCRIBED_TOKENS.match(text, end)
        if described is not None:
            unit = ("tokens", value, described.end(), {})
    dimension, unit_name, device = "count", "count", None
    unit_text = ""
    if unit is not None:
        dimension, converted, unit_end, extras = unit
        if low is not None and value:
            low = low * converted / value
        value = converted
        unit_text = text[end:unit_end].strip()
        end = unit_end
        unit_name = BASE_UNITS[dimension]
        found = extras.get("device")
        device = found if isinstance(found, str) else None
        if not lower and _PLUS_AFTER.match(text, end):
            lower = True
            end += 1
    if dimension == "duration" and low is None:
        value, end = compound_duration(text, end, value, unit_text)
    before = text[max(0, start - 24) : start]
    approximate = bool(_APPROX_BEFORE.search(before))
    lower = lower or bool(_LOWER_BEFORE.search(before))
    upper = bool(_UPPER_BEFORE.search(before))
    return Quantity(
        value=value,
        dimension=dimension,
        unit=unit_name,
        start=start,
        end=end,
        text=text[start:end],
        approximate=approximate,
        lower_bound=lower,
        upper_bound=upper,
        ambiguous=number.ambiguous,
        low=low,
        device=device,
        magnitude=number.magnitude,
        unit_text=unit_text,
        parts=parts,
    )


_DURATION_WORDS: dict[str, float] = {**NUMBER_WORDS, "a": 1, "an": 1, "half a": 0.5}
_WORD_DURATION = compile_pattern(
    r"(?<![\w-])(?P<word>" + "|".join(sorted(_DURATION_WORDS, key=len, reverse=True)) + r")\s{1,2}"
    r"(?P<period>minutes?|hours?|days?|weeks?|months?)(?![\w-])",
    re.IGNORECASE,
)


def find_word_durations(text: str) -> Iterator[Quantity]:
    """Durations written with a number word ("Two days", "an hour", "twelve hours"), as Quantities in days;
    a compound after it is summed as for digits ("one day 6 hours")."""
    for match in _WORD_DURATION.finditer(text):
        period = match.group("period").lower()
        if match.group("word").lower() in ("a", "an") and period.endswith("s"):
            continue  # "a days" is no figure
        days, end = compound_duration(
            text, match.end(), _DURATION_WORDS[match.group("word").lower()] * DAYS_PER[period], period
        )
        before = text[max(0, match.start() - 24) : match.start()]
        yield Quantity(
            value=days,
            dimension="duration",
            unit=BASE_UNITS["duration"],
            start=match.start(),
            end=end,
            text=text[match.start() : end],
            approximate=bool(_APPROX_BEFORE.search(before)),
            unit_text=period,
        )


# Only before a parameters unit: `Mixtral 8x7B` names a layout whose total is not 8 x 7B (shared layers).
_EXPERT_LAYOUT = compile_pattern(
    r"\s?[x×]\s?(?P<each>\d{1,4}(?:\.\d{1,3})?)(?P<suffix>[MBT])(?=\s{0,2}(?:total\s)?param)", re.I
)


@remembered_for_short_text
def find_quantities(text: str) -> Iterator[Quantity]:
    """Every number in `text` with its magnitude and unit, left to right, without overlaps."""
    pos = 0
    length = len(text)
    while pos < length:
        start = NUMBER_START.search(text, pos)
        if start is None:
            return
        number = read_number(text, start.start())
        if number is None:
            # skip the whole digit run so a 1 MB run of digits costs one pass
            run = compile_pattern(r"[\d.,]+").match(text, start.start())
            pos = run.end() if run else start.start() + 1
            continue
        quantity = _quantity_at(text, number)
        yield quantity
        pos = max(quantity.end, start.start() + 1)


def parse_quantity(text: str) -> Quantity | None:
    """The quantity `text` states when it is one figure (surrounding words allowed, e.g. '~15T+ tokens').

    Returns the first quantity; None when the text holds no number.
    """
    for quantity in find_quantities(text):
        return quantity
    return None


_LABEL_SCALE = compile_pattern(
    r"(?:\(\s{0,2}|\bin\s+)(?P<unit>[KMBT]|thousands?|millions?|billions?|trillions?|mn|bn)\s{0,2}(?:\)|$)",
    re.IGNORECASE,
)
_LABEL_SCALES = {
    "k": 1e3, "thousand": 1e3, "thousands": 1e3, "m": 1e6, "million": 1e6, "millions": 1e6, "mn": 1e6,
    "b": 1e9, "billion": 1e9, "billions": 1e9, "bn": 1e9, "t": 1e12, "trillion": 1e12, "trillions": 1e12,
}  # fmt: skip


def label_scale(label: str) -> float | None:
    """The magnitude a label gives its bare numbers: `Params (M)` → 1e6, `Tokens (in billions)` → 1e9."""
    match = _LABEL_SCALE.search(label)
    return _LABEL_SCALES[match.group("unit").lower()] if match else None
