"""CL306: the same figure stated twice with values that cannot both be right.

The search stays linear in the number of figures: interchangeable figures are compared as one class, and a
class that agreed once is never compared again (see _Earlier).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

from cardlint.checks import CheckContext, check, finding
from cardlint.checks.figure_helpers import _fmt, _ratio, _where
from cardlint.compute.methods import is_rate, numeric, own, rounding_of
from cardlint.compute.options import constants
from cardlint.types import Fact, Finding

_COMPARABLE_KINDS = (
    "parameters",
    "active_parameters",
    "training_tokens",
    "device_hours",
    "hardware_count",
    "training_duration_days",
    "training_flop",
    "energy_mwh",
    "co2_tonnes",
    "power_watts_per_device",
    "fine_tune_tokens",
    "fine_tune_device_hours",
)
# config.json and safetensors counts against the card are CL350/CL351's job.
_SIDECAR_ORIGINS = ("config.json", "safetensors", "hub-api")


def _tolerance(fact: Fact) -> float:
    settings = constants()["inputs"]
    margin = rounding_of(fact)
    if fact.approximate:
        margin += float(settings["approximate_margin"])
    return margin


@dataclass(frozen=True)
class _Stated:
    """What CL306 compares of one figure: facts alike in all of it are interchangeable, so each such class
    is compared once, through its first fact. The tolerance (regexes over the quote) is computed once."""

    value: float
    tolerance: float
    lower_bound: bool
    ambiguous: bool


def _stated(fact: Fact) -> _Stated:
    return _Stated(float(fact.value), _tolerance(fact), bool(fact.lower_bound), bool(fact.ambiguous))


def _consistent(first: _Stated, second: _Stated) -> bool:
    a, b = first.value, second.value
    if a == b:
        return True
    if first.lower_bound and b >= a * (1 - first.tolerance):
        return True
    if second.lower_bound and a >= b * (1 - second.tolerance):
        return True
    # "2.1 x 10e21" may mean a tenth of its literal value
    if (first.ambiguous or second.ambiguous) and (
        math.isclose(a / 10, b, rel_tol=0.05) or math.isclose(a, b / 10, rel_tol=0.05)
    ):
        return True
    allowed = first.tolerance + second.tolerance + float(constants()["conflicts"]["tolerance"])
    return abs(a - b) / max(abs(a), abs(b)) <= allowed


# A class of figure passes over at most this many earlier classes (ones it agrees with, or disagreeing ones
# on its own line) before the search for a disagreeing one stops: thousands of distinct but agreeing values
# would otherwise cost a comparison per pair. Real cards state a handful of values per kind.
_MAX_PASSED = 256


class _Earlier:
    """The classes of figures seen so far, in order of first appearance, and for each class of later
    figure how far the search has gone: a class that agreed once agrees again, so no pair is compared
    twice and the check stays linear in the number of figures."""

    def __init__(self) -> None:
        self.firsts: list[tuple[_Stated, Fact]] = []
        self.known: set[_Stated] = set()
        self.cursor: dict[_Stated, int] = {}  # next class to compare with
        self.spent: dict[_Stated, int] = {}  # classes passed over so far (at most _MAX_PASSED)
        self.same_line: dict[_Stated, list[int]] = {}  # disagreeing classes passed over: same line

    def add(self, stated: _Stated, fact: Fact) -> None:
        if stated not in self.known:
            self.known.add(stated)
            self.firsts.append((stated, fact))

    def first_disagreeing(self, stated: _Stated, line: int | None) -> Fact | None:
        """The earliest earlier fact on another line whose value cannot be right if this one is."""
        same_line = self.same_line.setdefault(stated, [])
        for index in same_line:
            if self.firsts[index][1].location.line != line:
                return self.firsts[index][1]
        index = self.cursor.get(stated, 0)
        spent = self.spent.get(stated, 0)
        found = None
        while index < len(self.firsts) and spent < _MAX_PASSED:
            other, fact = self.firsts[index]
            if not _consistent(other, stated):
                if fact.location.line != line:
                    found = fact
                    break
                same_line.append(index)
            spent += 1
            index += 1
        self.cursor[stated], self.spent[stated] = index, spent
        return found


@check("CL306")
def conflicting_figures(ctx: CheckContext) -> Iterator[Finding]:
    """The card states one figure twice with values that cannot both be right; points at both places.

    Each figure is held against the earliest earlier one on another line it disagrees with. Only the first
    fact of each class of interchangeable figures (same value, tolerance and flags) can be that earliest
    one: a later member sits on a line no earlier than the first's."""
    for kind in _COMPARABLE_KINDS:
        stated = [
            fact
            for fact in numeric(own(ctx.facts, kind))
            if not fact.derived
            and fact.origin not in _SIDECAR_ORIGINS
            and not is_rate(fact)
            # a zero is a market-based emissions figure or a placeholder, not a second statement
            and float(fact.value) != 0
        ]
        stated.sort(key=lambda fact: (fact.location.line or 0, fact.location.column or 0))
        reported: set[float] = set()
        earlier = _Earlier()
        for later in stated:
            summary = _stated(later)
            if summary.value not in reported:
                found = earlier.first_disagreeing(summary, later.location.line)
                if found is not None:
                    reported.add(summary.value)
                    yield finding(
                        "CL306",
                        f"{kind.replace('_', ' ')} stated as {_fmt(float(found.value))} on line "
                        f"{found.location.line} and as {_fmt(summary.value)} here "
                        f"({_ratio(float(found.value), summary.value):.3g}× apart)",
                        _where(ctx, later),
                        related=[_where(ctx, found)],
                        fix="state the figure once, or say what each value covers (stage, model size, unit)",
                        kind=kind,
                    )
            earlier.add(summary, later)
