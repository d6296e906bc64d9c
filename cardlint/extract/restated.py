"""Figures a card restates from another model's sentence, given to that model.

Template fields ("- **Hardware Type:** 992 A100 GPUs", "- **Hours used:** ...") are often filled by copying
the figures of a model a sentence of the card describes ("The 175B model was trained on 992 A100 GPUs";
family tables and their totals are `_family_totals`' business). When a paragraph of the card's own figures
repeats a figure already given to another model, and the card states that figure for itself nowhere else,
the paragraph restates the other model: its compute figures are given to it too.
"""

from __future__ import annotations

from dataclasses import replace

from cardlint.card.document import Card
from cardlint.extract.prose import COMPUTE_KINDS
from cardlint.types import Fact

# Figures specific enough that an equal value elsewhere is a copy, not a coincidence of two runs
_RESTATABLE = frozenset(
    {"hardware_count", "device_hours", "fine_tune_device_hours", "training_duration_days", "co2_tonnes"}
)
_COMPUTE = _RESTATABLE | {
    "hardware_type",
    "training_tokens",
    "fine_tune_tokens",
    "energy_mwh",
    "training_flop",
}


def _paragraphs(card: Card) -> list[int]:
    """The paragraph number of every line (1-based lines; index 0 unused): a blank line starts a new one."""
    numbers = [0]
    current = 0
    for line in card.lines:
        if not line.strip():
            current += 1
        numbers.append(current)
    return numbers


def restated_figures(card: Card, facts: list[Fact], path: str) -> list[Fact]:
    """`facts` with the own figures of restating paragraphs given to the model they restate."""
    others = {
        (fact.kind, fact.value): fact.subject
        for fact in facts
        if fact.subject is not None and fact.kind in _RESTATABLE and fact.origin == "prose"
    }
    if not others:
        return facts
    paragraph_of = _paragraphs(card)

    def paragraph(fact: Fact) -> int | None:
        line = fact.location.line
        if fact.location.path != path or not line or line >= len(paragraph_of):
            return None
        return paragraph_of[line]

    own_places: dict[tuple[str, float | str], set[int | None]] = {}
    for fact in facts:
        if fact.subject is None and fact.kind in _RESTATABLE:
            own_places.setdefault((fact.kind, fact.value), set()).add(paragraph(fact))
    moved: dict[int, str] = {}  # paragraph -> the model it restates
    for key, places in own_places.items():
        subject = others.get(key)
        if subject is not None and len(places) == 1:
            (place,) = places
            if place is not None:
                moved.setdefault(place, subject)
    if not moved:
        return facts
    return [
        replace(fact, subject=moved[place])
        if fact.subject is None and fact.kind in COMPUTE_KINDS and (place := paragraph(fact)) in moved
        else fact
        for fact in facts
    ]
