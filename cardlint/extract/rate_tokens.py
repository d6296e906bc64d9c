"""Tokens a card implies by a throughput and the run's length: "Training took 14 hours, with the average
speed being 5265 tokens per second" is 5265 x 14 x 3600 tokens, filed under the stage of the run (a
fine-tune's own run in a fine-tune's card). Only a rate written in the same sentence as a run length the
prose extractor already took as the card's own counts."""

from __future__ import annotations

import re
from collections.abc import Iterator

from cardlint.card.document import Card
from cardlint.core.regex_store import compile_pattern
from cardlint.extract.kinds import make_fact
from cardlint.extract.layout import Layout
from cardlint.extract.quantities import find_quantities, parse_quantity
from cardlint.extract.stages import is_fine_tune_card, stage_at, staged_kind
from cardlint.types import Fact

_RATE = compile_pattern(
    r"(?<![\w.,])(?P<rate>\d[\d,]{0,12}(?:\.\d{1,6})?(?:\s?[kKM])?)\s{0,2}tokens?\s{0,2}"
    r"(?:per\s+second|/\s{0,2}s(?:ec(?:ond)?)?\b|a\s+second|每秒)",
    re.IGNORECASE,
)
_SECONDS_PER_DAY = 86400


def rate_tokens(card: Card, layout: Layout, own: list[Fact], *, path: str) -> Iterator[Fact]:
    """One derived token count per run length that a sentence pairs with a token rate."""
    from cardlint.extract.sentences import sentences

    durations = {
        (fact.location.line, fact.location.column): fact
        for fact in own
        if fact.kind == "training_duration_days" and fact.origin == "prose" and not fact.derived
    }
    if not durations:
        return
    fine_tune_card = is_fine_tune_card(own)
    for block in layout.blocks:
        if not _RATE.search(block.text):
            continue
        for start, end in sentences(block.text):
            rate_match = _RATE.search(block.text, start, end)
            rate = parse_quantity(rate_match.group("rate")) if rate_match else None
            if rate_match is None or rate is None or rate.value <= 0:
                continue
            for quantity in find_quantities(block.text[start:end]):
                duration = durations.get(block.where(start + quantity.start))
                if quantity.dimension != "duration" or duration is None:
                    continue
                days = float(duration.value)
                line, column = block.where(rate_match.start())
                yield make_fact(
                    staged_kind("training_tokens", stage_at(layout, duration), fine_tune_card),
                    rate.value * days * _SECONDS_PER_DAY,
                    path=path,
                    line=line,
                    column=column,
                    origin="prose",
                    quote=block.quote(card, rate_match.start(), rate_match.end()),
                    derived=True,
                    approximate=duration.approximate or rate.approximate,
                    note=f"{rate.value:g} tokens/s x {days * 24:g} h",
                )
                break
