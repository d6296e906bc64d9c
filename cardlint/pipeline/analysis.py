"""One card through the whole pipeline: decode, parse, extract, estimate, judge, check.

Pure: a function of the loaded bytes, the settings and the policies. The CLI, the Hub scan and the census
all call `analyse`, so every entry point reports the same thing for the same card.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from cardlint.card.document import Card, CardReadError, decode, parse_card
from cardlint.checks import CheckContext, finding
from cardlint.checks.engine import INVALID_ENCODING, NOT_A_TEXT_FILE, enabled_codes, finalise, run_checks
from cardlint.config.catalogue import Catalogue, load_catalogue
from cardlint.config.settings import Settings
from cardlint.core.limits import Limits
from cardlint.sources import LoadedTarget
from cardlint.types import CardReport, Fact, Finding, Interval, Location

if TYPE_CHECKING:
    from cardlint.compute.options import EstimateOptions
    from cardlint.policy.model import Policy


@dataclass
class Stages:
    """Which parts of the work a command needs; `facts` skips the estimate and the checks."""

    estimate: bool = True
    checks: bool = True


@dataclass
class Environment:
    """What stays the same for every card of a run: settings, the catalogue and the selected policies."""

    settings: Settings
    policies: list[Policy] = field(default_factory=list)
    catalogue: Catalogue = field(default_factory=load_catalogue)


def analyse(loaded: LoadedTarget, env: Environment, stages: Stages | None = None) -> CardReport:
    """Everything cardlint reports about one loaded card."""
    stages = stages or Stages()
    settings = env.settings
    report = CardReport(target=loaded.target, path=loaded.path, revision=loaded.revision)
    try:
        text, encoding_problem = decode(loaded.raw, settings.limits)
    except CardReadError as exc:
        unreadable = finding(NOT_A_TEXT_FILE, f"not a text model card: {exc}", Location(loaded.path, 1, 1))
        report.findings = _finalise([unreadable], None, loaded, env) if stages.checks else []
        return report
    card = parse_card(text, loaded.path, limits=settings.limits)
    report.lines = card.lines
    report.subject, report.facts = _facts(card, loaded)
    if stages.estimate:
        from cardlint.compute import estimate_compute
        from cardlint.compute.options import EstimateOptions
        from cardlint.policy.judging import threshold_statuses
        from cardlint.policy.signals import looks_moe

        options = replace(
            EstimateOptions.from_settings(settings), moe=looks_moe(card, loaded.sidecars.config)
        )
        report.estimate = estimate_compute(
            report.facts,
            config=loaded.sidecars.config,
            options=options,
            base_estimates=_base_estimates(loaded, options, settings.limits),
        )
        if loaded.notes:
            report.estimate = replace(report.estimate, notes=(*report.estimate.notes, *loaded.notes))
        report.thresholds = threshold_statuses(report.estimate, env.policies, report.facts, card.metadata)
    if not stages.checks:
        return report
    context = CheckContext(
        card=card,
        path=loaded.path,
        facts=report.facts,
        estimate=report.estimate,
        thresholds=report.thresholds,
        policies=env.policies,
        sidecars=loaded.sidecars,
        settings=settings,
        subject=report.subject,
        hub_info=loaded.sidecars.hub_info,
    )
    raw = run_checks(context, enabled_codes(settings, env.catalogue, loaded.path))
    if encoding_problem:
        raw.append(
            finding(INVALID_ENCODING, f"{encoding_problem}; the rest was linted", Location(loaded.path, 1, 1))
        )
    report.findings = _finalise(raw, card, loaded, env)
    return report


def _facts(card: Card, loaded: LoadedTarget) -> tuple[str | None, list[Fact]]:
    from cardlint.extract import extract_facts
    from cardlint.extract.subject import card_subject

    subject = card_subject(card, repo_id=loaded.repo_id, folder_name=loaded.folder_name)
    return subject, extract_facts(card, path=loaded.path, subject=subject, sidecars=loaded.sidecars)


def _finalise(raw: list[Finding], card: Card | None, loaded: LoadedTarget, env: Environment) -> list[Finding]:
    return finalise(
        raw,
        lines=card.lines if card is not None else [],
        front_matter_end=card.front_matter.end_line if card is not None and card.front_matter else None,
        path=loaded.path,
        enabled=enabled_codes(env.settings, env.catalogue, loaded.path),
        settings=env.settings,
        catalogue=env.catalogue,
    )


def _base_estimates(loaded: LoadedTarget, options: EstimateOptions, limits: Limits) -> dict[str, Interval]:
    """Compute of each fetched base model from its own card (Hub targets only), farthest first, so a base
    that is itself a fine-tune counts its own ancestors."""
    from cardlint.compute import estimate_compute

    known: dict[str, Interval] = {}
    for base in reversed(loaded.bases):
        try:
            text, _problem = decode(base.raw, limits)
        except CardReadError:
            continue
        _subject, facts = _facts(parse_card(text, base.path, limits=limits), base)
        estimate = estimate_compute(facts, config=base.sidecars.config, options=options, base_estimates=known)
        interval = estimate.training_flop
        if estimate.lineage is not None and estimate.lineage.cumulative is not None:
            interval = estimate.lineage.cumulative
        if interval is not None and base.repo_id:
            known[base.repo_id] = interval
    return known
