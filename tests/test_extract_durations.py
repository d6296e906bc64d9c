"""Run lengths written as compounds ("2 days 5 hours 30 minutes"), with number words ("Three days") or in
minutes, and the template's `Hours used:` field holding a calendar span. Sentences are our own."""

from __future__ import annotations

import pytest
from extract_support import facts_of, own

from cardlint.extract.quantities import find_quantities, find_word_durations


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("2 days 5 hours 30 minutes", 2 + 5 / 24 + 30 / 1440),
        ("6 days and 2.5 hours", 6 + 2.5 / 24),
        ("1 week, 2 days", 9.0),
        ("3 h 15 min", 3 / 24 + 15 / 1440),
        ("45 minutes", 45 / 1440),
    ],
)
def test_compound_durations_are_one_figure(text: str, days: float) -> None:
    quantities = list(find_quantities(text))
    assert [quantity.dimension for quantity in quantities] == ["duration"]
    assert quantities[0].value == pytest.approx(days)
    assert quantities[0].text == text


def test_parts_in_rising_units_are_separate_figures() -> None:
    assert [quantity.value for quantity in find_quantities("5 hours 2 days")] == [pytest.approx(5 / 24), 2.0]
    assert [quantity.value for quantity in find_quantities("3 days, 4 days")] == [3.0, 4.0]


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("Three days.", 3.0),
        ("an hour", 1 / 24),
        ("twelve hours", 0.5),
        ("sixty-four hours", 64 / 24),
        ("one day 6 hours", 1.25),
    ],
)
def test_number_words(text: str, days: float) -> None:
    assert [quantity.value for quantity in find_word_durations(text)] == [pytest.approx(days)]


def test_no_number_word() -> None:
    assert list(find_word_durations("a few days, several hours")) == []


def test_compound_run_length_in_prose() -> None:
    facts = facts_of("# Wren-1B\n\n## Training\n\nThe pre-training took 2 days 5 hours on one A40.\n")
    assert own(facts, "training_duration_days") == [pytest.approx(2 + 5 / 24)]
    assert own(facts, "device_hours") == [pytest.approx(53)]


def test_run_length_in_words_in_prose() -> None:
    facts = facts_of("# Wren-1B\n\nWren was trained on 4 A40 GPUs for twelve hours.\n")
    assert own(facts, "training_duration_days") == [pytest.approx(0.5)]
    assert own(facts, "device_hours") == [pytest.approx(48)]


def test_hours_used_holding_days_is_wall_clock() -> None:
    text = "# Wren-1B\n\n- **Hardware Type:** 2 A40\n- **Hours used:** Three days.\n"
    facts = facts_of(text)
    assert own(facts, "training_duration_days") == [3.0]
    assert own(facts, "device_hours") == [pytest.approx(144)]


def test_hours_used_in_hours_stays_device_hours() -> None:
    facts = facts_of("# Wren-1B\n\n- **Hardware Type:** A40\n- **Hours used:** 30 hours\n")
    assert own(facts, "device_hours") == [30]
    assert own(facts, "training_duration_days") == []


def test_template_section_on_speeds_sizes_times_is_about_the_run() -> None:
    text = "# Wren-1B\n\n## Training Details\n\n### Speeds, Sizes, Times\n\nTraining took about 9 hours.\n"
    assert own(facts_of(text), "training_duration_days") == [pytest.approx(9 / 24)]


def test_an_inference_speed_section_is_not() -> None:
    text = "# Wren-1B\n\n## Inference speed\n\nGenerating a page took about 9 hours on a laptop.\n"
    assert own(facts_of(text), "training_duration_days") == []


def test_device_hours_joined_in_one_sentence_are_one_run() -> None:
    text = (
        "---\nbase_model: example/Finch-7B\n---\n# Wren-1B\n\n"
        "Wren was then fine-tuned for 3K GPU hours on V100 and 450 GPU hours on A100.\n"
    )
    facts = facts_of(text)
    assert 3450 in own(facts, "fine_tune_device_hours")
    assert [fact.derived for fact in facts if fact.value == 3450] == [True]


def test_device_hours_of_two_stages_are_not_summed() -> None:
    text = "# Wren-1B\n\nPre-training took 90K GPU hours and fine-tuning took 3K GPU hours.\n"
    facts = facts_of(text)
    assert own(facts, "device_hours") == [90000]
    assert own(facts, "fine_tune_device_hours") == [3000]
