"""One number as cards write it, with its magnitude: digit grouping (1,234 / 1.234.567,5 / thin spaces),
decimal commas, e-notation and powers of ten, magnitude words, one-letter suffixes and Chinese magnitudes.
Every regex is applied with `match` at a known position, so reading stays linear."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from cardlint.core.regex_store import compile_pattern

_MAX_DIGITS = 30  # longer digit runs are identifiers or noise, never a reported figure


NUMBER = compile_pattern(
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


_DECIMAL_COMMA = compile_pattern(r",(\d{1,2})(?!\d)")


_SCI_E = compile_pattern(r"[eE]([-+\u2212]?\d{1,3})(?![\w])")


_POWER_OF_TEN = compile_pattern(
    r"\s{0,2}(?:[x×*·]|\\times|\\cdot)\s{0,2}10\s{0,2}(?:(?P<caret>\^|\*\*)\s{0,2}\{?(?P<exp>[-+\u2212]?\d{1,3})\}?"
    r"|<sup>\s{0,2}(?P<supexp>[-+\u2212]?\d{1,3})\s{0,2}</sup>"
    r"|(?P<sup>[⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]{1,3})"
    r"|(?P<eexp>[eE][-+]?\d{1,3}))"
)


_BARE_POWER = compile_pattern(
    r"\s{0,1}(?:\^|\*\*)\s{0,1}\{?(?P<exp>[-+\u2212]?\d{1,3})\}?|<sup>(?P<supexp>[-+\u2212]?\d{1,3})</sup>"
    r"|(?P<sup>[⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]{1,3})"
)


_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")


MAGNITUDE_WORDS = {
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


# Counts written as words, one table for every reader ("eight A100s", "twelve hours"); a reader that takes
# articles too ("an hour") adds them itself.
NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "sixteen": 16, "twenty": 20, "thirty": 30,
    "thirty-two": 32, "forty": 40, "forty-eight": 48, "sixty-four": 64,
}  # fmt: skip


MAGNITUDE_WORD = compile_pattern(
    r"\s{0,2}(?P<word>thousand|millions?|mln|mn|billions?|bn|trillions?|quadrillion)(?![a-z])", re.IGNORECASE
)


# One-letter suffixes: attached (8B, 1.3M, 15T+, 147K) or after one space when a unit word follows.
_SUFFIX = compile_pattern(r"(?P<space>\s?)(?P<suffix>[KkMBbTG])(?![A-Za-z0-9])")


SUFFIX_VALUES = {"k": 1e3, "K": 1e3, "M": 1e6, "B": 1e9, "b": 1e9, "T": 1e12, "G": 1e9}


_CHINESE = compile_pattern(r"\s{0,1}(?P<cn>万亿|千亿|百亿|十亿|亿|千万|百万|十万|万|千)")


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


@dataclass(frozen=True)
class Number:
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


def read_number(text: str, pos: int) -> Number | None:
    """The number starting exactly at `pos` (after NUMBER matched there), with any magnitude."""
    match = NUMBER.match(text, pos)
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
        word = MAGNITUDE_WORD.match(text, end)
        chinese = _CHINESE.match(text, end)
        suffix = _SUFFIX.match(text, end)
        if word:
            value *= MAGNITUDE_WORDS[word.group("word").lower()]
            end = word.end()
            magnitude = True
        elif chinese:
            value *= _CHINESE_VALUES[chinese.group("cn")]
            end = chinese.end()
            magnitude = True
        elif suffix and _suffix_applies(text, suffix):
            value *= SUFFIX_VALUES[suffix.group("suffix")]
            end = suffix.end()
            magnitude = True
    if not math.isfinite(value):
        return None
    return Number(value, match.start(), end, ambiguous, magnitude)


_UNIT_AFTER_SPACED_SUFFIX = compile_pattern(
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


NUMBER_START = compile_pattern(r"(?<![A-Za-z0-9_.,])(?:\d|\.\d)")
