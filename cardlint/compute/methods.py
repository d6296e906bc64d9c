"""The ways a card's figures yield a training-compute interval: reported and architecture here, hardware and
energy in hardware_route.py.

Each method is a pure function of the card's own facts (plus config.json and the options) and returns either
a MethodEstimate, whose interval carries every uncertainty we can name (input rounding, "~", "15T+", the
utilisation band, the 6ND approximation), or a Skip saying which figure was missing or not understood.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cardlint.compute.figures import (
    count,
    input_band,
    is_rate,
    numeric,
    own,
    pick,
    rounding_of,
    significant_digits,
)
from cardlint.compute.options import constants
from cardlint.types import Fact, Interval, MethodEstimate

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


def architecture(
    facts: Sequence[Fact], config: Mapping[str, Any] | None = None, *, moe: bool = False
) -> MethodResult:
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
    elif moe_fraction is not None or _config_is_moe(config) or moe:
        fraction = moe_fraction or float(settings["moe_unknown_active_low_fraction"])
        low_factor *= fraction
        source = (
            "config.json describes"
            if moe_fraction is not None or _config_is_moe(config)
            else "the card calls"
        )
        assumptions.append(
            f"{source} a mixture of experts but the card gives no active parameter count: "
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
