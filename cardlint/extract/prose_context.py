"""What every reader of a sentence's figures shares: the card being read, and how a figure found at a place
in a block becomes a Fact (its flags, notes and the model it is about)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from cardlint.card.document import Card
from cardlint.core.regex_store import compile_pattern
from cardlint.extract.kinds import make_fact
from cardlint.extract.layout import Block
from cardlint.extract.quantities import Quantity
from cardlint.extract.subject import (
    figure_subject,
    normalise,
    subject_norms,
)
from cardlint.types import Fact

STAGE_UNSTATED = "stage unstated"  # the sentence says neither pre-training nor fine-tuning


CUMULATIVE = "cumulative"  # the sentence sums over something (a family of models, all runs)


_CUMULATIVE_WORDS = compile_pattern(
    r"cumulative|in aggregate|combined|\btotal\b|all (?:the )?models", re.IGNORECASE
)


def cumulative_note(sentence: str) -> str | None:
    return CUMULATIVE if _CUMULATIVE_WORDS.search(sentence) else None


def join_notes(*notes: str | None) -> str | None:
    kept = [note for note in notes if note]
    return "; ".join(kept) if kept else None


@dataclass
class ProseContext:
    card: Card
    path: str
    subject: str | None
    subject_size: float | None


def prose_fact(
    ctx: ProseContext, block: Block, kind: str, value: float | str, begin: int, finish: int, **flags: Any
) -> Fact:
    line, column = block.where(begin)
    return make_fact(
        kind,
        value,
        path=ctx.path,
        line=line,
        column=column,
        origin=block.origin if block.origin != "prose" else "prose",
        quote=block.quote(ctx.card, begin, finish),
        **flags,
    )


def quantity_flags(quantity: Quantity) -> dict[str, Any]:
    return {
        "derived": quantity.parts > 1,
        "approximate": quantity.approximate,
        "lower_bound": quantity.lower_bound,
        "ambiguous": quantity.ambiguous,
    }


def other_subject(ctx: ProseContext, sentence: str, position: int, value: float | None) -> str | None:
    """None when a figure in this sentence is about the card's model, else a name for the model it is
    about (one decision for every origin: see subject.figure_subject)."""
    return figure_subject(ctx.subject, sentence, position, value)


_LOCAL_BREAK = compile_pattern(
    r"\bin\s+total\b|\btotal\s+of\b|\(\s{0,2}total\b|,\s{0,2}total\b", re.IGNORECASE
)


def local_before(before: str) -> str:
    """The words before a figure back to the nearest "in total": "a batch size of 64 (in total 33B tokens)"
    describes the 33B by "in total", not by "batch"; "a batch of 2M (2,097,152 tokens)" stays a batch."""
    ends = [match.end() for match in _LOCAL_BREAK.finditer(before)]
    return before[ends[-1] :] if ends else before


_WORD = compile_pattern(r"[\w.-]{3,}")


def names_subject_before(ctx: ProseContext, sentence: str, position: int) -> bool:
    """The sentence names the card's model before the figure ("Aria has 25.3B total parameters")."""
    if not ctx.subject:
        return False
    own = set(subject_norms(ctx.subject))
    return any(normalise(word) in own for word in _WORD.findall(sentence[:position]))
