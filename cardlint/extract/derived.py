"""Figures a card implies but does not state: device-hours from count × wall-clock days, tokens from
steps × batch × sequence length. Each is marked `derived` and only added when the card does not state it."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from cardlint.card.document import Card
from cardlint.core.regex_store import compile_pattern
from cardlint.extract.hardware_names import find_hardware
from cardlint.extract.kinds import make_fact
from cardlint.extract.layout import Block, Layout
from cardlint.extract.quantities import parse_quantity
from cardlint.extract.rate_tokens import rate_tokens
from cardlint.extract.stages import is_fine_tune_card, stage_at, staged_kind
from cardlint.types import Fact

_NUM = r"(\d[\d,.]{0,12}(?:\s?(?:k|K|M|million|thousand))?)"
_STEPS = compile_pattern(
    _NUM + r"\s+(?:total\s+|training\s+|optimi[sz]ation\s+)?(?:steps|iterations)\b", re.IGNORECASE
)
_STEPS_AFTER = compile_pattern(r"total\s+of\s+" + _NUM + r"\s+(?:steps|iterations)", re.IGNORECASE)
_BATCH = compile_pattern(
    r"batch(?:es)?\s+(?:size\s+)?(?:of\s+)?" + _NUM + r"(?!\s*tokens)|" + _NUM + r"\s+sequences\b"
    r"|" + _NUM + r"\s+batch[\s-]size\b",
    re.IGNORECASE,
)
_SEQUENCE = compile_pattern(
    r"sequence\s+length\s+(?:of\s+)?"
    + _NUM
    + r"|sequences\s+of\s+(?:length\s+)?"
    + _NUM
    + r"|of\s+"
    + _NUM
    + r"\s+tokens\s+each",
    re.IGNORECASE,
)


_PHASED = compile_pattern(
    r"\b(?:first|last|remaining)\s+[\d,.]+\s*[kKM]?\s+(?:steps|iterations)\s+(?:were|was|are|with|at|using)\b"
    r"|\bthe\s+rest\s+(?:was|were)\s+trained",
    re.IGNORECASE,
)


def _value(text: str | None) -> float | None:
    if not text:
        return None
    quantity = parse_quantity(text)
    return quantity.value if quantity is not None else None


def derived_facts(card: Card, layout: Layout, facts: list[Fact], *, path: str) -> list[Fact]:
    own = [fact for fact in facts if fact.subject is None]
    kinds = {fact.kind for fact in own}
    result = [hours for hours in _device_hours(layout, own, path) if hours.kind not in kinds]
    result.extend(_tokens(card, layout, path, kinds))
    done = kinds | {fact.kind for fact in result}
    for fact in rate_tokens(card, layout, own, path=path):
        if fact.kind not in done:
            done.add(fact.kind)
            result.append(fact)
    return result


def _distance(fact: Fact, other: Fact) -> tuple[int, int]:
    """How far apart two figures are written: lines first, then columns on the same line."""
    lines = abs((fact.location.line or 0) - (other.location.line or 0))
    return lines, abs((fact.location.column or 0) - (other.location.column or 0)) if lines == 0 else 0


def _position(fact: Fact) -> tuple[int, int]:
    return fact.location.line or 0, fact.location.column or 0


class _Counts:
    """The card's device counts sorted by where they are written, so the count nearest a duration is found
    by bisection (a card of a thousand runs stays linear); else the chips of a TPU slice the card names."""

    def __init__(self, own: list[Fact]) -> None:
        self.counts = sorted((fact for fact in own if fact.kind == "hardware_count"), key=_position)
        self.keys = [_position(fact) for fact in self.counts]
        self.chips: tuple[Fact, int, str] | None = None
        for fact in own if not self.counts else ():
            if fact.kind == "hardware_type":
                mention = next((found for found in find_hardware(fact.quote) if found.chips), None)
                if mention is not None and mention.chips:
                    self.chips = (fact, mention.chips, mention.text)
                    break

    def nearest(self, duration: Fact) -> tuple[float, str, tuple[int, int]] | None:
        """(devices, basis, distance) of the count stated nearest to `duration`."""
        if self.counts:
            index = bisect.bisect_left(self.keys, _position(duration))
            near = [self.counts[i] for i in (index - 1, index) if 0 <= i < len(self.counts)]
            best = min(near, key=lambda fact: _distance(fact, duration))
            return float(best.value), f"{float(best.value):g} devices", _distance(best, duration)
        if self.chips is not None:
            fact, number, text = self.chips
            return float(number), f"{number} chips in {text}", _distance(fact, duration)
        return None


def _device_hours(layout: Layout, own: list[Fact], path: str) -> list[Fact]:
    """Devices x wall-clock days x 24, once per stage: for each stage its sentences name
    (`stages.staged_kind`), the duration stated nearest to a device count (the same sentence first)."""
    fine_tune_card = is_fine_tune_card(own, layout)
    counts = _Counts(own)
    best: dict[str, tuple[tuple[int, int], Fact, float, str]] = {}
    for duration in own:
        if duration.kind != "training_duration_days":
            continue
        count = counts.nearest(duration)
        if count is None:
            continue
        kind = staged_kind("device_hours", stage_at(layout, duration), fine_tune_card)
        if kind not in best or count[2] < best[kind][0]:
            best[kind] = (count[2], duration, count[0], count[1])
    return [
        make_fact(
            kind,
            devices * float(duration.value) * 24,
            path=path,
            line=duration.location.line,
            column=duration.location.column,
            origin=duration.origin,
            quote=duration.quote,
            derived=True,
            approximate=duration.approximate,
            note=f"{basis} x {float(duration.value):g} days x 24 h",
        )
        for kind, (_gap, duration, devices, basis) in best.items()
    ]


def _tokens(card: Card, layout: Layout, path: str, kinds: set[str]) -> Iterator[Fact]:
    """One derived token count per stage: pre-training and fine-tuning paragraphs are told apart by their
    words and headings, as in the prose extractor."""
    from cardlint.extract.sentences import stage_of

    done = set(kinds)
    lengths = _section_lengths(layout)
    for block in layout.blocks:
        found = _tokens_in(block, lengths.get(block.headings[:-1]))
        if found is None:
            continue
        tokens, start, note = found
        stage = stage_of(block.text, start, block.headings)
        kind = "fine_tune_tokens" if stage == "ft" else "training_tokens"
        if kind in done or (kind == "training_tokens" and tokens < 1e8):
            continue
        done.add(kind)
        line, column = block.where(start)
        yield make_fact(
            kind,
            tokens,
            path=path,
            line=line,
            column=column,
            origin="prose",
            quote=block.quote(card, start, start + 80),
            derived=True,
            note=note,
        )


def _section_lengths(layout: Layout) -> dict[tuple[str, ...], float]:
    """The first sequence length stated under each parent section ("### Preprocessing: sequences of 512
    tokens" beside "### Pretraining: 300k steps, batch 256"), for a paragraph that states only the rest."""
    lengths: dict[tuple[str, ...], float] = {}
    for block in layout.blocks:
        parent = block.headings[:-1]
        if not parent or parent in lengths:
            continue
        match = _SEQUENCE.search(block.text)
        value = _value(next((group for group in match.groups() if group), None)) if match else None
        if value:
            lengths[parent] = value
    return lengths


def _tokens_in(block: Block, section_length: float | None = None) -> tuple[float, int, str] | None:
    text = block.text
    if not re.search(r"steps|iterations", text, re.IGNORECASE):
        return None
    steps_match = _STEPS.search(text) or _STEPS_AFTER.search(text)
    batch_match = _BATCH.search(text)
    sequence_match = _SEQUENCE.search(text)
    if not (steps_match and batch_match and (sequence_match or section_length)):
        return None
    if _PHASED.search(text):
        return (
            None  # "the first 90,000 steps with a batch of 1,024, the rest with 256": one triple is one phase
        )
    steps = _value(steps_match.group(1))
    batch = _value(next(group for group in batch_match.groups() if group))
    if sequence_match is not None:
        sequence = _value(next(group for group in sequence_match.groups() if group))
    else:
        sequence = section_length
    if not steps or not batch or not sequence:
        return None
    tokens = steps * batch * sequence
    if tokens < 1e6:
        return None
    starts = [steps_match.start(), batch_match.start()] + ([sequence_match.start()] if sequence_match else [])
    start = min(starts)
    return tokens, start, f"{steps:g} steps x {batch:g} sequences x {sequence:g} tokens"
