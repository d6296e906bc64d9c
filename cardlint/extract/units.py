"""The unit written right after a number, and the number's value converted to its dimension's base unit
(hours, days, FLOP, MWh, watts, tonnes); a duration written in falling units ("3 days 8 hours") is summed."""

from __future__ import annotations

import re

from cardlint.core.regex_store import compile_pattern
from cardlint.extract.numbers import read_number

_SI = {
    "k": 1e3, "kilo": 1e3, "M": 1e6, "mega": 1e6, "G": 1e9, "giga": 1e9, "T": 1e12, "tera": 1e12,
    "P": 1e15, "peta": 1e15, "E": 1e18, "exa": 1e18, "Z": 1e21, "zetta": 1e21, "Y": 1e24, "yotta": 1e24,
}  # fmt: skip


_DURATION_UNIT = compile_pattern(
    r"[\s-]{0,2}(?P<period>(?i:minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)|h|d|天|小时|周|个月|分钟|時間|日間|週間|ヶ月|か月|分間|시간)"
    r"(?![A-Za-z])"
)


# Units, tried in this order at the position right after the number (and its magnitude).
_DEVICE_WORDS = r"(?:GPU|TPU|NPU|IPU|accelerator|chip|device|A100|H100|H800|V100|卡)"


_UNIT_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "pf_days",
        compile_pattern(
            r"\s{0,2}(?:petaflop(?:s|/s)?|pflop(?:s|/s)?|pf|pfs)[\s-]{0,2}(?:/s[\s-]{0,2})?days?(?![a-z])",
            re.I,
        ),
    ),
    (
        "flop",
        compile_pattern(
            r"\s{0,2}(?P<prefix>kilo|mega|giga|tera|peta|exa|zetta|yotta|[kMGTPEZY])?[\s-]?"
            r"(?P<flop>FLOP|flop|Flop)(?P<plural>s|S)?(?P<rate>\s{0,2}/\s{0,2}s(?:ec)?\b|\s+per\s+second)?(?![A-Za-z])"
        ),
    ),
    (
        "device_hours",
        compile_pattern(
            r"\s{0,2}(?P<device>(?:[A-Za-z][\w-]{0,20}\s){0,2})?"
            + _DEVICE_WORDS
            + r"s?[\s-]{0,2}(?P<per>hours?|hrs?|h|days?|小时|时|天)(?![A-Za-z])",
            re.I,
        ),
    ),
    (
        "co2",
        compile_pattern(
            r"\s{0,2}(?P<mass>g|kg|t|mt|tons?|tonnes?|metric\s+tons?|lbs?|pounds?)\.?\s{0,2}(?:of\s+)?"
            r"(?:CO2|CO₂|CO<sub>2</sub>|carbon)(?:[\s-]{0,2}(?:eq(?:uivalent)?\.?|e)(?![A-Za-z]))?",
            re.I,
        ),
    ),
    ("co2", compile_pattern(r"\s{0,2}(?P<mass>g|kg|t)CO2(?:e|eq|-eq)?\.?(?![A-Za-z])", re.I)),
    ("energy", compile_pattern(r"\s{0,2}(?P<prefix>[kKMGT]?)(?:Wh|WH|wh)(?![A-Za-z])")),
    (
        "energy",
        compile_pattern(r"\s{0,2}(?P<prefixword>kilo|mega|giga|tera)?watt[\s-]?hours?(?![a-z])", re.I),
    ),
    ("power", compile_pattern(r"\s{0,2}(?P<prefix>[kM]?)W(?![A-Za-z])")),
    ("power", compile_pattern(r"\s{0,2}(?P<prefixword>kilo|mega)?watts?(?![a-z])", re.I)),
    (
        "parameters",
        compile_pattern(
            r"[\s-]{0,2}(?:(?:total|trainable|active|activated|learnable|non-embedding)\s)?"
            r"(?:parameters?|params?|参数)(?![a-z])",
            re.I,
        ),
    ),
    ("tokens", compile_pattern(r"[\s-]{0,2}(?:tokens?|toks|词元)(?![a-z])", re.I)),
    ("gigatokens", compile_pattern(r"\s{0,2}GT(?![A-Za-z])")),
    (
        "bytes",
        compile_pattern(
            r"\s{0,2}(?P<prefix>[KMGTP]i?)B(?![A-Za-z])|\s{0,2}(?P<prefixword>giga|tera)bytes?", re.I
        ),
    ),
    ("mass", compile_pattern(r"\s{0,2}(?P<mass>kg|tons?|tonnes?|metric\s+tons?|lbs?)\.?(?![A-Za-z])", re.I)),
    ("duration", _DURATION_UNIT),
]


DAYS_PER = {
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


def read_unit(text: str, pos: int, value: float) -> tuple[str, float, int, dict[str, object]] | None:
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
            days = DAYS_PER.get(period)
            if days is None:
                return None
            return "duration", value * days, match.end(), extras
    return None


_COMPOUND_JOIN = compile_pattern(r"(?:\s{1,2}|\s{0,2},\s{0,2})(?:and\s{1,2})?(?=\d)")


_MAX_COMPOUND_PARTS = 4  # "1 week 3 days 8 hours 57 minutes" at most: the loop stays bounded


def compound_duration(text: str, end: int, days: float, unit_text: str) -> tuple[float, int]:
    """ "3 days 8 hours 57 minutes", "4 days and 9.5 hours": one duration written in falling units, summed
    (days, end). A part in the same or a larger unit starts a new figure; `unit_text` stays the first unit."""
    period = DAYS_PER.get(unit_text.lower())
    for _ in range(_MAX_COMPOUND_PARTS):
        join = _COMPOUND_JOIN.match(text, end)
        number = read_number(text, join.end()) if join else None
        unit = _DURATION_UNIT.match(text, number.end) if number is not None and not number.magnitude else None
        part = DAYS_PER.get(unit.group("period").lower()) if unit is not None else None
        if number is None or unit is None or part is None or period is None or part >= period:
            break
        days, end, period = days + number.value * part, unit.end(), part
    return days, end
