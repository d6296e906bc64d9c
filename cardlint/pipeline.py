"""One card through the whole pipeline: decode, parse, extract, estimate, judge, check.

Pure: a function of the loaded bytes, the settings and the policies. The CLI, the Hub scan and the census
all call `analyse`, so every entry point reports the same thing for the same card.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cardlint.card import CardReadError, decode, parse_card
from cardlint.catalogue import Catalogue, load_catalogue
from cardlint.checks import CheckContext, finding
from cardlint.engine import INVALID_ENCODING, NOT_A_TEXT_FILE, enabled_codes, finalise, run_checks
from cardlint.settings import Settings
from cardlint.sources import LoadedTarget
from cardlint.types import CardReport, Location


@dataclass
class Stages:
    """Which parts of the work a command needs; `facts` skips the estimate and the checks."""

    estimate: bool = True
    checks: bool = True


@dataclass
class Environment:
    """What stays the same for every card of a run: settings, the catalogue and the selected policies."""

    settings: Settings
    policies: list = field(default_factory=list)
    catalogue: Catalogue = field(default_factory=load_catalogue)


def analyse(loaded: LoadedTarget, env: Environment, stages: Stages | None = None) -> CardReport:
    """Everything cardlint reports about one loaded card."""
    from cardlint.extract import extract_facts
    from cardlint.extract.subject import card_subject

    stages = stages or Stages()
    settings = env.settings
    report = CardReport(target=loaded.target, path=loaded.path, revision=loaded.revision)
    try:
        text, encoding_problem = decode(loaded.raw, settings.limits)
    except CardReadError as exc:
        report.findings = _only(
            finding(NOT_A_TEXT_FILE, f"not a text model card: {exc}", Location(loaded.path, 1, 1)), loaded, env
        )
        return report
    card = parse_card(text, loaded.path, limits=settings.limits)
    report.lines = card.lines
    report.subject = card_subject(card, repo_id=loaded.repo_id, folder_name=loaded.folder_name)
    report.facts = extract_facts(card, path=loaded.path, subject=report.subject, sidecars=loaded.sidecars)
    if stages.estimate:
        from cardlint.estimate import estimate_compute
        from cardlint.policies import threshold_statuses

        config = loaded.sidecars.config if loaded.sidecars else None
        report.estimate = estimate_compute(report.facts, config=config, options=_estimate_options(settings))
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
        hub_info=loaded.sidecars.hub_info if loaded.sidecars else {},
    )
    enabled = enabled_codes(settings, env.catalogue, loaded.path)
    raw = run_checks(context, enabled)
    if encoding_problem:
        raw.append(finding(INVALID_ENCODING, f"{encoding_problem}; the rest was linted", Location(loaded.path, 1, 1)))
    front_matter_end = card.front_matter.end_line if card.front_matter else None
    report.findings = finalise(
        raw,
        lines=card.lines,
        front_matter_end=front_matter_end,
        path=loaded.path,
        enabled=enabled,
        settings=settings,
        catalogue=env.catalogue,
    )
    return report


def _only(item, loaded: LoadedTarget, env: Environment) -> list:  # type: ignore[no-untyped-def]
    enabled = enabled_codes(env.settings, env.catalogue, loaded.path)
    return finalise(
        [item], lines=[], front_matter_end=None, path=loaded.path, enabled=enabled, settings=env.settings,
        catalogue=env.catalogue,
    )


def _estimate_options(settings: Settings):  # type: ignore[no-untyped-def]
    from cardlint.estimate.options import EstimateOptions

    return EstimateOptions.from_settings(settings)
