"""Which figure the estimator uses for each quantity: stages summed and shown per stage, a size from the name
as a nominal figure with a wider band, and a stated figure before either."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from estimate_helpers import fact

import cardlint
from cardlint.cli import cli
from cardlint.compute import estimate_compute
from cardlint.compute.figures import pick

_STAGED_CARD = """---
license: apache-2.0
---
# Pebble-1B

Pebble-1B is a small language model with 1.1B parameters.

## Training

Pre-training ran on A100 80GB GPUs for 12,000 GPU hours, and an additional 3,000 GPU hours were
spent on a long-context stage. The model saw 300B tokens in total.
"""


def _card(tmp_path: Path, text: str, name: str = "Pebble-1B") -> Path:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "README.md").write_text(text, encoding="utf-8")
    return folder / "README.md"


def test_stages_are_summed_and_shown_per_stage_through_the_api(tmp_path: Path) -> None:
    report = cardlint.estimate(_card(tmp_path, _STAGED_CARD))
    assert report.estimate is not None
    hardware = next(m for m in report.estimate.methods if m.method == "hardware")
    # 15,000 device-hours x 3600 x 312 TFLOP/s x 0.30, not the first stage's 12,000
    assert hardware.interval.central == pytest.approx(15_000 * 3600 * 312e12 * 0.30)
    stages = [a for a in hardware.assumptions if a.startswith("per stage")]
    assert len(stages) == 2
    assert any("3,000 device-hours" in line for line in stages)


def test_the_receipt_shows_each_stage_through_the_cli(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["estimate", "--isolated", str(_card(tmp_path, _STAGED_CARD))])
    assert result.exit_code == 0, result.output
    assert "sum of 2 stages: 12,000 (line 10) + 3,000 (line 10) = 15,000" in result.output
    assert "per stage: line 10, 12,000 device-hours" in result.output


def test_a_stated_total_wins_over_its_stages() -> None:
    facts = [
        fact("device_hours", 2_000_000, 4, quote="2.0M GPU hours for pre-training"),
        fact("device_hours", 100_000, 4, quote="0.1M for post-training"),
        fact("device_hours", 2_100_000, 5, quote="2.1M GPU hours in total"),
    ]
    figure = pick(facts, "device_hours")
    assert figure is not None
    assert figure.value == 2_100_000
    assert [stage.value for stage in figure.stages] == [2_000_000, 100_000]


def test_a_figure_restated_is_not_two_stages() -> None:
    facts = [
        fact("device_hours", 1000, 3, quote="1,000 GPU hours"),
        fact("device_hours", 1000, 9, quote="1,000 GPU hours"),
        fact("device_hours", 2000, 12, quote="2,000 GPU hours"),
    ]
    figure = pick(facts, "device_hours")
    assert figure is not None
    assert figure.stages == ()
    assert figure.value == 1000  # the first statement; the checks report the conflict


def test_unrelated_figures_are_not_read_as_stages() -> None:
    facts = [fact("training_tokens", 2e12, 3), fact("training_tokens", 5e11, 8)]
    figure = pick(facts, "training_tokens")
    assert figure is not None
    assert (figure.value, figure.stages) == (2e12, ())


def test_a_size_from_the_name_gives_an_estimate_with_a_wider_band() -> None:
    named = [
        fact("parameters", 7e9, 1, quote="Pebble-7B", from_name=True, origin="subject"),
        fact("training_tokens", 1e12, 5, quote="1T tokens"),
    ]
    stated = [fact("parameters", 7e9, 3, quote="7B parameters"), named[1]]
    from_name = estimate_compute(named)
    from_text = estimate_compute(stated)
    assert from_name.training_flop is not None and from_text.training_flop is not None
    assert from_name.training_flop.central == pytest.approx(6 * 7e9 * 1e12)
    name_width = from_name.training_flop.high / from_name.training_flop.low
    text_width = from_text.training_flop.high / from_text.training_flop.low
    assert name_width > text_width
    method = from_name.methods[0]
    assert any("nominal size read from the model's name" in a for a in method.assumptions)


def test_a_stated_size_wins_over_the_name() -> None:
    facts = [
        fact("parameters", 7e9, 1, quote="Pebble-7B", from_name=True),
        fact("parameters", 6.7e9, 9, quote="6.7B parameters"),
        fact("training_tokens", 1e12, 5, quote="1T tokens"),
    ]
    estimate = estimate_compute(facts)
    assert estimate.training_flop is not None
    assert estimate.training_flop.central == pytest.approx(6 * 6.7e9 * 1e12)
    assert not any("nominal" in a for a in estimate.methods[0].assumptions)


def test_a_stated_range_spans_the_band() -> None:
    facts = [
        fact("parameters", 7e9, 1, quote="7B parameters"),
        fact("training_tokens", 2e12, 2, quote="1T to 2T tokens", interval=(1e12, 2e12)),
    ]
    estimate = estimate_compute(facts)
    assert estimate.training_flop is not None
    assert estimate.training_flop.low <= 6 * 7e9 * 1e12
    assert any("range the card states" in a for a in estimate.methods[0].assumptions)


def test_the_receipt_marks_a_size_read_from_the_name(tmp_path: Path) -> None:
    card = "---\nlicense: mit\n---\n# Pebble-7B\n\nPebble-7B was trained on 1T tokens.\n"
    result = CliRunner().invoke(cli, ["estimate", "--isolated", str(_card(tmp_path, card, "Pebble-7B"))])
    assert result.exit_code == 0, result.output
    assert "input parameters = 7B (line 4, from the model's name)" in result.output
    assert "nominal size read from the model's name" in result.output


def test_a_card_that_calls_itself_a_mixture_of_experts_makes_the_total_an_upper_bound(tmp_path: Path) -> None:
    card = (
        "# Pebble\n\nPebble is a sparse mixture-of-experts model with 47B parameters, trained on 2T tokens.\n"
    )
    report = cardlint.estimate(_card(tmp_path, card, "pebble"))
    assert report.estimate is not None
    method = next(m for m in report.estimate.methods if m.method == "architecture")
    assert method.interval.central == pytest.approx(6 * 47e9 * 2e12, rel=0.01)
    assert method.interval.low < 0.1 * method.interval.central
    assert any("the card calls a mixture of experts" in a for a in method.assumptions)


def test_a_dense_card_keeps_the_narrow_band(tmp_path: Path) -> None:
    card = "# Pebble\n\nPebble is a dense model with 47B parameters, trained on 2T tokens.\n"
    report = cardlint.estimate(_card(tmp_path, card, "pebble"))
    assert report.estimate is not None and report.estimate.training_flop is not None
    assert report.estimate.training_flop.low > 0.5 * report.estimate.training_flop.central


def test_a_more_precise_statement_of_the_same_figure_refines_it() -> None:
    facts = [
        fact("parameters", 1e9, 11, quote="| 1B (1.23B) |", origin="table"),
        fact("parameters", 1.23e9, 11, quote="| 1B (1.23B) |", origin="table"),
    ]
    figure = pick(facts, "parameters")
    assert figure is not None and figure.value == 1.23e9


def test_a_figure_outside_the_rounding_is_not_a_refinement() -> None:
    facts = [fact("parameters", 7e9, 3, quote="7B"), fact("parameters", 8.03e9, 9, quote="8.03B")]
    figure = pick(facts, "parameters")
    assert figure is not None and figure.value == 7e9


def test_a_quote_cut_short_does_not_lend_its_digits_to_a_longer_figure() -> None:
    from cardlint.compute.figures import rounding_of

    cut = fact("parameters", 1.23e9, 11, quote="| Llama (text only) | A mix of data. | 1B (1.")
    assert rounding_of(cut) < 0.5  # "1" is not how 1.23B was written


def test_a_zero_states_nothing_and_the_receipt_names_the_missing_figure() -> None:
    facts = [fact("device_hours", 0, 4, quote="| 0 |", origin="table"), fact("hardware_type", "h100", 4)]
    estimate = estimate_compute(facts)
    assert estimate.training_flop is None
    assert estimate.missing is not None and estimate.missing.startswith("the device-hours of training")
