"""The four ways a card's figures yield a training-compute interval: reported, architecture, hardware, energy.

Each method is a pure function of the card's own facts (plus config.json and the options) and returns either
a MethodEstimate, whose interval carries every uncertainty we can name (input rounding, "~", "15T+", the
utilisation band, the 6ND approximation), or a Skip saying which figure was missing or not understood.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cardlint.estimate.figures import (
    count,
    input_band,
    is_rate,
    numeric,
    own,
    pick,
    rounding_of,
    significant_digits,
)
from cardlint.estimate.hardware import Accelerator, HardwareTable, normalise_precision
from cardlint.estimate.options import Band, EstimateOptions, constants
from cardlint.types import Fact, Interval, MethodEstimate

_LLM_ARCHITECTURE = re.compile(r"(CausalLM|LMHeadModel|ForConditionalGeneration|Seq2SeqLM)$")
_CONTEXT_KINDS = ("training_context_length", "sequence_length", "context_length")
# config.json keys that state the training sequence length (max_position_embeddings does not: Llama 3.1 says
# 131072 but trained mostly at 8192).
_CONFIG_CONTEXT_KEYS = ("seq_length", "n_ctx", "max_sequence_length")
_MOE_EXPERT_KEYS = (
    "num_local_experts",
    "num_experts",
    "n_routed_experts",
    "moe_num_experts",
    "num_experts_routed",
)
_MOE_ACTIVE_KEYS = ("num_experts_per_tok", "num_experts_per_token", "moe_top_k", "top_k", "moe_k")


__all__ = [
    "MethodResult",
    "Skip",
    "architecture",
    "energy",
    "hardware",
    "input_band",
    "is_rate",
    "numeric",
    "own",
    "reported",
    "rounding_of",
    "significant_digits",
]


@dataclass(frozen=True)
class Skip:
    """A method that could not run, and why (shown in the estimate's notes)."""

    method: str
    reason: str


MethodResult = MethodEstimate | Skip


# --- the methods -------------------------------------------------------------------------------------------


def reported(facts: Sequence[Fact]) -> MethodResult:
    """The card's own training-FLOP figure, ±30% (the EU guidelines' accepted error margin)."""
    candidates = [fact for fact in numeric(own(facts, "training_flop")) if not is_rate(fact)]
    if not candidates:
        return Skip("reported", "the card states no training-FLOP figure")
    fact = candidates[0]
    value = float(fact.value)
    margin = float(constants()["reported"]["margin"])
    down, up, notes = input_band(fact)
    low = value * min(1.0 - margin, down)
    high = value * max(1.0 + margin, up)
    assumptions = [f"the card's own figure, ±{margin:.0%} (EU guidelines' accepted error margin)", *notes]
    central = value
    if fact.ambiguous:
        # "2.1 x 10e21" is literally 2.1e22; writers mean 2.1e21, so that is the central reading, and the
        # error margin applies to it as well
        factor = float(constants()["inputs"]["ambiguous_exponent_factor"])
        central = value / factor
        low = central * min(1.0 - margin, down * factor)
        assumptions.append(f"central value reads the notation as meant: {central:.3g}")
    if fact.interval is not None and not fact.ambiguous:
        low, high = fact.interval
        assumptions = [f"the card's own figure and the interval it states ({low:.2g} to {high:.2g})"]
    if len(candidates) > 1:
        assumptions.append(f"{len(candidates)} training-FLOP figures stated; used line {fact.location.line}")
    return MethodEstimate(
        "reported", Interval(low, central, high), (fact,), "stated training FLOP", tuple(assumptions)
    )


def architecture(facts: Sequence[Fact], config: Mapping[str, Any] | None = None) -> MethodResult:
    """6·N·D with N the active parameters of an MoE, plus the attention term when the shape is known."""
    settings = constants()["architecture"]
    tokens = pick(facts, "training_tokens")
    if tokens is None:
        return Skip("architecture", "the card states no number of training tokens")
    active = pick(facts, "active_parameters")
    total = pick(facts, "parameters")
    if active is not None and total is not None and active.value > total.value:
        active = None  # an "active" count above the total is not an MoE's active share
    params = active or total
    if params is None:
        return Skip("architecture", "the card states no parameter count")
    assumptions: list[str] = [*params.notes, *tokens.notes]
    moe_fraction = _moe_active_fraction(config)
    p_down, p_up, d_down, d_up = params.down, params.up, tokens.down, tokens.up
    n = params.value
    d = tokens.value
    per_token = float(settings["flop_per_param_token"])
    base = per_token * n * d
    low_factor = float(settings["low_factor"])
    high_factor = float(settings["high_factor"])
    if active is not None:
        assumptions.append("N = active parameters (mixture of experts)")
    elif moe_fraction is not None or _config_is_moe(config):
        fraction = moe_fraction or float(settings["moe_unknown_active_low_fraction"])
        low_factor *= fraction
        assumptions.append(
            "config.json describes a mixture of experts but the card gives no active parameter count: "
            f"6·N_total·D is an upper bound; low end assumes {fraction:.3g} of the weights active"
        )
    central = base
    high_base = base
    shape = _attention_shape(facts, config)
    inputs: list[Fact] = [*params.facts, *tokens.facts, *params.stages, *tokens.stages]
    formula = f"{per_token:g} · N · D"
    if shape is not None:
        layers, width, context, context_fact = shape
        causal = float(settings["attention_causal_coefficient"]) * layers * width * context * d
        full = float(settings["attention_full_coefficient"]) * layers * width * context * d
        central = base + causal
        high_base = base + full
        high_factor = float(settings["high_factor_attention_known"])
        formula += " + attention (6·L·d·T·D causal, 12·L·d·T·D full)"
        assumptions.append(
            f"attention term from L={layers:g}, d={width:g}, T={context:g}; causal kernels halve it"
        )
        if context_fact is not None:
            inputs.append(context_fact)
    else:
        assumptions.append("plain 6ND: attention and embedding treatment within the band")
    interval = Interval(base * low_factor * p_down * d_down, central, high_base * high_factor * p_up * d_up)
    for stage in tokens.stages:
        assumptions.append(
            f"per stage: line {stage.location.line or '-'}, {count(float(stage.value))} tokens "
            f"→ {central * float(stage.value) / d:.2e} FLOP"
        )
    return MethodEstimate("architecture", interval, tuple(inputs), formula, tuple(assumptions))


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
    return None


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
    precision, precision_fact, stated = _precision(facts, options)
    peak_info = _peak(accelerator, precision)
    if peak_info is None:
        return Skip(method, f"the hardware table has no dense peak for {accelerator.id}")
    peak, used_precision, peak_notes = peak_info
    low_peak = high_peak = peak
    if used_precision == "fp8":
        # MFU is quoted against the BF16 peak in practice; FP8 runs reach about half of the FP8 peak.
        bf16 = accelerator.peak("bf16") or peak / 2
        low_peak, peak = bf16, bf16
        peak_notes.append(
            f"FP8 training: central and low use the BF16 peak ({bf16 / 1e12:g} TFLOP/s), high the FP8 peak"
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
        f"dense {used_precision} peak of {accelerator.id}: {peak / 1e12:g} TFLOP/s per device",
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


def _config_is_moe(config: Mapping[str, Any] | None) -> bool:
    if not config:
        return False
    return any(isinstance(config.get(key), int) and config[key] > 1 for key in _MOE_EXPERT_KEYS)


def _moe_active_fraction(config: Mapping[str, Any] | None) -> float | None:
    """k/E from config.json (experts per token over routed experts): a lower bound on the active share."""
    if not config:
        return None
    experts = next((config[key] for key in _MOE_EXPERT_KEYS if isinstance(config.get(key), int)), None)
    active = next((config[key] for key in _MOE_ACTIVE_KEYS if isinstance(config.get(key), int)), None)
    if not experts or not active or experts <= 1:
        return None
    return min(1.0, active / experts)


def _first_int(config: Mapping[str, Any], *keys: str) -> float | None:
    for key in keys:
        value = config.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
            return float(value)
    return None


def _attention_shape(
    facts: Sequence[Fact], config: Mapping[str, Any] | None
) -> tuple[float, float, float, Fact | None] | None:
    """(layers, attention width H·Q, training context, the fact stating the context) when all are known."""
    if not config:
        return None
    text_config = config.get("text_config") if isinstance(config.get("text_config"), Mapping) else None
    source: Mapping[str, Any] = text_config or config
    layers = _first_int(source, "num_hidden_layers", "n_layer", "num_layers", "n_layers")
    heads = _first_int(source, "num_attention_heads", "n_head", "num_heads")
    head_dim = _first_int(source, "head_dim")
    width = heads * head_dim if heads and head_dim else _first_int(source, "hidden_size", "n_embd", "d_model")
    contexts = numeric(own(facts, *_CONTEXT_KINDS))
    context_fact = contexts[0] if contexts else None
    context = (
        float(context_fact.value) if context_fact is not None else _first_int(source, *_CONFIG_CONTEXT_KEYS)
    )
    if not layers or not width or not context:
        return None
    return layers, width, context, context_fact


def geometric_mean(values: Iterable[float]) -> float:
    items = [value for value in values if value > 0]
    return math.exp(sum(math.log(value) for value in items) / len(items)) if items else 0.0


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
