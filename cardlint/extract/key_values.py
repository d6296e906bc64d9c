"""Figures of `Key: value` lines (model-card templates, spec lists, two-column table rows): the key says what
the value reports, the value's unit confirms it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from cardlint.card.document import Card
from cardlint.core.regex_store import compile_pattern
from cardlint.extract.base_model import base_models_from_value
from cardlint.extract.device_counts import (
    bare_name_count,
    device_count,
    listed_devices,
)
from cardlint.extract.hardware_names import find_hardware
from cardlint.extract.key_labels import english_key
from cardlint.extract.layout import Block
from cardlint.extract.lineage_phrases import related_bases
from cardlint.extract.prose_context import (
    ProseContext,
    cumulative_note,
    join_notes,
    other_subject,
    prose_fact,
    quantity_flags,
)
from cardlint.extract.quantities import Quantity, find_quantities, find_word_durations, label_scale
from cardlint.extract.sentences import STAGE_WORDS
from cardlint.extract.stages import hours_by_stage
from cardlint.extract.subject import (
    subject_size,
)
from cardlint.types import Fact

# `Key: value` lines (model-card templates, spec lists): what each key reports.
KEY_VALUE = compile_pattern(
    r"^\s{0,8}(?:[-*+]\s{1,4}|\d{1,2}[.)]\s{1,4})?(?P<key>[^:：\n]{2,90}?)\s{0,3}[:：]\s{0,4}(?P<value>\S.*)$"
)


_KEYS: list[tuple[str, re.Pattern[str]]] = [
    (
        "skip",
        compile_pattern(
            r"non-?embedding|trainable|batch|vocab|hidden|embedding|context|sequence|layers?\b|heads", re.I
        ),
    ),
    ("active_parameters", compile_pattern(r"activ\w*\s+param|^activ(?:e|ated)$", re.I)),
    ("parameters", compile_pattern(r"param|model size|number of weights|^size$", re.I)),
    ("tokens", compile_pattern(r"tokens", re.I)),
    (
        "device_hours",
        compile_pattern(
            r"hours used|gpu[- ]hours|compute hours|device[- ]hours|accelerator hours|tpu hours|gpu[- ]time",
            re.I,
        ),
    ),
    ("duration", compile_pattern(r"training (?:time|duration)|time to train|wall[- ]?clock|duration", re.I)),
    ("training_flop", compile_pattern(r"flops?\b|training compute|compute \(flop", re.I)),
    ("co2", compile_pattern(r"carbon|co2|emission", re.I)),
    ("energy", compile_pattern(r"energy", re.I)),
    (
        "hardware_count",
        compile_pattern(
            r"device[_ ]count|num[_ ](?:devices|gpus)|^n[_ ]gpus?$|number of (?:gpus|devices)", re.I
        ),
    ),
    (
        "hardware",
        compile_pattern(
            r"hardware|^gpus?$|^tpus?$|accelerators?|^compute$|infrastructure|(?:^|_)devices?$|^gpu type",
            re.I,
        ),
    ),
    ("related_models", compile_pattern(r"^related models?$", re.I)),
    (
        "base_model",
        compile_pattern(
            r"fine-?tuned from|finetuned from|base model|parent model|initiali[sz]ed from|base checkpoint"
            r"|^teacher(?:\s+model)?$"
            r"|^(?:model\s+)?fine-?tuned$|^pre-?trained model$|foundation model"
            r"|starting (?:point|checkpoint)",
            re.I,
        ),
    ),
]


_NO_INFO = compile_pattern(
    r"more information needed|^\s*(?:n/?a|none|unknown|-|tbd|\?)\s*$|\[more", re.IGNORECASE
)


_KEY_UNIT = compile_pattern(
    r"\(\s{0,2}(?:in\s+)?(?P<unit>grams?|g|kg|kilograms?|tons?|tonnes?|t|tco2e?q?|lbs?)\s{0,2}\)", re.I
)


_GRAMS_UNITS = {"g": 1e-6, "gram": 1e-6, "grams": 1e-6, "kg": 1e-3, "kilogram": 1e-3, "kilograms": 1e-3,
                "lb": 0.000453592,
                "lbs": 0.000453592}  # fmt: skip


_HOUR_UNIT = compile_pattern(r"h|小时|时|時間|시간|min|分", re.IGNORECASE)


_PARENTHESES = compile_pattern(r"\(([^()\n]{1,40})\)")


def _restated_as_wall_clock(value_text: str, hours: float) -> bool:
    """True when the value repeats its hours as days/weeks in brackets, which only wall-clock time does."""
    for match in _PARENTHESES.finditer(value_text):
        restated = next(find_quantities(match.group(1)), None)
        if (
            restated is not None
            and restated.dimension == "duration"
            and restated.unit_text[:1].lower() != "h"
            and abs(restated.value * 24 - hours) <= max(1.0, 0.05 * hours)
        ):
            return True
    return False


def key_value_facts(ctx: ProseContext, block: Block, offset: int, match: re.Match[str]) -> Iterator[Fact]:
    key = english_key(match.group("key").strip().strip("*_ ").lower())
    value_text = match.group("value")
    value_start = offset + match.start("value")
    if _NO_INFO.search(value_text):
        return
    kind = None
    for name, pattern in _KEYS:
        if pattern.search(key):
            kind = name
            break
    if kind is None or kind == "skip":
        return
    quantities = list(find_quantities(value_text))
    if not quantities and kind in ("device_hours", "duration"):
        quantities = list(find_word_durations(value_text))  # "Hours used: Two days."
    first = quantities[0] if quantities else None
    if kind == "training_flop" and any(quantity.dimension == "device_hours" for quantity in quantities):
        kind = "device_hours"  # "Training compute: 147K H100 hours": the value's unit says what it is

    def at(quantity: Quantity) -> tuple[int, int]:
        return value_start + quantity.start, value_start + quantity.end

    def stated(name: str, value: float, quantity: Quantity, **extra: Any) -> Fact:
        """The fact `quantity` states, carrying its approximate/bound flags (`extra` adds or overrides)."""
        return prose_fact(ctx, block, name, value, *at(quantity), **{**quantity_flags(quantity), **extra})

    scale = label_scale(key) if first is not None and not first.magnitude else None
    if scale is not None and first is not None and kind in ("parameters", "active_parameters", "tokens"):
        first = replace(first, value=first.value * scale, magnitude=True)  # "Params (M): 66.3"
    if kind in ("parameters", "active_parameters"):
        if first is None or first.dimension not in ("count", "parameters") or first.value < 1e5:
            return
        value = first.value
        if not first.magnitude and first.dimension == "count" and first.value < 1e5:
            return
        subject = None if kind == "active_parameters" else other_subject(ctx, value_text, first.start, value)
        yield stated(kind, value, first, subject=subject)
    elif kind == "tokens":
        if first is None or first.dimension not in ("count", "tokens") or first.value < 1e6:
            return
        if re.search(r"context|sequence|per|batch|max", key):
            return
        stage = "ft" if STAGE_WORDS.search(key) and STAGE_WORDS.search(key).group("ft") else "pt"  # type: ignore[union-attr]
        kind_name = "fine_tune_tokens" if stage == "ft" else "training_tokens"
        yield stated(kind_name, first.value, first)
    elif kind == "device_hours":
        parts = hours_by_stage(value_text, block.headings)
        for part in parts:
            note = join_notes(part.note, cumulative_note(value_text))
            derived = part.derived or part.first.parts > 1
            yield stated(part.kind, part.value, part.first, note=note, derived=derived)
        if parts:
            return
        if first is None or first.dimension not in ("count", "device_hours", "duration"):
            return
        hours = first.value * 24 if first.dimension == "duration" else first.value
        if first.dimension == "duration" and not _HOUR_UNIT.match(first.unit_text):
            # "Hours used: Two days", "3 weeks": a calendar span is wall-clock time; device-hours follow
            # from it and a device count (derived.py)
            yield stated("training_duration_days", first.value, first)
            return
        if _restated_as_wall_clock(value_text, hours):
            # "72 (3 days)", "336 hours (2 weeks)": the hours are wall-clock time, not device-hours
            yield stated("training_duration_days", hours / 24, first)
            return
        yield stated("device_hours", hours, first, note=cumulative_note(value_text))
    elif kind == "duration":
        if first is None or first.dimension != "duration":
            return
        yield stated("training_duration_days", first.value, first)
        yield from _value_hardware(
            ctx, block, value_start, value_text
        )  # "Training time: 12 hours on 2x A100"
    elif kind == "training_flop":
        if first is None or first.dimension not in ("count", "flop") or first.value < 1e15:
            return
        yield stated("training_flop", first.value, first)
    elif kind == "co2":
        if first is None:
            return
        if first.dimension in ("co2", "mass"):
            tonnes = first.value
        elif first.dimension == "count":
            unit = _KEY_UNIT.search(key)
            if unit is None:
                return
            tonnes = first.value * _GRAMS_UNITS.get(unit.group("unit").lower(), 1.0)
        else:
            return
        yield stated("co2_tonnes", tonnes, first, note=cumulative_note(value_text))
    elif kind == "energy":
        if first is None or first.dimension != "energy":
            return
        yield stated("energy_mwh", first.value, first)
    elif kind == "hardware":
        yield from _value_hardware(ctx, block, value_start, value_text)
    elif kind == "hardware_count":
        if first is not None and first.dimension == "count" and not first.magnitude and first.value >= 1:
            yield prose_fact(ctx, block, "hardware_count", first.value, *at(first))
    elif kind == "related_models":
        for name, begin, finish in related_bases(
            block, value_start, offset + match.end("value"), ctx.subject
        ):
            yield prose_fact(ctx, block, "base_model", name, begin, finish)
    elif kind == "base_model":
        for name, begin, finish in base_models_from_value(
            block, value_start, offset + match.end("value"), ctx.subject
        ):
            yield prose_fact(ctx, block, "base_model", name, begin, finish)


def _value_hardware(ctx: ProseContext, block: Block, value_start: int, value_text: str) -> Iterator[Fact]:
    """The accelerator a `Key: value` line's value names first, and its count (stated, or a list of names)."""
    mentions = list(find_hardware(value_text))
    if not mentions:
        return
    mention = mentions[0]
    begin, finish = value_start + mention.start, value_start + mention.end
    yield prose_fact(ctx, block, "hardware_type", mention.hardware_id, begin, finish)
    count = device_count(value_text, mention)
    if count is not None:
        start = value_start + count.start
        yield prose_fact(ctx, block, "hardware_count", float(count.value), start, finish, note=count.note)
        return
    line_end = block.text.find("\n", value_start)  # a list of names may hold "; " sentence breaks
    listed = listed_devices(block.text[value_start : line_end if line_end >= 0 else len(block.text)])
    if listed is not None:
        yield prose_fact(ctx, block, "hardware_count", float(listed), begin, finish, note="devices listed")
        return
    bare = bare_name_count(value_text, mention)
    if bare is not None:
        yield prose_fact(ctx, block, "hardware_count", 1.0, begin, finish, note=bare.note)


def key_value_block_facts(card: Card, block: Block, *, path: str, subject: str | None) -> list[Fact]:
    """Facts of a prepared `key: value` block (a row of a two-column table)."""
    context = ProseContext(card, path, subject, subject_size(subject))
    match = KEY_VALUE.match(block.text)
    if match is None:
        return []
    return list(key_value_facts(context, block, 0, match))
