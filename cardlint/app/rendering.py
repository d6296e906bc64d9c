"""Output formats for a run's reports, and one card's part of a streamed format, rendered where the card was
analysed (a worker or the parent)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cardlint.types import CardReport, Severity


def _dated(report: CardReport, *, thresholds: bool = False) -> bool:
    """Whether what a command shows of a report depends on the date: a finding under a policy, or (for
    `estimate`, which prints them) a threshold status."""
    return (thresholds and bool(report.thresholds)) or any(item.policy for item in report.findings)


@dataclass(frozen=True)
class RenderedCard:
    """One card's part of a streamed output and what the summary and exit code need from it. Workers of
    `--jobs` send this, not the report: a string pickles far cheaper than dozens of findings."""

    text: str
    counts: dict[Severity, int]
    worst: int  # highest severity rank among the findings; -1 without findings
    dated: bool = False  # something in it depends on the --as-of date


def render_card(fmt: str, report: CardReport, catalogue: Any) -> RenderedCard:
    from collections import Counter

    counts = Counter(finding.severity for finding in report.findings)
    worst = max((severity.rank for severity in counts), default=-1)
    return RenderedCard(_render(fmt, [report], catalogue, quiet=True), dict(counts), worst, _dated(report))


def _render(fmt: str, reports: list[CardReport], catalogue: Any, *, quiet: bool) -> str:
    if fmt in ("concise", "full"):
        from cardlint.report.text import render_findings

        # always styled: whether the styles reach the reader is decided where the text is written
        return render_findings(reports, full=fmt == "full", quiet=quiet, color=True)
    if fmt == "json":
        from cardlint.report.json import render

        return render(reports, catalogue, command="check")
    module = {
        "json-lines": "jsonlines",
        "sarif": "sarif",
        "github": "github",
        "markdown": "markdown",
        "junit": "junit",
    }[fmt]
    import importlib

    renderer = importlib.import_module(f"cardlint.report.{module}")
    return str(renderer.render(reports, catalogue))
