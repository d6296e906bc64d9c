"""When no method can run, the one figure that would let one: never a bare "unknown".

Each route needs two or three figures (6·N·D: parameters and tokens; hardware: an accelerator the table knows
and device-hours, or a device count and a duration). The route the card is closest to completing names what
it lacks; operation counting first when both are one figure away, as it needs no utilisation assumption.
"""

from __future__ import annotations

from collections.abc import Sequence

from cardlint.compute.figures import own, pick
from cardlint.compute.hardware import HardwareTable
from cardlint.compute.hardware_route import has_peak
from cardlint.types import Fact

_NOTHING = "the training FLOP, or the parameter count and the number of training tokens"
_LABEL = {"training": "training", "fine_tune": "fine-tuning"}
_NOTHING_FINE_TUNE = "the fine-tuning compute, or the fine-tuning tokens or device-hours"


def _has(facts: Sequence[Fact], *kinds: str) -> bool:
    return pick(facts, *kinds) is not None


def _architecture_needs(facts: Sequence[Fact], stage: str) -> list[str]:
    needs = []
    if not _has(facts, "parameters", "active_parameters"):
        needs.append("the parameter count")
    if not _has(facts, "training_tokens", f"{stage}_tokens"):
        needs.append(f"the number of {_LABEL[stage]} tokens")
    return needs


def _hardware_needs(facts: Sequence[Fact], table: HardwareTable, stage: str) -> list[str]:
    needs = []
    named = [str(fact.value) for fact in own(facts, "hardware_type") if isinstance(fact.value, str)]
    if not named:
        needs.append("the training accelerator's type")
    else:
        found = [table.lookup(name) for name in named]
        if not any(chip is not None and has_peak(chip) for chip in found):
            needs.append(f"the dense peak FLOP/s of {named[0]} (an accelerator in [tool.cardlint.estimate])")
    if not _has(facts, "device_hours", f"{stage}_device_hours"):
        count, duration = _has(facts, "hardware_count"), _has(facts, "training_duration_days")
        if count and not duration:
            needs.append("the training duration")
        elif duration and not count:
            needs.append("the number of accelerators")
        elif not count:
            needs.append(f"the device-hours of {_LABEL[stage]}")
    return needs


def missing_figure(
    facts: Sequence[Fact], table: HardwareTable, *, fine_tune: bool = False
) -> tuple[str, bool]:
    """(the figure that would give an estimate, whether it is one figure) — when every route lacks several,
    the figures that would. For a fine-tune (it names its base) the figures of its own fine-tuning stage."""
    stage = "fine_tune" if fine_tune else "training"
    routes = [
        (_architecture_needs(facts, stage), "6·N·D"),
        (_hardware_needs(facts, table, stage), "the hardware method"),
    ]
    needs, route = min(routes, key=lambda item: len(item[0]))
    if len(needs) == 1:
        return f"{needs[0]} (the card gives the rest of what {route} needs)", True
    return (_NOTHING_FINE_TUNE if fine_tune else _NOTHING), False
