"""The one training figure a config dump in a code block can state: the device count of the run.

Code blocks are otherwise never read (word lists, usage snippets and configs are full of numbers that are not
training facts). A training config (it has epochs, an optimiser or a batch size) that names its GPU count with
a well-known key (`ngpu: 1` in ESPnet, `num_gpus`, `n_gpu`, `nproc_per_node`) is the exception.
"""

from __future__ import annotations

from cardlint.card.document import Card
from cardlint.core.regex_store import compile_pattern
from cardlint.extract.kinds import make_fact
from cardlint.extract.layout import CODE, Layout
from cardlint.types import Fact

_GPU_KEY = compile_pattern(
    r"^\s{0,8}-{0,2}(?:ngpu|num_gpus|n_gpus?|gpus|nproc_per_node)\s*[:=]\s*(\d{1,5})\s*$"
)
_TRAINING_KEYS = compile_pattern(
    r"^\s{0,8}(?:max_epoch|num_train_epochs|epochs?|optim|optimizer|batch_size|batch_bins|lr)\s*:"
)


def config_dump_facts(card: Card, layout: Layout, *, path: str) -> list[Fact]:
    """hardware_count from the first training config dump that names one (at most one fact per card)."""
    line = card.body_start_line
    total = len(card.lines)
    while line <= total:
        if layout.kinds[line] != CODE:
            line += 1
            continue
        first = line
        while line <= total and layout.kinds[line] == CODE:
            line += 1
        block = range(first, line)
        if not any(_TRAINING_KEYS.match(card.lines[number - 1]) for number in block):
            continue
        for number in block:
            raw = card.lines[number - 1].rstrip("\r")
            match = _GPU_KEY.match(raw)
            if match and int(match.group(1)) > 0:
                return [
                    make_fact(
                        "hardware_count",
                        float(match.group(1)),
                        path=path,
                        line=number,
                        column=match.start(1) + 1,
                        origin="code",
                        quote=raw.strip(),
                        note="device count of a training config dump",
                    )
                ]
    return []
