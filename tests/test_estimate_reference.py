"""Measured: for every reference model whose inputs allow an estimate, facts stating those inputs (written
the way a card would write them) must give an interval containing the published figure with the central
value within 2x, for at least 97% of the models. The known misses are listed with the reason."""

from __future__ import annotations

from estimate_helpers import fact

from cardlint.compute import estimate_compute
from cardlint.compute.reference import ReferenceModel, reference_models
from cardlint.types import Fact

# Misses we understand; the test reports any other miss by name.
KNOWN_MISSES = {
    # Epoch's geometric mean used the H100's non-tensor BF16 rate (133.8 TFLOP/s) in its hardware half, so
    # the published figure sits at half of 6ND; our 6ND central is 2.1x above it.
    "Phi-3.5-mini",
    # Epoch used the FP8 peak (not stated on the card) and added 10% for post-training; from the stated BF16
    # default our band tops out at 4.2e24 against the published 4.94e24.
    "gpt-oss-120b",
}


def _facts_of(model: ReferenceModel) -> list[Fact]:
    facts: list[Fact] = []
    for kind, value in (
        ("parameters", model.parameters),
        ("active_parameters", model.active_parameters),
        ("training_tokens", model.training_tokens),
        ("hardware_type", model.hardware),
        ("device_hours", model.device_hours),
        ("training_flop", model.reported_training_flop),
    ):
        if value is not None:
            facts.append(fact(kind, value, line=len(facts) + 1))
    return facts


def _evaluated() -> list[tuple[str, bool]]:
    outcomes = []
    for model in reference_models():
        if model.training_flop is None:
            continue
        estimate = estimate_compute(_facts_of(model))
        if estimate.training_flop is None:
            continue
        interval = estimate.training_flop
        ok = interval.contains(model.training_flop) and 0.5 <= interval.central / model.training_flop <= 2.0
        outcomes.append((model.model, ok))
    return outcomes


def test_reference_hit_rate_at_least_97_percent() -> None:
    outcomes = _evaluated()
    assert len(outcomes) >= 80  # the table has ~90 models with a published figure and enough inputs
    hits = sum(ok for _name, ok in outcomes)
    assert hits / len(outcomes) >= 0.97


def test_only_the_understood_models_miss() -> None:
    misses = {name for name, ok in _evaluated() if not ok}
    assert misses <= KNOWN_MISSES


def test_models_without_inputs_get_no_estimate() -> None:
    whisper = next(model for model in reference_models() if model.model == "Whisper large-v3")
    estimate = estimate_compute(_facts_of(whisper))
    assert estimate.training_flop is None
    assert estimate.driver is None
    assert any(note.startswith("architecture:") for note in estimate.notes)


def _card_number(value: float) -> str:
    for scale, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M")):
        if value >= scale:
            return f"{value / scale:.4g}{suffix}"
    return f"{value:,.0f}"


def _card_of(model: ReferenceModel, hardware_names: dict[str, str]) -> str:
    """A card of our own wording stating the model's inputs, as prose."""
    lines = ["---", "license: other", "---", f"# {model.model}", ""]
    if model.parameters and model.active_parameters:
        total, active = _card_number(model.parameters), _card_number(model.active_parameters)
        lines.append(f"It has {total} total parameters, {active} activated.")
    elif model.parameters:
        lines.append(f"The model has {_card_number(model.parameters)} parameters.")
    if model.training_tokens:
        lines.append(f"It was trained on {_card_number(model.training_tokens)} tokens.")
    chip = hardware_names.get(model.hardware or "", model.hardware or "")
    if model.device_hours and chip:
        lines.append(f"Training used {_card_number(model.device_hours)} GPU hours on {chip} GPUs.")
    if model.reported_training_flop:
        lines.append(f"Total training compute: {model.reported_training_flop:.4g} FLOP.")
    return "\n".join(lines) + "\n"


def test_reference_hit_rate_through_cards_and_the_facts_extractor() -> None:
    """The same bar end to end: card text -> extracted facts -> estimate."""
    from cardlint.card.document import parse_card
    from cardlint.compute.hardware import bundled_accelerators
    from cardlint.extract import extract_facts

    names = {accelerator.id: accelerator.aliases[0] for accelerator in bundled_accelerators()}
    outcomes = []
    for model in reference_models():
        if model.training_flop is None:
            continue
        card = parse_card(_card_of(model, names), "README.md")
        facts = extract_facts(card, path="README.md", subject=model.hf_repo_id or model.model)
        interval = estimate_compute(facts).training_flop
        if interval is None:
            continue
        outcomes.append(
            interval.contains(model.training_flop) and 0.5 <= interval.central / model.training_flop <= 2
        )
    assert len(outcomes) >= 80
    assert sum(outcomes) / len(outcomes) >= 0.90
