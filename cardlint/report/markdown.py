"""GitHub-flavoured Markdown: the step summary of a CI run, good to paste into a pull-request comment.

Per card: a one-line verdict, the compute estimate with its interval, where it stands against each policy's
thresholds, and the findings as a table. Card text ends up in table cells, so every cell is escaped: a pipe or
a newline in a message must not break the table, and raw HTML from a card must not render.
"""

from __future__ import annotations

from cardlint.config.catalogue import Catalogue
from cardlint.report.common import (
    NO_THRESHOLDS,
    counts_phrase,
    format_flop,
    highest_threshold_status,
    interval_phrase,
    ordered_findings,
    plural,
    position,
    relative_path,
    severity_counts,
)
from cardlint.types import CardReport, Finding, Severity, ThresholdStatus

ICONS = {"error": "❌", "warning": "⚠️", "info": "ℹ️", "clean": "✅"}


def cell(text: str) -> str:
    """Text safe inside a table cell: pipes escaped, newlines as <br>, HTML shown as text."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")
    return "<br>".join(part.strip() for part in escaped.replace("\r", "").split("\n"))


def _code(text: str) -> str:
    """Inline code that survives backticks in the text."""
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def render(reports: list[CardReport], catalogue: Catalogue, *, root: str | None = None) -> str:
    totals = severity_counts(reports)
    out = [f"## cardlint: {plural(len(reports), 'card')}, {counts_phrase(totals)}", ""]
    if not reports:
        out.append("No model cards were checked.")
        return "\n".join(out) + "\n"
    if len(reports) > 1:
        out += _overview(reports, root)
    for report in reports:
        out += _card_section(report, catalogue, root)
    return "\n".join(out).rstrip("\n") + "\n"


def _verdict_level(report: CardReport) -> str:
    if report.error:
        return "error"
    counts = severity_counts([report])
    for severity in (Severity.ERROR, Severity.WARNING, Severity.INFO):
        if counts[severity]:
            return severity.value
    return "clean"


def _overview(reports: list[CardReport], root: str | None) -> list[str]:
    lines = ["| | Card | Findings | Training compute | Thresholds |", "|---|---|---|---|---|"]
    for report in reports:
        level = _verdict_level(report)
        thresholds = _threshold_brief(report.thresholds)
        lines.append(
            f"| {ICONS[level]} | {cell(relative_path(report.path, root))} | "
            f"{cell(counts_phrase(severity_counts([report])))} | {cell(interval_phrase(report.estimate))} | "
            f"{cell(thresholds)} |"
        )
    return [*lines, ""]


def _threshold_brief(statuses: list[ThresholdStatus]) -> str:
    """The most serious status of a card and the thresholds that have it, for the overview table."""
    highest = highest_threshold_status(statuses)
    if highest == NO_THRESHOLDS:
        return "–"
    if highest == "below":
        return "below" if len(statuses) == 1 else f"below all {len(statuses)}"
    return f"{highest}: " + ", ".join(f"{s.policy} {s.threshold_id}" for s in statuses if s.status == highest)


def _threshold_headline(statuses: list[ThresholdStatus]) -> str:
    """The one threshold fact a reviewer needs first: the most serious status, named."""
    for status, phrase in (
        ("above", "Above"),
        ("straddles", "Interval straddles"),
        ("unknown", "Cannot place against"),
    ):
        hits = [s for s in statuses if s.status == status]
        if hits:
            names = ", ".join(f"{s.policy} {s.threshold_id}" for s in hits)
            return f"{phrase} {names}."
    return "Below every threshold checked." if statuses else ""


def _card_section(report: CardReport, catalogue: Catalogue, root: str | None) -> list[str]:
    level = _verdict_level(report)
    title = _code(relative_path(report.path, root))
    if report.subject:
        title += f" ({cell(report.subject)})"
    out = [f"### {ICONS[level]} {title}", ""]
    if report.error:
        out += [f"**Could not be read:** {cell(report.error)}", ""]
    verdict = counts_phrase(severity_counts([report])).capitalize() + "."
    headline = _threshold_headline(report.thresholds)
    out += [f"**Verdict:** {verdict} {cell(headline)}".rstrip(), ""]
    if report.estimate is not None:
        driver = f", from the {report.estimate.driver} estimate" if report.estimate.driver else ""
        out += [f"**Training compute:** {cell(interval_phrase(report.estimate))}{cell(driver)}", ""]
    if report.thresholds:
        out += _threshold_table(report.thresholds)
    # Errors first: the table is read top-down by someone deciding whether to merge.
    findings = sorted(ordered_findings(report), key=lambda item: -item.severity.rank)
    if findings:
        out += _findings_table(findings, catalogue)
    return out


def _threshold_table(statuses: list[ThresholdStatus]) -> list[str]:
    lines = ["| Policy | Threshold | Status | Margin | Would settle it |", "|---|---|---|---|---|"]
    for status in statuses:
        threshold = f"{status.threshold_id}: {status.comparator} {format_flop(status.value_flop)} FLOP"
        if status.basis != "training":
            threshold += f" ({status.basis})"
        margin = (
            f"{status.orders_of_magnitude:+.1f} orders of magnitude"
            if status.orders_of_magnitude is not None
            else "–"
        )
        lines.append(
            f"| {cell(status.policy)} | {cell(threshold)} | **{cell(status.status)}** | {cell(margin)} | "
            f"{cell(status.decisive or '–')} |"
        )
    return [*lines, ""]


def _findings_table(findings: list[Finding], catalogue: Catalogue) -> list[str]:
    lines = ["| Severity | Line | Rule | Message |", "|---|---|---|---|"]
    for item in findings:
        rule = catalogue.rules.get(item.code)
        name = item.name or (rule.name if rule else "")
        message = item.message
        if item.policy:
            message += f"\nPolicy: {item.policy}"
        if item.fix:
            message += f"\nFix: {item.fix}"
        lines.append(
            f"| {ICONS[item.severity.value]} {item.severity.value} | {position(item.location) or '–'} | "
            f"{_code(item.code)} {cell(name)} | {cell(message)} |"
        )
    return [*lines, ""]
