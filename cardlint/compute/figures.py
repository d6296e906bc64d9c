"""Which of a card's facts the estimator uses for one quantity, and how uncertain that figure is.

A card often states a quantity more than once: restated in YAML and prose, as stages and their total
("2,664K pre-training + 119K context extension + 5K post-training = 2,788K"), or only as a nominal size in the
model's name ("Pebble-7B"). `pick` chooses one figure per quantity: a total over the card's stages before any
one stage (the stages are kept to show per stage), a stated figure before a derived one, the metadata before
prose, and a size read from the name only when nothing else states it, with a wider band because "7B" names
a size class (real models named 7B have 6.7B to 8.5B parameters), not a count.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cardlint.compute.options import constants
from cardlint.core.regex_store import compile_pattern
from cardlint.types import Fact

# Which statement of a figure to trust first when a card states it more than once.
_ORIGIN_RANK = {"yaml": 0, "config.json": 1, "safetensors": 2, "table": 3, "html-table": 3, "prose": 4}
_RATE_UNIT = compile_pattern(r"(/\s*s(ec)?\b|per\s+second)", re.IGNORECASE)
_LITERAL = compile_pattern(r"\d[\d,\u202f\u00a0' ]*(?:\.\d+)?|\.\d+")
# A total is looked for among this many figures of one kind at most: cards state a handful of stages, and the
# subset search stays bounded on a card that repeats one kind hundreds of times.
_MAX_STAGE_CANDIDATES = 8


def own(facts: Iterable[Fact], *kinds: str) -> list[Fact]:
    """Facts of `kinds` about the card's own model, most trustworthy first."""
    chosen = [fact for fact in facts if fact.kind in kinds and fact.subject is None]
    return sorted(chosen, key=_trust)


def _trust(fact: Fact) -> tuple[int, int, int, int]:
    line = fact.location.line if fact.location.line is not None else 10**9
    return (int(fact.from_name), int(fact.derived), _ORIGIN_RANK.get(fact.origin, 5), line)


def numeric(facts: Iterable[Fact]) -> list[Fact]:
    """Facts with a usable number: finite, not negative, and below any figure a card could mean."""
    limit = float(constants()["inputs"]["max_figure"])
    return [
        fact
        for fact in facts
        if isinstance(fact.value, (int, float))
        and not isinstance(fact.value, bool)
        and math.isfinite(fact.value)
        and 0 <= fact.value < limit
    ]


def is_rate(fact: Fact) -> bool:
    """A FLOP/s figure: never usable as a FLOP count."""
    return bool(_RATE_UNIT.search(fact.unit or ""))


def significant_digits(literal: str) -> str:
    """The digits that carry information: '1,082,990' -> '108299', '2.0' -> '20', '0.05' -> '5'."""
    compact = re.sub(r"[^\d.]", "", literal)
    has_point = "." in compact
    digits = compact.replace(".", "").lstrip("0")
    return digits if has_point else digits.rstrip("0")


def _at_least_two(literal: str, digits: str) -> str:
    """A whole number written out with three or more digits ('1,000,000 hours') is read as precise to at
    least two digits; '2T' or '70B' keep their single significant digit."""
    written = re.sub(r"\D", "", literal).lstrip("0")
    if "." not in literal and len(digits) < 2 and len(written) >= 3:
        return written[:2]
    return digits


def rounding_of(fact: Fact) -> float:
    """Relative half-unit of the last digit the card wrote: '15T' -> 0.5/15, '1,082,990' -> ~5e-6."""
    value = float(fact.value)
    if value <= 0:
        return 0.0
    wanted = significant_digits(f"{value:.12e}".split("e")[0]).rstrip("0") or "0"
    for match in _LITERAL.finditer(fact.quote or ""):
        digits = significant_digits(match.group())
        longer = digits.startswith(wanted) and len(digits) > len(wanted)
        # a literal with fewer digits than the value has cannot be where it was written ("1B (1." cut short)
        if digits and (digits == wanted or longer):
            # A YAML integer (`parameters: 7000000000`) is usually a rounded figure written out in full,
            # not a claim of ten-digit precision: keep only the digits it really gives.
            return 0.5 / int(digits if fact.origin == "yaml" else _at_least_two(match.group(), digits))
    if fact.derived:
        return 0.0
    return float(constants()["inputs"]["unknown_rounding"])


def input_band(fact: Fact) -> tuple[float, float, list[str]]:
    """Multipliers (down, up) for one input figure, with the assumptions that produced them."""
    settings = constants()["inputs"]
    if fact.from_name:
        nominal = settings["nominal_size"]
        down, up = float(nominal["low"]), float(nominal["high"])
        return down, up, [f"{fact.kind} is a nominal size read from the model's name: {down:g}–{up:g}× of it"]
    rounding = rounding_of(fact)
    down, up = 1.0 - rounding, 1.0 + rounding
    notes: list[str] = []
    value = float(fact.value)
    if fact.interval is not None and value > 0 and fact.interval[0] <= value <= fact.interval[1]:
        low, high = fact.interval
        down, up = min(down, low / value), max(up, high / value)
        notes.append(f"{fact.kind} is a range the card states: {count(low)} to {count(high)}")
    if fact.approximate:
        margin = float(settings["approximate_margin"])
        down, up = down - margin, up + margin
        notes.append(f"{fact.kind} is approximate (±{margin:.0%} beyond its rounding)")
    if fact.lower_bound:
        factor = float(settings["lower_bound_high_factor"])
        down, up = 1.0, up * factor
        notes.append(f"{fact.kind} is a lower bound; high end allows up to {factor:g}×")
    if fact.ambiguous:
        factor = float(settings["ambiguous_exponent_factor"])
        down = down / factor
        notes.append(
            f"{fact.kind} is written in ambiguous notation; low end allows the value {factor:g}× smaller"
        )
    return max(down, 0.01), up, notes


@dataclass(frozen=True)
class Figure:
    """One quantity as the estimator uses it: central value, band multipliers, the facts behind it and, when
    it is a total over stages, those stages (each a fact of its own line)."""

    value: float
    down: float
    up: float
    facts: tuple[Fact, ...]
    notes: tuple[str, ...] = ()
    stages: tuple[Fact, ...] = ()

    @property
    def fact(self) -> Fact:
        return self.facts[0]


def _stages_of(total: Fact, others: Sequence[Fact]) -> tuple[Fact, ...]:
    """Two or more distinct figures among `others` that add up to `total` within the tolerance a table's
    Total row is allowed; () when none do."""
    tolerance = float(constants()["tables"]["total_tolerance"])
    value = float(total.value)
    smaller = [fact for fact in others if 0 < float(fact.value) < value][:_MAX_STAGE_CANDIDATES]
    for size in range(len(smaller), 1, -1):
        for parts in itertools.combinations(smaller, size):
            if len({float(part.value) for part in parts}) < size:
                continue  # a figure restated is one stage, not two
            if abs(sum(float(part.value) for part in parts) - value) <= tolerance * value:
                return parts
    return ()


def count(value: float) -> str:
    """A count as a card writes it: 12,000 / 2.79M / 300B / 15T."""
    for scale, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M")):
        if value >= scale:
            return f"{value / scale:.4g}{suffix}"
    return f"{value:,.0f}" if value >= 1 else f"{value:.3g}"


def _stage_notes(kind: str, total: float, stages: Sequence[Fact]) -> list[str]:
    parts = " + ".join(f"{count(float(s.value))} (line {s.location.line or '-'})" for s in stages)
    return [f"{kind} is the sum of {len(stages)} stages: {parts} = {count(total)}"]


def _most_precise(chosen: Fact, stated: Sequence[Fact]) -> Fact:
    """A more precise statement of the same figure ("1B (1.23B)", "7B" in prose and "6.74B" in the table):
    a stated figure inside the chosen one's rounding, written with more digits, refines it."""
    rounding = rounding_of(chosen)
    value = float(chosen.value)
    best, best_rounding = chosen, rounding
    for fact in stated:
        if fact.derived or fact.kind != chosen.kind or fact is chosen:
            continue
        other = rounding_of(fact)
        if other < best_rounding and abs(float(fact.value) - value) <= rounding * value:
            best, best_rounding = fact, other
    return best


def pick(facts: Sequence[Fact], *kinds: str) -> Figure | None:
    """The figure the estimator uses for `kinds`, or None when the card states none."""
    # a "0" (an empty GPU-hours cell) states nothing a method can use
    candidates = [fact for fact in numeric(own(facts, *kinds)) if float(fact.value) > 0]
    if not candidates:
        return None
    stated = [fact for fact in candidates if not fact.from_name] or candidates
    chosen = stated[0]
    stages: tuple[Fact, ...] = ()
    for fact in stated[:_MAX_STAGE_CANDIDATES]:
        found = _stages_of(fact, [other for other in stated if other is not fact and not other.derived])
        if found:
            chosen, stages = fact, found
            break
    if not stages and not chosen.from_name:
        chosen = _most_precise(chosen, stated[:_MAX_STAGE_CANDIDATES])
    down, up, notes = input_band(chosen)
    if stages:
        notes = [*_stage_notes(chosen.kind, float(chosen.value), stages), *notes]
        if chosen.derived:
            # a sum carries the rounding of its parts, not "unknown" rounding
            bands = [input_band(stage) for stage in stages]
            down = min(band[0] for band in bands)
            up = max(band[1] for band in bands)
    return Figure(float(chosen.value), down, up, (chosen,), tuple(notes), tuple(stages))
