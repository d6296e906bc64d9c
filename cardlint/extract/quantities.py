"""Numbers with magnitudes and units, as model cards write them, turned into values in base units.

Cards say `8B`, `8.03 billion`, `1.3M GPU hours`, `3.8 × 10^25 FLOPs`, `~5,500 GT`, `15T+`, `11250 kg CO2 eq.`
or `1.5万亿 tokens`. This module reads one number at a time: the number itself, an optional magnitude (word,
suffix, power of ten), then an optional unit, and reports the value in the base unit of its dimension
(plain counts, hours, days, FLOP, MWh, watts, tonnes CO2). Interpretation (is it a training figure?) is the
extractors' job, not this module's.

Every regex here is compiled once, has no nested unbounded quantifiers and is applied with `match` at known
positions, so scanning is linear in the input even for adversarial lines (long digit runs, 1 MB lines).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

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

_MAX_DIGITS = 30  # longer digit runs are identifiers or noise, never a reported figure

_NUMBER = re.compile(
    r"""
    (?<![A-Za-z0-9_.,])
    (?:
        (?P<grouped>\d{1,3}(?:,\d{3})+(?:\.\d+)?)           # 1,234,567.5
      | (?P<eurogrouped>\d{1,3}(?:\.\d{3}){2,}(?:,\d+)?)     # 1.234.567,5
      | (?P<spaced>\d{1,3}(?:[\u202f\u00a0\u2009]\d{3})+)    # 1 234 567 with thin/no-break spaces
      | (?P<plain>\d+(?:\.\d+)?|\.\d+)
    )
    """,
    re.VERBOSE,
)
_DECIMAL_COMMA = re.compile(r",(\d{1,2})(?!\d)")
_SCI_E = re.compile(r"[eE]([-+\u2212]?\d{1,3})(?![\w])")
_POWER_OF_TEN = re.compile(
    r"\s{0,2}(?:[x×*·]|\\times|\\cdot)\s{0,2}10\s{0,2}(?:(?P<caret>\^|\*\*)\s{0,2}\{?(?P<exp>[-+\u2212]?\d{1,3})\}?"
    r"|<sup>\s{0,2}(?P<supexp>[-+\u2212]?\d{1,3})\s{0,2}</sup>"
    r"|(?P<sup>[⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]{1,3})"
    r"|(?P<eexp>[eE][-+]?\d{1,3}))"
)
_BARE_POWER = re.compile(
    r"\s{0,1}(?:\^|\*\*)\s{0,1}\{?(?P<exp>[-+\u2212]?\d{1,3})\}?|<sup>(?P<supexp>[-+\u2212]?\d{1,3})</sup>"
    r"|(?P<sup>[⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]{1,3})"
)
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")

_MAGNITUDE_WORDS = {
    "thousand": 1e3,
    "million": 1e6,
    "millions": 1e6,
    "mln": 1e6,
    "mn": 1e6,
    "billion": 1e9,
    "billions": 1e9,
    "bn": 1e9,
    "trillion": 1e12,
    "trillions": 1e12,
    "quadrillion": 1e15,
}
_MAGNITUDE_WORD = re.compile(
    r"\s{0,2}(?P<word>thousand|millions?|mln|mn|billions?|bn|trillions?|quadrillion)(?![a-z])", re.IGNORECASE
)
# One-letter suffixes: attached (8B, 1.3M, 15T+, 147K) or after one space when a unit word follows.
_SUFFIX = re.compile(r"(?P<space>\s?)(?P<suffix>[KkMBbTG])(?![A-Za-z0-9])")
_SUFFIX_VALUES = {"k": 1e3, "K": 1e3, "M": 1e6, "B": 1e9, "b": 1e9, "T": 1e12, "G": 1e9}
_CHINESE = re.compile(r"\s{0,1}(?P<cn>万亿|千亿|百亿|十亿|亿|千万|百万|十万|万|千)")
_CHINESE_VALUES = {
    "千": 1e3,
    "万": 1e4,
    "十万": 1e5,
    "百万": 1e6,
    "千万": 1e7,
    "亿": 1e8,
    "十亿": 1e9,
    "百亿": 1e10,
    "千亿": 1e11,
    "万亿": 1e12,
}

_SI = {
    "k": 1e3, "kilo": 1e3, "M": 1e6, "mega": 1e6, "G": 1e9, "giga": 1e9, "T": 1e12, "tera": 1e12,
    "P": 1e15, "peta": 1e15, "E": 1e18, "exa": 1e18, "Z": 1e21, "zetta": 1e21, "Y": 1e24, "yotta": 1e24,
}  # fmt: skip

_DURATION_UNIT = re.compile(
    r"[\s-]{0,2}(?P<period>(?i:minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)|h|d|天|小时|周|个月|分钟|時間|日間|週間|ヶ月|か月|分間|시간)"
    r"(?![A-Za-z])"
)
# Units, tried in this order at the position right after the number (and its magnitude).
_DEVICE_WORDS = r"(?:GPU|TPU|NPU|IPU|accelerator|chip|device|A100|H100|H800|V100|卡)"
_UNIT_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "pf_days",
        re.compile(
            r"\s{0,2}(?:petaflop(?:s|/s)?|pflop(?:s|/s)?|pf|pfs)[\s-]{0,2}(?:/s[\s-]{0,2})?days?(?![a-z])",
            re.I,
        ),
    ),
    (
        "flop",
        re.compile(
            r"\s{0,2}(?P<prefix>kilo|mega|giga|tera|peta|exa|zetta|yotta|[kMGTPEZY])?[\s-]?"
            r"(?P<flop>FLOP|flop|Flop)(?P<plural>s|S)?(?P<rate>\s{0,2}/\s{0,2}s(?:ec)?\b|\s+per\s+second)?(?![A-Za-z])"
        ),
    ),
    (
        "device_hours",
        re.compile(
            r"\s{0,2}(?P<device>(?:[A-Za-z][\w-]{0,20}\s){0,2})?"
            + _DEVICE_WORDS
            + r"s?[\s-]{0,2}(?P<per>hours?|hrs?|h|days?|小时|时|天)(?![A-Za-z])",
            re.I,
        ),
    ),
    (
        "co2",
        re.compile(
            r"\s{0,2}(?P<mass>g|kg|t|mt|tons?|tonnes?|metric\s+tons?|lbs?|pounds?)\.?\s{0,2}(?:of\s+)?"
            r"(?:CO2|CO₂|CO<sub>2</sub>|carbon)(?:[\s-]{0,2}(?:eq(?:uivalent)?\.?|e)(?![A-Za-z]))?",
            re.I,
        ),
    ),
    ("co2", re.compile(r"\s{0,2}(?P<mass>g|kg|t)CO2(?:e|eq|-eq)?\.?(?![A-Za-z])", re.I)),
    ("energy", re.compile(r"\s{0,2}(?P<prefix>[kKMGT]?)(?:Wh|WH|wh)(?![A-Za-z])")),
    (
        "energy",
        re.compile(r"\s{0,2}(?P<prefixword>kilo|mega|giga|tera)?watt[\s-]?hours?(?![a-z])", re.I),
    ),
    ("power", re.compile(r"\s{0,2}(?P<prefix>[kM]?)W(?![A-Za-z])")),
    ("power", re.compile(r"\s{0,2}(?P<prefixword>kilo|mega)?watts?(?![a-z])", re.I)),
    (
        "parameters",
        re.compile(
            r"[\s-]{0,2}(?:(?:total|trainable|active|activated|learnable|non-embedding)\s)?"
            r"(?:parameters?|params?|参数)(?![a-z])",
            re.I,
        ),
    ),
    ("tokens", re.compile(r"[\s-]{0,2}(?:tokens?|toks|词元)(?![a-z])", re.I)),
    ("gigatokens", re.compile(r"\s{0,2}GT(?![A-Za-z])")),
    (
        "bytes",
        re.compile(r"\s{0,2}(?P<prefix>[KMGTP]i?)B(?![A-Za-z])|\s{0,2}(?P<prefixword>giga|tera)bytes?", re.I),
    ),
    ("mass", re.compile(r"\s{0,2}(?P<mass>kg|tons?|tonnes?|metric\s+tons?|lbs?)\.?(?![A-Za-z])", re.I)),
    ("duration", _DURATION_UNIT),
]
_HOURS_PER = {"hour": 1.0, "hours": 1.0, "hr": 1.0, "hrs": 1.0, "h": 1.0, "day": 24.0, "days": 24.0}
_DAYS_PER = {
    "minute": 1 / 1440, "minutes": 1 / 1440, "min": 1 / 1440, "mins": 1 / 1440, "分钟": 1 / 1440,
    "分間": 1 / 1440, "時間": 1 / 24, "시간": 1 / 24, "日間": 1.0, "週間": 7.0, "ヶ月": 30.0, "か月": 30.0,
    "hour": 1 / 24, "hours": 1 / 24, "hr": 1 / 24, "hrs": 1 / 24, "h": 1 / 24, "小时": 1 / 24,
    "day": 1.0, "days": 1.0, "d": 1.0, "天": 1.0, "week": 7.0, "weeks": 7.0, "周": 7.0,
    "month": 30.0, "months": 30.0, "个月": 30.0, "year": 365.0, "years": 365.0,
}  # fmt: skip
_MASS_TONNES = {
    "g": 1e-6, "kg": 1e-3, "t": 1.0, "mt": 1.0, "ton": 1.0, "tons": 1.0, "tonne": 1.0, "tonnes": 1.0,
    "lb": 0.000453592, "lbs": 0.000453592, "pound": 0.000453592, "pounds": 0.000453592,
}  # fmt: skip
_ENERGY_MWH = {"": 1e-6, "k": 1e-3, "K": 1e-3, "M": 1.0, "G": 1e3, "T": 1e6}
_BYTES = {"K": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15}

_APPROX_BEFORE = re.compile(
    r"(?:~|∼|≈|approx\.?|approximately|about|around|roughly|nearly|almost|circa|ca\.|some|an estimated"
    r"|约|大约)\s{0,2}$",
    re.I,
)
_LOWER_BEFORE = re.compile(
    r"(?:>|≥|>=|over|more than|at least|above|in excess of|upwards of|超过)\s{0,2}$", re.I
)
_UPPER_BEFORE = re.compile(r"(?:<|≤|<=|up to|under|less than|at most|below|fewer than)\s{0,2}$", re.I)
_RANGE_JOIN = re.compile(r"\s{0,2}(?:-|–|—|to|~)\s{0,2}(?=[\d.])")
_PLUS_AFTER = re.compile(r"\+")
# "14.8 trillion diverse and high-quality tokens": a few describing words between a magnitude and its unit.
_DESCRIBED_TOKENS = re.compile(
    r"(?:\s{1,2}(?!(?:for|each|per|of|in|on|at|to|with|every|activated|active|parameters?|params?)\b)"
    r"(?:[A-Za-z][A-Za-z-]{0,20}|,)){1,4}?\s{1,2}tokens?\b",
    re.IGNORECASE,
)
# "1.5万亿中文token": a few Chinese characters between the magnitude and the unit
_CJK_DESCRIBED_TOKENS = re.compile(r"\s?[\u4e00-\u9fff]{1,4}\s?(?:tokens?|词元)(?![a-z])", re.IGNORECASE)
_SUM_AFTER = re.compile(r"\s\+\s(?=\d)")
# "Llama 3-8B", "Qwen-2-7B": a number glued to a name is a version, not the start of a range.
_NAME_BEFORE = re.compile(r"(?:-|[A-Z][\w.]*\s)$")


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


@dataclass(frozen=True)
class _Number:
    value: float
    start: int
    end: int
    ambiguous: bool = False
    magnitude: bool = False


def _pow10(exponent: str) -> float:
    """10**exponent, saturating to inf (dropped later) instead of raising for absurd exponents."""
    power = int(exponent.replace("\u2212", "-"))
    if power > 300:
        return math.inf
    if power < -300:
        return 0.0
    return 10.0**power


def _read_number(text: str, pos: int) -> _Number | None:
    """The number starting exactly at `pos` (after _NUMBER matched there), with any magnitude."""
    match = _NUMBER.match(text, pos)
    if match is None:
        return None
    raw = match.group(0)
    if sum(ch.isdigit() for ch in raw) > _MAX_DIGITS:
        return None
    end = match.end()
    ambiguous = False
    if match.group("grouped"):
        value = float(raw.replace(",", ""))
    elif match.group("eurogrouped"):
        value = float(raw.replace(".", "").replace(",", "."))
    elif match.group("spaced"):
        value = float(re.sub(r"\D", "", raw))
    else:
        decimal = _DECIMAL_COMMA.match(text, end)
        if decimal and "." not in raw:
            raw = f"{raw}.{decimal.group(1)}"
            end = decimal.end()
        value = float(raw)
    magnitude = False
    sci = _SCI_E.match(text, end)
    if sci:
        value *= _pow10(sci.group(1))
        end = sci.end()
        magnitude = True
    power = _POWER_OF_TEN.match(text, end)
    if power and not sci:
        exp_text = power.group("exp") or power.group("supexp") or power.group("eexp") or power.group("sup")
        exp_text = exp_text.translate(_SUPERSCRIPTS).replace("\u2212", "-")
        if power.group("eexp"):
            # "2.1 x 10e21": 10e21 is literally 1e22, but the writer probably meant 10^21; keep the literal.
            value *= 10.0 * _pow10(exp_text[1:])
            ambiguous = True
        else:
            value *= _pow10(exp_text)
        end = power.end()
        magnitude = True
    elif raw == "10" and not sci:
        bare = _BARE_POWER.match(text, end)
        if bare:
            exp_text = (bare.group("exp") or bare.group("supexp") or bare.group("sup") or "0").translate(
                _SUPERSCRIPTS
            )
            value = _pow10(exp_text)
            end = bare.end()
            magnitude = True
    if not magnitude:
        word = _MAGNITUDE_WORD.match(text, end)
        chinese = _CHINESE.match(text, end)
        suffix = _SUFFIX.match(text, end)
        if word:
            value *= _MAGNITUDE_WORDS[word.group("word").lower()]
            end = word.end()
            magnitude = True
        elif chinese:
            value *= _CHINESE_VALUES[chinese.group("cn")]
            end = chinese.end()
            magnitude = True
        elif suffix and _suffix_applies(text, suffix):
            value *= _SUFFIX_VALUES[suffix.group("suffix")]
            end = suffix.end()
            magnitude = True
    if not math.isfinite(value):
        return None
    return _Number(value, match.start(), end, ambiguous, magnitude)


_UNIT_AFTER_SPACED_SUFFIX = re.compile(
    r"\s{0,8}(?:\+\s{0,2})?(?:[A-Z]\w{0,12}\s)?(?:param|token|GPU|TPU|hours|parameters|tokens|\)|\||$|,|\.\s)",
    re.I,
)


def _suffix_applies(text: str, suffix: re.Match[str]) -> bool:
    """`8B`, `15T+` always; `1550 M` only when a unit word, a cell end or a bracket follows."""
    letter = suffix.group("suffix")
    if letter == "G":
        # "5,500 GT" (gigatokens) is handled as a unit; a bare G is too often gigabytes or a grade.
        return False
    if letter == "b" and suffix.group("space"):
        return False
    if not suffix.group("space"):
        return True
    return _UNIT_AFTER_SPACED_SUFFIX.match(text, suffix.end()) is not None


def _read_unit(text: str, pos: int, value: float) -> tuple[str, float, int, dict[str, object]] | None:
    """(dimension, value in base units, end, extras) for the unit at `pos`, or None."""
    for name, pattern in _UNIT_PATTERNS:
        match = pattern.match(text, pos)
        if match is None:
            continue
        groups = match.groupdict()
        extras: dict[str, object] = {}
        if name == "pf_days":
            return "flop", value * 1e15 * 86400, match.end(), extras
        if name == "flop":
            prefix = groups.get("prefix") or ""
            scale = _SI.get(prefix, _SI.get(prefix.lower(), 1.0)) if prefix else 1.0
            is_rate = bool(groups.get("rate"))
            # "312 TFLOPS" is a rate; "3.8e25 FLOPs" and "Total FLOPS: 2.1e21" are counts. An SI prefix
            # below zetta together with a capital S is the datasheet spelling of a rate.
            if not is_rate and prefix and groups.get("plural") == "S" and scale < 1e21:
                is_rate = True
            return ("flop_rate" if is_rate else "flop"), value * scale, match.end(), extras
        if name == "device_hours":
            per = groups["per"].lower()
            word = match.group(0)
            extras["device"] = word.strip()
            if per.startswith("d") or per == "天":
                return "device_hours", value * 24.0, match.end(), extras
            return "device_hours", value, match.end(), extras
        if name == "co2":
            mass = re.sub(r"\s+", " ", groups["mass"].lower())
            mass = {"metric ton": "t", "metric tons": "t"}.get(mass, mass)
            return "co2", value * _MASS_TONNES.get(mass, 1.0), match.end(), extras
        if name == "energy":
            if groups.get("prefixword") is not None or "prefixword" in groups:
                word = (groups.get("prefixword") or "").lower()
                scale = {"": 1e-6, "kilo": 1e-3, "mega": 1.0, "giga": 1e3, "tera": 1e6}[word]
            else:
                scale = _ENERGY_MWH[groups.get("prefix") or ""]
            return "energy", value * scale, match.end(), extras
        if name == "power":
            if "prefixword" in groups:
                scale = {"": 1.0, "kilo": 1e3, "mega": 1e6}[(groups.get("prefixword") or "").lower()]
            else:
                scale = {"": 1.0, "k": 1e3, "M": 1e6}[groups.get("prefix") or ""]
            return "power", value * scale, match.end(), extras
        if name == "parameters":
            return "parameters", value, match.end(), extras
        if name == "tokens":
            return "tokens", value, match.end(), extras
        if name == "gigatokens":
            return "tokens", value * 1e9, match.end(), extras
        if name == "bytes":
            prefix = (groups.get("prefix") or "")[:1].upper()
            word = (groups.get("prefixword") or "").lower()
            scale = _BYTES.get(prefix, {"giga": 1e9, "tera": 1e12}.get(word, 1.0))
            return "bytes", value * scale, match.end(), extras
        if name == "mass":
            mass = re.sub(r"\s+", " ", groups["mass"].lower())
            mass = {"metric ton": "t", "metric tons": "t"}.get(mass, mass)
            return "mass", value * _MASS_TONNES.get(mass, 1.0), match.end(), extras
        if name == "duration":
            period = groups["period"].lower()
            days = _DAYS_PER.get(period)
            if days is None:
                return None
            return "duration", value * days, match.end(), extras
    return None


def _quantity_at(text: str, number: _Number) -> Quantity:
    """Attach range, unit and approximation flags to a number read at a known position."""
    start, end, value = number.start, number.end, number.value
    low: float | None = None
    range_join = _RANGE_JOIN.match(text, end)
    if range_join and not _NAME_BEFORE.search(text, max(0, start - 20), start):
        second_match = _NUMBER.match(text, range_join.end())
        second = _read_number(text, range_join.end()) if second_match else None
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
    if plus and _NUMBER_START.match(text, plus.end()) and number.magnitude:
        # "750M+450M params": a sum of parts written with the same magnitudes
        second = _read_number(text, plus.end())
        if second is not None and second.magnitude:
            value, end, parts = value + second.value, second.end, 2
            plus = None
    elif summand is not None and number.magnitude:
        second = _read_number(text, summand.end())
        if second is not None and second.magnitude:
            value, end, parts = value + second.value, second.end, 2
    if plus:
        lower = True
        end = plus.end()
        word = None if number.magnitude else _MAGNITUDE_WORD.match(text, end)
        if word is not None:  # "4+ trillion tokens": the magnitude follows the plus
            value *= _MAGNITUDE_WORDS[word.group("word").lower()]
            end = word.end()
            number = replace(number, magnitude=True)
    layout = None if number.magnitude or not 2 <= value <= 1024 else _EXPERT_LAYOUT.match(text, end)
    if layout is not None and value == int(value):
        # "16x3.8B parameters": experts times the size of each, a product of two stated figures
        value *= float(layout.group("each")) * _SUFFIX_VALUES[layout.group("suffix")]
        end, parts = layout.end(), 2
        number = replace(number, magnitude=True)
    unit = _read_unit(text, end, value)
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
        value, end = _compound_duration(text, end, value, unit_text)
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


_COMPOUND_JOIN = re.compile(r"(?:\s{1,2}|\s{0,2},\s{0,2})(?:and\s{1,2})?(?=\d)")
_MAX_COMPOUND_PARTS = 4  # "1 week 3 days 8 hours 57 minutes" at most: the loop stays bounded


def _compound_duration(text: str, end: int, days: float, unit_text: str) -> tuple[float, int]:
    """ "3 days 8 hours 57 minutes", "4 days and 9.5 hours": one duration written in falling units, summed
    (days, end). A part in the same or a larger unit starts a new figure; `unit_text` stays the first unit."""
    period = _DAYS_PER.get(unit_text.lower())
    for _ in range(_MAX_COMPOUND_PARTS):
        join = _COMPOUND_JOIN.match(text, end)
        number = _read_number(text, join.end()) if join else None
        unit = _DURATION_UNIT.match(text, number.end) if number is not None and not number.magnitude else None
        part = _DAYS_PER.get(unit.group("period").lower()) if unit is not None else None
        if number is None or unit is None or part is None or period is None or part >= period:
            break
        days, end, period = days + number.value * part, unit.end(), part
    return days, end


NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40,
    "forty-eight": 48, "a": 1, "an": 1, "half a": 0.5,
}  # fmt: skip
_WORD_DURATION = re.compile(
    r"(?<![\w-])(?P<word>" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")\s{1,2}"
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
        days, end = _compound_duration(
            text, match.end(), NUMBER_WORDS[match.group("word").lower()] * _DAYS_PER[period], period
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


_NUMBER_START = re.compile(r"(?<![A-Za-z0-9_.,])(?:\d|\.\d)")
# Only before a parameters unit: `Mixtral 8x7B` names a layout whose total is not 8 x 7B (shared layers).
_EXPERT_LAYOUT = re.compile(
    r"\s?[x×]\s?(?P<each>\d{1,4}(?:\.\d{1,3})?)(?P<suffix>[MBT])(?=\s{0,2}(?:total\s)?param)", re.I
)


def find_quantities(text: str) -> Iterator[Quantity]:
    """Every number in `text` with its magnitude and unit, left to right, without overlaps."""
    pos = 0
    length = len(text)
    while pos < length:
        start = _NUMBER_START.search(text, pos)
        if start is None:
            return
        number = _read_number(text, start.start())
        if number is None:
            # skip the whole digit run so a 1 MB run of digits costs one pass
            run = re.compile(r"[\d.,]+").match(text, start.start())
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


def with_dimension(quantity: Quantity, dimension: str, scale: float = 1.0) -> Quantity:
    """A copy read in another dimension (a table header says what a bare cell number means)."""
    low = quantity.low * scale if quantity.low is not None else None
    return replace(
        quantity,
        value=quantity.value * scale,
        dimension=dimension,
        unit=BASE_UNITS.get(dimension, dimension),
        low=low,
    )


_LABEL_SCALE = re.compile(
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
