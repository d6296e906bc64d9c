"""CL4xx thresholds: where the model's compute stands against each selected instrument, and what follows.

The pipeline has already placed the estimate against every threshold (`policy.judging.threshold_statuses`);
these checks turn the statuses that matter into findings that name the instrument, the article, the duties and
their deadlines, and, for a straddle, the one figure that would settle it. Binding instruments in force get
warnings; indicative criteria, voluntary profiles and instruments not in force on the chosen date get info.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from cardlint.checks import CheckContext, check, finding
from cardlint.policy.judging import format_flop
from cardlint.policy.model import Policy, Threshold
from cardlint.policy.signals import model_signals, signal_words, size_from_name
from cardlint.types import Finding, Interval, Location, ThresholdStatus

STRADDLED = "CL401"
EXCEEDED = "CL402"
INDICATIVE = "CL403"
MODIFIER = "CL404"
CUMULATIVE = "CL405"
BIOLOGICAL_NEAR = "CL406"
UNDETERMINABLE = "CL407"
FINE_TUNE_UNDETERMINABLE = "CL408"


def _policy(context: CheckContext, key: str) -> Policy | None:
    return next((p for p in context.policies if p.key == key), None)


def _interval_for(context: CheckContext, status: ThresholdStatus) -> Interval | None:
    estimate = context.estimate
    if estimate is None:
        return None
    lineage = estimate.lineage
    if lineage is not None and lineage.base_model:
        if status.basis == "cumulative":
            return lineage.cumulative
        if status.basis == "inherited" and lineage.base_flop is not None:
            return Interval(lineage.base_flop, lineage.base_flop, lineage.base_flop)
        return lineage.own
    return estimate.training_flop


def _span(interval: Interval | None) -> str:
    if interval is None:
        return "unknown"
    if interval.low == interval.high:
        return f"{format_flop(interval.central)} FLOP"
    low, central, high = (format_flop(v) for v in (interval.low, interval.central, interval.high))
    return f"{low}-{high} FLOP (central {central})"


def _where(context: CheckContext, status: ThresholdStatus) -> Location:
    """The line of the figure that drove the estimate, else the base_model key, else the top of the card."""
    estimate = context.estimate
    if estimate is not None:
        if status.basis in ("modification", "cumulative", "inherited"):
            line = _metadata_line(context, "base_model")
            if line is not None:
                return context.at(line)
        driver = next((m for m in estimate.methods if m.method == estimate.driver), None)
        methods = [driver] if driver is not None else list(estimate.methods)
        for method in methods:
            for fact in method.inputs:
                if fact.location.line is not None:
                    return fact.location
    for kind in ("training_flop", "parameters", "training_tokens", "device_hours"):
        facts = context.own_facts(kind)
        if facts:
            return facts[0].location
    return context.at(_metadata_line(context, "base_model") or 1)


def _metadata_line(context: CheckContext, key: str) -> int | None:
    fm = context.card.front_matter
    if fm is None or (key,) not in fm.marks:
        return None
    return fm.line_of((key,))


def _duties(policy: Policy, threshold: Threshold, code: str) -> str:
    """The duties named, not spelled out (`cardlint explain` and the SARIF rule help hold their text); the
    first one's deadline stays, as it is what a reader must act on first."""
    duties = policy.duties_of(threshold)
    if not duties:
        return ""
    refs = ", ".join(dict.fromkeys(duty.ref for duty in duties))
    first = duties[0]
    due = f", the first ({first.ref}) {first.deadline}" if first.deadline and code == EXCEEDED else ""
    return f"; duties: {refs}{due} (see `cardlint explain {code}`)"


def _conditions(status: ThresholdStatus) -> str:
    if not status.unchecked_conditions:
        return ""
    return "; only if also " + " and ".join(status.unchecked_conditions) + " (not checkable from the card)"


def _comparison(status: ThresholdStatus) -> str:
    return f"{status.comparator} {format_flop(status.value_flop)} FLOP"


def _binding(policy: Policy, threshold: Threshold) -> bool:
    return policy.binding and policy.in_force and not threshold.indicative


def _tail(policy: Policy) -> str:
    if policy.in_force:
        return ""
    on = policy.as_of.isoformat() if policy.as_of else "today"
    return f" [{policy.short_name} is {policy.status_on(policy.as_of or policy.reviewed)} on {on}]"


@check(STRADDLED, EXCEEDED, INDICATIVE, MODIFIER, CUMULATIVE, BIOLOGICAL_NEAR)
def threshold_positions(context: CheckContext) -> Iterator[Finding]:
    """One finding per threshold that the model exceeds, straddles, or (for a bio model) comes near."""
    near = float(signal_words().get("near_orders_of_magnitude", 0.5))
    own_status = {
        (s.policy, s.threshold_id): s.status
        for s in context.thresholds
        if s.basis in ("training", "modification")
    }
    for status in context.thresholds:
        policy = _policy(context, status.policy)
        threshold = policy.threshold(status.threshold_id) if policy is not None else None
        if policy is None or threshold is None:
            continue
        interval = _interval_for(context, status)
        head = f"{policy.short_name} {threshold.ref}"
        common: dict[str, Any] = {
            "policy": policy.key,
            "threshold": threshold.id,
            "status": status.status,
            "basis": status.basis,
        }
        location = _where(context, status)
        if status.basis == "modification":
            if status.status in ("above", "straddles"):
                yield _modifier_finding(context, policy, threshold, status, interval, location, common)
            continue
        if status.basis == "cumulative":
            if (
                status.status in ("above", "straddles")
                and own_status.get((status.policy, status.threshold_id)) != "above"
            ):
                verb = "crosses" if status.status == "above" else "may cross"
                yield finding(
                    CUMULATIVE,
                    f"{head}: counting the base model, cumulative compute {_span(interval)} {verb} "
                    f"{_comparison(status)} ({threshold.label}); whether a fine-tuner counts the "
                    "base model's "
                    f"compute is not settled by the text{_conditions(status)}{_tail(policy)}",
                    location,
                    fix="declare `training_compute.scope` and your own fine-tuning compute separately",
                    **common,
                )
            continue
        is_bio = any(c.kind == "biological-sequence-data" for c in threshold.conditions)
        if is_bio and (
            status.status == "straddles"
            or (
                status.status == "below"
                and status.orders_of_magnitude is not None
                and status.orders_of_magnitude >= -near
            )
        ):
            decide = f"; {status.decisive} would decide it" if status.decisive else ""
            yield finding(
                BIOLOGICAL_NEAR,
                f"{head}: biological-sequence model with compute {_span(interval)} near the "
                f"{_comparison(status)} "
                f"threshold for models trained primarily on biological sequence data{decide}{_tail(policy)}",
                location,
                fix="state the training compute and the share of biological sequence data in training",
                **common,
            )
            continue
        if status.status == "straddles":
            code = STRADDLED if _binding(policy, threshold) else INDICATIVE
            yield finding(
                code,
                f"{head}: compute {_span(interval)} straddles {_comparison(status)} ({threshold.label}); "
                f"{status.decisive or 'a reported figure'} would decide it"
                f"{_conditions(status)}{_tail(policy)}",
                location,
                fix=f"state {status.decisive}" if status.decisive else None,
                **common,
            )
        elif status.status == "above":
            code = EXCEEDED if _binding(policy, threshold) else INDICATIVE
            yield finding(
                code,
                f"{head}: compute {_span(interval)} is above {format_flop(status.value_flop)} FLOP, "
                f"{status.orders_of_magnitude or 0:+.1f} orders of magnitude ({threshold.label})"
                f"{_conditions(status)}{_tail(policy)}{_duties(policy, threshold, code)}",
                location,
                **common,
            )


_FINE_TUNE_KINDS = ("fine_tune_tokens", "fine_tune_device_hours")


def _modifier_finding(
    context: CheckContext,
    policy: Policy,
    threshold: Threshold,
    status: ThresholdStatus,
    interval: Interval | None,
    location: Location,
    common: dict[str, Any],
) -> Finding:
    """CL404 in one sentence: the fine-tune's own compute against the modifier line, and what would decide.

    Figures a fine-tune's card does not mark as fine-tuning (a series' "Hours used" under a family heading)
    may be its base models' training too, so the finding says the comparison rests on them."""
    verb = "exceeds" if status.status == "above" else "may exceed"
    lineage = context.estimate.lineage if context.estimate is not None else None
    line = f"{format_flop(status.value_flop)} FLOP"
    if threshold.fraction_of_base and lineage is not None and lineage.base_flop is not None:
        line = f"{threshold.fraction_of_base:.2g} of the base model's compute ({line})"
    elif threshold.fraction_of_base:
        line += " (the fallback while the base model's compute is unknown)"
    own = any(context.own_facts(kind) for kind in _FINE_TUNE_KINDS)
    if own:
        subject, caveat = f"the fine-tune's own compute {_span(interval)}", ""
    else:
        subject = f"the card's training figures give {_span(interval)}, which"
        caveat = ", if those figures are the fine-tune's own and not also its base models'"
    return finding(
        MODIFIER,
        f"{policy.short_name} {threshold.ref}: {subject} {verb} {line}, above which {threshold.label}"
        f"{caveat}{_conditions(status)}{_tail(policy)} (see `cardlint explain {MODIFIER}`)",
        location,
        fix="state the fine-tuning compute (tokens or device-hours) separately from the base model's",
        **common,
    )


def _named_size_matters(context: CheckContext) -> bool:
    """True when the model's name says it has at least the general-purpose minimum of parameters."""
    metadata = context.card.metadata
    title = context.card.sections[0].title if context.card.sections else None
    model_name = metadata.get("model_name") if isinstance(metadata.get("model_name"), str) else None
    size = size_from_name(context.subject, model_name, title)
    return size is not None and size >= float(signal_words().get("general_purpose_min_parameters", 1e9))


@check(UNDETERMINABLE, FINE_TUNE_UNDETERMINABLE)
def compute_undeterminable(context: CheckContext) -> Iterator[Finding]:
    """No way to estimate compute for a model that looks like a general-purpose generative model."""
    relevant = [s for s in context.thresholds if s.basis in ("training", "modification")]
    if not relevant or any(s.status != "unknown" for s in relevant):
        return
    signals = model_signals(context.card.metadata, context.facts)
    if not signals.general_purpose:
        return
    keys = list(dict.fromkeys(s.policy for s in relevant))
    names = ", ".join(p.short_name for p in context.policies if p.key in keys)
    fine_tune = any(s.basis == "modification" for s in relevant)
    # A fine-tune is settled by its own figures, so the modification test's missing figure comes first.
    ordered = sorted(relevant, key=lambda s: s.basis != "modification") if fine_tune else relevant
    decisive = next((s.decisive for s in ordered if s.decisive), None)
    location = context.at(
        _metadata_line(context, "base_model") or _metadata_line(context, "pipeline_tag") or 1
    )
    if fine_tune:
        cumulative_unknown = any(
            s.basis == "cumulative" and s.status == "unknown" and s.policy in keys for s in context.thresholds
        )
        tests = "modifier and cumulative tests" if cumulative_unknown else "modifier tests"
        yield finding(
            FINE_TUNE_UNDETERMINABLE,
            f"the fine-tune's own training compute cannot be estimated from the card, so the {tests} of "
            f"{names} cannot be decided; {decisive or 'the fine-tuning compute'} would decide them",
            location,
            policy=keys[0],
            fix="state the fine-tuning tokens, or device-hours and accelerator type",
        )
        return
    if signals.parameters is None and not _named_size_matters(context):
        return  # a generative model of unknown size (a DialoGPT-small chat model): CL202 asks for figures
    yield finding(
        UNDETERMINABLE,
        "the card looks like a general-purpose generative model but gives no figure to estimate its "
        "training "
        f"compute, so no threshold of {names} can be decided; state {decisive or 'the training FLOP'}",
        location,
        policy=keys[0],
        fix="state the training FLOP, or parameters and training tokens, or device-hours and accelerator",
    )
