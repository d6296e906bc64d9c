"""A fine-tune's own stage and, through lineage, the base's compute, shown apart; and when nothing can be
estimated, the one figure that would settle it. Through the API and the CLI on cards of our own."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from estimate_helpers import fact

import cardlint
from cardlint.cli import cli
from cardlint.compute import estimate_compute
from cardlint.compute.reference import find_reference

_FINE_TUNE = """---
base_model: meta-llama/Llama-2-7b-hf
---
# Otter-7B

We fine-tuned Otter for 80 GPU hours on A100 80GB GPUs.
"""


def _card(tmp_path: Path, text: str, name: str = "Otter-7B") -> Path:
    folder = tmp_path / name
    folder.mkdir(parents=True)
    (folder / "README.md").write_text(text, encoding="utf-8")
    return folder / "README.md"


def test_a_fine_tune_has_its_own_stage_and_the_base_added_separately(tmp_path: Path) -> None:
    report = cardlint.estimate(_card(tmp_path, _FINE_TUNE))
    lineage = report.estimate.lineage if report.estimate else None
    assert lineage is not None and lineage.own is not None and lineage.cumulative is not None
    assert lineage.own.central == pytest.approx(80 * 3600 * 312e12 * 0.30)
    base = find_reference("meta-llama/Llama-2-7b-hf")
    assert base is not None and base.model.training_flop is not None
    assert lineage.base_flop == base.model.training_flop
    assert lineage.cumulative.central == pytest.approx(base.model.training_flop + lineage.own.central)


def test_the_receipt_shows_own_base_and_cumulative_on_lines_of_their_own(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["estimate", "--isolated", str(_card(tmp_path, _FINE_TUNE))])
    assert result.exit_code == 0, result.output
    assert "own (fine-tune) compute 2.70e19 FLOP" in result.output
    assert "base compute 8.40e22 FLOP" in result.output
    assert "cumulative (base + own)" in result.output
    assert "states only its fine-tuning stage" in result.output


def test_fine_tuning_figures_without_a_named_base_still_give_the_stage() -> None:
    facts = [
        fact("fine_tune_device_hours", 80, 6, quote="80 GPU hours"),
        fact("hardware_type", "a100-80gb", 6),
    ]
    estimate = estimate_compute(facts)
    assert estimate.lineage is not None
    assert estimate.lineage.base_model is None
    assert estimate.lineage.own is not None
    assert estimate.lineage.cumulative is None
    assert estimate.missing is None


def test_a_restated_pre_training_is_not_added_to_the_base() -> None:
    facts = [
        fact("base_model", "meta-llama/Llama-2-7b-hf", 2, origin="yaml"),
        fact("parameters", 7e9, 5, quote="7B parameters"),
        fact("training_tokens", 2e12, 5, quote="2T tokens"),
    ]
    lineage = estimate_compute(facts).lineage
    assert lineage is not None and lineage.cumulative is not None
    assert lineage.own is None
    assert any("base model's own" in note for note in lineage.notes)


@pytest.mark.parametrize(
    ("facts", "figure"),
    [
        ([fact("parameters", 7e9, 3)], "the number of training tokens"),
        ([fact("training_tokens", 1e12, 3)], "the parameter count"),
        ([fact("hardware_type", "h100", 3), fact("hardware_count", 64, 3)], "the training duration"),
        (
            [fact("hardware_type", "h100", 3), fact("training_duration_days", 9, 3)],
            "the number of accelerators",
        ),
        ([fact("device_hours", 5000, 3)], "the training accelerator's type"),
        ([fact("hardware_type", "quantum-x9", 3), fact("device_hours", 5000, 3)], "the dense peak FLOP/s"),
        ([fact("hardware_type", "a10g", 3), fact("device_hours", 5000, 3)], "the dense peak FLOP/s of a10g"),
        ([fact("hardware_type", "k80", 3), fact("hardware_count", 4, 3)], "the training duration"),
    ],
)
def test_the_one_missing_figure_is_named(facts: list, figure: str) -> None:
    estimate = estimate_compute(facts)
    assert estimate.training_flop is None
    assert estimate.missing is not None and estimate.missing.startswith(figure)
    assert figure in estimate.reason


def test_a_card_with_nothing_names_what_would_settle_it(tmp_path: Path) -> None:
    path = _card(tmp_path, "# Otter\n\nA model for otters.\n", name="otter")
    result = CliRunner().invoke(cli, ["estimate", "--isolated", "--format", "json", str(path)])
    estimate = json.loads(result.stdout)["results"][0]["estimate"]
    assert estimate["training_flop"] is None
    assert estimate["missing"].startswith("the training FLOP")
    assert "would be settled by" in estimate["reason"]


def test_post_training_of_a_model_without_a_base_is_shown_but_not_added() -> None:
    facts = [
        fact("device_hours", 2_000_000, 4, quote="2.0M GPU hours"),
        fact("hardware_type", "h100", 4),
        fact("fine_tune_device_hours", 20_000, 6, quote="20K GPU hours of post-training"),
    ]
    estimate = estimate_compute(facts)
    assert estimate.lineage is None
    assert estimate.training_flop is not None
    assert estimate.training_flop.central == pytest.approx(2_000_000 * 3600 * 989.4e12 * 0.30)
    assert any(note.startswith("post-training stage stated apart") for note in estimate.notes)


def test_a_fine_tune_without_figures_of_its_own_is_told_the_fine_tuning_figure() -> None:
    facts = [fact("base_model", "meta-llama/Llama-2-7b-hf", 2, origin="yaml"), fact("parameters", 7e9, 5)]
    estimate = estimate_compute(facts)
    assert estimate.missing is not None
    assert estimate.missing.startswith("the number of fine-tuning tokens")


def test_of_several_named_bases_the_first_with_known_compute_is_traced() -> None:
    facts = [
        fact("base_model", "Pebble-Unknown-9Z", 3),
        fact("base_model", "meta-llama/Llama-2-7b-hf", 8),
        fact("fine_tune_device_hours", 80, 9, quote="80 GPU hours"),
        fact("hardware_type", "a100-80gb", 9),
    ]
    lineage = estimate_compute(facts).lineage
    assert lineage is not None
    assert lineage.base_model == "meta-llama/Llama-2-7b-hf"
    assert lineage.base_flop is not None and lineage.cumulative is not None
    assert any("the first whose compute is known" in note for note in lineage.notes)
