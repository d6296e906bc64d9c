"""Reconcile the methods into one interval, saying which method drove it and why.

Order of trust follows Epoch's practice (estimation.md §5): the developer's own figure wins and the others
only cross-check it; otherwise operation counting and the hardware route are combined; energy is used only
when nothing better exists. Two estimates *agree* when each central value lies inside the other's interval:
then the geometric mean and the intersection. Otherwise they disagree beyond their intervals, and the honest
answer is the union, centred on operation counting (it needs no utilisation assumption).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cardlint.estimate.methods import geometric_mean
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


def combine(methods: Sequence[MethodEstimate]) -> Combined:
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
    if agree(ops.interval, hw.interval):
        low = max(ops.interval.low, hw.interval.low)
        high = min(ops.interval.high, hw.interval.high)
        central = min(max(geometric_mean((ops.interval.central, hw.interval.central)), low), high)
        return Combined(
            Interval(low, central, high),
            "combined",
            "architecture and hardware agree: geometric mean of the two, intersection of their intervals",
            disagreement,
        )
    low = min(ops.interval.low, hw.interval.low)
    high = max(ops.interval.high, hw.interval.high)
    return Combined(
        Interval(low, ops.interval.central, high),
        "architecture",
        "architecture and hardware disagree beyond their intervals: union of both, centred on operation "
        "counting (it needs no utilisation assumption)",
        disagreement,
        agreed=False,
    )
