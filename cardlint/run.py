"""Running a command over its targets: resolve each, load config, analyse, render, decide the exit code.

Kept apart from cli.py so the option parsing stays thin and this logic can be called (and tested) with plain
values. Each target fails on its own: a target that cannot be read is one line on stderr and exit 2, while the
other targets of the same run are still linted.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import click

from cardlint.settings import ConfigError, Settings, apply_config, find_config, load_config
from cardlint.sources import LoadedTarget, SourceError
from cardlint.types import CardReport, Severity

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


@dataclass
class CommandLine:
    """What the user asked for, before any file is read."""

    targets: tuple[str, ...]
    recursive: bool = False
    config_path: str | None = None
    isolated: bool = False
    overrides: dict[str, Any] = field(default_factory=dict)
    offline: bool = False


class UsageFailure(Exception):
    """A run that cannot start (bad config, bad selector, bad policy file): one line, exit 2."""


# ---------------------------------------------------------------- settings


def settings_for(command_line: CommandLine, anchor: Path | None, cache: dict[str, Settings]) -> Settings:
    """Settings for a target: the nearest config file (unless isolated), then the command line on top."""
    if command_line.isolated:
        config_file = None
    elif command_line.config_path:
        config_file = Path(command_line.config_path)
    else:
        config_file = find_config(anchor) if anchor is not None else find_config(Path.cwd())
    key = str(config_file)
    if key not in cache:
        settings = Settings()
        if config_file is not None:
            settings = apply_config(settings, load_config(config_file), str(config_file))
        cache[key] = _with_overrides(settings, command_line.overrides)
    return cache[key]


def _with_overrides(settings: Settings, overrides: dict[str, Any]) -> Settings:
    changes = dict(overrides)
    if "fail_on" in changes:
        changes["fail_on"] = Severity(changes["fail_on"])
    return replace(settings, **changes)


# ---------------------------------------------------------------- targets


@dataclass
class Target:
    """One card to analyse, or the one-line reason it cannot be."""

    label: str
    anchor: Path | None  # where config discovery starts
    loaded: LoadedTarget | None = None
    error: str | None = None


def resolve_targets(command_line: CommandLine, settings: Settings) -> Iterator[Target]:
    """Local paths win over Hub ids; `hf://` never touches the disk; `-` reads stdin."""
    from cardlint.sources.local import expand_local, read_card_file, read_stdin

    bases: Any = None  # one cache of base-model cards per run, created when the first Hub target appears
    hub_run: Any = None  # and one clock for all the run's Hub reads
    for target in command_line.targets:
        if target == "-":
            try:
                yield Target("-", None, loaded=read_stdin(settings.limits))
            except SourceError as exc:
                yield Target("-", None, error=str(exc))
            continue
        if not target.startswith("hf://") and (Path(target).exists() or Path(target).is_symlink()):
            try:
                paths = expand_local(target, recursive=command_line.recursive)
            except SourceError as exc:
                yield Target(target, Path(target), error=str(exc))
                continue
            for path in paths:
                try:
                    yield Target(
                        str(path), path, loaded=read_card_file(path, settings.limits, display=str(path))
                    )
                except SourceError as exc:
                    yield Target(str(path), path, error=str(exc))
            continue
        if bases is None:
            from cardlint.sources.hub import BaseCardCache
            from cardlint.sources.hub_http import HubRun

            bases = BaseCardCache()
            hub_run = HubRun.start(settings.limits.max_hub_seconds_per_run)
        yield _hub_target(target, command_line, settings, bases, hub_run)


def _hub_target(
    target: str, command_line: CommandLine, settings: Settings, bases: Any, hub_run: Any
) -> Target:
    """A Hub repo with its base-model cards (for lineage), fetched through huggingface_hub's cache; all
    Hub reads of the run share `hub_run`'s clock (limits.max_hub_seconds_per_run)."""
    from cardlint.sources.hub import base_chain, load_hub_target, parse_hub_target

    try:
        ref = parse_hub_target(target)  # raises for an invalid explicit hf:// id
        if ref is None:
            return Target(
                target, None, error=f"{target}: no such file or folder, and not a Hub repo id (org/name)"
            )
        loaded = load_hub_target(ref, offline=command_line.offline, limits=settings.limits, run=hub_run)
    except SourceError as exc:
        return Target(target, None, error=str(exc))
    loaded.bases, loaded.notes = base_chain(
        loaded, offline=command_line.offline, limits=settings.limits, cache=bases, run=hub_run
    )
    return Target(target, None, loaded=loaded)


# ---------------------------------------------------------------- analysis


def analyse_all(command_line: CommandLine, stages: Any) -> tuple[list[CardReport], list[str], Settings]:
    """Analyse every target; returns reports, the error lines, and the settings of the first target."""
    cache: dict[str, Settings] = {}
    base = _settings_or_fail(command_line, None, cache)
    reports: list[CardReport] = []
    errors: list[str] = []
    for item in iter_analyses(command_line, stages, cache, base):
        if isinstance(item, str):
            errors.append(item)
        else:
            reports.append(item)
    return reports, errors, base


def iter_analyses(
    command_line: CommandLine, stages: Any, cache: dict[str, Settings], base: Settings
) -> Iterator[CardReport | str]:
    """Each target's report (or its one-line error) as soon as it is done, in target order."""
    from cardlint.pipeline import Environment, analyse

    environments: dict[int, Environment] = {}
    for target in resolve_targets(command_line, base):
        if target.error is not None or target.loaded is None:
            yield target.error or f"{target.label}: cannot be read"
            continue
        settings = _settings_or_fail(command_line, target.anchor, cache)
        if settings.require_front_matter and not target.loaded.raw.startswith((b"---", b"\xef\xbb\xbf---")):
            continue
        environment = environments.get(id(settings))
        if environment is None:
            environment = Environment(settings=settings, policies=_policies_or_fail(settings))
            environments[id(settings)] = environment
        yield analyse(target.loaded, environment, stages)


def _settings_or_fail(command_line: CommandLine, anchor: Path | None, cache: dict[str, Settings]) -> Settings:
    try:
        return settings_for(command_line, anchor, cache)
    except ConfigError as exc:
        raise UsageFailure(str(exc)) from None


def _policies_or_fail(settings: Settings) -> list[Any]:
    from cardlint.policy.loading import select_policies
    from cardlint.policy.model import PolicyError

    try:
        return select_policies(
            list(settings.policies) if settings.policies is not None else None,
            list(settings.policy_files),
            settings.as_of,
        )
    except PolicyError as exc:
        raise UsageFailure(str(exc)) from None


def _print_errors(errors: list[str]) -> None:
    for line in errors:
        click.echo(f"cardlint: {one_line(line)}", err=True)


def one_line(message: str) -> str:
    """A message as one line whatever a file name holds: line breaks and control characters escaped."""
    return message.translate(_CONTROL_ESCAPES)


_CONTROL_ESCAPES = {code: f"\\x{code:02x}" for code in (*range(32), 127)} | {10: "\\n", 13: "\\r", 9: "\\t"}


def note_as_of(settings: Settings, dated: bool) -> None:
    """Say which date judged the policies when the output depends on it and nothing pinned it: a run on
    another day may then report otherwise, which CI should not discover by turning red."""
    if dated and not settings.as_of_pinned:
        click.echo(
            f"cardlint: policies judged as in force on {settings.as_of.isoformat()} (today); pin the date "
            "with `as-of` in the config (or --as-of) for reproducible CI",
            err=True,
        )


def _dated(report: CardReport, *, thresholds: bool = False) -> bool:
    """Whether what a command shows of a report depends on the date: a finding under a policy, or (for
    `estimate`, which prints them) a threshold status."""
    return (thresholds and bool(report.thresholds)) or any(item.policy for item in report.findings)


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
    from cardlint.catalogue import load_catalogue
    from cardlint.engine import SelectorError

    fmt = _auto_format(output_format)
    if not statistics and fmt in _STREAMED:
        return _stream_check(
            command_line, fmt, exit_zero=exit_zero, quiet=quiet, jobs=jobs, output_file=output_file, fix=fix,
            unsafe_fixes=unsafe_fixes, color=color,
        )  # fmt: skip
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
    if errors:
        return EXIT_ERROR
    if exit_zero:
        return EXIT_CLEAN
    failing = any(f.severity.rank >= settings.fail_on.rank for r in reports for f in r.findings)
    return EXIT_FINDINGS if failing else EXIT_CLEAN


# Formats whose output is the concatenation of each card's own part: written card by card, so a run over any
# number of cards holds one card's report at a time (memory stays flat) and output starts at once.
_STREAMED = ("concise", "full", "json-lines")


def _stream_check(
    command_line: CommandLine,
    fmt: str,
    *,
    exit_zero: bool,
    quiet: bool,
    jobs: int,
    output_file: str | None,
    fix: bool,
    unsafe_fixes: bool,
    color: str = "auto",
) -> int:
    """`check` for the streamed formats: each report is rendered and written as soon as it is done."""
    from collections import Counter

    from cardlint.catalogue import load_catalogue
    from cardlint.engine import SelectorError

    catalogue = load_catalogue()
    counts: Counter[Severity] = Counter()
    cards = 0
    failed = False
    dated = False
    errors = 0
    handle = open(output_file, "w", encoding="utf-8", errors="backslashreplace") if output_file else None  # noqa: SIM115
    try:
        try:
            errors += len(_apply_fixes(command_line, unsafe=unsafe_fixes) if fix else [])
            items: Iterator[RenderedCard | str]
            if jobs == 1 or "-" in command_line.targets:  # workers cannot share our stdin
                cache: dict[str, Settings] = {}
                settings = _settings_or_fail(command_line, None, cache)
                items = (
                    item if isinstance(item, str) else render_card(fmt, item, catalogue)
                    for item in iter_analyses(command_line, None, cache, settings)
                )
            else:
                from cardlint.parallel import rendered_in_processes

                settings, items = rendered_in_processes(command_line, jobs, fmt)
            for item in items:
                if isinstance(item, str):
                    errors += 1
                    _print_errors([item])
                    continue
                cards += 1
                counts.update(item.counts)
                failed = failed or item.worst >= settings.fail_on.rank
                dated = dated or item.dated
                _write(item.text, handle, color)
        except (UsageFailure, SelectorError) as exc:
            click.echo(f"cardlint: {one_line(str(exc))}", err=True)
            return EXIT_ERROR
        if fmt != "json-lines" and not quiet:
            from cardlint.report.text import summary_line

            _write(summary_line(counts, cards) + "\n", handle, color)
    finally:
        if handle is not None:
            handle.close()
    if not quiet:
        note_as_of(settings, dated)
    if errors:
        return EXIT_ERROR
    if exit_zero:
        return EXIT_CLEAN
    return EXIT_FINDINGS if failed else EXIT_CLEAN


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
    from cardlint.parallel import analyse_in_processes

    return analyse_in_processes(command_line, jobs)


def run_facts(command_line: CommandLine, *, output_format: str) -> int:
    return _run_report(command_line, output_format=output_format, command="facts")


def run_estimate(command_line: CommandLine, *, output_format: str) -> int:
    return _run_report(command_line, output_format=output_format, command="estimate")


def _run_report(command_line: CommandLine, *, output_format: str, command: str) -> int:
    """`facts` and `estimate`: analyse without the checks, then render the command's text or JSON."""
    from cardlint.pipeline import Stages

    try:
        reports, errors, settings = analyse_all(
            command_line, Stages(estimate=command == "estimate", checks=False)
        )
    except UsageFailure as exc:
        click.echo(f"cardlint: {one_line(str(exc))}", err=True)
        return EXIT_ERROR
    _print_errors(errors)
    if output_format == "json":
        from cardlint.catalogue import load_catalogue
        from cardlint.report.json import render

        _emit(render(reports, load_catalogue(), command=command))
    else:
        from cardlint.report.text import render_estimates, render_facts

        _emit(render_estimates(reports) if command == "estimate" else render_facts(reports))
    if command == "estimate":
        note_as_of(settings, any(_dated(report, thresholds=True) for report in reports))
    return EXIT_ERROR if errors else EXIT_CLEAN
