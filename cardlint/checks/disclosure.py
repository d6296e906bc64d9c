"""CL2xx disclosure: what each selected instrument asks a card to state, and what this card leaves out.

Severity follows what the instrument really requires of this model: a field is *required* (CL201, warning)
only when a binding instrument in force clearly applies (a binding threshold is exceeded, or the duty holds
for every model); when it may apply (a straddle, an unknown compute for a general-purpose model, a criterion
that is only indicative, even when the compute is above it) or the profile is voluntary, the same gap is
advice (CL202, info), at the level of the CL403 finding that reports the criterion. A small classifier under
the EU AI Act gets neither.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from cardlint.checks import CheckContext, check, finding
from cardlint.policy.fields import FieldState, locate, significant_figures
from cardlint.policy.judging import format_flop
from cardlint.policy.model import DisclosureGroup, Finder, Policy, RequiredField
from cardlint.policy.signals import ModelSignals, looks_fine_tuned, looks_moe, model_signals
from cardlint.types import Finding, ThresholdStatus

REQUIRED_MISSING = "CL201"
RECOMMENDED_MISSING = "CL202"
REQUIRED_PLACEHOLDER = "CL203"
PRECISION = "CL204"
SCOPE_UNDECLARED = "CL205"
MOE_ACTIVE_MISSING = "CL206"
BASE_MODEL_UNDECLARED = "CL207"
ENERGY_METHOD_UNDECLARED = "CL208"

NOT_APPLICABLE, MAY_APPLY, APPLIES = 0, 1, 2
_RANK = {"below": 0, "unknown": 1, "straddles": 2, "above": 3}


def trigger_level(
    policy: Policy,
    trigger: str,
    statuses: list[ThresholdStatus],
    signals: ModelSignals,
    fine_tune: bool = False,
) -> int:
    """How surely one trigger of a disclosure group applies to this model."""
    if trigger == "always":
        return APPLIES
    threshold = policy.threshold(trigger)
    mine = [s for s in statuses if s.policy == policy.key and s.threshold_id == trigger]
    if threshold is None or not mine:
        return NOT_APPLICABLE
    status = max((s.status for s in mine), key=lambda name: _RANK.get(name, 0))
    if status == "above":
        # An indicative criterion (EU GPAI 1e23, the one-third modifier test) presumes, it does not decide:
        # its duties are as sure as the criterion, which CL403/CL404 report below a binding threshold's level.
        if not threshold.indicative or _binding_threshold_exceeded(policy, statuses):
            return APPLIES  # above a binding line of the same instrument, the model is surely in its scope
        return MAY_APPLY
    if status == "straddles":
        return MAY_APPLY
    if status == "unknown":
        # Without figures only the lowest, indicative criterion is plausibly met (CL407 asks for the figures);
        # a fine-tune with no figures of its own is almost surely far below every test (CL408).
        plausible = threshold.indicative and threshold.basis != "modification"
        return MAY_APPLY if signals.general_purpose and plausible and not fine_tune else NOT_APPLICABLE
    if (
        threshold.indicative
        and threshold.basis != "modification"
        and signals.general_purpose
        and not fine_tune
    ):
        return MAY_APPLY  # the GPAI indication works both ways: a general model below it can still be one
    return NOT_APPLICABLE


def _binding_threshold_exceeded(policy: Policy, statuses: list[ThresholdStatus]) -> bool:
    """The model's own compute is above a threshold of `policy` that is not merely indicative (EU 1e25)."""
    for status in statuses:
        threshold = policy.threshold(status.threshold_id) if status.policy == policy.key else None
        if threshold is None or threshold.indicative or not threshold.is_model_compute:
            continue
        if status.basis == "training" and status.status == "above":
            return True
    return False


def group_level(
    policy: Policy,
    group: DisclosureGroup,
    statuses: list[ThresholdStatus],
    signals: ModelSignals,
    fine_tune: bool,
) -> int:
    levels = (trigger_level(policy, trigger, statuses, signals, fine_tune) for trigger in group.when)
    return max(levels, default=NOT_APPLICABLE)


def policy_level(
    policy: Policy, statuses: list[ThresholdStatus], signals: ModelSignals, fine_tune: bool
) -> int:
    """How surely the instrument as a whole applies: its disclosure groups and its model thresholds."""
    levels = [group_level(policy, group, statuses, signals, fine_tune) for group in policy.disclosure]
    levels += [
        trigger_level(policy, t.id, statuses, signals, fine_tune)
        for t in policy.thresholds
        if t.is_model_compute
    ]
    return max(levels, default=NOT_APPLICABLE)


def indicative_trigger(policy: Policy, group: DisclosureGroup, statuses: list[ThresholdStatus]) -> str | None:
    """The indicative criterion the model's compute is above that makes this group ask, if that is why."""
    for trigger in group.when:
        threshold = policy.threshold(trigger)
        if threshold is None or not threshold.indicative:
            continue
        for s in statuses:
            if s.policy == policy.key and s.threshold_id == trigger and s.status == "above":
                code = "CL404" if threshold.basis == "modification" else "CL403"
                return f"compute is above the indicative {format_flop(s.value_flop)} FLOP criterion, {code}"
    return None


@dataclass
class _Gap:
    """One finder's gap for one policy, with every field (and article) that asks for it."""

    policy: Policy
    finder: Finder
    state: FieldState
    fields: list[RequiredField] = field(default_factory=list)
    level: int = NOT_APPLICABLE
    indicative: str | None = None  # the indicative criterion that makes the field asked for, if only that

    @property
    def refs(self) -> str:
        return ", ".join(dict.fromkeys(f.ref for f in self.fields))

    @property
    def label(self) -> str:
        """The first asking field's wording; the refs already name every article that asks."""
        return self.fields[0].label

    @property
    def optional(self) -> bool:
        return all(f.where_applicable for f in self.fields)


def _where(finder: Finder, state: FieldState) -> str:
    places = []
    if finder.place_section:
        places.append(
            f"under '{finder.place_section}'"
            if state.place_line
            else f"in a '{finder.place_section}' section"
        )
    if finder.place_metadata:
        places.append(f"as metadata `{finder.place_metadata}`")
    return " or ".join(places) if places else "in the card"


def _is_fine_tune(context: CheckContext) -> bool:
    lineage = context.estimate.lineage if context.estimate is not None else None
    return lineage is not None and bool(lineage.base_model)


def _signals(context: CheckContext) -> ModelSignals:
    return model_signals(context.card.metadata, context.facts)


@check(REQUIRED_MISSING, RECOMMENDED_MISSING, REQUIRED_PLACEHOLDER, PRECISION)
def required_fields(context: CheckContext) -> Iterator[Finding]:
    """Each field a selected instrument asks for that the card does not disclose (or states too coarsely)."""
    signals = _signals(context)
    cache: dict[str, FieldState] = {}
    for policy in context.policies:
        gaps: dict[str, _Gap] = {}
        for group in policy.disclosure:
            level = group_level(policy, group, context.thresholds, signals, _is_fine_tune(context))
            if level == NOT_APPLICABLE:
                continue
            for item in group.fields:
                finder = item.finder
                if finder.name not in cache:
                    cache[finder.name] = locate(finder, context.card, context.facts)
                state = cache[finder.name]
                if state.disclosed:
                    if item.significant_figures:
                        yield from _precision(context, policy, item, level)
                    continue
                gap = gaps.setdefault(finder.name, _Gap(policy, finder, state))
                gap.fields.append(item)
                if level > gap.level:
                    gap.indicative = None
                if level >= gap.level and level == MAY_APPLY:
                    gap.indicative = gap.indicative or indicative_trigger(policy, group, context.thresholds)
                gap.level = max(gap.level, level)
        for gap in gaps.values():
            yield _gap_finding(context, gap)


def _gap_finding(context: CheckContext, gap: _Gap) -> Finding:
    policy = gap.policy
    required = gap.level == APPLIES and policy.binding and policy.in_force and not gap.optional
    where = _where(gap.finder, gap.state)
    data: dict[str, Any] = {"fields": [f.id for f in gap.fields], "refs": gap.refs, "finder": gap.finder.name}
    if gap.state.placeholder_line is not None:
        message = f"{policy.short_name} {gap.refs}: {gap.label} is still a template placeholder"
        return finding(
            REQUIRED_PLACEHOLDER if required else RECOMMENDED_MISSING,
            message,
            context.at(gap.state.placeholder_line),
            policy=policy.key,
            fix=f"replace the placeholder with the actual {gap.label}",
            **data,
        )
    qualifier = "" if required else _why_advice(policy, gap)
    partial = gap.state.partial
    if partial is not None:
        # Part of the item is there: say what, and what to add, instead of calling it not disclosed.
        return finding(
            REQUIRED_MISSING if required else RECOMMENDED_MISSING,
            f"{policy.short_name} {gap.refs}: {gap.label} incomplete: the card {partial.says}{qualifier}",
            context.at(gap.state.partial_line or gap.state.place_line or 1),
            policy=policy.key,
            fix=f"{partial.add} {where}",
            state="partial",
            **data,
        )
    return finding(
        REQUIRED_MISSING if required else RECOMMENDED_MISSING,
        f"{policy.short_name} {gap.refs}: {gap.label} not disclosed{qualifier}",
        context.at(gap.state.place_line or 1),
        policy=policy.key,
        fix=f"state it {where}",
        **data,
    )


def _why_advice(policy: Policy, gap: _Gap) -> str:
    if not policy.binding:
        return " (voluntary profile)"
    if not policy.in_force:
        return " (instrument not in force on the chosen date)"
    if gap.optional:
        return " (where applicable)"
    if gap.indicative:
        return f" (asked only because {gap.indicative})"
    return " (the instrument may apply to this model)"


def _precision(context: CheckContext, policy: Policy, item: RequiredField, level: int) -> Iterator[Finding]:
    wanted = item.significant_figures or 0
    for fact in context.facts:
        if fact.kind not in item.finder.facts or fact.subject is not None or fact.derived:
            continue
        if not isinstance(fact.value, (int, float)):
            continue
        stated = significant_figures(fact)
        if 0 < stated < wanted:
            shown = format_flop(float(fact.value)) if fact.kind == "training_flop" else f"{fact.value:g}"
            yield finding(
                PRECISION,
                f"{policy.short_name} {item.ref}: {fact.kind} is stated to {stated} significant figure"
                f"{'s' if stated > 1 else ''} ({shown}); {wanted} are asked for",
                fact.location,
                policy=policy.key,
                fix=f"state the figure to at least {wanted} significant figures, e.g. 3.8e25",
                stated=stated,
                required=wanted,
            )


def _asking_policy(context: CheckContext, code: str, signals: ModelSignals) -> Policy | None:
    """The selected instrument that asks for an advisory rule and may apply to this model (binding first)."""
    candidates = [
        p
        for p in context.policies
        if code in p.asks
        and policy_level(p, context.thresholds, signals, _is_fine_tune(context)) >= MAY_APPLY
    ]
    candidates.sort(key=lambda p: (not p.binding, not p.in_force))
    return candidates[0] if candidates else None


def _finder(name: str) -> Finder:
    from cardlint.policy.loading import builtin_finders

    return builtin_finders()[name]


def _count(value: float) -> str:
    for scale, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M")):
        if value >= scale:
            return f"{value / scale:.4g}{suffix}"
    return f"{value:,.0f}"


def _front_matter_line(context: CheckContext) -> int:
    fm = context.card.front_matter
    return fm.start_line if fm is not None else 1


@check(SCOPE_UNDECLARED)
def compute_scope(context: CheckContext) -> Iterator[Finding]:
    """A training FLOP figure that does not say whether it is the final run, cumulative or includes R&D."""
    stated = [f for f in context.own_facts("training_flop") if not f.derived]
    if not stated:
        return
    policy = _asking_policy(context, SCOPE_UNDECLARED, _signals(context))
    if policy is None or locate(_finder("compute_scope"), context.card, context.facts).disclosed:
        return
    yield finding(
        SCOPE_UNDECLARED,
        f"{policy.short_name}: the training compute {format_flop(float(stated[0].value))} FLOP does not say "
        "what it "
        "covers (pre-training only, cumulative with fine-tuning and RL, or including experiments)",
        stated[0].location,
        policy=policy.key,
        fix="add `training_compute.scope: final-run | cumulative | including-rnd` to the metadata",
    )


@check(MOE_ACTIVE_MISSING)
def moe_active_parameters(context: CheckContext) -> Iterator[Finding]:
    """A mixture-of-experts card that gives total but not active parameters (6ND then overstates compute)."""
    totals = context.own_facts("parameters")
    if not totals or context.own_facts("active_parameters"):
        return
    config = context.sidecars.config if context.sidecars is not None else None
    if not looks_moe(context.card, config if isinstance(config, dict) else None):
        return
    policy = _asking_policy(context, MOE_ACTIVE_MISSING, _signals(context))
    if policy is None:
        return
    yield finding(
        MOE_ACTIVE_MISSING,
        f"{policy.short_name}: mixture-of-experts model states {_count(float(totals[0].value))} total "
        "parameters "
        "but not "
        "the parameters active per token",
        totals[0].location,
        policy=policy.key,
        fix="state the active parameters, e.g. `training_compute.active_parameters`",
    )


@check(BASE_MODEL_UNDECLARED)
def base_model_declared(context: CheckContext) -> Iterator[Finding]:
    """A fine-tune whose metadata does not name its base model (the modifier and cumulative tests need it)."""
    if context.card.metadata.get("base_model") or not looks_fine_tuned(context.card, context.facts):
        return
    policy = _asking_policy(context, BASE_MODEL_UNDECLARED, _signals(context))
    if policy is None:
        return
    named = [f for f in context.facts if f.kind == "base_model" and isinstance(f.value, str)]
    hint = f"`base_model: {named[0].value}`" if named else "`base_model: <owner/name>`"
    location = named[0].location if named else context.at(_front_matter_line(context))
    yield finding(
        BASE_MODEL_UNDECLARED,
        f"{policy.short_name}: the card describes a fine-tune but the metadata has no `base_model`",
        location,
        policy=policy.key,
        fix=f"add {hint} to the front matter",
    )


@check(ENERGY_METHOD_UNDECLARED)
def energy_method(context: CheckContext) -> Iterator[Finding]:
    """An energy or emissions figure without how it was measured or estimated."""
    figures = [f for f in context.facts if f.kind in ("energy_mwh", "co2_tonnes") and f.subject is None]
    if not figures:
        return
    policy = _asking_policy(context, ENERGY_METHOD_UNDECLARED, _signals(context))
    if policy is None or locate(_finder("energy_method"), context.card, context.facts).disclosed:
        return
    yield finding(
        ENERGY_METHOD_UNDECLARED,
        f"{policy.short_name}: {figures[0].kind.replace('_', ' ')} is stated without saying whether it was "
        "measured or estimated, and how",
        figures[0].location,
        policy=policy.key,
        fix="say how the figure was obtained (metered, TDP x hours x PUE, a calculator) or set "
        "`training_compute.energy_method`",
    )
