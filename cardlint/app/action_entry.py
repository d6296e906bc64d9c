"""The GitHub Action's logic (action.yml runs `python -m cardlint.app.action_entry`).

Inputs arrive only as environment variables (INPUT_PATHS, INPUT_POLICIES, INPUT_AS_OF, INPUT_FAIL_ON,
INPUT_CONFIG, INPUT_SARIF_FILE, INPUT_REQUIRE_FRONT_MATTER, INPUT_SELECT, INPUT_IGNORE, INPUT_ARGS), never
spliced into a shell script, so a pull request cannot inject commands through them; paths are passed after
`--` so they cannot become options, and `args` may not take over the options the action itself sets.

cardlint runs twice: once writing SARIF (the counts and threshold status for the step outputs are read back
from it, and it is the file for upload-sarif), once in the `github` format, whose annotations go to the log
and whose Markdown goes to the step summary. Its exit code is the step's.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cardlint.report.common import NO_THRESHOLDS, THRESHOLD_STATUS_ORDER
from cardlint.report.github import command

FAIL_LEVELS = ("error", "warning", "info", "never")
EXIT_ERROR = 2
# Options the action sets for its two runs; `args` naming one would break the SARIF or the annotations.
RESERVED_OPTIONS = ("--format", "--output-file", "-o", "--fix", "--unsafe-fixes", "--statistics")

Runner = Callable[..., "subprocess.CompletedProcess[str]"]


class InputError(ValueError):
    """An action input that cannot be used; reported as one ::error line."""


@dataclass(frozen=True)
class ActionInputs:
    paths: tuple[str, ...] = (".",)
    policies: tuple[str, ...] = ()
    as_of: str | None = None
    fail_on: str | None = None
    config: str | None = None
    sarif_file: str | None = None
    require_front_matter: bool = True
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    args: tuple[str, ...] = ()  # further `cardlint check` options, as shell words


@dataclass
class Outcome:
    """What the step reports: counts by SARIF level, the highest threshold status, cardlint's exit code."""

    counts: dict[str, int] = field(default_factory=lambda: {"error": 0, "warning": 0, "note": 0})
    highest_threshold_status: str = NO_THRESHOLDS
    exit_code: int = 0


def split_list(value: str) -> tuple[str, ...]:
    """Items one per line or separated by spaces, read like shell words: quotes keep spaces in a path."""
    items: list[str] = []
    for line in value.splitlines():
        items.extend(shlex.split(line, comments=False, posix=True))
    return tuple(items)


def read_inputs(environ: Mapping[str, str]) -> ActionInputs:
    def get(name: str) -> str | None:
        value = environ.get(f"INPUT_{name}", "").strip()
        return value or None

    paths = split_list(get("PATHS") or ".")
    policies = _items(get("POLICIES"))
    args = split_list(get("ARGS") or "")
    for word in args:
        name = word.split("=", 1)[0]
        if name in RESERVED_OPTIONS or (name.startswith("-o") and not name.startswith("--")):
            raise InputError(f"args may not set {name}: the action sets it (use the sarif-file input)")
        if word == "--":
            raise InputError("args may not contain `--`: targets go in the paths input")
    require = (get("REQUIRE_FRONT_MATTER") or "true").lower()
    if require not in ("true", "false"):
        raise InputError(f"require-front-matter must be true or false, not {require!r}")
    fail_on = get("FAIL_ON")
    if fail_on is not None and fail_on.lower() not in FAIL_LEVELS:
        raise InputError(f"fail-on must be one of {', '.join(FAIL_LEVELS)}, not {fail_on!r}")
    return ActionInputs(
        paths=paths or (".",),
        policies=policies,
        as_of=get("AS_OF"),
        fail_on=fail_on.lower() if fail_on else None,
        config=get("CONFIG"),
        sarif_file=get("SARIF_FILE"),
        require_front_matter=require == "true",
        select=_items(get("SELECT")),
        ignore=_items(get("IGNORE")),
        args=args,
    )


def _items(value: str | None) -> tuple[str, ...]:
    """A list input: items separated by spaces, commas or newlines."""
    return tuple(part for item in split_list(value or "") for part in item.split(",") if part)


def check_arguments(inputs: ActionInputs) -> list[str]:
    """The `cardlint check` options and targets shared by both runs (format options come first)."""
    arguments = ["--recursive"]
    if inputs.require_front_matter:
        arguments.append("--require-front-matter")
    for policy in inputs.policies:
        arguments += ["--policy", policy]
    if inputs.as_of:
        arguments += ["--as-of", inputs.as_of]
    if inputs.config:
        arguments += ["--config", inputs.config]
    if inputs.fail_on == "never":
        arguments.append("--exit-zero")
    elif inputs.fail_on:
        arguments += ["--fail-on", inputs.fail_on]
    if inputs.select:
        arguments += ["--select", ",".join(inputs.select)]
    if inputs.ignore:
        arguments += ["--ignore", ",".join(inputs.ignore)]
    return [*arguments, *inputs.args, "--", *inputs.paths]


def summarise_sarif(log: Mapping[str, Any]) -> Outcome:
    """Counts per level and the most serious threshold status, read back from cardlint's own SARIF."""
    outcome = Outcome()
    ranks: list[int] = []
    for run in log.get("runs", []):
        for result in run.get("results", []):
            level = result.get("level", "warning")
            outcome.counts[level] = outcome.counts.get(level, 0) + 1
        status = (run.get("properties") or {}).get("highestThresholdStatus")
        if status in THRESHOLD_STATUS_ORDER:
            ranks.append(THRESHOLD_STATUS_ORDER.index(status))
    if ranks:
        outcome.highest_threshold_status = THRESHOLD_STATUS_ORDER[max(ranks)]
    return outcome


def write_outputs(path: str | None, outputs: Mapping[str, str]) -> None:
    """Append `name=value` lines to $GITHUB_OUTPUT (values here never hold newlines)."""
    if not path:
        return
    with open(path, "a", encoding="utf-8") as handle:
        for name, value in outputs.items():
            handle.write(f"{name}={value}\n")


def run_action(
    environ: Mapping[str, str],
    *,
    python: str = sys.executable,
    runner: Runner = subprocess.run,
    out: Any = None,
) -> int:
    """Run cardlint as the action does; returns the step's exit code."""
    out = out or sys.stdout
    try:
        inputs = read_inputs(environ)
    except (InputError, ValueError) as exc:  # shlex raises ValueError on an unclosed quote
        print(command("error", str(exc), {"title": "cardlint action"}), file=out, flush=True)
        return EXIT_ERROR
    base = [python, "-m", "cardlint", "check"]
    shared = check_arguments(inputs)
    sarif_path = inputs.sarif_file or os.path.join(
        environ.get("RUNNER_TEMP") or tempfile.gettempdir(), f"cardlint-{os.getpid()}.sarif"
    )
    Path(sarif_path).parent.mkdir(parents=True, exist_ok=True)

    # SARIF run: no step summary from this one (only the github run writes it).
    quiet_env = {key: value for key, value in environ.items() if key != "GITHUB_STEP_SUMMARY"}
    sarif_run = runner(
        [*base, "--format", "sarif", "--output-file", sarif_path, *shared],
        env=quiet_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    try:
        outcome = summarise_sarif(json.loads(Path(sarif_path).read_text(encoding="utf-8")))
    except (OSError, ValueError) as exc:
        detail = (sarif_run.stderr or "").strip() or str(exc)
        print(
            command("error", f"cardlint produced no SARIF: {detail}", {"title": "cardlint action"}), file=out
        )
        outcome = None

    out.flush()
    github_run = runner([*base, "--format", "github", *shared], env=dict(environ), check=False)
    exit_code = github_run.returncode if outcome is not None else EXIT_ERROR
    outputs = {"exit-code": str(exit_code)}
    if outcome is not None:
        outputs |= {
            "errors": str(outcome.counts.get("error", 0)),
            "warnings": str(outcome.counts.get("warning", 0)),
            "notes": str(outcome.counts.get("note", 0)),
            "highest-threshold-status": outcome.highest_threshold_status,
        }
    if inputs.sarif_file:
        outputs["sarif-file"] = inputs.sarif_file
    write_outputs(environ.get("GITHUB_OUTPUT"), outputs)
    if not inputs.sarif_file and os.path.exists(sarif_path):
        os.remove(sarif_path)
    return exit_code


def main(argv: Sequence[str] | None = None) -> None:
    del argv  # inputs come from the environment only
    sys.exit(run_action(os.environ))


if __name__ == "__main__":
    main()
