"""Accelerators a sentence says the model was trained on, and how many: inference hardware and users' recipes
are left out."""

from __future__ import annotations

import re
from collections.abc import Iterator

from cardlint.core.regex_store import compile_pattern
from cardlint.extract.device_counts import (
    capability,
    device_count,
    generic_count,
    generic_devices,
)
from cardlint.extract.hardware_names import find_hardware
from cardlint.extract.layout import Block
from cardlint.extract.prose_context import (
    ProseContext,
    other_subject,
    prose_fact,
)
from cardlint.extract.training_cues import USER_RECIPE, trained_on, training_context
from cardlint.types import Fact


def hardware_facts(
    ctx: ProseContext, block: Block, offset: int, sentence: str, negative: bool
) -> Iterator[Fact]:
    mentions = list(find_hardware(sentence))
    named = bool(mentions)
    if not named:
        mentions = list(generic_devices(sentence))  # "trained on 8 GPUs": a count without a type
    if not mentions or negative or USER_RECIPE.search(sentence):
        return
    counted_until = -1  # "112 A800 servers, each with 8 A800 GPUs": the second name is already counted
    for mention in mentions:
        if _HOURS_AFTER_DEVICE.match(sentence, mention.end):
            continue  # "5000 A100-hours", "2.788M H800 GPU hours": reported with the device-hours figure
        if not trained_on(sentence, mention.start, mention.end, training_context(block, offset)):
            continue
        if named and capability(sentence, mention):
            continue
        begin, finish = offset + mention.start, offset + mention.end
        subject = other_subject(ctx, sentence, mention.start, None)
        if named:
            yield prose_fact(ctx, block, "hardware_type", mention.hardware_id, begin, finish, subject=subject)
        count = device_count(sentence, mention) if named else generic_count(sentence, mention)
        if count is not None and count.start >= counted_until:
            counted_until = count.end
            yield prose_fact(
                ctx,
                block,
                "hardware_count",
                float(count.value),
                offset + count.start,
                finish,
                subject=subject,
                note=count.note,
            )


_HOURS_AFTER_DEVICE = compile_pattern(
    r"[\s-]{0,2}(?:(?:GPU|TPU|chip|accelerator)s?[\s-]{0,2})?(?:hours?|hrs?)\b", re.I
)
