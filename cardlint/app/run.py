"""Running a command over its targets: resolve each, load config, analyse, render, decide the exit code.

Kept apart from cli.py so the option parsing stays thin and this logic can be called (and tested) with plain
values. Each target fails on its own: a target that cannot be read is one line on stderr and exit 2, while the
other targets of the same run are still linted.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from cardlint.app.rendering import RenderedCard, _dated, _render, render_card
from cardlint.app.session import (
    EXIT_CLEAN,
    EXIT_ERROR,
    EXIT_FINDINGS,
    CommandLine,
    UsageFailure,
    _settings_or_fail,
    analyse_all,
    iter_analyses,
    one_line,
)
from cardlint.config.settings import Settings
from cardlint.sources import SourceError
from cardlint.types import CardReport, Severity

# ---------------------------------------------------------------- settings


# ---------------------------------------------------------------- targets


# ---------------------------------------------------------------- analysis


def _print_errors(errors: list[str]) -> None:
    for line in errors:
        click.echo(f"cardlint: {one_line(line)}", err=True)


def note_as_of(settings: Settings, dated: bool) -> None:
    """Say which date judged the policies when the output depends on it and nothing pinned it: a run on
    another day may then report otherwise, which CI should not discover by turning red."""
    if dated and not settings.as_of_pinned:
        click.echo(
            f"cardlint: policies judged as in force on {settings.as_of.isoformat()} (today); pin the date "
            "with `as-of` in the config (or --as-of) for reproducible CI",
            err=True,
        )


def _emit(text: str, output_file: str | None = None) -> None:
    if output_file:
        Path(output_file).write_text(text, encoding="utf-8", errors="backslashreplace")
    else:
        click.echo(text, nl=False)


# ---------------------------------------------------------------- commands


def run_check(
    command_line: CommandLine,
    *,
    output_format: str,
    exit_zero: bool,
    statistics: bool,
    quiet: bool,
    jobs: int,
    output_file: str | None,
    fix: bool,
    unsafe_fixes: bool,
    color: str = "auto",
) -> int:
    from cardlint.checks.engine import SelectorError
    from cardlint.config.catalogue import load_catalogue

    fmt = _auto_format(output_format)
    if not statistics and fmt in _STREAMED:
        options = _StreamOptions(
            exit_zero=exit_zero, quiet=quiet, jobs=jobs, output_file=output_file, fix=fix,
            unsafe_fixes=unsafe_fixes, color=color,
        )  # fmt: skip
        return _stream_check(command_line, fmt, options)
    try:
        fix_errors = _apply_fixes(command_line, unsafe=unsafe_fixes) if fix else []
        serial = jobs == 1 or "-" in command_line.targets  # workers cannot share our stdin
        reports, errors, settings = (
            analyse_all(command_line, None) if serial else _analyse_parallel(command_line, jobs)
        )
    except (UsageFailure, SelectorError) as exc:
        click.echo(f"cardlint: {one_line(str(exc))}", err=True)
        return EXIT_ERROR
    _print_errors(errors)
    errors += fix_errors  # already printed by the fixer
    catalogue = load_catalogue()
    if statistics:
        from cardlint.report.text import render_statistics

        _emit(render_statistics(reports), output_file)
    else:
        _emit(_render(fmt, reports, catalogue, quiet=quiet), output_file)
    if fmt == "github" and os.environ.get("GITHUB_STEP_SUMMARY"):
        _write_step_summary(reports, catalogue)
    if not quiet:
        note_as_of(settings, any(_dated(report) for report in reports))
    failing = any(f.severity.rank >= settings.fail_on.rank for r in reports for f in r.findings)
    return _exit_code(errors=bool(errors), exit_zero=exit_zero, failing=failing)


def _exit_code(*, errors: bool, exit_zero: bool, failing: bool) -> int:
    """`check`'s exit code: 2 if a target could not be read, else 1 on failing findings unless --exit-zero."""
    if errors:
        return EXIT_ERROR
    if exit_zero:
        return EXIT_CLEAN
    return EXIT_FINDINGS if failing else EXIT_CLEAN


# Formats whose output is the concatenation of each card's own part: written card by card, so a run over any
# number of cards holds one card's report at a time (memory stays flat) and output starts at once.
_STREAMED = ("concise", "full", "json-lines")


@dataclass(frozen=True)
class _StreamOptions:
    """The options of `check` that a streamed run reads (run_check's keywords, passed on as one value)."""

    exit_zero: bool
    quiet: bool
    jobs: int
    output_file: str | None
    fix: bool
    unsafe_fixes: bool
    color: str = "auto"


def _stream_check(command_line: CommandLine, fmt: str, options: _StreamOptions) -> int:
    """`check` for the streamed formats: each report is rendered and written as soon as it is done."""
    from collections import Counter

    from cardlint.checks.engine import SelectorError
    from cardlint.config.catalogue import load_catalogue

    catalogue = load_catalogue()
    counts: Counter[Severity] = Counter()
    cards = 0
    failed = False
    dated = False
    errors = 0
    output_file = options.output_file
    handle = open(output_file, "w", encoding="utf-8", errors="backslashreplace") if output_file else None  # noqa: SIM115
    try:
        try:
            errors += len(_apply_fixes(command_line, unsafe=options.unsafe_fixes) if options.fix else [])
            items: Iterator[RenderedCard | str]
            if options.jobs == 1 or "-" in command_line.targets:  # workers cannot share our stdin
                cache: dict[str, Settings] = {}
                settings = _settings_or_fail(command_line, None, cache)
                items = (
                    item if isinstance(item, str) else render_card(fmt, item, catalogue)
                    for item in iter_analyses(command_line, None, cache, settings)
                )
            else:
                from cardlint.app.parallel import rendered_in_processes

                settings, items = rendered_in_processes(command_line, options.jobs, fmt)
            for item in items:
                if isinstance(item, str):
                    errors += 1
                    _print_errors([item])
                    continue
                cards += 1
                counts.update(item.counts)
                failed = failed or item.worst >= settings.fail_on.rank
                dated = dated or item.dated
                _write(item.text, handle, options.color)
        except (UsageFailure, SelectorError) as exc:
            click.echo(f"cardlint: {one_line(str(exc))}", err=True)
            return EXIT_ERROR
        if fmt != "json-lines" and not options.quiet:
            from cardlint.report.text import summary_line

            _write(summary_line(counts, cards) + "\n", handle, options.color)
    finally:
        if handle is not None:
            handle.close()
    if not options.quiet:
        note_as_of(settings, dated)
    return _exit_code(errors=bool(errors), exit_zero=options.exit_zero, failing=failed)


def _write(text: str, handle: Any, color: str = "auto") -> None:
    """Write styled text; click removes the styles unless colour is wanted (see _echo_color)."""
    if handle is not None:
        handle.write(text if color == "always" else click.unstyle(text))
    elif text:
        click.echo(text, nl=False, color=_echo_color(color))


def _echo_color(mode: str) -> bool | None:
    """--color: `always` and `never` decide; `auto` is click's rule (colour only on a terminal), and off
    when NO_COLOR is set (no-color.org)."""
    if mode == "always":
        return True
    if mode == "never" or "NO_COLOR" in os.environ:
        return False
    return None


def _auto_format(output_format: str) -> str:
    if output_format != "auto":
        return output_format
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "concise"


def _write_step_summary(reports: list[CardReport], catalogue: Any) -> None:
    from cardlint.report.github import write_step_summary

    write_step_summary(reports, catalogue)


def _apply_fixes(command_line: CommandLine, *, unsafe: bool) -> list[str]:
    """`check --fix`: apply fixes to local cards before linting, under the settings `check` uses for each
    (so --config and --isolated count); returns the cards it could not handle (exit 2), already printed."""
    from cardlint.commands.fix import not_handled, report_fix
    from cardlint.fix.apply import apply_fixes
    from cardlint.sources.local import expand_local

    errors: list[str] = []
    cache: dict[str, Settings] = {}
    for target in command_line.targets:
        if target == "-" or not Path(target).exists():
            continue
        try:
            paths = expand_local(target, recursive=command_line.recursive)
        except SourceError:
            continue
        for path in paths:
            settings = _settings_or_fail(command_line, path, cache)
            result = apply_fixes(path, unsafe=unsafe, diff_only=False, settings=settings)
            report_fix(result, diff_only=False, verbose=False)
            if not_handled(result):
                errors.append(f"{result.path}: {result.error or result.skipped}")
    return errors


def _analyse_parallel(command_line: CommandLine, jobs: int) -> tuple[list[CardReport], list[str], Settings]:
    from cardlint.app.parallel import analyse_in_processes

    return analyse_in_processes(command_line, jobs)


def run_facts(command_line: CommandLine, *, output_format: str) -> int:
    return _run_report(command_line, output_format=output_format, command="facts")


def run_estimate(command_line: CommandLine, *, output_format: str) -> int:
    return _run_report(command_line, output_format=output_format, command="estimate")


def _run_report(command_line: CommandLine, *, output_format: str, command: str) -> int:
    """`facts` and `estimate`: analyse without the checks, then render the command's text or JSON."""
    from cardlint.pipeline.analysis import Stages

    try:
        reports, errors, settings = analyse_all(
            command_line, Stages(estimate=command == "estimate", checks=False)
        )
    except UsageFailure as exc:
        click.echo(f"cardlint: {one_line(str(exc))}", err=True)
        return EXIT_ERROR
    _print_errors(errors)
    if output_format == "json":
        from cardlint.config.catalogue import load_catalogue
        from cardlint.report.json import render

        _emit(render(reports, load_catalogue(), command=command))
    else:
        from cardlint.report.text import render_estimates, render_facts

        _emit(render_estimates(reports) if command == "estimate" else render_facts(reports))
    if command == "estimate":
        note_as_of(settings, any(_dated(report, thresholds=True) for report in reports))
    return EXIT_ERROR if errors else EXIT_CLEAN
