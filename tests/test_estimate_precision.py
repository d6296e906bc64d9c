"""The card's stated training precision picks the peak the hardware method uses (FP8, BF16, FP32), and only
sentences about training state one."""

from __future__ import annotations

from pathlib import Path

import pytest
from estimate_helpers import fact

import cardlint
from cardlint.card.document import parse_card
from cardlint.compute import estimate_compute
from cardlint.extract.layout import layout_of
from cardlint.extract.precision import precision_facts

_H100_HOURS = 100_000


def _card(tmp_path: Path, sentence: str) -> Path:
    folder = tmp_path / "Quartz-20B"
    folder.mkdir(parents=True)
    text = f"""---
license: mit
---
# Quartz-20B

Quartz-20B was trained for {_H100_HOURS:,} H100 GPU hours. {sentence}
"""
    (folder / "README.md").write_text(text, encoding="utf-8")
    return folder / "README.md"


def _hardware(path: Path) -> tuple[float, float, float]:
    report = cardlint.estimate(path)
    assert report.estimate is not None
    method = next(m for m in report.estimate.methods if m.method == "hardware")
    return method.interval.low, method.interval.central, method.interval.high


def test_fp8_training_keeps_the_bf16_central_and_reaches_the_fp8_peak(tmp_path: Path) -> None:
    bf16 = _hardware(_card(tmp_path / "a", "We trained it in BF16 mixed precision."))
    fp8 = _hardware(_card(tmp_path / "b", "Pre-training used an FP8 mixed precision framework."))
    assert fp8[1] == pytest.approx(bf16[1])
    assert fp8[2] == pytest.approx(2 * bf16[2], rel=0.01)  # the H100's FP8 peak is twice its BF16 peak


def test_fp32_training_on_a_tensor_core_chip_is_bounded_by_the_plain_fp32_rate(tmp_path: Path) -> None:
    low, central, _high = _hardware(_card(tmp_path, "Training ran in full fp32 precision."))
    bf16_central = _H100_HOURS * 3600 * 989.4e12 * 0.30
    assert central == pytest.approx(_H100_HOURS * 3600 * 494.7e12 * 0.30)  # TF32 tensor peak
    assert central < bf16_central
    # plain FP32 rate, less the rounding of "100,000"
    assert low == pytest.approx(_H100_HOURS * 3600 * 66.9e12 * 0.20, rel=0.06)


def test_the_dtype_for_inference_is_not_a_training_precision() -> None:
    text = "# M\n\nLoad the weights in bfloat16 for inference: `torch_dtype=torch.bfloat16`.\n"
    card = parse_card(text, "README.md")
    assert precision_facts(card, layout_of(card), path="README.md") == []


def test_a_trainer_card_with_native_amp_states_fp16() -> None:
    text = "# M\n\n## Training hyperparameters\n\n- learning_rate: 2e-05\n"
    text += "- mixed_precision_training: Native AMP\n"
    card = parse_card(text, "README.md")
    facts = precision_facts(card, layout_of(card), path="README.md")
    assert [(f.value, f.location.line) for f in facts] == [("fp16", 6)]


def test_the_disclosure_block_states_the_precision(tmp_path: Path) -> None:
    folder = tmp_path / "Quartz-20B"
    folder.mkdir()
    (folder / "README.md").write_text(
        "---\ntraining_compute:\n  precision: fp8\n  device_hours: 1000\n  hardware_type: H100\n"
        "---\n# Quartz\n",
        encoding="utf-8",
    )
    report = cardlint.estimate(folder / "README.md")
    assert any(f.kind == "training_precision" and f.value == "fp8" for f in report.facts)


def test_a_stated_precision_is_an_input_of_the_receipt() -> None:
    facts = [
        fact("device_hours", 1000, 2, quote="1,000 GPU hours"),
        fact("hardware_type", "h100", 2),
        fact("training_precision", "fp8", 3, quote="FP8"),
    ]
    estimate = estimate_compute(facts)
    method = estimate.methods[0]
    assert any(f.kind == "training_precision" for f in method.inputs)
    assert not any("precision not stated" in a for a in method.assumptions)


def test_advice_on_precision_for_use_is_not_a_training_precision() -> None:
    text = "# M\n\nMake sure to keep the gates in float32, especially when training further.\n"
    card = parse_card(text, "README.md")
    assert precision_facts(card, layout_of(card), path="README.md") == []


def test_a_chip_without_half_precision_trains_at_its_fp32_peak() -> None:
    facts = [fact("device_hours", 1000, 2, quote="1,000 GPU hours"), fact("hardware_type", "k80", 2)]
    estimate = estimate_compute(facts)
    method = estimate.methods[0]
    assert method.interval.central == pytest.approx(1000 * 3600 * 4.063e12 * 0.30)
    assert any("no half-precision rate" in a for a in method.assumptions)


def test_a_turing_geforce_uses_its_fp32_accumulate_tensor_rate() -> None:
    facts = [fact("device_hours", 1000, 2, quote="1,000 GPU hours"), fact("hardware_type", "RTX 2080 Ti", 2)]
    method = estimate_compute(facts).methods[0]
    assert method.interval.central == pytest.approx(1000 * 3600 * 56.9e12 * 0.30)


@pytest.mark.parametrize(
    ("quote", "chip_hours"), [("2,000 TPU v3 core-hours", 1000), ("2,000 TPU v3 hours", 2000)]
)
def test_tpu_core_hours_are_halved_to_chip_hours(quote: str, chip_hours: float) -> None:
    facts = [fact("device_hours", 2000, 2, quote=quote), fact("hardware_type", "tpu-v3", 2)]
    method = estimate_compute(facts).methods[0]
    assert method.interval.central == pytest.approx(chip_hours * 3600 * 123e12 * 0.30)
