"""Which training stage a compute figure belongs to, decided in one place for stated and derived figures.

The labels' rule, and a reader's: figures a card frames as fine-tuning or post-training are the fine-tune's
own (`fine_tune_*`); figures framed as pre-training, including a base's pre-training restated in a fine-tune's
card, are pre-training. A figure whose sentence names no stage belongs to the card's own run: in the card of a
fine-tune (it names its base model) that run is the fine-tuning.
"""

from __future__ import annotations

import bisect
import functools
from dataclasses import dataclass, field

from cardlint.extract.layout import Block, Layout, Spans
from cardlint.extract.quantities import Quantity, find_quantities
from cardlint.extract.sentences import sentences, stage_marks, stage_of
from cardlint.types import Fact

FINE_TUNE_KIND = {"device_hours": "fine_tune_device_hours", "training_tokens": "fine_tune_tokens"}


def is_fine_tune_card(facts: list[Fact], layout: Layout | None = None) -> bool:
    """Whether the card names a base model of its own model that it fine-tuned: with the card's layout, a
    base named only by words that continue its pre-training ("an expansion of X, further trained on ...")
    makes a pre-training card (`lineage_phrases.continues_pre_training`, read on the base's line)."""
    from cardlint.extract.lineage_phrases import continues_pre_training

    lines = layout.card.lines if layout is not None else []
    for fact in facts:
        if fact.kind != "base_model" or fact.subject is not None:
            continue
        line = fact.location.line or 0
        if not (0 < line <= len(lines) and fact.origin != "yaml" and continues_pre_training(lines[line - 1])):
            return True
    return False


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


def stage_at(layout: Layout, fact: Fact) -> str:
    """The stage ('pt', 'ft', 'unstated') of the prose figure `fact`: the stage word of its sentence, else of
    its headings, else the last one earlier in its paragraph or section ("The pre-training consists of ...
    The training lasted 3 days"). Tables and metadata are 'unstated'."""
    line, column = fact.location.line or 0, fact.location.column or 0
    stages = _section_stages(layout)
    for number in stages.by_line.get(line, ()):
        block, carried = stages.blocks[number]
        index = _index_of(block.spans, line, column)
        if index is None:
            continue
        start, end = stages.sentence_at(number, index)
        stage = stage_of(block.text[start:end], index - start, block.headings)
        if stage == "unstated":
            stage = _stage_before(block.text, start)
        return carried if stage == "unstated" else stage
    return "unstated"


@dataclass
class _SectionStages:
    blocks: list[tuple[Block, str]]  # each prose block, with the last stage word before it in its section
    by_line: dict[int, list[int]]  # file line -> the blocks that hold text of it
    sentence_starts: dict[int, list[tuple[int, int]]] = field(default_factory=dict)  # per block, on demand

    def sentence_at(self, number: int, index: int) -> tuple[int, int]:
        """(start, end) of the sentence of block `number` that holds `index`; the block is split once."""
        spans = self.sentence_starts.get(number)
        if spans is None:
            spans = self.sentence_starts[number] = list(sentences(self.blocks[number][0].text))
        at = max(0, bisect.bisect_right(spans, (index, len(self.blocks[number][0].text) + 1)) - 1)
        return spans[at] if spans else (0, 0)


@functools.lru_cache(maxsize=4)
def _section_stages(layout: Layout) -> _SectionStages:
    """Computed once per card: the lookups of every figure stay linear in the card's size."""
    stages = _SectionStages([], {})
    carried, section = "unstated", None
    for number, block in enumerate(layout.blocks):
        if block.headings != section:
            carried, section = "unstated", block.headings
        stages.blocks.append((block, carried))
        for line in dict.fromkeys(block.spans.lines):
            stages.by_line.setdefault(line, []).append(number)
        last = _stage_before(block.text, len(block.text))
        carried = last if last != "unstated" else carried
    return stages


def _stage_before(text: str, position: int) -> str:
    """The stage the last stage word before `position` names, or 'unstated'."""
    starts, stages = stage_marks(text)
    index = bisect.bisect_left(starts, position)
    return stages[index - 1] if index else "unstated"


def _index_of(spans: Spans, line: int, column: int) -> int | None:
    """The cleaned index of the file position (line, column) in `spans`, or None when it maps none there."""
    # runs follow the file, so the runs of one line sit together
    for run in range(bisect.bisect_left(spans.lines, line), bisect.bisect_right(spans.lines, line)):
        end = spans.starts[run + 1] if run + 1 < len(spans.starts) else spans.size
        first = spans.columns[run]
        if first <= column < first + end - spans.starts[run]:
            return spans.starts[run] + column - first
    return None
