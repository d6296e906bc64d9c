"""Build the `training_compute` disclosure block from what a card already states and from its estimate.

The block turns scattered, ambiguous figures into one machine-readable statement a reviewer can check. It must
never claim more than the card does: conflicting figures are left out rather than picked at random, ambiguous
notations are skipped, the scope stays `unknown` until the author says otherwise, and every value names the
line it came from (`derived_from`) so the author can verify it before committing.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from cardlint.core.regex_store import compile_pattern
from cardlint.types import Estimate, Fact

DISCLOSURE_KEY = "training_compute"

# Figures copied from the card's own facts, in the order they appear in the block.
FACT_FIELDS = (
    "parameters",
    "active_parameters",
    "training_tokens",
    "hardware_type",
    "hardware_count",
    "device_hours",
    "training_duration_days",
)
ESTIMATE_FIELDS = ("training_flop", "training_flop_low", "training_flop_high", "method", "scope")
TAIL_FIELDS = ("energy_mwh", "co2_tonnes")
FIELD_ORDER = (*FACT_FIELDS, *ESTIMATE_FIELDS, *TAIL_FIELDS)
INTEGER_FIELDS = frozenset({"parameters", "active_parameters", "training_tokens", "hardware_count"})
SOURCE_KEY = "derived_from"
APPROXIMATE_KEY = "approximate"
UNKNOWN_SCOPE = "unknown"
HEADER_COMMENT = "# Written by `cardlint fix` from figures this card states (see derived_from); check them."

_QUOTE_LIMIT = 70
# Characters PyYAML's reader refuses even inside quotes, and the line breaks it would fold (NEL, LS, PS):
# they are written as \u escapes.
_NON_PRINTABLE = compile_pattern(
    "[^\x09\x0a\x0d\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
_RELATIVE_TOLERANCE = 0.01
# A float the card states has a handful of digits; products of them (days x 24 x devices) carry binary
# representation noise in the 16th or 17th digit (14284.800000000001), which a block must not publish.
_SIGNIFICANT_DIGITS = 12


@dataclass(frozen=True)
class Entry:
    """One key of the block, its value and where the value came from (None when it is a default)."""

    key: str
    value: int | float | str
    lines: tuple[int, ...] = ()  # the card lines the value came from
    detail: str | None = None  # how: origin and quote, or the estimate's method and formula
    approximate: bool = False  # the card gives it only roughly ("~5,500 GT", "roughly two months")

    @property
    def has_source(self) -> bool:
        return self.detail is not None

    def source(self, shift: LineShift | None = None) -> str:
        """E.g. `line 12 (table): 8B parameters`, with line numbers as they will be after the edit."""
        moved = [shift.apply(line) if shift else line for line in self.lines]
        if not moved:
            return self.detail or ""
        label = "line" if len(moved) == 1 else "lines"
        return f"{label} {', '.join(map(str, moved))} {self.detail}"


@dataclass(frozen=True)
class Disclosure:
    entries: tuple[Entry, ...]
    notes: tuple[str, ...] = ()  # figures left out and why

    def __bool__(self) -> bool:
        return bool(self.entries)

    def key_names(self) -> list[str]:
        return [entry.key for entry in self.entries]

    @property
    def approximate_keys(self) -> list[str]:
        """The keys to list under `approximate:`, so the block claims no more precision than the card."""
        return [entry.key for entry in self.entries if entry.approximate]

    def without(self, keys: Iterable[str]) -> Disclosure:
        dropped = set(keys)
        return Disclosure(tuple(e for e in self.entries if e.key not in dropped), self.notes)


@dataclass(frozen=True)
class LineShift:
    """Lines at or after `from_line` (1-based) move down by `by` once the block is inserted."""

    from_line: int
    by: int

    def apply(self, line: int) -> int:
        return line + self.by if line >= self.from_line else line


def plan_disclosure(
    facts: Iterable[Fact],
    estimate: Estimate | None,
    *,
    existing: Mapping[str, Any] | None = None,
    own_block_lines: range | None = None,
    card_path: str | None = None,
) -> Disclosure:
    """Decide which keys to add. Keys already present in `existing` (the author's block) are never touched;
    facts that sit inside that block (`own_block_lines`) are not sources of new values."""
    existing = existing or {}
    own = [
        fact
        for fact in facts
        if fact.subject is None
        and not fact.ambiguous
        and not (own_block_lines is not None and fact.location.line in own_block_lines)
    ]
    used = _facts_used_by(estimate)
    entries: list[Entry] = []
    notes: list[str] = []
    for kind in (*FACT_FIELDS, *TAIL_FIELDS):
        if kind in existing:
            continue
        chosen, note = _choose(kind, [fact for fact in own if fact.kind == kind], used)
        if note:
            notes.append(note)
        if chosen is not None:
            in_card = card_path is None or chosen.location.path == card_path
            lines: tuple[int, ...] = (
                (chosen.location.line,) if in_card and chosen.location.line is not None else ()
            )
            approximate = chosen.approximate and APPROXIMATE_KEY not in existing
            if chosen.approximate and not approximate:
                notes.append(
                    f"{kind}: approximate, but the block's own `{APPROXIMATE_KEY}` list is left as it is"
                )
            entries.append(
                Entry(kind, _field_value(kind, chosen.value), lines, _describe(chosen, in_card), approximate)
            )
    if estimate is not None and estimate.training_flop is not None and not _states_flop(existing):
        interval = estimate.training_flop
        lines, detail = _estimate_source(estimate, card_path)
        entries.append(Entry("training_flop", round_significant(interval.central, 2), lines, detail))
        entries.append(Entry("training_flop_low", round_significant(interval.low, 2, "down")))
        entries.append(Entry("training_flop_high", round_significant(interval.high, 2, "up")))
        if "method" not in existing:
            method = estimate.driver or "combined"
            if method in allowed_values("method"):
                entries.append(Entry("method", method))
            else:
                notes.append(f"method `{method}` is not a value the metadata schema allows; left out")
        if "scope" not in existing:
            entries.append(Entry("scope", UNKNOWN_SCOPE))
    order = {key: index for index, key in enumerate(FIELD_ORDER)}
    entries.sort(key=lambda entry: order[entry.key])
    return Disclosure(tuple(entries), tuple(notes))


@functools.cache
def allowed_values(key: str) -> frozenset[str]:
    """The values schemas/card-metadata allows for `training_compute.<key>` (method, scope), so the block we
    write is always valid against the schema that lints it."""
    from cardlint.core.resources import schema

    try:
        properties = schema("card-metadata")["$defs"][DISCLOSURE_KEY]["properties"]
        return frozenset(properties[key]["enum"])
    except (FileNotFoundError, KeyError):
        return _FALLBACK_ENUMS[key]


_FALLBACK_ENUMS = {
    "method": frozenset({"reported", "architecture", "hardware", "energy", "measured", "combined"}),
    "scope": frozenset({"final-run", "cumulative", "including-rnd", "unknown"}),
}


def _states_flop(existing: Mapping[str, Any]) -> bool:
    return any(key in existing for key in ("training_flop", "training_flop_low", "training_flop_high"))


def _facts_used_by(estimate: Estimate | None) -> set[Fact]:
    if estimate is None:
        return set()
    return {fact for method in estimate.methods for fact in method.inputs}


def _choose(kind: str, candidates: list[Fact], used: set[Fact]) -> tuple[Fact | None, str | None]:
    """One fact per kind when the card states one value (the estimate's own input preferred); none when it
    states several: the block must not pick a side of a conflict the author has to resolve (and a third copy
    of one side would only repeat the conflict finding)."""
    if not candidates:
        return None, None
    distinct = _distinct_values(candidates)
    if len(distinct) == 1:
        preferred = [fact for fact in candidates if fact in used]
        return (preferred or sorted(candidates, key=_fact_rank))[0], None
    lines = ", ".join(str(fact.location.line) for fact in sorted(candidates, key=_fact_rank))
    return None, f"{kind}: the card states different values (lines {lines}); left out"


def _fact_rank(fact: Fact) -> tuple[int, int, int]:
    """Prefer stated over derived figures, exact over approximate, then the earliest line."""
    return (int(fact.derived), int(fact.approximate or fact.lower_bound), fact.location.line or 0)


def _distinct_values(facts: list[Fact]) -> list[float | str]:
    values: list[float | str] = []
    for fact in facts:
        if not any(_same_value(fact.value, seen) for seen in values):
            values.append(fact.value)
    return values


def _same_value(a: float | str, b: float | str) -> bool:
    if isinstance(a, str) or isinstance(b, str):
        return str(a).casefold() == str(b).casefold()
    return math.isclose(a, b, rel_tol=_RELATIVE_TOLERANCE)


def _field_value(kind: str, value: float | str) -> int | float | str:
    if isinstance(value, str):
        return value
    if kind in INTEGER_FIELDS or (float(value).is_integer() and abs(value) < 1e15):
        return round(value)
    cleaned = float(f"{value:.{_SIGNIFICANT_DIGITS}g}")
    return round(cleaned) if cleaned.is_integer() and abs(cleaned) < 1e15 else cleaned


def _describe(fact: Fact, in_card: bool = True) -> str:
    qualifiers = [fact.origin]
    if not in_card:
        qualifiers.insert(0, f"{fact.location.path.rsplit('/', 1)[-1]} line {fact.location.line}")
    if fact.derived:
        qualifiers.append("derived")
    if fact.lower_bound:
        qualifiers.append("lower bound")
    elif fact.approximate:
        qualifiers.append("approximate")
    return f"({', '.join(qualifiers)}): {_short(fact.quote)}"


def _estimate_source(estimate: Estimate, card_path: str | None) -> tuple[tuple[int, ...], str]:
    driver = estimate.driver or "combined"
    lines = tuple(
        sorted(
            {
                fact.location.line
                for method in estimate.methods
                if driver in ("combined", method.method)
                for fact in method.inputs
                if fact.location.line is not None and (card_path is None or fact.location.path == card_path)
            }
        )
    )
    formula = next((m.formula for m in estimate.methods if m.method == driver), "")
    detail = f"({driver} estimate)"
    return lines, f"{detail}: {_short(formula)}" if formula else detail


def _short(text: str) -> str:
    collapsed = " ".join(text.split())
    return collapsed if len(collapsed) <= _QUOTE_LIMIT else collapsed[: _QUOTE_LIMIT - 1] + "…"


def round_significant(value: float, digits: int, direction: str = "nearest") -> float:
    """Round to `digits` significant figures; `down`/`up` widen rather than narrow an interval's ends."""
    if value == 0 or not math.isfinite(value):
        return value
    exponent = math.floor(math.log10(abs(value))) - digits + 1
    scaled = value / 10**exponent
    if direction == "down":
        scaled = math.floor(scaled + 1e-9)
    elif direction == "up":
        scaled = math.ceil(scaled - 1e-9)
    else:
        scaled = round(scaled)
    return float(f"{scaled:.0f}e{exponent}")


# --- rendering -------------------------------------------------------------------------------------------


def yaml_scalar(key: str, value: int | float | str) -> str:
    """A scalar that PyYAML (YAML 1.1, the Hub's parser) reads back as exactly `value`."""
    if isinstance(value, bool):
        raise TypeError("booleans never appear in the disclosure block")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if key.startswith("training_flop"):
            return f"{value:.1e}"  # two significant figures, in the form YAML 1.1 reads as a float
        return _yaml_float(value)
    if _PLAIN.fullmatch(value) and value.lower() not in _YAML11_WORDS and _reads_back(value):
        return value
    return quote(value)


_PLAIN = compile_pattern(r"[A-Za-z][A-Za-z0-9._/-]*")


def _reads_back(value: str) -> bool:
    """Whether `value` written plain is read by YAML 1.1 as exactly that string."""
    import yaml

    try:
        return bool(yaml.safe_load(f"k: {value}") == {"k": value})
    except yaml.YAMLError:
        return False


_YAML11_WORDS = frozenset({"yes", "no", "on", "off", "y", "n", "true", "false", "null"})


def _yaml_float(value: float) -> str:
    if value.is_integer() and abs(value) < 1e15:
        return f"{value:.1f}"
    text = repr(value)
    if "e" in text:
        mantissa, exponent = text.split("e")
        if "." not in mantissa:
            mantissa += ".0"
        if exponent[0] not in "+-":
            exponent = "+" + exponent
        text = f"{mantissa}e{exponent}"
    return text


def quote(text: str) -> str:
    """A YAML double-quoted scalar (JSON's escapes are a subset of YAML's) with no unreadable characters."""
    return _NON_PRINTABLE.sub(
        lambda match: f"\\u{ord(match.group()):04x}", json.dumps(text, ensure_ascii=False)
    )


def render_children(
    disclosure: Disclosure, *, indent: int, shift: LineShift | None = None, with_sources: bool = True
) -> list[str]:
    """The block's child lines (no key line), each indented by `indent` spaces."""
    pad = " " * indent
    lines = [f"{pad}{entry.key}: {yaml_scalar(entry.key, entry.value)}" for entry in disclosure.entries]
    if disclosure.approximate_keys:
        lines.append(f"{pad}{APPROXIMATE_KEY}: [{', '.join(disclosure.approximate_keys)}]")
    sources = [entry for entry in disclosure.entries if entry.has_source]
    if with_sources and sources:
        lines.append(f"{pad}{SOURCE_KEY}:")
        for entry in sources:
            lines.append(f"{pad}{pad}- {quote(f'{entry.key}: {entry.source(shift)}')}")
    return lines


def render_block(disclosure: Disclosure, *, shift: LineShift | None = None) -> list[str]:
    """The complete top-level block: key line, a comment telling the author to check it, the children."""
    return [f"{DISCLOSURE_KEY}:", f"  {HEADER_COMMENT}", *render_children(disclosure, indent=2, shift=shift)]


def expected_values(disclosure: Disclosure) -> dict[str, int | float | str | list[str]]:
    """What a YAML reader must find in the written block, used to validate the edit before it is written."""
    values: dict[str, int | float | str | list[str]] = {}
    for entry in disclosure.entries:
        value = entry.value
        if isinstance(value, float) and entry.key.startswith("training_flop"):
            value = float(f"{value:.1e}")
        values[entry.key] = value
    if disclosure.approximate_keys:
        values[APPROXIMATE_KEY] = disclosure.approximate_keys
    return values
