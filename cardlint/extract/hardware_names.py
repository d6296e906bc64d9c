"""Accelerator names as cards write them ("Tesla V100", "A100 PCIe 40GB", "TPU v3-8", "H100-80GB") → one id.

The aliases live in data/hardware_aliases.csv (regex, id, source) so adding a chip is a data change. Ids keep
the memory variant when the card states it (h100-80gb, a100-40gb, v100-32gb) and fall back to the chip family
(a100, v100, tpu) otherwise; the estimate stage maps them to rows of data/hardware.csv by alias.
"""

from __future__ import annotations

import bisect
import csv
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from cardlint.core.memo import remembered_for_short_text
from cardlint.core.regex_store import compile_pattern
from cardlint.core.resources import resource_path

_BOUNDARY_BEFORE = r"(?:(?<![A-Za-z0-9])|(?<=\dx))"  # "96xA100-80G" counts too
_BOUNDARY_AFTER = r"(?:s(?![A-Za-z0-9])|(?![A-Za-z0-9]))"
_VENDOR = r"(?:(?:nvidia|tesla|google|cloud|amd|intel|habana|aws)[\s-]+){0,3}"
# TPU slice names count TensorCores (v2/v3/v4/v5p: two per chip); v5e and v6e slices count chips.
_TPU_SLICE = compile_pattern(
    r"(?<![A-Za-z0-9])tpu(?:\s+pod)?[\s-]*v(\d)([ep])?-(\d{1,5})(?!\d)", re.IGNORECASE
)
# ... and the slice may come first: "Cloud v3-8 TPUs"
_SLICE_FIRST = compile_pattern(
    r"(?<![A-Za-z0-9])v(\d)([ep])?-(\d{1,5})[\s-]{1,2}(?:cloud\s+)?tpus?", re.IGNORECASE
)
_CHIPS_NAMED_SLICES = {"5e", "6e"}


@dataclass(frozen=True)
class HardwareMention:
    hardware_id: str
    start: int  # span of the name in the text (vendor words included)
    end: int
    text: str
    chips: int | None = None  # chips in a TPU slice name such as "v3-8"


@functools.cache
def _alias_rows() -> tuple[tuple[str, str, str], ...]:
    """(pattern source, id, literal): the literal is the alias's fixed lowercase start, a cheap pre-check.
    Patterns are compiled on first use (`_compiled`): a one-card run needs few of them, and compiling all
    of them was a tenth of a cold start."""
    rows = []
    with resource_path("data", "hardware_aliases.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            source = _BOUNDARY_BEFORE + _VENDOR + "(?:" + row["alias_regex"] + ")" + _BOUNDARY_AFTER
            rows.append((source, row["hardware_id"], _literal_start(row["alias_regex"])))
    return tuple(rows)


@functools.cache
def _compiled(source: str) -> re.Pattern[str]:
    return compile_pattern(source, re.IGNORECASE)


def _aliases() -> tuple[tuple[re.Pattern[str], str, str], ...]:
    """(pattern, id, literal) with every pattern compiled."""
    return tuple((_compiled(source), hardware_id, literal) for source, hardware_id, literal in _alias_rows())


def _literal_start(alias_regex: str) -> str:
    """The letters every match must begin with ("h100" of `h100[\\s-]*80`), without a character that a
    quantifier makes optional ("tpu" of `tpus?`); empty when the regex starts with a group."""
    match = re.match(r"[a-z0-9]+", alias_regex.lower())
    if match is None:
        return ""
    literal = match.group(0)
    if alias_regex[match.end() : match.end() + 1] in ("?", "*", "{"):
        literal = literal[:-1]
    return literal


_PREFILTER = compile_pattern(
    r"\d|tpu|rdu|trillium|ironwood|gaudi|trainium|cerebras|sambanova|titan", re.IGNORECASE
)


@remembered_for_short_text
def find_hardware(text: str) -> Iterator[HardwareMention]:
    """Accelerator mentions in `text`, left to right; the most specific alias wins where names overlap."""
    if not _PREFILTER.search(text):
        return
    taken: list[HardwareMention] = []
    spans: list[tuple[int, int]] = []  # taken spans, sorted and disjoint: an overlap test is two neighbours
    lowered = text.lower()
    for source, hardware_id, literal in _alias_rows():
        if literal and literal not in lowered:
            continue
        for match in _compiled(source).finditer(text):
            if _overlaps(spans, match.start(), match.end()):
                continue
            resolved = match.expand(hardware_id).rstrip("-") if "\\" in hardware_id else hardware_id
            taken.append(HardwareMention(resolved.lower(), match.start(), match.end(), match.group(0)))
            bisect.insort(spans, (match.start(), match.end()))
    for index, mention in enumerate(taken):
        if mention.hardware_id.startswith("tpu"):
            taken[index] = _with_slice(text, mention)
    yield from sorted(taken, key=lambda mention: mention.start)


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) meets a span of the sorted disjoint `spans` (checking every span made a card
    with thousands of device names quadratic)."""
    index = bisect.bisect_left(spans, (start, end))
    if index > 0 and spans[index - 1][1] > start:
        return True
    return index < len(spans) and spans[index][0] < end


def _with_slice(text: str, mention: HardwareMention) -> HardwareMention:
    match = _TPU_SLICE.match(text, mention.start)
    if match is None:
        # vendor words ("Google Cloud") may precede the slice name inside the mention
        match = _TPU_SLICE.search(text, mention.start, min(len(text), mention.end + 8))
    if match is None:
        match = _SLICE_FIRST.search(text, mention.start, mention.end)
    if match is None:
        return mention
    generation = match.group(1) + (match.group(2) or "").lower()
    size = int(match.group(3))
    chips = size if generation in _CHIPS_NAMED_SLICES else max(1, size // 2)
    return HardwareMention(
        mention.hardware_id, mention.start, max(mention.end, match.end()), mention.text, chips
    )


def normalise_hardware(name: str) -> str | None:
    """The id of the first accelerator named in `name`, or None when it names none."""
    for mention in find_hardware(name):
        return mention.hardware_id
    return None
