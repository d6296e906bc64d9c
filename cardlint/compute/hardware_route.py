"""The hardware route: device-hours (stated, count × duration, or from energy) × dense peak at the training
precision × a utilisation band. Device counts are chips (TPU cores are halved by the extractor), the peak is
the table's dense figure for the precision the card states (FP8 widens the band upwards, FP32 on a chip with
TF32 tensor cores downwards), and stages of the hours are shown per stage.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cardlint.compute.figures import count, numeric, own, pick
from cardlint.compute.hardware import Accelerator, HardwareTable, normalise_precision
from cardlint.compute.methods import MethodResult, Skip
from cardlint.compute.options import Band, EstimateOptions, constants
from cardlint.core.regex_store import compile_pattern
from cardlint.types import Fact, Interval, MethodEstimate

_LLM_ARCHITECTURE = compile_pattern(r"(CausalLM|LMHeadModel|ForConditionalGeneration|Seq2SeqLM)$")


def hardware(
    facts: Sequence[Fact],
    table: HardwareTable,
    options: EstimateOptions,
    config: Mapping[str, Any] | None = None,
) -> MethodResult:
    """Device-hours × 3600 × dense peak at the training precision × utilisation band."""
    hours = _device_hours(facts, "device_hours")
    if hours is None:
        return Skip("hardware", "the card states neither device-hours nor device count and duration")
    return _from_hours("hardware", hours, facts, table, options, config)


def energy(
    facts: Sequence[Fact],
    table: HardwareTable,
    options: EstimateOptions,
    config: Mapping[str, Any] | None = None,
) -> MethodResult:
    """Energy ÷ (device power × draw × PUE) → device-hours → the hardware method. The weakest route."""
    energies = pick(facts, "energy_mwh")
    if energies is None:
        return Skip("energy", "the card states no training energy")
    resolved = _accelerator(facts, table)
    if isinstance(resolved, Skip):
        return Skip("energy", resolved.reason)
    accelerator, _hardware_fact, _notes = resolved
    powers = numeric(own(facts, "power_watts_per_device"))
    settings = constants()["energy"]
    pue = Band.of(settings["pue"])
    draw = Band.of(settings["draw_fraction"])
    assumptions = []
    if powers:
        watts = float(powers[0].value)
        power_inputs: tuple[Fact, ...] = (powers[0],)
    elif accelerator.tdp_watts:
        watts = accelerator.tdp_watts
        power_inputs = ()
        assumptions.append(f"device power = {accelerator.id} TDP {watts:g} W (hardware table)")
    else:
        return Skip("energy", f"no power figure for {accelerator.id}")
    fact, down, up, notes = energies.fact, energies.down, energies.up, energies.notes
    wh = energies.value * 1e6
    hours = _Hours(
        low=wh * down / (watts * draw.high * pue.high),
        central=wh / (watts * draw.central * pue.central),
        high=wh * up / (watts * draw.low * pue.low),
        inputs=(fact, *power_inputs),
        notes=(
            *notes,
            *assumptions,
            f"average draw {draw.low:g}–{draw.high:g} of device power, PUE {pue.low:g}–{pue.high:g}",
        ),
    )
    return _from_hours(
        "energy", hours, facts, table, options, config, formula_prefix="energy / (W · draw · PUE)"
    )


# --- helpers -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Hours:
    low: float
    central: float
    high: float
    inputs: tuple[Fact, ...]
    notes: tuple[str, ...] = ()
    stages: tuple[Fact, ...] = ()  # stated stages that add up to the hours used


def _device_hours(facts: Sequence[Fact], kind: str) -> _Hours | None:
    stated = pick(facts, kind)
    if stated is not None:
        value = stated.value
        return _Hours(
            value * stated.down, value, value * stated.up, stated.facts, stated.notes, stated.stages
        )
    if kind != "device_hours":
        return None
    count = pick(facts, "hardware_count")
    duration = pick(facts, "training_duration_days")
    if count is None or duration is None:
        return None
    value = count.value * duration.value * 24.0
    return _Hours(
        value * count.down * duration.down,
        value,
        value * count.up * duration.up,
        (*count.facts, *duration.facts),
        (*count.notes, *duration.notes, "device-hours = device count × days × 24"),
    )


_CORE_HOURS = compile_pattern(r"\bcores?[- ]?hours?\b|\btensor ?core\b", re.IGNORECASE)


def _chip_hours(hours: _Hours, accelerator: Accelerator) -> _Hours:
    """TPU "core-hours" are TensorCore-hours: two cores per chip on v2-v4 and v5p, and peaks are per chip."""
    cores = constants()["tpu_cores_per_chip"].get(accelerator.id)
    stated = [fact for fact in hours.inputs if fact.kind.endswith("device_hours")]
    if not cores or not any(
        _CORE_HOURS.search(fact.quote) and "TensorCore" not in (fact.note or "") for fact in stated
    ):
        return hours
    return _Hours(
        hours.low / cores,
        hours.central / cores,
        hours.high / cores,
        hours.inputs,
        (*hours.notes, f"the card counts {accelerator.id} core-hours: {cores:g} TensorCores per chip"),
        hours.stages,
    )


def _accelerator(facts: Sequence[Fact], table: HardwareTable) -> tuple[Accelerator, Fact, list[str]] | Skip:
    named = [fact for fact in own(facts, "hardware_type") if isinstance(fact.value, str)]
    if not named:
        return Skip("hardware", "the card does not name the training accelerator")
    unknown: list[str] = []
    for fact in named:
        found = table.lookup(str(fact.value))
        if found is not None:
            notes = (
                [f"accelerator name(s) not in the hardware table, ignored: {', '.join(unknown)}"]
                if unknown
                else []
            )
            looked_up = (table.lookup(str(other.value)) for other in named)
            others = {other.id for other in looked_up if other is not None} - {found.id}
            if others:
                notes.append(
                    f"card names several accelerators; used {found.id}, "
                    f"also named: {', '.join(sorted(others))}"
                )
            return found, fact, notes
        unknown.append(repr(str(fact.value)))
    return Skip(
        "hardware", f"unknown accelerator {', '.join(unknown)}: not in the hardware table (add it in config)"
    )


def _precision(facts: Sequence[Fact], options: EstimateOptions) -> tuple[str, Fact | None, bool]:
    """(precision, the fact that stated it, whether the card or the user stated it at all)."""
    if options.precision:
        return options.precision, None, True
    for fact in own(facts, "training_precision", "precision"):
        found = normalise_precision(str(fact.value))
        if found is not None:
            return found, fact, True
    return options.default_precision, None, False


def _peak(accelerator: Accelerator, precision: str) -> tuple[float, str, list[str]] | None:
    peak = accelerator.peak(precision)
    if peak is not None:
        return peak, precision, []
    for fallback in constants()["precision"]["fallback_order"]:
        peak = accelerator.peak(str(fallback))
        if peak is not None:
            return (
                peak,
                str(fallback),
                [f"{accelerator.id} has no {precision} tensor rate; used its {fallback} peak"],
            )
    fp32 = accelerator.peak("fp32")
    if fp32 is not None and accelerator.id in constants()["precision"]["fp32_only"]:
        # a chip without usable half precision (Kepler, GeForce Pascal) trains at FP32
        return fp32, "fp32", [f"{accelerator.id} has no half-precision rate: FP32 is its peak"]
    return None


def has_peak(accelerator: Accelerator) -> bool:
    """Whether the hardware method can price an hour of this chip at all."""
    return _peak(accelerator, "bf16") is not None


def model_class(config: Mapping[str, Any] | None, options: EstimateOptions) -> str:
    """'llm' or 'other', which picks the utilisation band: the user's word, else config.json, else llm."""
    if options.model_class:
        return options.model_class
    architectures = (config or {}).get("architectures")
    if isinstance(architectures, list) and architectures:
        return "llm" if any(_LLM_ARCHITECTURE.search(str(name)) for name in architectures) else "other"
    return "llm"


def _from_hours(
    method: str,
    hours: _Hours,
    facts: Sequence[Fact],
    table: HardwareTable,
    options: EstimateOptions,
    config: Mapping[str, Any] | None,
    *,
    formula_prefix: str | None = None,
) -> MethodResult:
    resolved = _accelerator(facts, table)
    if isinstance(resolved, Skip):
        return Skip(method, resolved.reason)
    accelerator, hardware_fact, notes = resolved
    hours = _chip_hours(hours, accelerator)
    precision, precision_fact, stated = _precision(facts, options)
    peak_info = _peak(accelerator, precision)
    if peak_info is None:
        return Skip(method, f"the hardware table has no dense peak for {accelerator.id}")
    peak, used_precision, peak_notes = peak_info
    low_peak = high_peak = peak
    central_rate = used_precision
    if used_precision == "fp8":
        # MFU is quoted against the BF16 peak in practice; FP8 runs reach about half of the FP8 peak.
        bf16 = accelerator.peak("bf16") or peak / 2
        low_peak, peak, central_rate = bf16, bf16, "bf16"
        peak_notes.append(
            f"FP8 training: central and low use the BF16 peak ({bf16 / 1e12:g} TFLOP/s), high the FP8 peak"
        )
    tf32 = accelerator.peak("tf32")
    if used_precision == "fp32" and tf32 is not None and tf32 > peak:
        # Frameworks run FP32 matmuls on TF32 tensor cores by default on chips that have them.
        low_peak, peak, high_peak, central_rate = peak, tf32, tf32, "tf32"
        peak_notes.append(
            f"FP32 training on {accelerator.id}: central and high use its TF32 tensor peak "
            f"({tf32 / 1e12:g} TFLOP/s), low the plain FP32 rate ({low_peak / 1e12:g})"
        )
    band = options.utilisation_for(model_class(config, options))
    interval = Interval(
        hours.low * 3600 * low_peak * band.low,
        hours.central * 3600 * peak * band.central,
        hours.high * 3600 * high_peak * band.high,
    )
    assumptions = [
        *hours.notes,
        *notes,
        *peak_notes,
        f"dense {central_rate} peak of {accelerator.id}: {peak / 1e12:g} TFLOP/s per device",
        f"utilisation {band.low:g}–{band.high:g}, central {band.central:g}",
    ]
    if not stated:
        assumptions.append(f"training precision not stated: assumed {used_precision}")
    per_hour = interval.central / hours.central if hours.central else 0.0
    for stage in hours.stages:
        assumptions.append(
            f"per stage: line {stage.location.line or '-'}, {count(float(stage.value))} device-hours "
            f"→ {float(stage.value) * per_hour:.2e} FLOP"
        )
    inputs = [*hours.inputs, *hours.stages, hardware_fact]
    if precision_fact is not None:
        inputs.append(precision_fact)
    formula = "device-hours × 3600 × peak FLOP/s × utilisation"
    if formula_prefix:
        formula = f"({formula_prefix}) × 3600 × peak FLOP/s × utilisation"
    return MethodEstimate(method, interval, tuple(inputs), formula, tuple(assumptions))


def device_capacity(
    facts: Sequence[Fact], options: EstimateOptions, table: HardwareTable
) -> tuple[float, list[Fact]] | None:
    """Device-seconds × dense peak (central values): the FLOP the hardware could have done at 100% use."""
    hours = _device_hours(facts, "device_hours")
    if hours is None:
        return None
    resolved = _accelerator(facts, table)
    if isinstance(resolved, Skip):
        return None
    accelerator, hardware_fact, _notes = resolved
    precision, _fact, _stated = _precision(facts, options)
    peak_info = _peak(accelerator, "bf16" if precision == "fp8" else precision)
    if peak_info is None:
        return None
    return hours.central * 3600 * peak_info[0], [*hours.inputs, hardware_fact]


def device_hours_of(facts: Sequence[Fact]) -> tuple[float, list[Fact]] | None:
    """Central device-hours and the facts they come from (stated, or count × days × 24)."""
    hours = _device_hours(facts, "device_hours")
    return (hours.central, list(hours.inputs)) if hours is not None else None


def accelerator_of(facts: Sequence[Fact], table: HardwareTable) -> Accelerator | None:
    resolved = _accelerator(facts, table)
    return None if isinstance(resolved, Skip) else resolved[0]
