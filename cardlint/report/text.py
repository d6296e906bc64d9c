"""Human-readable output: findings (concise, full), statistics, the rule list, facts and estimate receipts."""

from __future__ import annotations

import math
from collections import Counter

import click

from cardlint.config.catalogue import Catalogue
from cardlint.report.common import plural
from cardlint.types import CardReport, Fact, Interval, Severity

_COLOURS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def human_count(value: float) -> str:
    """8030000000 -> '8.03B'; keeps three significant figures, the precision cards themselves use."""
    for factor, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(value) >= factor:
            return f"{value / factor:.3g}{suffix}"
    return f"{value:.3g}"


def human_flop(value: float | None) -> str:
    if value is None or value <= 0 or not math.isfinite(value):
        return "n/a"
    exponent = math.floor(math.log10(value))
    return f"{value / 10**exponent:.2f}e{exponent} FLOP"


def human_interval(interval: Interval | None) -> str:
    if interval is None:
        return "unknown"
    return f"{human_flop(interval.central)}  [{human_flop(interval.low)} .. {human_flop(interval.high)}]"


_UNIT_FORMAT = {
    "parameters": human_count,
    "active_parameters": human_count,
    "training_tokens": human_count,
    "fine_tune_tokens": human_count,
    "device_hours": human_count,
    "fine_tune_device_hours": human_count,
    "training_flop": human_flop,
}


def human_fact_value(fact: Fact) -> str:
    if isinstance(fact.value, str):
        return fact.value
    formatter = _UNIT_FORMAT.get(fact.kind)
    text = formatter(fact.value) if formatter else f"{fact.value:.4g} {fact.unit}".strip()
    prefix = "≥" if fact.lower_bound else ("~" if fact.approximate else "")
    return prefix + text


# ---------------------------------------------------------------- findings


def render_findings(reports: list[CardReport], *, full: bool, quiet: bool, color: bool) -> str:
    out: list[str] = []
    for report in reports:
        lines = report.lines
        for finding in report.findings:
            where = f"{finding.location.path}:{finding.location.line or 1}:{finding.location.column or 1}"
            severity = finding.severity.value
            label = click.style(severity, fg=_COLOURS[finding.severity]) if color else severity
            code = click.style(finding.code, bold=True) if color else finding.code
            out.append(f"{where}: {code} [{label}] {finding.message}")
            if full:
                out.extend(_excerpt(lines, finding.location.line, finding.location.column))
                if finding.fix:
                    out.append(f"    help: {finding.fix}")
                if finding.policy:
                    out.append(f"    policy: {finding.policy}")
    if not quiet:
        out.append(summary_line(Counter(f.severity for r in reports for f in r.findings), len(reports)))
    return "\n".join(out) + ("\n" if out else "")


def summary_line(counts: Counter[Severity], cards: int) -> str:
    """The last line of the text formats (also written by `check` when it streams card by card)."""
    total = sum(counts.values())
    if total:
        return (
            f"Found {plural(total, 'finding')} in {plural(cards, 'card')} "
            f"({plural(counts[Severity.ERROR], 'error')}, {plural(counts[Severity.WARNING], 'warning')}, "
            f"{counts[Severity.INFO]} info). "
            "`cardlint explain CODE` tells why each matters."
        )
    if cards == 0:
        return "No card was linted."
    return f"All checks passed ({plural(cards, 'card')})."


def _excerpt(lines: list[str], line: int | None, column: int | None) -> list[str]:
    if not line or line > len(lines):
        return []
    text = lines[line - 1].rstrip("\r")[:200]
    caret = " " * max((column or 1) - 1, 0) + "^"
    return [f"  {line:>5} | {text}", f"        | {caret}"]


def render_statistics(reports: list[CardReport]) -> str:
    counts: Counter[tuple[str, str, str]] = Counter(
        (f.code, f.name, f.severity.value) for r in reports for f in r.findings
    )
    rows = [
        f"{count:>6}  {code}  {name} [{severity}]" for (code, name, severity), count in sorted(counts.items())
    ]
    return "\n".join(rows) + ("\n" if rows else "")


def render_rules(catalogue: Catalogue) -> str:
    rows = [
        f"{rule.code}  {rule.name:<40} {rule.severity.value:<8} {rule.summary}"
        for rule in catalogue.rules.values()
    ]
    return "\n".join(rows) + "\n"


# ---------------------------------------------------------------- facts and estimates


def render_facts(reports: list[CardReport]) -> str:
    out: list[str] = []
    for report in reports:
        out.append(f"{report.path}  (subject: {report.subject or 'unknown'})")
        if not report.facts:
            out.append("  no compute-relevant figures found")
        out.extend(f"  {row}" for row in _aligned([_fact_cells(fact) for fact in report.facts]))
        out.append("")
    return "\n".join(out)


def _fact_cells(fact: Fact) -> list[str]:
    flags = " ".join(flag for flag, on in (("derived", fact.derived), ("ambiguous", fact.ambiguous)) if on)
    return [
        fact.kind,
        human_fact_value(fact),
        fact.subject or "this model",
        f"line {fact.location.line or '-'}",
        fact.origin,
        flags,
        repr(fact.quote[:70]),
    ]


def _aligned(rows: list[list[str]]) -> list[str]:
    """Rows of cells as columns two spaces apart, each as wide as its widest cell (the last not padded), so
    a long origin (`config.json`) or subject never pushes one row out of line."""
    if not rows:
        return []
    widths = [max(len(row[index]) for row in rows) for index in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row[:-1], widths[:-1], strict=True) if width]
        lines.append("  ".join([*cells, row[-1]]))
    return lines


def render_estimates(reports: list[CardReport]) -> str:
    out: list[str] = []
    for report in reports:
        out.append(f"{report.path}  (subject: {report.subject or 'unknown'})")
        estimate = report.estimate
        if estimate is None:
            out.extend(("  no estimate", ""))
            continue
        for method in estimate.methods:
            out.append(f"  method {method.method}: {human_interval(method.interval)}")
            out.append(f"    formula: {method.formula}")
            for fact in method.inputs:
                where = f"line {fact.location.line or '-'}" + (
                    ", from the model's name" if fact.from_name else ""
                )
                out.append(f"    input {fact.kind} = {human_fact_value(fact)} ({where})")
            for assumption in method.assumptions:
                out.append(f"    assumes {assumption}")
        out.append(f"  training compute: {human_interval(estimate.training_flop)}")
        out.append(
            f"    from: {estimate.driver}: {estimate.reason}" if estimate.driver else f"    {estimate.reason}"
        )
        for note in estimate.notes:
            out.append(f"    note: {note}")
        lineage = estimate.lineage
        if lineage is not None:
            out.append(
                f"  lineage: {' -> '.join(lineage.chain) or lineage.base_model or 'base model not named'}"
            )
            if lineage.own:
                out.append(f"    own (fine-tune) compute {human_interval(lineage.own)}")
            if lineage.base_flop:
                out.append(
                    f"    base compute {human_flop(lineage.base_flop)} ({lineage.base_source or 'reference'})"
                )
            if lineage.cumulative:
                out.append(f"    cumulative (base + own) {human_interval(lineage.cumulative)}")
            for note in lineage.notes:
                if note:
                    out.append(f"    {note}")
        if estimate.percentile is not None:
            share = estimate.percentile.share * 100
            out.append(
                f"  rank: larger than {share:.0f}% of {estimate.percentile.population} reference models "
                "with known compute"
            )
        for status in report.thresholds:
            oom = (
                f" ({status.orders_of_magnitude:+.1f} OOM)" if status.orders_of_magnitude is not None else ""
            )
            decisive = f"; would be settled by {status.decisive}" if status.decisive else ""
            out.append(
                f"  {status.policy} {status.comparator} {status.value_flop:.0e} [{status.basis}]: "
                f"{status.status}{oom}{decisive}"
            )
        out.append("")
    return "\n".join(out)
