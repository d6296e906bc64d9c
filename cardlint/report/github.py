"""GitHub Actions workflow commands: findings as annotations on the pull request's diff.

GitHub shows at most 10 annotations of each level per step and drops the rest without a word, so we annotate
the first ones of each level, print the others as plain log lines, and end with one notice saying how many
were not annotated. The full list goes to the step summary (`write_step_summary`).
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

from cardlint.config.catalogue import Catalogue
from cardlint.report import markdown
from cardlint.report.common import (
    counts_phrase,
    interval_phrase,
    ordered_findings,
    plural,
    position,
    relative_path,
    severity_counts,
)
from cardlint.types import CardReport, Finding, Severity

# actions/toolkit docs/problem-matchers.md: 10 error, 10 warning and 10 notice annotations per step.
ANNOTATIONS_PER_LEVEL = 10
# GitHub refuses a step summary over 1 MiB; stay under it with room for the truncation note.
STEP_SUMMARY_LIMIT = 1024 * 1024 - 4096

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(value: str) -> str:
    """Escape a command's message the way @actions/core does."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """Escape a command property value: the message escapes plus ':' and ',' which delimit properties."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def command(level: str, message: str, properties: Mapping[str, str | int | None]) -> str:
    """One workflow command line, `::level key=value,…::message`, skipping properties without a value."""
    parts = [f"{key}={escape_property(str(value))}" for key, value in properties.items() if value is not None]
    prefix = f"::{level} {','.join(parts)}" if parts else f"::{level}"
    return f"{prefix}::{escape_data(message)}"


def _title(finding: Finding, catalogue: Catalogue) -> str:
    rule = catalogue.rules.get(finding.code)
    name = finding.name or (rule.name if rule else "")
    return f"{finding.code} {name}".strip()


def _annotation(level: str, finding: Finding, catalogue: Catalogue, root: str | None) -> str:
    location = finding.location
    title = _title(finding, catalogue)
    message = finding.message.strip() or title
    if finding.fix:
        message = f"{message}\nFix: {finding.fix.strip()}"
    if finding.policy:
        message = f"{message}\nPolicy: {finding.policy}"
    return command(
        level,
        message,
        {
            "file": relative_path(location.path, root),
            "line": location.line,
            "col": location.column if location.line is not None else None,
            "endLine": location.end_line if location.line is not None else None,
            "endColumn": location.end_column if location.line is not None else None,
            "title": title,
        },
    )


def _log_line(finding: Finding, root: str | None) -> str:
    """The concise form, for findings past the annotation cap: still visible in the job log."""
    location = finding.location
    path = relative_path(location.path, root)
    where = f"{path}:{position(location)}" if location.line is not None else path
    return f"{where}: {finding.code} [{finding.severity.value}] {finding.message}"


def _caps(counts: Counter[Severity]) -> dict[Severity, int]:
    """Annotations allowed per level; one notice slot is kept for the overflow notice when one is needed."""
    caps = dict.fromkeys(COMMANDS, ANNOTATIONS_PER_LEVEL)
    if any(counts[severity] > ANNOTATIONS_PER_LEVEL for severity in COMMANDS):
        caps[Severity.INFO] = ANNOTATIONS_PER_LEVEL - 1
    return caps


def render(reports: list[CardReport], catalogue: Catalogue, *, root: str | None = None) -> str:
    """Annotations for every card, capped per level, then one line per card with its compute estimate."""
    entries: list[tuple[Severity, str, Finding | None, CardReport]] = []
    for report in reports:
        if report.error:
            entries.append((Severity.ERROR, report.error, None, report))
        entries += [(found.severity, found.message, found, report) for found in ordered_findings(report)]
    counts: Counter[Severity] = Counter(severity for severity, _, _, _ in entries)
    caps = _caps(counts)
    used: Counter[Severity] = Counter()
    skipped: Counter[Severity] = Counter()
    lines: list[str] = []
    for severity, message, item, report in entries:
        level = COMMANDS[severity]
        if used[severity] < caps[severity]:
            used[severity] += 1
            if item is None:
                lines.append(
                    command(level, message, {"file": relative_path(report.path, root), "title": "cardlint"})
                )
            else:
                lines.append(_annotation(level, item, catalogue, root))
        else:
            skipped[severity] += 1
            if item is None:
                lines.append(f"{relative_path(report.path, root)}: [error] {message}")
            else:
                lines.append(_log_line(item, root))
    for report in reports:
        if report.estimate is not None or report.thresholds:
            lines.append(_estimate_line(report, root))
    total = severity_counts(reports)
    lines.append(f"cardlint: {counts_phrase(total)} in {plural(len(reports), 'card')}.")
    if sum(skipped.values()):
        lines.append(
            command(
                "notice",
                f"{sum(skipped.values())} more findings were not annotated ({counts_phrase(skipped)}); "
                f"GitHub shows at most {ANNOTATIONS_PER_LEVEL} annotations per level; "
                "the rest are in the log above and in the step summary.",
                {"title": "cardlint: more findings"},
            )
        )
    return "\n".join(lines) + "\n"


def _estimate_line(report: CardReport, root: str | None) -> str:
    statuses = ", ".join(f"{s.policy} {s.threshold_id}: {s.status}" for s in report.thresholds)
    text = f"{relative_path(report.path, root)}: training compute {interval_phrase(report.estimate)}"
    return f"{text}; {statuses}" if statuses else text


def write_step_summary(
    reports: list[CardReport],
    catalogue: Catalogue,
    *,
    root: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> Path | None:
    """Append the Markdown report to $GITHUB_STEP_SUMMARY; returns the file, or None outside Actions.

    GitHub rejects a summary over 1 MiB, so a longer one is cut at a line break with a note saying so.
    """
    target = (environ if environ is not None else os.environ).get("GITHUB_STEP_SUMMARY")
    if not target:
        return None
    text = markdown.render(reports, catalogue, root=root)
    encoded = text.encode("utf-8")
    if len(encoded) > STEP_SUMMARY_LIMIT:
        cut = encoded[:STEP_SUMMARY_LIMIT].decode("utf-8", errors="ignore")
        text = cut[: cut.rfind("\n") + 1] + "\n_Summary truncated: GitHub limits a step summary to 1 MiB._\n"
    path = Path(target)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text)
    return path
