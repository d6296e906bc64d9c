"""Configuration: `[tool.cardlint]` in pyproject.toml, or cardlint.toml / .cardlint.toml, found walking up.

Discovery starts at each target's folder and stops at the repository root (a folder holding .git) or the
user's home. The command line always wins over the file; unknown keys are an error that names the key and
the file, because a silently ignored typo in a linter's config is a rule silently not applied.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from cardlint.core.limits import DEFAULT_LIMITS, MAX_LIMIT, Limits
from cardlint.core.regex_store import compile_pattern
from cardlint.types import Severity

CONFIG_FILE_NAMES = ("cardlint.toml", ".cardlint.toml", "pyproject.toml")

_LIST_KEYS = ("select", "ignore", "extend-select", "extend-ignore", "policies", "policy-files")
_KNOWN_KEYS = {
    *_LIST_KEYS,
    "fail-on",
    "as-of",
    "per-file-ignores",
    "severity",
    "require-front-matter",
    "utilisation",
    "hardware",
    "limits",
}


class ConfigError(Exception):
    """A config file that cannot be used; the message names the file (and key) in one line."""


@dataclass(frozen=True)
class Settings:
    """Everything that changes what cardlint reports, after merging file and command line."""

    select: tuple[str, ...] = ("ALL",)
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    severity_overrides: tuple[tuple[str, Severity], ...] = ()
    fail_on: Severity = Severity.WARNING
    policies: tuple[str, ...] | None = None  # None: every policy in force on as_of
    policy_files: tuple[str, ...] = ()
    as_of: dt.date = field(default_factory=dt.date.today)
    as_of_pinned: bool = False  # set by `as-of` in a config or --as-of; else results follow the calendar
    require_front_matter: bool = False
    utilisation: tuple[float, float, float] | None = None  # low, central, high
    hardware: tuple[dict[str, Any], ...] = ()  # extra accelerators
    limits: Limits = DEFAULT_LIMITS
    config_path: str | None = None

    @property
    def project_root(self) -> Path:
        """The folder per-file-ignores patterns are relative to: the config file's (as ruff does)."""
        return Path(self.config_path).parent if self.config_path else Path.cwd()

    def ignored_for(self, path: str) -> tuple[str, ...]:
        """Selectors ignored for `path` by per-file-ignores (cardlint.config.path_globs does the matching)."""
        from cardlint.config.path_globs import matches

        selectors: list[str] = []
        for pattern, codes in self.per_file_ignores:
            if matches(pattern, path, self.project_root):
                selectors.extend(codes)
        return tuple(selectors)


def find_config(start: Path) -> Path | None:
    """The nearest config file at or above `start` that configures cardlint."""
    folder = start if start.is_dir() else start.parent
    folder = folder.resolve()
    home = Path.home().resolve()
    for candidate_dir in (folder, *folder.parents):
        for name in CONFIG_FILE_NAMES:
            candidate = candidate_dir / name
            if candidate.is_file() and (name != "pyproject.toml" or _has_tool_section(candidate)):
                return candidate
        if (candidate_dir / ".git").exists() or candidate_dir == home:
            return None
    return None


def _has_tool_section(pyproject: Path) -> bool:
    try:
        text = pyproject.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return "[tool.cardlint" in text


def load_config(path: Path) -> dict[str, Any]:
    """The cardlint table of a config file, checked for unknown keys."""
    if sys.version_info >= (3, 11):  # imported here: a run that finds no config never needs it
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib
    try:
        raw = path.read_bytes()
        # A BOM is how some Windows editors save UTF-8; TOML forbids it, but the intent is unambiguous.
        document = tomllib.loads(raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config: {exc.strerror or exc}") from None
    except RecursionError:
        raise ConfigError(f"{path}: invalid TOML: arrays or tables nested too deeply") from None
    except tomllib.TOMLDecodeError as exc:
        # tomllib ends its message with "(at line N, column M)": lead with file:N like every other error
        position = re.search(r"\(at line (\d+), column (\d+)\)$", str(exc))
        if position is None:
            raise ConfigError(f"{path}: invalid TOML: {exc}") from None
        reason = str(exc)[: position.start()].strip()
        raise ConfigError(
            f"{path}:{position.group(1)}: invalid TOML: {reason} (column {position.group(2)})"
        ) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start}); TOML files must be UTF-8") from None
    except ValueError as exc:  # tomllib lets int() refuse a number of over 4,300 digits
        raise ConfigError(f"{path}: invalid TOML: {_first_line(exc)}") from None
    table: Any = document
    if path.name == "pyproject.toml":
        tool = document.get("tool", {})
        table = tool.get("cardlint", {}) if isinstance(tool, dict) else None
    if not isinstance(table, dict):
        raise ConfigError(f"{_at(str(path), 'cardlint')}: [tool.cardlint] must be a table")
    for key in table:
        if key not in _KNOWN_KEYS:
            raise ConfigError(
                f"{_at(str(path), key)}: unknown config key '{key}' (known: {', '.join(sorted(_KNOWN_KEYS))})"
            )
    return table


def _at(source: str, key: str, *, value: str | None = None) -> str:
    """`file:line` where `key` (or the quoted `value` under it) is written; just `file` when not found.

    tomllib keeps no positions, so the line is found in the text: the first cardlint line that assigns the
    key or opens a table of that name. Good enough to put an editor on the right line.
    """
    try:
        text = Path(source).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return source
    quoted = re.escape(key)
    assigns = compile_pattern(rf"(?:^|[{{,]\s*)[\"']?{quoted}[\"']?\s*=")
    header = compile_pattern(rf"^\[\[?\s*(?:tool\.)?(?:cardlint\.)?[\"']?{quoted}[\"']?\s*\]")
    in_scope = not source.endswith("pyproject.toml")
    key_line = None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("["):
            if source.endswith("pyproject.toml"):
                in_scope = stripped.startswith(("[tool.cardlint", "[[tool.cardlint"))
            if in_scope and header.match(stripped):
                key_line = key_line or number
            continue
        if in_scope and key_line is None and assigns.search(stripped):
            key_line = number
        found_value = value is not None and (f'"{value}"' in line or f"'{value}'" in line)
        if in_scope and key_line is not None and found_value:
            return f"{source}:{number}"
    return f"{source}:{key_line}" if key_line is not None else source


def apply_config(settings: Settings, table: dict[str, Any], source: str) -> Settings:
    """Settings with a config table applied; every value is type-checked with the file named in errors."""
    changes: dict[str, Any] = {"config_path": source}
    for key in _LIST_KEYS:
        if key in table:
            value = table[key]
            if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
                raise ConfigError(f"{_at(source, key)}: '{key}' must be a list of strings")
            if key not in ("policies", "policy-files"):
                _check_selectors(value, source, key)
            changes[key.replace("-", "_")] = tuple(value)
    if "extend-ignore" in changes:
        changes["ignore"] = changes.get("ignore", settings.ignore) + changes.pop("extend_ignore")
    if "fail-on" in table:
        changes["fail_on"] = _severity(table["fail-on"], f"{_at(source, 'fail-on')}: 'fail-on'")
    if "as-of" in table:
        changes["as_of"] = _date(table["as-of"], f"{_at(source, 'as-of')}: 'as-of'")
        changes["as_of_pinned"] = True
    if "require-front-matter" in table:
        if not isinstance(table["require-front-matter"], bool):
            raise ConfigError(
                f"{_at(source, 'require-front-matter')}: 'require-front-matter' must be true or false"
            )
        changes["require_front_matter"] = table["require-front-matter"]
    if "per-file-ignores" in table:
        changes["per_file_ignores"] = _per_file_ignores(table["per-file-ignores"], source)
    if "severity" in table:
        overrides = table["severity"]
        if not isinstance(overrides, dict):
            raise ConfigError(
                f"{_at(source, 'severity')}: 'severity' must be a table of CODE = \"error|warning|info\""
            )
        _check_rule_codes(list(overrides), source)
        changes["severity_overrides"] = tuple(
            (str(code), _severity(level, f"{_at(source, str(code))}: severity.{code}"))
            for code, level in overrides.items()
        )
    if "utilisation" in table:
        changes["utilisation"] = _utilisation(table["utilisation"], source)
    if "hardware" in table:
        hardware = table["hardware"]
        if not isinstance(hardware, list) or not all(isinstance(item, dict) for item in hardware):
            raise ConfigError(
                f"{_at(source, 'hardware')}: 'hardware' must be an array of tables "
                "([[tool.cardlint.hardware]])"
            )
        _check_hardware(hardware, source)
        changes["hardware"] = tuple(hardware)
    if "limits" in table:
        changes["limits"] = _limits(settings.limits, table["limits"], source)
    return replace(settings, **changes)


def _check_selectors(selectors: list[str], source: str, key: str, *, label: str = "") -> None:
    """Every selector in a config list names a rule, so a typo fails here, naming file, key and line."""
    from cardlint.config.catalogue import SelectorError, load_catalogue, resolve_selectors

    catalogue = load_catalogue()
    for selector in selectors:
        try:
            resolve_selectors([selector], catalogue)
        except SelectorError:
            raise ConfigError(
                f"{_at(source, key, value=selector)}: {label or repr(key)} names no rule: '{selector}' "
                "(see `cardlint rules`)"
            ) from None


def _check_rule_codes(codes: list[str], source: str) -> None:
    """Severity overrides name single rules (a code or a name); anything else would be silently unused."""
    from cardlint.config.catalogue import load_catalogue

    catalogue = load_catalogue()
    for code in codes:
        if catalogue.lookup(str(code)) is None:
            raise ConfigError(
                f"{_at(source, str(code))}: severity.{code} names no rule (see `cardlint rules`)"
            )


def _check_hardware(entries: list[dict[str, Any]], source: str) -> None:
    """Each extra accelerator is read now, so a missing `id` or a non-number peak is a config error."""
    from cardlint.compute.hardware import accelerator_from_mapping

    for index, entry in enumerate(entries):
        try:
            accelerator_from_mapping(entry, source="user config")
        except KeyError as exc:
            raise ConfigError(f"{_at(source, 'hardware')}: hardware entry {index + 1} has no {exc}") from None
        except (TypeError, ValueError, AttributeError) as exc:
            raise ConfigError(f"{_at(source, 'hardware')}: hardware entry {index + 1}: {exc}") from None


def _limits(current: Limits, values: Any, source: str) -> Limits:
    if not isinstance(values, dict):
        raise ConfigError(f"{_at(source, 'limits')}: 'limits' must be a table")
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_LIMIT:
            raise ConfigError(
                f"{_at(source, name)}: limit '{name}' must be a whole number from 1 to {MAX_LIMIT:,}"
                f" (got {_short(value)})"
            )
    try:
        return current.updated(values)
    except KeyError as exc:
        raise ConfigError(f"{_at(source, str(exc.args[0]))}: unknown limit {exc}") from None


def _first_line(exc: BaseException) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0].split(";")[0]


def _short(value: Any) -> str:
    """A value for an error line: a huge number or string is cut, so the message stays one short line."""
    text = (
        repr(value)
        if not isinstance(value, int) or value.bit_length() < 200
        else f"a {value.bit_length()}-bit number"
    )
    return text if len(text) <= 60 else text[:57] + "..."


def _severity(value: Any, where: str) -> Severity:
    try:
        return Severity(str(value).lower())
    except ValueError:
        raise ConfigError(f"{where} must be one of error, warning, info (got {value!r})") from None


def _date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ConfigError(f"{where} must be a date like 2025-08-02 (got {value!r})") from None


def _per_file_ignores(value: Any, source: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(value, dict):
        raise ConfigError(
            f"{_at(source, 'per-file-ignores')}: 'per-file-ignores' must be a table of \"glob\" = [codes]"
        )
    result = []
    for pattern, codes in value.items():
        if not isinstance(codes, list) or not all(isinstance(code, str) for code in codes):
            raise ConfigError(
                f"{_at(source, str(pattern))}: per-file-ignores '{pattern}' must be a list of codes"
            )
        _check_selectors(codes, source, str(pattern), label=f"per-file-ignores '{pattern}'")
        result.append((str(pattern), tuple(codes)))
    return tuple(result)


def _utilisation(value: Any, source: str) -> tuple[float, float, float]:
    if isinstance(value, dict):
        try:
            low, central, high = (float(value[key]) for key in ("low", "central", "high"))
        except (KeyError, TypeError, ValueError):
            raise ConfigError(
                f"{_at(source, 'utilisation')}: 'utilisation' needs numbers low, central and high"
            ) from None
    else:
        raise ConfigError(
            f"{_at(source, 'utilisation')}: 'utilisation' must be a table {{low, central, high}}"
        )
    if not 0 < low <= central <= high <= 1:
        raise ConfigError(
            f"{_at(source, 'utilisation')}: 'utilisation' must satisfy 0 < low <= central <= high <= 1"
        )
    return low, central, high
