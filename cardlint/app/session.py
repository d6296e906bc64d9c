"""The run loop every command shares: settings per target, targets resolved (local, stdin, Hub) and analysed
in order. Nothing here prints."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from cardlint.config.settings import ConfigError, Settings, apply_config, find_config, load_config
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
            from cardlint.sources.hub_http import HubRun
            from cardlint.sources.hub_lineage import BaseCardCache

            bases = BaseCardCache()
            hub_run = HubRun.start(settings.limits.max_hub_seconds_per_run)
        yield _hub_target(target, command_line, settings, bases, hub_run)


def _hub_target(
    target: str, command_line: CommandLine, settings: Settings, bases: Any, hub_run: Any
) -> Target:
    """A Hub repo with its base-model cards (for lineage), fetched through huggingface_hub's cache; all
    Hub reads of the run share `hub_run`'s clock (limits.max_hub_seconds_per_run)."""
    from cardlint.sources.hub import load_hub_target
    from cardlint.sources.hub_lineage import base_chain
    from cardlint.sources.hub_target import parse_hub_target

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
    from cardlint.pipeline.analysis import Environment, analyse

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
            environment = Environment(settings=settings, policies=policies_or_fail(settings))
            environments[id(settings)] = environment
        yield analyse(target.loaded, environment, stages)


def _settings_or_fail(command_line: CommandLine, anchor: Path | None, cache: dict[str, Settings]) -> Settings:
    try:
        return settings_for(command_line, anchor, cache)
    except ConfigError as exc:
        raise UsageFailure(str(exc)) from None


def policies_or_fail(settings: Settings) -> list[Any]:
    """The policies the settings select, or a UsageFailure naming the bad id or file."""
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


def one_line(message: str) -> str:
    """A message as one line whatever a file name holds: line breaks and control characters escaped."""
    return message.translate(_CONTROL_ESCAPES)


_CONTROL_ESCAPES = {code: f"\\x{code:02x}" for code in (*range(32), 127)} | {10: "\\n", 13: "\\r", 9: "\\t"}
