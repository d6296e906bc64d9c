"""Every regular expression cardlint runs on card text scales linearly on adversarial input.

Catastrophic backtracking shows as super-linear growth, so each pattern is timed (CPU time, `process_time`,
never a wall-clock budget) on the same adversarial text at sizes ten times apart, and the time may grow at
most 25-fold per step. To stay cheap enough for every test run, each pattern is screened at 4 kB and 40 kB;
only a pattern whose growth there looks super-linear (over 15x) is measured again at 100 kB and 1 MB, which
decides. A quadratic pattern grows 100x per step, so it cannot pass the screen, and a linear one is never
run on megabytes just to prove it. Patterns are collected from the modules themselves, so a new one is
tested the day it is written. Whole extractors are screened the same way at 4 kB -> 40 kB, then 10 kB ->
100 kB when suspicious (the `long` run measures every input at 100 kB; a 1 MB line of digits has its own test
in test_extract_quantities.py), a whole card from 4 kB to 40 kB.
"""

from __future__ import annotations

import csv
import importlib
import pkgutil
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from timing_support import best_cpu

import cardlint
from cardlint.card.document import parse_card
from cardlint.checks.suppressions import parse_suppressions
from cardlint.extract import extract_facts
from cardlint.extract.hardware_names import find_hardware
from cardlint.extract.quantities import find_quantities

RATIO = 25.0  # allowed growth for a 10x larger input
SUSPICIOUS = 15.0  # screening growth above which the 100 kB -> 1 MB measurement decides
CLEARLY_SUPERLINEAR = 50.0  # screening growth that no noise explains: fails without the large sizes
QUICK = 0.002  # seconds: a screening size this fast says nothing, noise dominates
STOP = 0.5  # seconds at the first size: clearly catastrophic, fail before trying larger sizes
# Modules that never see card text (CLI plumbing) or that run the program on import.
SKIP_MODULES = ("cardlint.__main__", "cardlint.app.action_entry")

UNITS = [
    "1", " ", "x10^", "1 ", "1.", "1,", "1e", " x 10^", "×10", "a", "aA1 ", "1-", "|", "<", "[", "](", "\t",
    "GPU ", "1B ", "~", "'",
]  # fmt: skip


def _patterns_in(value: Any, depth: int = 0) -> Iterator[re.Pattern[str]]:
    if isinstance(value, re.Pattern):
        if isinstance(value.pattern, str):
            yield value
        return
    if depth >= 3:
        return
    if isinstance(value, dict):
        for item in (*value.keys(), *value.values()):
            yield from _patterns_in(item, depth + 1)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            yield from _patterns_in(item, depth + 1)


def _all_patterns() -> dict[str, re.Pattern[str]]:
    """Every compiled pattern held by a cardlint module or class, named by where it lives."""
    found: dict[tuple[str, int], tuple[str, re.Pattern[str]]] = {}
    for info in pkgutil.walk_packages(cardlint.__path__, "cardlint."):
        if info.name in SKIP_MODULES:
            continue
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            owners = [(name, value)]
            if isinstance(value, type) and value.__module__ == module.__name__:
                owners += [(f"{name}.{attr}", item) for attr, item in vars(value).items()]
            for where, item in owners:
                for pattern in _patterns_in(item):
                    found.setdefault((pattern.pattern, pattern.flags), (f"{info.name}.{where}", pattern))
    # hardware alias patterns are built from data/hardware_aliases.csv on first use: build them the same way
    from cardlint.core.resources import resource_path
    from cardlint.extract import hardware_names

    with resource_path("data", "hardware_aliases.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            source = (
                hardware_names._BOUNDARY_BEFORE
                + hardware_names._VENDOR
                + f"(?:{row['alias_regex']})"
                + hardware_names._BOUNDARY_AFTER
            )
            pattern = re.compile(source, re.IGNORECASE)
            found.setdefault(
                (pattern.pattern, pattern.flags), (f"data/hardware_aliases.csv:{row['hardware_id']}", pattern)
            )
    return {f"{where}#{index}": pattern for index, (where, pattern) in enumerate(found.values())}


PATTERNS = _all_patterns()


def _own_unit(pattern: re.Pattern[str]) -> str:
    """The literal characters a pattern mentions, repeated: the input most likely to keep it matching."""
    source = re.sub(r"\\[dswbDSWBAZ]", "", pattern.pattern)
    characters = sorted({c for c in source if c.isprintable() and c not in "()[]{}?*+|^$\\"})
    return "".join(characters) or "a"


def _growth(function: Callable[[str], object], unit: str, small: int, large: int, label: str) -> float:
    """How many times longer `large` characters take than `small` (1.0 when both are too quick to tell)."""
    before = best_cpu(function, unit * (small // len(unit) + 1), runs=3)  # the small size is the noisy one
    assert before < STOP, f"{label}: {before:.2f}s on {small:,} chars of {unit!r}"
    after = best_cpu(function, unit * (large // len(unit) + 1))
    if after < QUICK:
        return 1.0
    return after / max(before, QUICK / 10)


def assert_linear(
    function: Callable[[str], object], unit: str, label: str, screen: tuple[int, int] = (4_000, 40_000)
) -> None:
    growth = _growth(function, unit, *screen, label)
    if growth <= SUSPICIOUS:
        return
    # far beyond noise: fail now rather than run a quadratic pattern on a megabyte for minutes
    assert growth <= CLEARLY_SUPERLINEAR, (
        f"{label}: {screen[0]:,} -> {screen[1]:,} chars took {growth:.0f}x longer"
    )
    growth = _growth(function, unit, 100_000, 1_000_000, label)
    assert growth <= RATIO, f"{label}: 100 kB -> 1 MB took {growth:.0f}x longer on {unit!r}"


def test_patterns_were_found() -> None:
    """The collector sees the extractors' patterns (a refactor that hides them would empty this test)."""
    modules = {name.split("#")[0].rsplit(".", 1)[0] for name in PATTERNS}
    assert len(PATTERNS) > 100
    assert {"cardlint.extract.quantities", "cardlint.extract.prose", "cardlint.card.document"} <= modules


@pytest.mark.long  # ~280 patterns x 21 inputs: about 7 CPU-minutes; run with `pytest -m long`
@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_pattern_is_linear(name: str) -> None:
    pattern = PATTERNS[name]

    def scan(text: str) -> None:
        for _match in pattern.finditer(text):
            pass
        pattern.fullmatch(text)

    for unit in [*UNITS, _own_unit(pattern)]:
        assert_linear(scan, unit, f"{name} /{pattern.pattern[:60]}/")


# ---------------------------------------------------------------- whole extractors


def _quantities(text: str) -> None:
    for _quantity in find_quantities(text):
        pass


def _hardware(text: str) -> None:
    for _mention in find_hardware(text):
        pass


def _suppressions(text: str) -> None:
    parse_suppressions(text.split("\n"), 3)


def _whole_card(text: str) -> None:
    """A card whose body is the adversarial text in 10 kB lines (longer lines are cut by max_line_chars)."""
    lines = [text[start : start + 10_000] for start in range(0, len(text), 10_000)]
    card = parse_card("---\nlicense: mit\n---\n# Model\n\n" + "\n".join(lines), "hostile.md")
    extract_facts(card, path="hostile.md", subject="org/model-7B")


EXTRACTOR_UNITS = [
    "9", " ", "x10^", "2 x10^", "1.5B ", "1,0", "1e", "15T+", "GPU ", "A100 GPUs for 3 days ", "| 7B ",
    "<!-- cardlint-disable ", "[a](", "**1**", "~1 ", "H100 ", "×10", "(", "1-2-",
]  # fmt: skip


@pytest.mark.parametrize("unit", EXTRACTOR_UNITS)
@pytest.mark.parametrize(
    "extractor", [_quantities, _hardware, _suppressions], ids=["quantities", "hardware", "suppressions"]
)
def test_extractor_is_linear(extractor: Callable[[str], object], unit: str) -> None:
    """An extractor does real work per figure, so 1 MB costs seconds even when linear: screened at 4 kB ->
    40 kB (a quadratic one grows 100x there too), and only a suspicious growth is measured again at
    10 kB -> 100 kB, which decides."""
    label = extractor.__name__
    growth = _growth(extractor, unit, 4_000, 40_000, label)
    if growth <= SUSPICIOUS:
        return
    assert growth <= CLEARLY_SUPERLINEAR, f"{label}: 4 kB -> 40 kB took {growth:.0f}x longer on {unit!r}"
    growth = _growth(extractor, unit, 10_000, 100_000, label)
    assert growth <= RATIO, f"{label}: 10 kB -> 100 kB took {growth:.0f}x longer on {unit!r}"


@pytest.mark.long  # the same inputs measured at 10 kB -> 100 kB whatever the screen says (about a minute)
@pytest.mark.parametrize("unit", EXTRACTOR_UNITS)
@pytest.mark.parametrize(
    "extractor", [_quantities, _hardware, _suppressions], ids=["quantities", "hardware", "suppressions"]
)
def test_extractor_is_linear_at_100_kb(extractor: Callable[[str], object], unit: str) -> None:
    """A quadratic term with a small constant can hide under per-call overhead at 40 kB, not at 100 kB."""
    growth = _growth(extractor, unit, 10_000, 100_000, extractor.__name__)
    assert growth <= RATIO, f"{extractor.__name__}: 10 kB -> 100 kB took {growth:.0f}x longer on {unit!r}"


@pytest.mark.parametrize("unit", ["9", "x10^", "1.5B tokens, ", "A100 GPUs for 3 days. ", "| 7B | 2T |\n"])
def test_whole_extraction_is_linear(unit: str) -> None:
    growth = _growth(_whole_card, unit, 4_000, 40_000, "extract_facts")
    assert growth <= RATIO, f"extract_facts: 4 kB -> 40 kB took {growth:.0f}x longer on {unit!r}"


def test_the_measure_catches_a_quadratic_pattern() -> None:
    """The check itself can fail: a pattern that rescans a word from each letter is caught."""
    quadratic = re.compile(r"[a-z]+\d")

    def scan(text: str) -> None:
        for _match in quadratic.finditer(text):
            pass

    with pytest.raises(AssertionError):
        assert_linear(scan, "a", "quadratic", screen=(1_000, 10_000))


def _pipeline(text: str) -> None:
    from cardlint.api import analyse_text

    analyse_text(text, path="hostile.md")


@pytest.mark.parametrize(
    "unit",
    [
        "a\n=\n",
        "# h\n\ntext\n",
        "## 7B\n| a | b |\n|---|---|\n| 1B | 2T |\n",
        "- a\n  - b\n",
        "> q\n",
        "[a]: http://x\n",
    ],
    ids=["setext-headings", "atx-headings", "tables-under-headings", "lists", "quotes", "reference-links"],
)
def test_whole_pipeline_is_linear_in_markdown_structure(unit: str) -> None:
    """Thousands of headings, tables or list items: `Card.sections` once scanned ahead from every heading
    (quadratic: 23 s for 30,000 setext headings)."""
    growth = _growth(_pipeline, unit, 4_000, 40_000, "analyse")
    assert growth <= RATIO, f"analyse: 4 kB -> 40 kB took {growth:.0f}x longer on {unit!r}"
