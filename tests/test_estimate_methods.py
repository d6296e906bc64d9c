"""Each estimation method on hand-written facts: formula, interval, and what it says when it cannot run."""

from __future__ import annotations

import pytest
from estimate_helpers import fact

from cardlint.compute import estimate_compute
from cardlint.compute.hardware import hardware_table, normalise_hardware, normalise_precision
from cardlint.compute.hardware_route import energy, hardware
from cardlint.compute.methods import Skip, architecture, reported, rounding_of
from cardlint.compute.options import Band, EstimateOptions
from cardlint.types import MethodEstimate

TABLE = hardware_table()
OPTIONS = EstimateOptions()


def _ran(result: MethodEstimate | Skip) -> MethodEstimate:
    assert isinstance(result, MethodEstimate), result
    return result


def test_reported_uses_the_eu_thirty_percent_margin() -> None:
    estimate = _ran(reported([fact("training_flop", 3.8e25, 7, quote="3.8e25 FLOP")]))
    assert estimate.interval.central == 3.8e25
    assert estimate.interval.low == pytest.approx(3.8e25 * 0.7)
    assert estimate.interval.high == pytest.approx(3.8e25 * 1.3)
    assert estimate.inputs[0].location.line == 7


def test_reported_ignores_rates_and_other_models() -> None:
    facts = [
        fact("training_flop", 3.8e25, quote="3.8e25 FLOP/s", unit="FLOP/s"),
        fact("training_flop", 1e24, subject="Other-70B"),
    ]
    assert isinstance(reported(facts), Skip)


def test_reported_ambiguous_notation_covers_both_readings() -> None:
    estimate = _ran(reported([fact("training_flop", 2.1e22, quote="2.1 x 10e21 FLOPs", ambiguous=True)]))
    assert estimate.interval.contains(2.1e21)
    assert estimate.interval.contains(2.1e22)


def test_architecture_is_six_n_d() -> None:
    facts = [fact("parameters", 7e9, 3, quote="7B"), fact("training_tokens", 2e12, 4, quote="2T tokens")]
    estimate = _ran(architecture(facts))
    assert estimate.interval.central == pytest.approx(6 * 7e9 * 2e12)
    # "2T" may be 1.5T-2.5T: the interval widens by the rounding of the inputs
    assert estimate.interval.low < 6 * 7e9 * 1.5e12 * 0.81
    assert estimate.interval.high > 6 * 7e9 * 2.5e12
    assert [f.location.line for f in estimate.inputs] == [3, 4]


def test_architecture_uses_active_parameters_for_moe() -> None:
    facts = [
        fact("parameters", 671e9, quote="671B"),
        fact("active_parameters", 37e9, quote="37B"),
        fact("training_tokens", 14.8e12, quote="14.8T"),
    ]
    estimate = _ran(architecture(facts))
    assert estimate.interval.central == pytest.approx(6 * 37e9 * 14.8e12)
    assert any("active" in note for note in estimate.assumptions)


def test_architecture_moe_without_active_count_is_an_upper_bound() -> None:
    facts = [fact("parameters", 46.7e9, quote="46.7B"), fact("training_tokens", 1e13, quote="10T")]
    config = {"num_local_experts": 8, "num_experts_per_tok": 2}
    estimate = _ran(architecture(facts, config))
    assert estimate.interval.low < 6 * 12.9e9 * 1e13 < estimate.interval.high


def test_architecture_lower_bound_tokens_widen_the_high_end() -> None:
    plain = _ran(architecture([fact("parameters", 8e9), fact("training_tokens", 15e12, quote="15T")]))
    tokens = fact("training_tokens", 15e12, quote="15T+", lower_bound=True)
    bound = _ran(architecture([fact("parameters", 8e9), tokens]))
    assert bound.interval.high > plain.interval.high * 1.4
    assert bound.interval.central == plain.interval.central


def test_architecture_attention_correction_from_config() -> None:
    config = {"num_hidden_layers": 32, "hidden_size": 4096, "seq_length": 8192}
    facts = [fact("parameters", 8e9, quote="8.0B"), fact("training_tokens", 15e12, quote="15.0T")]
    plain = _ran(architecture(facts))
    corrected = _ran(architecture(facts, config))
    extra = 6 * 32 * 4096 * 8192 * 15e12  # causal half of PaLM's 12·L·H·Q·T per token
    assert corrected.interval.central == pytest.approx(plain.interval.central + extra)
    assert corrected.interval.high >= plain.interval.central + 2 * extra


def test_architecture_needs_tokens() -> None:
    result = architecture([fact("parameters", 7e9)])
    assert isinstance(result, Skip)
    assert "tokens" in result.reason


def test_hardware_is_hours_times_peak_times_utilisation() -> None:
    facts = [fact("device_hours", 1_234_567, quote="1,234,567"), fact("hardware_type", "h100-80gb")]
    estimate = _ran(hardware(facts, TABLE, OPTIONS))
    capacity = 1_234_567 * 3600 * 989.4e12
    assert estimate.interval.central == pytest.approx(capacity * 0.30)
    assert estimate.interval.low == pytest.approx(capacity * 0.20, rel=1e-3)
    assert estimate.interval.high == pytest.approx(capacity * 0.55, rel=1e-3)


def test_hardware_round_figures_widen_the_band() -> None:
    facts = [fact("device_hours", 1_000_000, quote="1M GPU hours"), fact("hardware_type", "h100")]
    estimate = _ran(hardware(facts, TABLE, OPTIONS))
    assert estimate.interval.low == pytest.approx(0.5e6 * 3600 * 989.4e12 * 0.20)


def test_hardware_from_count_and_days() -> None:
    facts = [
        fact("hardware_count", 440, quote="440"),
        fact("training_duration_days", 9.5, quote="9.5 days"),
        fact("hardware_type", "a100-40gb"),
    ]
    estimate = _ran(hardware(facts, TABLE, OPTIONS))
    assert estimate.interval.central == pytest.approx(440 * 9.5 * 24 * 3600 * 312e12 * 0.30)


def test_hardware_utilisation_band_is_configurable() -> None:
    facts = [fact("device_hours", 1000, quote="1000"), fact("hardware_type", "a100")]
    options = EstimateOptions(utilisation=Band(0.4, 0.5, 0.6))
    estimate = _ran(hardware(facts, TABLE, options))
    assert estimate.interval.central == pytest.approx(1000 * 3600 * 312e12 * 0.5)


def test_hardware_fp8_uses_both_peaks() -> None:
    facts = [
        fact("device_hours", 1234, quote="1,234"),
        fact("hardware_type", "h800"),
        fact("training_precision", "FP8"),
    ]
    estimate = _ran(hardware(facts, TABLE, OPTIONS))
    assert estimate.interval.central == pytest.approx(1234 * 3600 * 989.4e12 * 0.30)
    assert estimate.interval.high == pytest.approx(1234 * 3600 * 1978.9e12 * 0.55, rel=1e-3)


def test_hardware_unknown_accelerator_is_reported_not_mapped() -> None:
    facts = [fact("device_hours", 1000), fact("hardware_type", "Cerebras CS-2")]
    result = hardware(facts, TABLE, OPTIONS)
    assert isinstance(result, Skip)
    assert "Cerebras CS-2" in result.reason
    estimate = estimate_compute(facts)
    assert estimate.training_flop is None
    assert any("Cerebras CS-2" in note for note in estimate.notes)


def test_user_accelerator_from_config() -> None:
    chip = {"id": "cs-2", "aliases": ["Cerebras CS-2"], "bf16_tflops": 1000, "tdp_watts": 23000}
    options = EstimateOptions.from_config({"accelerators": [chip]})
    facts = [fact("device_hours", 1000), fact("hardware_type", "Cerebras CS-2")]
    estimate = estimate_compute(facts, options=options)
    assert estimate.training_flop is not None
    assert estimate.training_flop.central == pytest.approx(1000 * 3600 * 1e15 * 0.30)


def test_v100_falls_back_to_its_fp16_tensor_rate() -> None:
    facts = [fact("device_hours", 1000), fact("hardware_type", "v100")]
    estimate = _ran(hardware(facts, TABLE, OPTIONS))
    assert estimate.interval.central == pytest.approx(1000 * 3600 * 125e12 * 0.30)
    assert any("fp16" in note for note in estimate.assumptions)


def test_non_llm_config_uses_the_other_utilisation() -> None:
    facts = [fact("device_hours", 1000), fact("hardware_type", "a100")]
    estimate = _ran(hardware(facts, TABLE, OPTIONS, {"architectures": ["UNet2DConditionModel"]}))
    assert estimate.interval.central == pytest.approx(1000 * 3600 * 312e12 * 0.40)


def test_energy_route_goes_through_device_hours() -> None:
    facts = [fact("energy_mwh", 100, quote="100 MWh"), fact("hardware_type", "a100-80gb")]
    estimate = _ran(energy(facts, TABLE, OPTIONS))
    hours = 100e6 / (400 * 0.8 * 1.2)
    assert estimate.interval.central == pytest.approx(hours * 3600 * 312e12 * 0.30)
    assert estimate.interval.low < estimate.interval.central < estimate.interval.high


def test_energy_is_used_only_when_nothing_better_exists() -> None:
    facts = [
        fact("energy_mwh", 100, quote="100 MWh"),
        fact("hardware_type", "a100-80gb"),
        fact("parameters", 1e9),
        fact("training_tokens", 1e11),
    ]
    estimate = estimate_compute(facts)
    assert estimate.driver == "architecture"
    assert {m.method for m in estimate.methods} == {"architecture", "energy"}


def test_rounding_follows_the_digits_written() -> None:
    assert rounding_of(fact("training_tokens", 15e12, quote="15T tokens")) == pytest.approx(0.5 / 15)
    assert rounding_of(fact("device_hours", 1082990, quote="1,082,990 hours")) == pytest.approx(0.5 / 108299)
    assert rounding_of(fact("parameters", 2e9, quote="2.0B")) == pytest.approx(0.5 / 20)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("h100-80gb", "h100-sxm"),
        ("A100-SXM4-40GB", "a100-sxm-40gb"),
        ("tpu-v4", "tpu-v4"),
        ("a800", "a800"),
        ("p100-16gb", "p100-pcie"),
        ("Tesla P100-SXM2-16GB", "p100-sxm2"),
        ("quantum-x9", None),
    ],
)
def test_hardware_names(name: str, expected: str | None) -> None:
    assert normalise_hardware(name) == expected


def test_precision_words() -> None:
    assert normalise_precision("bfloat16 mixed precision") == "bf16"
    assert normalise_precision("FP8 (E4M3)") == "fp8"
    assert normalise_precision("whatever") is None


def test_options_from_settings_like_object() -> None:
    class FakeSettings:
        utilisation = (0.3, 0.4, 0.5)
        hardware = ({"id": "x1", "bf16_tflops": 100},)

    options = EstimateOptions.from_settings(FakeSettings())
    assert options.utilisation == Band(0.3, 0.4, 0.5)
    assert options.extra_accelerators[0].peak("bf16") == 100e12


def test_reported_ambiguous_central_is_the_meant_reading() -> None:
    estimate = _ran(reported([fact("training_flop", 2.1e22, quote="2.1 x 10e21", ambiguous=True)]))
    assert estimate.interval.central == pytest.approx(2.1e21)
    assert estimate.interval.low == pytest.approx(2.1e21 * 0.7)
    assert estimate.interval.high == pytest.approx(2.1e22 * 1.3)


def test_options_from_real_settings() -> None:
    from cardlint.config.settings import Settings

    chip = {"id": "npu-x", "aliases": ["NPU X"], "bf16_tflops": 500, "tdp_watts": 300}
    options = EstimateOptions.from_settings(Settings(utilisation=(0.25, 0.35, 0.5), hardware=(chip,)))
    facts = [fact("device_hours", 1234, quote="1,234"), fact("hardware_type", "NPU X")]
    estimate = estimate_compute(facts, options=options)
    assert estimate.training_flop is not None
    assert estimate.training_flop.central == pytest.approx(1234 * 3600 * 500e12 * 0.35)
