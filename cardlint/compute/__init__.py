"""Training compute from a card's facts: every method the card allows, each with an interval, reconciled;
the model's lineage; and where it ranks among known models.

`estimate_compute(facts, config=..., options=...)` is the one entry point; it is pure (no I/O beyond the
bundled data tables) so the CLI, the checks and the Python API all get the same Estimate for the same facts.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from cardlint.compute.combine import combine
from cardlint.compute.hardware import hardware_table, normalise_key
from cardlint.compute.hardware_route import energy, hardware
from cardlint.compute.lineage import base_model_names, choose_base, trace_lineage
from cardlint.compute.methods import MethodResult, Skip, architecture, reported
from cardlint.compute.missing import missing_figure
from cardlint.compute.options import EstimateOptions
from cardlint.compute.reference import find_reference, percentile
from cardlint.extract.series import series_name
from cardlint.types import Estimate, Fact, Interval, Lineage, MethodEstimate

__all__ = ["EstimateOptions", "estimate_compute", "run_methods"]

_FINE_TUNE_KINDS = {"fine_tune_tokens": "training_tokens", "fine_tune_device_hours": "device_hours"}
# Kinds that describe the model and its hardware rather than one training stage; a fine-tune shares them.
_SHARED_KINDS = ("parameters", "active_parameters", "hardware_type", "training_precision", "precision")


def run_methods(
    facts: Sequence[Fact], config: Mapping[str, Any] | None, options: EstimateOptions
) -> tuple[list[MethodEstimate], list[str]]:
    """Every method's result: the estimates that ran, and one note per method that could not."""
    table = hardware_table(options.extra_accelerators)
    results: list[MethodResult] = [
        reported(facts),
        architecture(facts, config, moe=options.moe),
        hardware(facts, table, options, config),
        energy(facts, table, options, config),
    ]
    methods = [result for result in results if isinstance(result, MethodEstimate)]
    notes = [f"{result.method}: {result.reason}" for result in results if isinstance(result, Skip)]
    return methods, notes


def _interval_of(
    facts: Sequence[Fact], config: Mapping[str, Any] | None, options: EstimateOptions
) -> Interval | None:
    methods, _notes = run_methods(facts, config, options)
    return combine(methods).interval


# The figures a run's compute rests on (a series figure among them makes the run the series').
_RUN_KINDS = frozenset(
    {"training_flop", "device_hours", "training_duration_days", "training_tokens", "energy_mwh"}
)


def _fine_tune_facts(facts: Sequence[Fact], base_params: float | None) -> list[Fact] | None:
    """The card's fine-tuning figures restated as a training run of their own, or None when there are none."""
    stage = [
        dataclasses.replace(fact, kind=_FINE_TUNE_KINDS[fact.kind])
        for fact in facts
        if fact.kind in _FINE_TUNE_KINDS and fact.subject is None
    ]
    if not stage:
        return None
    shared = [fact for fact in facts if fact.kind in _SHARED_KINDS and fact.subject is None]
    if base_params and not any(fact.kind in ("parameters", "active_parameters") for fact in shared):
        anchor = stage[0]
        shared.append(
            dataclasses.replace(
                anchor,
                kind="parameters",
                value=base_params,
                unit="parameters",
                derived=True,
                note="parameter count of the base model (reference table)",
            )
        )
    return [*stage, *shared]


def _subject_matches(subject: str, name: str) -> bool:
    tail = name.rsplit("/", 1)[-1]
    return normalise_key(subject) in {normalise_key(name), normalise_key(tail)}


def estimate_compute(
    facts: list[Fact] | Sequence[Fact],
    *,
    config: dict[str, Any] | Mapping[str, Any] | None = None,
    options: EstimateOptions | None = None,
    base_estimates: Mapping[str, Interval] | None = None,
) -> Estimate:
    """Estimate the training compute of the card's own model (facts with `subject is None`).

    `config` is the model's config.json (layers, width and context for the attention term, expert counts for
    an MoE); `options` the user's utilisation band, precision and extra accelerators; `base_estimates` the
    compute of base models estimated from their own cards (Hub targets), used when the reference table
    does not know the base.
    """
    options = options or EstimateOptions()
    facts = list(facts)
    methods, notes = run_methods(facts, config, options)
    combined = combine(methods)
    lineage = None
    stage = _fine_tune_facts(facts, None)
    if base_model_names(facts) or (stage is not None and combined.interval is None):
        lineage = _lineage(facts, config, options, combined.interval, base_estimates or {})
    elif stage is not None:
        # No base named and the card's own run is estimated: its fine-tuning figures are a later stage of
        # the same model, often already inside the run's stated total, so shown but not added.
        post = _interval_of(stage, config, options)
        if post is not None:
            notes.append(
                f"post-training stage stated apart: {post.central:.2e} FLOP "
                f"[{post.low:.2e} .. {post.high:.2e}] (not added: the card's training figures may include it)"
            )
    central = combined.interval.central if combined.interval is not None else None
    if central is None and lineage is not None and lineage.cumulative is not None:
        central = lineage.cumulative.central
    reason, missing = combined.reason, None
    if combined.interval is None and lineage is not None and lineage.own is not None:
        reason = (
            "the card states only its fine-tuning stage: see the lineage for its own and cumulative compute"
        )
    elif combined.interval is None:
        missing, single = missing_figure(
            facts, hardware_table(options.extra_accelerators), fine_tune=bool(base_model_names(facts))
        )
        settle = "one more figure would settle it" if single else "it would be settled by"
        reason = f"{reason}; {settle}: {missing}"
    return Estimate(
        training_flop=combined.interval,
        driver=combined.driver,
        reason=reason,
        methods=tuple(methods),
        lineage=lineage,
        percentile=percentile(central) if central else None,
        disagreement=combined.disagreement,
        notes=tuple(notes),
        missing=missing,
    )


def _lineage(
    facts: Sequence[Fact],
    config: Mapping[str, Any] | None,
    options: EstimateOptions,
    main: Interval | None,
    base_estimates: Mapping[str, Interval],
) -> Lineage | None:
    names = base_model_names(facts)
    match = find_reference(choose_base(names)) if names else None
    base_params = None
    if match is not None:
        base_params = match.model.active_parameters or match.model.parameters
    base_flop = match.model.training_flop if match is not None else None
    stage = _fine_tune_facts(facts, base_params)
    own: Interval | None = None
    own_note = None
    series = series_name([f for f in facts if f.subject is None and f.kind in _RUN_KINDS and not f.derived])
    series_total: Interval | None = None
    if stage is not None:
        own = _interval_of(stage, config, options)
        own_note = "fine-tune compute from the card's fine-tuning figures"
    elif main is not None and series is not None:
        series_total = main
        own_note = (
            f"the card's training figures are those of the '{series}' series, its earlier checkpoints "
            "included: taken as cumulative compute, not as the fine-tune's own"
        )
    elif main is not None and base_flop and main.central > base_flop / 2:
        own_note = "the card's training figures look like the base model's own (not added to the base)"
    elif main is not None:
        own = main
        own_note = "the card's training figures taken as the fine-tune's own compute"
    if not names:
        return Lineage(
            base_model=None,
            own=own,
            notes=(own_note or "", "the card names no base model: its compute is not known to cardlint"),
        )

    def base_estimate(name: str) -> tuple[Interval, str] | None:
        about = [
            dataclasses.replace(f, subject=None)
            for f in facts
            if f.subject and _subject_matches(f.subject, name)
        ]
        interval = _interval_of(about, None, options) if about else None
        if interval is not None:
            return interval, "the card's own figures about the base model"
        fetched = next((v for k, v in base_estimates.items() if _subject_matches(k, name)), None)
        return (fetched, "the base model's own card on the Hub") if fetched is not None else None

    return trace_lineage(facts, own, own_note=own_note, base_estimate=base_estimate, cumulative=series_total)
