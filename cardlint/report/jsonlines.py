"""JSON Lines: one finding per line, for streaming into log pipelines, jq, or a database.

Each line is a self-contained object (no surrounding document), with the same repository-relative path and
fingerprint as the SARIF output so the two can be joined. A target that could not be read becomes one line of
kind "target-error" instead of a finding.
"""

from __future__ import annotations

import json
from typing import Any

from cardlint.config.catalogue import Catalogue
from cardlint.report.common import fingerprinted, relative_path
from cardlint.types import CardReport, Finding, Location


def render(reports: list[CardReport], catalogue: Catalogue, *, root: str | None = None) -> str:
    lines = []
    for report in reports:
        if report.error:
            lines.append(_dump(_target_error(report, root)))
        for entry in fingerprinted(report, root):
            lines.append(_dump(_finding(report, entry.finding, entry.fingerprint, catalogue, root)))
    return "".join(line + "\n" for line in lines)


def _dump(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def _location(location: Location, root: str | None) -> dict[str, Any]:
    return {
        "path": relative_path(location.path, root),
        "line": location.line,
        "column": location.column,
        "end_line": location.end_line,
        "end_column": location.end_column,
    }


def _finding(
    report: CardReport, item: Finding, fingerprint: str, catalogue: Catalogue, root: str | None
) -> dict[str, Any]:
    rule = catalogue.rules.get(item.code)
    return {
        "kind": "finding",
        "code": item.code,
        "name": item.name or (rule.name if rule else ""),
        "severity": item.severity.value,
        "message": item.message,
        **_location(item.location, root),
        "policy": item.policy,
        "fix": item.fix,
        "related": [_location(location, root) for location in item.related],
        "subject": report.subject,
        "fingerprint": fingerprint,
    }


def _target_error(report: CardReport, root: str | None) -> dict[str, Any]:
    return {
        "kind": "target-error",
        "severity": "error",
        "message": report.error,
        "path": relative_path(report.path, root),
    }
