"""Reconcile the methods into one interval, saying which method drove it and why.

Order of trust follows Epoch's practice (estimation.md §5): the developer's own figure wins and the others
only cross-check it; otherwise operation counting and the hardware route are combined; energy is used only
when nothing better exists. Combining is a geometric mean weighted by each method's own precision (inverse
variance in log space, the half-width of its interval as its spread), so the narrow 6·N·D band counts for
more than the hardware route's utilisation band and a nominal size counts for less than a stated one. Two
estimates *agree* when each central value lies inside the other's interval: then the intersection. Otherwise
they disagree beyond their intervals, and the honest interval is the union of both; beyond the consistency
rules' error ratio one figure must be misread, and operation counting alone sets the central value.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from cardlint.compute.options import constants
from cardlint.types import Interval, MethodEstimate


@dataclass(frozen=True)
class Combined:
    interval: Interval | None
    driver: str | None
    reason: str
    disagreement: float | None  # max/min of the method centrals, when more than one method ran
    agreed: bool = True


def agree(first: Interval, second: Interval) -> bool:
    """Each central value lies inside the other's interval."""
    return first.contains(second.central) and second.contains(first.central)


def spread(interval: Interval) -> float:
    """Half-width of the interval in natural-log units (never zero, so every method has a finite weight)."""
    low, high = max(interval.low, 1e-300), max(interval.high, 1e-300)
    return max(math.log(high / low) / 2, 0.01)


def weighted_central(intervals: Sequence[Interval]) -> float:
    """Geometric mean of the centrals, each weighted by 1 / spread²."""
    weights = [1 / spread(interval) ** 2 for interval in intervals]
    logs = [math.log(interval.central) for interval in intervals]
    return math.exp(sum(w * x for w, x in zip(weights, logs, strict=True)) / sum(weights))


def combine(methods: Sequence[MethodEstimate]) -> Combined:
    # a method at zero FLOP (a "0" in a GPU-hours column) is no estimate, and no logarithm can weigh it
    methods = [method for method in methods if method.interval.central > 0]
    by_name = {method.method: method for method in methods}
    centrals = [method.interval.central for method in methods if method.interval.central > 0]
    disagreement = max(centrals) / min(centrals) if len(centrals) > 1 else None
    if not methods:
        return Combined(None, None, "insufficient data: no method has the figures it needs", None)
    if "reported" in by_name:
        others = [name for name in ("architecture", "hardware", "energy") if name in by_name]
        checked = f"; {', '.join(others)} cross-check it" if others else ""
        return Combined(
            by_name["reported"].interval, "reported", f"the card's own figure wins{checked}", disagreement
        )
    strong = [by_name[name] for name in ("architecture", "hardware") if name in by_name]
    if not strong:
        weakest = by_name.get("energy") or methods[0]
        return Combined(
            weakest.interval,
            weakest.method,
            f"only the {weakest.method} method applies (weakest route: low confidence)",
            disagreement,
        )
    if len(strong) == 1:
        only = strong[0]
        return Combined(only.interval, only.method, f"only the {only.method} method applies", disagreement)
    ops, hw = strong
    central = weighted_central((ops.interval, hw.interval))
    if agree(ops.interval, hw.interval):
        low = max(ops.interval.low, hw.interval.low)
        high = min(ops.interval.high, hw.interval.high)
        return Combined(
            Interval(low, min(max(central, low), high), high),
            "combined",
            "architecture and hardware agree: geometric mean weighted by each method's precision, "
            "intersection of their intervals",
            disagreement,
        )
    low = min(ops.interval.low, hw.interval.low)
    high = max(ops.interval.high, hw.interval.high)
    error_ratio = float(constants()["combine"]["error_ratio"])
    if disagreement is not None and disagreement > error_ratio:
        # Figures this far apart cannot both be right (servers read as GPUs, wall-clock as device-hours):
        # a mean of the two would be neither, so the method without a utilisation assumption leads.
        return Combined(
            Interval(low, ops.interval.central, high),
            "architecture",
            f"architecture and hardware disagree {disagreement:.0f}x (beyond the {error_ratio:g}x the "
            "consistency rules call an error): union of both, centred on operation counting",
            disagreement,
            agreed=False,
        )
    return Combined(
        Interval(low, central, high),
        "combined",
        "architecture and hardware disagree beyond their intervals: union of both, geometric mean weighted "
        "by each method's precision (operation counting, which needs no utilisation assumption, weighs most)",
        disagreement,
        agreed=False,
    )
