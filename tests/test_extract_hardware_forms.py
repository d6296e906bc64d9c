"""Hardware written the short way (model numbers without a series word, a bare `Titan GPU`, glued names) and
one device implied by a singular name where a duration needs a count. Sentences are our own."""

from __future__ import annotations

import pytest
from extract_support import facts_of, own

from cardlint.extract.hardware_names import find_hardware


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        ("four Nvidia 3090 GPUs", ["rtx-3090"]),
        ("one NVIDIA 2080 Ti", ["rtx-2080"]),
        ("on a 4070 GPU", ["rtx-4070"]),
        ("an NVIDIA 1080 card", ["gtx-1080"]),
        ("a Titan GPU", ["titan"]),
        ("TITAN Xp", ["titan"]),
        ("RTX4000 and A4500", ["rtx-4000", "rtx-a4500"]),
        ("RTX A2000", ["rtx-a2000"]),
        ("2*v100 gpu", ["v100"]),
        ("RTX 4080ti", ["rtx-4080"]),
    ],
)
def test_short_chip_names(text: str, ids: list[str]) -> None:
    assert [mention.hardware_id for mention in find_hardware(text)] == ids


@pytest.mark.parametrize(
    "text", ["after 3090 steps", "the Titan supercomputer", "batch 2048 with 4090 samples", "in 2080 words"]
)
def test_numbers_that_are_not_chips(text: str) -> None:
    assert list(find_hardware(text)) == []


def test_singular_name_with_a_duration_is_one_device() -> None:
    facts = facts_of("# Wren-1B\n\n## Training\n\nWren was trained on Quadro RTX 8000 GPU. It took 5 days.\n")
    assert own(facts, "hardware_count") == [1]
    assert own(facts, "device_hours") == [pytest.approx(120)]


def test_bare_hardware_value_with_a_duration_is_one_device() -> None:
    text = "# Wren-1B\n\n## Training\n\n- Hardware: `RTX 4090` on a rented box\n- Training time: ~2 days\n"
    facts = facts_of(text)
    assert own(facts, "hardware_type") == ["rtx-4090"]
    assert own(facts, "hardware_count") == [1]
    assert own(facts, "device_hours") == [pytest.approx(48)]


def test_singular_name_without_a_duration_is_no_count() -> None:
    # without a duration the grammar of one phrase is all there is: no count
    facts = facts_of("# Wren-1B\n\nWren was trained on NVIDIA A40 GPU.\n")
    assert own(facts, "hardware_type") == ["a40"]
    assert own(facts, "hardware_count") == []


def test_a_stated_count_wins_over_a_singular_name() -> None:
    text = "# Wren-1B\n\n- Hardware Type: A40 GPU\n\nWe trained Wren for 3 days on 4 A40 GPUs.\n"
    assert own(facts_of(text), "hardware_count") == [4]


@pytest.mark.parametrize(
    "sentence",
    [
        "Wren was trained for 4 days on A40 GPUs.",
        "Wren was trained for 4 days on multiple A40 GPU nodes.",
        "Wren was trained for 4 days; each A40 GPU held a shard.",
        "Wren was trained for 4 days using A40 GPU memory-saving tricks.",
    ],
)
def test_not_one_device(sentence: str) -> None:
    assert own(facts_of(f"# Wren-1B\n\n## Training\n\n{sentence}\n"), "hardware_count") == []


def test_what_a_reader_could_do_is_not_the_run() -> None:
    text = "## Training\n\nWren was trained for a day. Fine-tuning can be done on a single 3060 GPU.\n"
    facts = facts_of(text)
    assert own(facts, "hardware_type") == []
    assert own(facts, "hardware_count") == []
