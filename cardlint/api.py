"""The Python API: the same objects the CLI renders, for notebooks and other tools.

import cardlint
report = cardlint.estimate("path/to/README.md")          # or a Hub id: "org/name"
report.estimate.training_flop, report.thresholds
cardlint.check("README.md").findings
cardlint.analyse_text(text).facts
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import replace

from cardlint.sources import LoadedTarget, SourceError
from cardlint.types import CardReport


def _run(
    target: str | os.PathLike[str],
    *,
    checks: bool,
    policies: Sequence[str] | None,
    as_of: dt.date | None,
    offline: bool,
) -> CardReport:
    from cardlint.app.session import CommandLine, analyse_all
    from cardlint.pipeline.analysis import Stages

    overrides: dict[str, object] = {}
    if policies is not None:
        overrides["policies"] = tuple(policies)
    if as_of is not None:
        overrides["as_of"] = as_of
    command_line = CommandLine(targets=(os.fspath(target),), overrides=overrides, offline=offline)
    reports, errors, _ = analyse_all(command_line, Stages(estimate=True, checks=checks))
    if errors:
        raise SourceError(errors[0])
    if not reports:
        raise SourceError(f"{os.fspath(target)}: no model card found")
    return reports[0]


def estimate(
    target: str | os.PathLike[str],
    *,
    policies: Sequence[str] | None = None,
    as_of: dt.date | None = None,
    offline: bool = False,
) -> CardReport:
    """Facts, the compute estimate and the threshold statuses of one card (a path or a Hub repo id)."""
    return _run(target, checks=False, policies=policies, as_of=as_of, offline=offline)


def check(
    target: str | os.PathLike[str],
    *,
    policies: Sequence[str] | None = None,
    as_of: dt.date | None = None,
    offline: bool = False,
) -> CardReport:
    """Everything `cardlint check` reports about one card, with the configuration found for it."""
    return _run(target, checks=True, policies=policies, as_of=as_of, offline=offline)


def analyse_text(text: str, *, path: str = "<card>", as_of: dt.date | None = None) -> CardReport:
    """Lint a card given as text (no config discovery, no sidecars)."""
    from cardlint.config.settings import Settings
    from cardlint.pipeline.analysis import Environment, analyse
    from cardlint.policy.loading import select_policies

    settings = Settings() if as_of is None else replace(Settings(), as_of=as_of)
    environment = Environment(settings=settings, policies=select_policies(None, [], settings.as_of))
    return analyse(LoadedTarget(target=path, path=path, raw=text.encode("utf-8")), environment)
