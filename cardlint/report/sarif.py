"""SARIF 2.1.0 for GitHub code scanning and any other SARIF viewer.

GitHub's rules shape this file: every rule carries short and full descriptions and help text; every result has
a non-empty message, a repository-relative URI and a full region; fingerprints are our own key (never
`primaryLocationLineHash`, which upload-sarif computes from the checked-out file and must stay free for it).
"""

from __future__ import annotations

import json
from typing import Any

from cardlint.config.catalogue import Catalogue, Rule
from cardlint.policy.duties import duties_markdown
from cardlint.report.common import (
    PROJECT_URL,
    artifact_uri,
    fingerprinted,
    has_scheme,
    highest_threshold_status,
    relative_path,
    rule_help_uri,
)
from cardlint.types import CardReport, Estimate, Finding, Location, Severity, ThresholdStatus
from cardlint.version import __version__

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "cardlintFingerprint/v1"
# GitHub truncates longer descriptions (sarif-support: 1024 characters).
DESCRIPTION_LIMIT = 1024

LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def render(reports: list[CardReport], catalogue: Catalogue, *, root: str | None = None) -> str:
    """The whole SARIF log as indented JSON (one run; an empty run when there are no findings)."""
    return json.dumps(sarif_log(reports, catalogue, root=root), indent=2, ensure_ascii=False) + "\n"


def sarif_log(reports: list[CardReport], catalogue: Catalogue, *, root: str | None = None) -> dict[str, Any]:
    """The SARIF log as a dict, for callers that post-process it."""
    rules = [_descriptor(rule) for rule in catalogue.rules.values()]
    index = {rule.code: position for position, rule in enumerate(catalogue.rules.values())}
    results: list[dict[str, Any]] = []
    for report in reports:
        for entry in fingerprinted(report, root):
            code = entry.finding.code
            if code not in index:  # a code the catalogue does not know still gets a descriptor
                index[code] = len(rules)
                rules.append(_ad_hoc_descriptor(entry.finding))
            results.append(_result(entry.finding, index[code], entry.fingerprint, root, report.lines))
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "cardlint",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": PROJECT_URL,
                "rules": rules,
            }
        },
        "invocations": [_invocation(reports, root)],
        "columnKind": "unicodeCodePoints",
        "results": results,
        "properties": {
            "highestThresholdStatus": highest_threshold_status(s for r in reports for s in r.thresholds),
            "cards": [_card_properties(report, root) for report in reports],
        },
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def _text(value: str, fallback: str) -> str:
    """A non-empty description GitHub will not truncate mid-air."""
    text = " ".join(value.split()) or fallback
    if len(text) > DESCRIPTION_LIMIT:
        text = text[: DESCRIPTION_LIMIT - 1].rstrip() + "…"
    return text


def _descriptor(rule: Rule) -> dict[str, Any]:
    duties = duties_markdown(rule.code)  # the threshold rules' duties, which their messages only name
    plain_help = "\n\n".join(
        part.strip()
        for part in (
            rule.what,
            rule.why,
            f"How to fix: {rule.fix.strip()}" if rule.fix.strip() else "",
            duties.replace("#", "").strip(),
        )
        if part.strip()
    )
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": _text(rule.summary, rule.name)},
        "fullDescription": {"text": _text(rule.what, rule.summary or rule.name)},
        "help": {"text": plain_help or rule.summary or rule.name, "markdown": rule.docs_markdown() + duties},
        "helpUri": rule_help_uri(rule.code, rule.name),
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"tags": ["model-card", rule.family, *rule.instruments]},
    }


def _ad_hoc_descriptor(finding: Finding) -> dict[str, Any]:
    name = finding.name or finding.code
    return {
        "id": finding.code,
        "name": name,
        "shortDescription": {"text": name},
        "fullDescription": {"text": name},
        "help": {"text": name},
        "defaultConfiguration": {"level": LEVELS[finding.severity]},
    }


def _physical_location(
    location: Location, root: str | None, lines: list[str] | None = None
) -> dict[str, Any]:
    """Location with a full region; GitHub wants all four bounds, so missing ends are filled from the text."""
    uri = artifact_uri(location.path, root)
    artifact: dict[str, Any] = {"uri": uri}
    if not has_scheme(uri):
        artifact["uriBaseId"] = SRCROOT
    start_line = location.line or 1
    start_column = location.column or 1
    end_line = max(location.end_line or start_line, start_line)
    end_column = location.end_column
    if end_column is None:
        # The end of the last line of the region (SARIF's endColumn is one past the last character).
        text = lines[end_line - 1].rstrip("\r") if lines and end_line <= len(lines) else ""
        end_column = len(text) + 1
    if end_line == start_line:
        end_column = max(end_column, start_column)
    region = {
        "startLine": start_line,
        "startColumn": start_column,
        "endLine": end_line,
        "endColumn": end_column,
    }
    return {"physicalLocation": {"artifactLocation": artifact, "region": region}}


def _result(
    finding: Finding, rule_index: int, fingerprint: str, root: str | None, lines: list[str]
) -> dict[str, Any]:
    message = finding.message.strip() or finding.name or finding.code
    if finding.fix:
        message = f"{message} Fix: {finding.fix.strip()}"
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": LEVELS[finding.severity],
        "message": {"text": message},
        "locations": [_physical_location(finding.location, root, lines)],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
    }
    if finding.related:
        result["relatedLocations"] = [
            {"id": number, **_physical_location(location, root, lines)}
            for number, location in enumerate(finding.related, start=1)
        ]
    if finding.policy:
        result["properties"] = {"policy": finding.policy}
    return result


def _invocation(reports: list[CardReport], root: str | None) -> dict[str, Any]:
    """Targets that could not be read at all are tool notifications, not results."""
    notifications = [
        {
            "level": "error",
            "message": {"text": report.error},
            "locations": [_physical_location(Location(report.path), root)],
        }
        for report in reports
        if report.error
    ]
    invocation: dict[str, Any] = {"executionSuccessful": not notifications}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    return invocation


def _estimate_properties(estimate: Estimate | None) -> dict[str, Any] | None:
    if estimate is None:
        return None
    interval = estimate.training_flop
    return {
        "trainingFlop": None
        if interval is None
        else {"low": interval.low, "central": interval.central, "high": interval.high},
        "driver": estimate.driver,
        "reason": estimate.reason,
        "methods": [
            {
                "method": method.method,
                "low": method.interval.low,
                "central": method.interval.central,
                "high": method.interval.high,
                "formula": method.formula,
            }
            for method in estimate.methods
        ],
        "disagreement": estimate.disagreement,
    }


def _threshold_properties(status: ThresholdStatus) -> dict[str, Any]:
    return {
        "policy": status.policy,
        "threshold": status.threshold_id,
        "valueFlop": status.value_flop,
        "comparator": status.comparator,
        "status": status.status,
        "ordersOfMagnitude": status.orders_of_magnitude,
        "decisive": status.decisive,
        "basis": status.basis,
    }


def _card_properties(report: CardReport, root: str | None) -> dict[str, Any]:
    return {
        "path": relative_path(report.path, root),
        "subject": report.subject,
        "revision": report.revision,
        "estimate": _estimate_properties(report.estimate),
        "thresholds": [_threshold_properties(status) for status in report.thresholds],
        "highestThresholdStatus": highest_threshold_status(report.thresholds),
    }
