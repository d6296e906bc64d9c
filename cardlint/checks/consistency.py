"""CL3xx: figures on a card that cannot all be true.

Each check compares figures the card states (or the estimates built from them) and points at every line
involved. Thresholds (3x / 10x, plausible utilisation, tolerances) come from data/estimation.yaml.
CL306 (conflicting figures) lives in conflicts.py and CL307 (table totals) in table_totals.py.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Any

from cardlint.checks import CheckContext, check, finding
from cardlint.checks.figure_helpers import _estimate, _fmt, _method, _options, _ratio, _related, _where
from cardlint.compute.combine import agree
from cardlint.compute.hardware import hardware_table
from cardlint.compute.hardware_route import accelerator_of, device_capacity, device_hours_of
from cardlint.compute.methods import is_rate, numeric, own
from cardlint.compute.options import Band, constants
from cardlint.core.regex_store import compile_pattern
from cardlint.types import Estimate, Fact, Finding, MethodEstimate

# --- CL301 / CL302: reported FLOP against the other methods ------------------------------------------------


@check("CL301", "CL302")
def reported_flop_disagrees(ctx: CheckContext) -> Iterator[Finding]:
    """The card's own FLOP figure against 6ND and the hardware estimate: warn above 3x, error above 10x."""
    estimate = _estimate(ctx)
    stated = _method(estimate, "reported")
    if stated is None:
        return
    settings = constants()["combine"]
    fact = stated.inputs[0]
    for other_name in ("architecture", "hardware"):
        other = _method(estimate, other_name)
        if other is None:
            continue
        readings = [stated.interval.central]
        if fact.ambiguous:  # both readings of "2.1 x 10e21"; CL310 reports the notation itself
            readings = [float(fact.value), float(fact.value) / 10]
        ratio = min(_ratio(reading, other.interval.central) for reading in readings)
        if ratio <= float(settings["warn_ratio"]):
            continue
        code = "CL302" if ratio > float(settings["error_ratio"]) else "CL301"
        direction = "above" if stated.interval.central > other.interval.central else "below"
        yield finding(
            code,
            f"stated training compute {_fmt(stated.interval.central)} FLOP is {ratio:.1f}× {direction} the "
            f"{other_name} estimate {_fmt(other.interval.central)} FLOP ({other.formula})",
            _where(ctx, fact),
            related=_related(ctx, other.inputs, fact),
            fix="check the figure and its inputs; state how the FLOP figure was computed",
            ratio=ratio,
            method=other_name,
        )


# --- CL303 / CL304 / CL305: architecture against hardware --------------------------------------------------


def _implied_utilisation(
    ctx: CheckContext, estimate: Estimate
) -> tuple[float, list[Fact], MethodEstimate] | None:
    ops = _method(estimate, "architecture")
    if ops is None:
        return None
    options = _options(ctx)
    capacity = device_capacity(ctx.facts, options, hardware_table(options.extra_accelerators))
    if capacity is None or capacity[0] <= 0:
        return None
    return ops.interval.central / capacity[0], capacity[1], ops


@check("CL304", "CL305")
def implied_utilisation(ctx: CheckContext) -> Iterator[Finding]:
    """6ND over what the stated hardware could do at full speed: above 100% or below 5% is implausible."""
    implied = _implied_utilisation(ctx, _estimate(ctx))
    if implied is None:
        return
    utilisation, hw_inputs, ops = implied
    settings = constants()["utilisation"]
    anchor = hw_inputs[0]
    related = _related(ctx, [*ops.inputs, *hw_inputs[1:]], anchor)
    if utilisation > float(settings["plausible_max"]):
        yield finding(
            "CL304",
            f"parameters × tokens need {_fmt(ops.interval.central)} FLOP, but the stated device-hours give "
            f"at most {_fmt(ops.interval.central / utilisation)} FLOP at 100% utilisation "
            f"(implied {utilisation:.0%})",
            _where(ctx, anchor),
            related=related,
            fix="check the device-hours, the accelerator, the token count and the parameter count",
            utilisation=utilisation,
        )
    elif utilisation < float(settings["plausible_min"]):
        yield finding(
            "CL305",
            f"parameters × tokens need only {_fmt(ops.interval.central)} FLOP: the stated device-hours imply "
            f"{utilisation:.1%} utilisation (real runs reach 20–55%)",
            _where(ctx, anchor),
            related=related,
            fix="say what else the device-hours cover (other models, ablations, distillation) or fix them",
            utilisation=utilisation,
        )


@check("CL303")
def estimates_disagree(ctx: CheckContext) -> Iterator[Finding]:
    """6ND and the hardware route disagree beyond their intervals (no FLOP figure of the card's own)."""
    estimate = _estimate(ctx)
    ops = _method(estimate, "architecture")
    hw = _method(estimate, "hardware")
    if ops is None or hw is None or _method(estimate, "reported") is not None:
        return
    if agree(ops.interval, hw.interval):
        return
    implied = _implied_utilisation(ctx, estimate)
    settings = constants()["utilisation"]
    if implied is not None and not (
        float(settings["plausible_min"]) <= implied[0] <= float(settings["plausible_max"])
    ):
        return  # CL304/CL305 say it more precisely
    anchor = hw.inputs[0]
    yield finding(
        "CL303",
        f"6·N·D gives {_fmt(ops.interval.central)} FLOP but the hardware route gives "
        f"{_fmt(hw.interval.central)} FLOP ({_ratio(ops.interval.central, hw.interval.central):.1f}× apart, "
        "beyond both intervals); the estimate uses the union",
        _where(ctx, anchor),
        related=_related(ctx, ops.inputs, anchor),
        fix="state the training FLOP, or say what the device-hours and token count cover",
    )


# --- CL308: energy or CO2 implausible for the hardware-time ------------------------------------------------


def _mixup_hint(ratio: float) -> str:
    if not math.isfinite(ratio) or ratio <= 0:
        return ""
    exponent = round(math.log10(ratio))
    if abs(exponent) >= 5:
        return " (a grams/tonnes or Wh/MWh mix-up?)"
    if abs(exponent) >= 2:
        return " (a kg/tonnes or kWh/MWh mix-up?)"
    return ""


@check("CL308")
def emissions_implausible(ctx: CheckContext) -> Iterator[Finding]:
    """Energy or CO2 that the stated device-hours could not have produced (or far too little of)."""
    hours_info = device_hours_of(ctx.facts)
    if hours_info is None:
        return
    hours, hour_facts = hours_info
    options = _options(ctx)
    accelerator = accelerator_of(ctx.facts, hardware_table(options.extra_accelerators))
    powers = numeric(own(ctx.facts, "power_watts_per_device"))
    watts = float(powers[0].value) if powers else (accelerator.tdp_watts if accelerator is not None else None)
    if not watts:
        return
    settings = constants()["energy"]
    pue, draw = Band.of(settings["pue"]), Band.of(settings["draw_fraction"])
    factor = float(settings["implausible_factor"])
    low_mwh = hours * watts * draw.low * pue.low / 1e6
    high_mwh = hours * watts * draw.high * pue.high / 1e6
    basis = [*hour_facts, *powers[:1]]
    energy_ok = True
    for fact in numeric(own(ctx.facts, "energy_mwh")):
        value = float(fact.value)
        if value > high_mwh * factor or value < low_mwh / factor:
            energy_ok = False
            expected = hours * watts * draw.central * pue.central / 1e6
            yield finding(
                "CL308",
                f"stated energy {_fmt(value)} MWh does not fit {_fmt(hours)} device-hours at {watts:g} W "
                f"(expected {_fmt(low_mwh)}–{_fmt(high_mwh)} MWh){_mixup_hint(value / expected)}",
                _where(ctx, fact),
                related=_related(ctx, basis, fact),
                fix="check the energy unit (kWh vs MWh) and the device-hours",
                figure="energy",
            )
    energies = [float(fact.value) for fact in numeric(own(ctx.facts, "energy_mwh"))] if energy_ok else []
    e_low, e_high = (min(energies), max(energies)) if energies else (low_mwh, high_mwh)
    intensity = settings["carbon_intensity"]
    co2_low, co2_high = e_low * float(intensity["low"]), e_high * float(intensity["high"])
    for fact in numeric(own(ctx.facts, "co2_tonnes")):
        value = float(fact.value)
        if value <= 0 or co2_low / factor <= value <= co2_high * factor:
            continue
        middle = math.sqrt(co2_low * co2_high)
        yield finding(
            "CL308",
            f"stated emissions {_fmt(value)} t CO2eq do not fit {_fmt(hours)} device-hours at {watts:g} W "
            f"(plausible {_fmt(co2_low)}–{_fmt(co2_high)} t){_mixup_hint(value / middle)}",
            _where(ctx, fact),
            related=_related(ctx, basis, fact),
            fix="check the unit: the Hub's co2_eq_emissions is in grams, card text usually in tonnes",
            figure="co2",
        )


# --- CL309 / CL310: notation ------------------------------------------------------------------------------


def _text_lines(card: Any, wanted: Callable[[str], bool]) -> Iterator[tuple[int, str]]:
    """(1-based line, text) of every `wanted` line with a digit outside fenced or indented code.

    `wanted` is the caller's cheap test, run first: scanning every character of every line for a digit
    was most of these checks' time."""
    code: set[int] = set()
    for block in card.blocks:
        if block.type in ("fence", "code_block"):
            code.update(range(block.first + 1, block.end + 1))
    for number, text in enumerate(card.lines, start=1):
        if wanted(text) and number not in code and any(ch.isdigit() for ch in text):
            yield number, text


def _mentions_flop(text: str) -> bool:
    return "flop" in text.lower()


_TEN_E = compile_pattern(r"10\s*[eE][-+]?\d")


def _has_ten_e(text: str) -> bool:
    return _TEN_E.search(text) is not None


@check("CL309")
def flop_rate_as_count(ctx: CheckContext) -> Iterator[Finding]:
    """A training-compute total written as a rate (FLOP/s, FLOPS) where a count of FLOP is meant."""
    from cardlint.extract.quantities import find_quantities

    limit = float(constants()["rates"]["implausible_flop_per_second"])
    for line, text in _text_lines(ctx.card, _mentions_flop):
        for quantity in find_quantities(text):
            unit_text = getattr(quantity, "unit_text", "") or ""
            if quantity.dimension == "flop_rate" and quantity.value >= limit:
                message = (
                    f"'{quantity.text}' is written as a rate, but no training cluster sustains "
                    f"{_fmt(quantity.value)} FLOP per second: a FLOP count is meant"
                )
            elif quantity.dimension == "flop" and unit_text.endswith("FLOPS"):
                message = f"'{quantity.text}': FLOPS reads as FLOP per second; a count of operations is FLOP"
            else:
                continue
            yield finding(
                "CL309",
                message,
                ctx.at(line, quantity.start + 1),
                fix="write the total as FLOP (e.g. 3.8e25 FLOP); keep FLOP/s for per-device speeds",
            )


@check("CL310")
def ambiguous_exponent(ctx: CheckContext) -> Iterator[Finding]:
    """`2.1 x 10e21` reads literally as 2.1e22, but the writer usually meant 2.1e21."""
    from cardlint.extract.quantities import find_quantities

    flagged: set[int] = set()
    for line, text in _text_lines(ctx.card, _has_ten_e):
        for quantity in find_quantities(text):
            if quantity.ambiguous:
                flagged.add(line)
                yield finding(
                    "CL310",
                    f"'{quantity.text}' is ambiguous: literally {_fmt(quantity.value)}, "
                    f"probably meant {_fmt(quantity.value / 10)}",
                    ctx.at(line, quantity.start + 1),
                    fix="write 2.1e21 or 2.1 × 10^21",
                )
    for fact in ctx.facts:
        fact_line = fact.location.line
        if fact.ambiguous and fact.subject is None and fact_line is not None and fact_line not in flagged:
            flagged.add(fact_line)
            yield finding(
                "CL310",
                f"'{fact.quote}' is ambiguous notation (10e21 is literally 10^22)",
                _where(ctx, fact),
                fix="write 2.1e21 or 2.1 × 10^21",
            )


# --- CL311: 6·N·D with total instead of active parameters --------------------------------------------------


@check("CL311")
def moe_total_parameters(ctx: CheckContext) -> Iterator[Finding]:
    """A stated FLOP figure equal to 6 × total parameters × tokens on a mixture-of-experts model."""
    settings = constants()["moe_total_params"]
    flops = [fact for fact in numeric(own(ctx.facts, "training_flop")) if not is_rate(fact)]
    totals = numeric(own(ctx.facts, "parameters"))
    actives = numeric(own(ctx.facts, "active_parameters"))
    tokens = numeric(own(ctx.facts, "training_tokens"))
    if not flops or not totals or not actives or not tokens:
        return
    total, active, token = float(totals[0].value), float(actives[0].value), float(tokens[0].value)
    if active <= 0 or total / active < float(settings["min_total_to_active"]):
        return
    per_token = float(constants()["architecture"]["flop_per_param_token"])
    with_total = per_token * total * token
    for fact in flops:
        if abs(float(fact.value) - with_total) / with_total <= float(settings["match_tolerance"]):
            yield finding(
                "CL311",
                f"stated {_fmt(float(fact.value))} FLOP equals 6 × {_fmt(total)} total parameters × tokens; "
                f"an MoE computes with its {_fmt(active)} active parameters: about "
                f"{_fmt(per_token * active * token)} FLOP ({total / active:.1f}× less)",
                _where(ctx, fact),
                related=_related(ctx, (totals[0], actives[0], tokens[0]), fact),
                fix="recompute with active parameters (6 · N_active · D)",
            )
