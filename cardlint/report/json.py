"""The JSON output contract (schemas/report.schema.json); its dict builders are shared by other renderers."""

from __future__ import annotations

import json
from typing import Any

from cardlint.config.catalogue import Catalogue
from cardlint.types import CardReport, Estimate, Fact, Finding, Interval, Lineage, Location, ThresholdStatus
from cardlint.version import __version__

FORMAT_VERSION = 1


def interval_to_dict(interval: Interval | None) -> dict[str, float] | None:
    if interval is None:
        return None
    return {"low": interval.low, "central": interval.central, "high": interval.high}


def fact_to_dict(fact: Fact) -> dict[str, Any]:
    return {
        "kind": fact.kind,
        "value": fact.value,
        "unit": fact.unit,
        "line": fact.location.line,
        "column": fact.location.column,
        "path": fact.location.path,
        "origin": fact.origin,
        "quote": fact.quote,
        "subject": fact.subject,
        "derived": fact.derived,
        "approximate": fact.approximate,
        "lower_bound": fact.lower_bound,
        "ambiguous": fact.ambiguous,
        "from_name": fact.from_name,
        "note": fact.note,
        "interval": list(fact.interval) if fact.interval is not None else None,
    }


def _lineage_to_dict(lineage: Lineage | None) -> dict[str, Any] | None:
    if lineage is None:
        return None
    return {
        "base_model": lineage.base_model,
        "chain": list(lineage.chain),
        "base_flop": lineage.base_flop,
        "base_source": lineage.base_source,
        "own": interval_to_dict(lineage.own),
        "cumulative": interval_to_dict(lineage.cumulative),
        "modification_ratio": lineage.modification_ratio,
        "modifier_threshold_flop": lineage.modifier_threshold_flop,
        "notes": list(lineage.notes),
    }


def estimate_to_dict(estimate: Estimate | None) -> dict[str, Any] | None:
    if estimate is None:
        return None
    return {
        "training_flop": interval_to_dict(estimate.training_flop),
        "driver": estimate.driver,
        "reason": estimate.reason,
        "disagreement": estimate.disagreement,
        "notes": list(estimate.notes),
        "missing": estimate.missing,
        "methods": [
            {
                "method": method.method,
                **(interval_to_dict(method.interval) or {}),
                "formula": method.formula,
                "inputs": [
                    {
                        "kind": fact.kind,
                        "value": fact.value,
                        "line": fact.location.line,
                        "origin": fact.origin,
                    }
                    for fact in method.inputs
                ],
                "assumptions": list(method.assumptions),
            }
            for method in estimate.methods
        ],
        "lineage": _lineage_to_dict(estimate.lineage),
        "percentile": (
            {"share": estimate.percentile.share, "population": estimate.percentile.population}
            if estimate.percentile
            else None
        ),
    }


def threshold_to_dict(status: ThresholdStatus) -> dict[str, Any]:
    return {
        "policy": status.policy,
        "threshold": status.threshold_id,
        "value_flop": status.value_flop,
        "comparator": status.comparator,
        "status": status.status,
        "orders_of_magnitude": status.orders_of_magnitude,
        "decisive": status.decisive,
        "basis": status.basis,
        "unchecked_conditions": list(status.unchecked_conditions),
    }


def location_to_dict(location: Location) -> dict[str, Any]:
    return {
        "path": location.path,
        "line": location.line,
        "column": location.column,
        "end_line": location.end_line,
        "end_column": location.end_column,
    }


def finding_to_dict(finding: Finding) -> dict[str, Any]:
    return {
        "code": finding.code,
        "name": finding.name,
        "severity": finding.severity.value,
        "message": finding.message,
        **location_to_dict(finding.location),
        "policy": finding.policy,
        "fix": finding.fix,
        "related": [location_to_dict(location) for location in finding.related],
    }


def report_to_dict(report: CardReport, command: str = "check") -> dict[str, Any]:
    result: dict[str, Any] = {
        "target": report.target,
        "path": report.path,
        "subject": report.subject,
        "revision": report.revision,
        "facts": [fact_to_dict(fact) for fact in report.facts],
    }
    if command in ("check", "estimate"):
        result["estimate"] = estimate_to_dict(report.estimate)
        result["thresholds"] = [threshold_to_dict(status) for status in report.thresholds]
    if command == "check":
        result["findings"] = [finding_to_dict(finding) for finding in report.findings]
    return result


def summary(reports: list[CardReport]) -> dict[str, int]:
    counts = {"cards": len(reports), "error": 0, "warning": 0, "info": 0}
    for report in reports:
        for finding in report.findings:
            counts[finding.severity.value] += 1
    return counts


def render(reports: list[CardReport], catalogue: Catalogue | None = None, *, command: str = "check") -> str:
    document = {
        "version": FORMAT_VERSION,
        "tool": {"name": "cardlint", "version": __version__},
        "command": command,
        "results": [report_to_dict(report, command) for report in reports],
        "summary": summary(reports),
    }
    return json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n"
