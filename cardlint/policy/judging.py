"""Placing a compute estimate against each selected threshold, with the comparator its instrument uses."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from cardlint.policy.model import Policy, Threshold
from cardlint.types import Estimate, Fact, Interval, ThresholdStatus

_STATUS_RANK = {"below": 0, "unknown": 1, "straddles": 2, "above": 3}


def compare(interval: Interval | None, value: float, comparator: str) -> str:
    """below / straddles / above / unknown for an interval against one threshold with its exact comparator."""
    if interval is None:
        return "unknown"
    if comparator == ">=":
        if interval.low >= value:
            return "above"
        if interval.high < value:
            return "below"
        return "straddles"
    if interval.low > value:
        return "above"
    if interval.high <= value:
        return "below"
    return "straddles"


def orders_of_magnitude(interval: Interval | None, value: float) -> float | None:
    if interval is None or interval.central <= 0 or value <= 0:
        return None
    return round(math.log10(interval.central / value), 2)


@dataclass(frozen=True)
class _Compute:
    """The intervals a threshold can be judged on, taken apart once per card."""

    own: Interval | None
    cumulative: Interval | None
    base_flop: float | None
    modifier_threshold: float | None
    is_fine_tune: bool


def _compute_of(estimate: Estimate | None) -> _Compute:
    if estimate is None:
        return _Compute(None, None, None, None, False)
    lineage = estimate.lineage
    if lineage is None or not lineage.base_model:
        return _Compute(estimate.training_flop, None, None, None, False)
    return _Compute(lineage.own, lineage.cumulative, lineage.base_flop, lineage.modifier_threshold_flop, True)


def threshold_statuses(
    estimate: Estimate | None, policies: list[Policy], facts: list[Fact], metadata: dict[str, Any]
) -> list[ThresholdStatus]:
    """Where the estimate stands against every model-compute threshold of `policies`.

    A fine-tune is judged on its own compute, and also on base + own compute where the instrument leaves that
    open (`upstream_base_model: ambiguous`); modification thresholds compare its own compute with a share of
    the base's. Thresholds whose condition the card rules out (a classifier under a generative-output
    criterion, a text model under a biological-sequence threshold) are left out.
    """
    from cardlint.policy.signals import model_signals

    signals = model_signals(metadata, facts)
    compute = _compute_of(estimate)
    statuses: list[ThresholdStatus] = []
    for policy in policies:
        judged: dict[str, ThresholdStatus] = {}
        for threshold in policy.thresholds:
            if not threshold.is_model_compute:
                continue
            unchecked = _unchecked_conditions(threshold, signals, compute)
            if unchecked is None:
                continue
            for status in _judge(policy, threshold, compute, facts, estimate, unchecked):
                statuses.append(status)
                judged.setdefault(threshold.id, status)
        for threshold in policy.thresholds:
            inherited = _inherited(policy, threshold, judged, compute)
            if inherited is not None:
                statuses.append(inherited)
    return statuses


def _judge(
    policy: Policy,
    threshold: Threshold,
    compute: _Compute,
    facts: list[Fact],
    estimate: Estimate | None,
    unchecked: tuple[str, ...],
) -> Iterator[ThresholdStatus]:
    if threshold.basis == "modification":
        if not compute.is_fine_tune:
            return
        value = _modification_threshold(threshold, compute)
        yield _status(policy, threshold, compute.own, value, "modification", facts, estimate, unchecked)
        return
    if compute.is_fine_tune and threshold.upstream_base_model == "include" and compute.cumulative is not None:
        yield _status(
            policy, threshold, compute.cumulative, threshold.value, "cumulative", facts, estimate, unchecked
        )
        return
    yield _status(policy, threshold, compute.own, threshold.value, "training", facts, estimate, unchecked)
    if (
        compute.is_fine_tune
        and threshold.upstream_base_model == "ambiguous"
        and compute.cumulative is not None
    ):
        yield _status(
            policy, threshold, compute.cumulative, threshold.value, "cumulative", facts, estimate, unchecked
        )


def _status(
    policy: Policy,
    threshold: Threshold,
    interval: Interval | None,
    value: float,
    basis: str,
    facts: list[Fact],
    estimate: Estimate | None,
    unchecked: tuple[str, ...],
) -> ThresholdStatus:
    status = compare(interval, value, threshold.comparator)
    decisive = decisive_figure(facts, estimate, basis) if status in ("straddles", "unknown") else None
    return ThresholdStatus(
        policy=policy.key,
        threshold_id=threshold.id,
        value_flop=value,
        comparator=threshold.comparator,
        status=status,
        orders_of_magnitude=orders_of_magnitude(interval, value),
        decisive=decisive,
        basis=basis,
        unchecked_conditions=unchecked,
    )


def _modification_threshold(threshold: Threshold, compute: _Compute) -> float:
    """One share of the base's compute; without it the lineage's own figure or the instrument's fallback."""
    if threshold.fraction_of_base is None:
        return threshold.value
    if compute.base_flop is not None:
        return compute.base_flop * threshold.fraction_of_base
    if compute.modifier_threshold is not None:
        return compute.modifier_threshold
    unconditional = [value for above, value in threshold.fallbacks if above is None]
    return unconditional[0] if unconditional else threshold.value


def _inherited(
    policy: Policy, threshold: Threshold, judged: Mapping[str, ThresholdStatus], compute: _Compute
) -> ThresholdStatus | None:
    """A fine-tune whose modification makes it a provider inherits its base's position (EU systemic risk)."""
    if threshold.inherits_via is None or not compute.is_fine_tune or compute.base_flop is None:
        return None
    via = judged.get(threshold.inherits_via)
    if via is None or via.status not in ("above", "straddles"):
        return None
    base_status = compare(
        Interval(compute.base_flop, compute.base_flop, compute.base_flop),
        threshold.value,
        threshold.comparator,
    )
    if base_status != "above":
        return None
    return ThresholdStatus(
        policy=policy.key,
        threshold_id=threshold.id,
        value_flop=threshold.value,
        comparator=threshold.comparator,
        status=via.status,
        orders_of_magnitude=orders_of_magnitude(
            Interval(compute.base_flop, compute.base_flop, compute.base_flop), threshold.value
        ),
        decisive=via.decisive,
        basis="inherited",
    )


def _unchecked_conditions(threshold: Threshold, signals: Any, compute: _Compute) -> tuple[str, ...] | None:
    """None when the card rules a condition out; else the conditions cardlint cannot check from a card."""
    unchecked: list[str] = []
    for condition in threshold.conditions:
        if condition.kind == "generative-output":
            if signals.generative is False:
                return None
            if signals.generative is None:
                unchecked.append(condition.description)
        elif condition.kind == "biological-sequence-data":
            if not signals.biological:
                return None
        elif condition.kind == "base-model-covered":
            if compute.base_flop is not None and compute.base_flop <= 1e26:
                return None
            if compute.base_flop is None:
                unchecked.append(condition.description)
        else:
            unchecked.append(condition.description)
    return tuple(unchecked)


_DECISIVE_BY_BASIS = {
    "modification": "the fine-tune's own tokens, or its own device-hours and accelerator type",
}


def decisive_figure(facts: list[Fact], estimate: Estimate | None, basis: str) -> str:
    """The missing figure that would settle a straddle or an unknown, in words a card author can act on."""
    if basis == "modification":
        lineage = estimate.lineage if estimate is not None else None
        if lineage is not None and lineage.own is not None and lineage.base_flop is None:
            return "the base model's training compute (so one third of it is known)"
        return _DECISIVE_BY_BASIS["modification"]
    kinds = {fact.kind for fact in facts if fact.subject is None}
    loose = {fact.kind for fact in facts if fact.subject is None and (fact.approximate or fact.lower_bound)}
    if "training_flop" in kinds:
        return "the training FLOP to two significant figures, with its scope and method"
    if estimate is not None and estimate.driver == "hardware":
        return "the training FLOP as reported, or the measured utilisation of the accelerators"
    if "parameters" in kinds and "training_tokens" not in kinds:
        return "the number of training tokens"
    if "training_tokens" in kinds and "parameters" not in kinds:
        return "the parameter count"
    if "training_tokens" in loose:
        return "the exact number of training tokens (the card gives an approximate or lower bound)"
    if not kinds & {"parameters", "training_tokens", "device_hours", "training_flop"}:
        return "the training FLOP, or parameters and training tokens, or device-hours and accelerator type"
    return "the training FLOP as reported by the developer"


def format_flop(value: float) -> str:
    """3.8e25 style, two significant figures."""
    mantissa, exponent = f"{value:.1e}".split("e")
    return f"{mantissa}e{int(exponent)}"
