"""Which training stage a compute figure belongs to, decided in one place for stated and derived figures.

The labels' rule, and a reader's: figures a card frames as fine-tuning or post-training are the fine-tune's
own (`fine_tune_*`); figures framed as pre-training, including a base's pre-training restated in a fine-tune's
card, are pre-training. A figure whose sentence names no stage belongs to the card's own run: in the card of a
fine-tune (it names its base model) that run is the fine-tuning.
"""

from __future__ import annotations

from dataclasses import dataclass

from cardlint.extract.quantities import Quantity, find_quantities
from cardlint.types import Fact

FINE_TUNE_KIND = {"device_hours": "fine_tune_device_hours", "training_tokens": "fine_tune_tokens"}


def is_fine_tune_card(facts: list[Fact]) -> bool:
    """Whether the card names a base model of its own model."""
    return any(fact.kind == "base_model" and fact.subject is None for fact in facts)


def staged_kind(kind: str, stage: str, fine_tune_card: bool) -> str:
    """`kind` (a pre-training kind) for a figure of stage 'pt', 'ft' or 'unstated'."""
    if stage == "ft" or (stage == "unstated" and fine_tune_card):
        return FINE_TUNE_KIND.get(kind, kind)
    return kind


@dataclass(frozen=True)
class StagePart:
    kind: str  # device_hours or fine_tune_device_hours
    value: float
    first: Quantity  # the first figure of the stage, where the fact points
    derived: bool  # a sum of several stated figures
    note: str | None


def hours_by_stage(text: str, headings: tuple[str, ...]) -> list[StagePart]:
    """Device-hours one value states (a table cell, a `Key: value` line), per training stage: "Stage 1: 147K
    H100 hours Stage 2: 20K H100 hours" is one pre-training total; "pre-training 100K, SFT 2K GPU hours"
    is a pre-training and a fine-tuning figure. Empty when the text states no device-hours figure."""
    from cardlint.extract.prose import stage_of

    hours = [quantity for quantity in find_quantities(text) if quantity.dimension == "device_hours"]
    groups: dict[str, list[Quantity]] = {}
    for quantity in hours:
        if quantity.value > 0:
            stage = stage_of(text, quantity.start, headings)
            kind = "fine_tune_device_hours" if stage == "ft" else "device_hours"
            groups.setdefault(kind, []).append(quantity)
    parts = []
    for kind, quantities in groups.items():
        values = [quantity.value for quantity in quantities]
        note = "sum of " + " + ".join(f"{value:g}" for value in values) if len(values) > 1 else None
        parts.append(StagePart(kind, sum(values), quantities[0], len(values) > 1, note))
    return parts
