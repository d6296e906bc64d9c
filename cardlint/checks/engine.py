"""The engine: runs the selected checks and applies the catalogue, selection, severity and suppressions.

This is the one place that decides what a user sees, so checks stay small pure functions that never know
about configuration.
"""

from __future__ import annotations

from cardlint.checks import CheckContext, RegisteredCheck, all_checks, finding
from cardlint.checks.suppressions import Suppression, parse_suppressions
from cardlint.config.catalogue import Catalogue, SelectorError, resolve_selectors
from cardlint.config.settings import Settings
from cardlint.types import Finding, Location, Severity

# Codes the pipeline and the engine emit themselves rather than a registered check.
NOT_A_TEXT_FILE = "CL101"
INVALID_ENCODING = "CL102"
UNUSED_SUPPRESSION = "CL901"
UNKNOWN_SUPPRESSION_CODE = "CL902"
ENGINE_CODES = (NOT_A_TEXT_FILE, INVALID_ENCODING, UNUSED_SUPPRESSION, UNKNOWN_SUPPRESSION_CODE)

__all__ = ["ENGINE_CODES", "SelectorError", "enabled_codes", "finalise", "resolve_selectors", "run_checks"]


def enabled_codes(settings: Settings, catalogue: Catalogue, path: str) -> set[str]:
    selected = resolve_selectors(settings.select, catalogue) | resolve_selectors(
        settings.extend_select, catalogue
    )
    ignored = resolve_selectors((*settings.ignore, *settings.ignored_for(path)), catalogue)
    return selected - ignored


def run_checks(
    context: CheckContext, enabled: set[str], checks: list[RegisteredCheck] | None = None
) -> list[Finding]:
    """Raw findings of every check that can emit at least one enabled code."""
    findings: list[Finding] = []
    for registered in checks if checks is not None else all_checks():
        if enabled.isdisjoint(registered.codes):
            continue
        findings.extend(registered.function(context))
    return findings


def finalise(
    findings: list[Finding],
    *,
    lines: list[str],
    front_matter_end: int | None,
    path: str,
    enabled: set[str],
    settings: Settings,
    catalogue: Catalogue,
) -> list[Finding]:
    """Apply selection, suppressions, names and severities; report unused or unknown suppressions."""
    suppressions = parse_suppressions(lines, front_matter_end)
    used: set[Suppression] = set()
    kept: list[Finding] = []
    for item in findings:
        if item.code not in enabled:
            continue
        covering = _covering(item, suppressions, catalogue)
        if covering is not None:
            used.add(covering)
            continue
        kept.append(item)
    for suppression in suppressions:
        for selector in suppression.selectors:
            try:
                resolve_selectors([selector], catalogue)
            except SelectorError:
                kept.append(
                    finding(
                        UNKNOWN_SUPPRESSION_CODE,
                        f"suppression names unknown rule '{selector}'",
                        Location(path, suppression.line, suppression.column),
                    )
                )
        if suppression not in used and _targets_enabled(suppression, enabled, catalogue):
            what = ", ".join(suppression.selectors) or "all rules"
            kept.append(
                finding(
                    UNUSED_SUPPRESSION,
                    f"unused suppression ({what}): nothing it covers was reported",
                    Location(path, suppression.line, suppression.column),
                    fix="remove the comment",
                )
            )
    overrides = dict(settings.severity_overrides)
    result = []
    for item in kept:
        if item.code not in enabled:
            continue
        rule = catalogue.rules.get(item.code)
        if rule is None:
            raise KeyError(f"check emitted {item.code}, which is not in rules/rules.yaml")
        severity = overrides.get(item.code) or overrides.get(rule.name) or rule.severity
        result.append(_named(item, rule.name, severity))
    result.sort(key=lambda f: (f.location.line or 0, f.location.column or 0, f.code))
    return result


def _named(item: Finding, name: str, severity: Severity) -> Finding:
    """`dataclasses.replace(item, name=..., severity=...)` without its per-call field introspection (it was
    a tenth of the engine's time on cards with dozens of disclosure findings). Findings have no
    __post_init__."""
    named = object.__new__(Finding)
    named.__dict__.update(item.__dict__, name=name, severity=severity)
    return named


def _targets_enabled(suppression: Suppression, enabled: set[str], catalogue: Catalogue) -> bool:
    """An unused suppression matters only when a rule it names is enabled (else it could not have fired)."""
    if not suppression.selectors:
        return True
    try:
        return not enabled.isdisjoint(resolve_selectors(suppression.selectors, catalogue))
    except SelectorError:
        return False


def _covering(item: Finding, suppressions: list[Suppression], catalogue: Catalogue) -> Suppression | None:
    line = item.location.line or 1
    for suppression in suppressions:
        if not suppression.start <= line <= suppression.end:
            continue
        if not suppression.selectors:
            return suppression
        try:
            codes = resolve_selectors(suppression.selectors, catalogue)
        except SelectorError:
            codes = {s for s in suppression.selectors if s in catalogue.rules}
        if item.code in codes:
            return suppression
    return None
