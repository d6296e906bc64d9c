"""Command line: wires sources, the pipeline and the renderers, and owns exit codes.

Exit codes: 0 clean (or only findings below --fail-on), 1 findings at or above --fail-on, 2 usage, config,
I/O, Hub or internal error. Machine output goes to stdout only; messages go to stderr.
Commands other than the core ones live in their own modules and are imported only when invoked, so
`cardlint check` never pays for the Hub client, the fixer or the census engine.
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
import sys
from collections.abc import Callable
from typing import Any

import click

from cardlint.core import class_code_store
from cardlint.version import __version__

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2

# name -> "module:attribute" of a click command, imported on first use.
LAZY_COMMANDS: dict[str, str] = {
    "census": "cardlint.commands.census:census",
    "fix": "cardlint.commands.fix:fix",
    "init": "cardlint.commands.init:init",
    "policies": "cardlint.commands.policies:policies",
    "scan": "cardlint.commands.scan:scan",
}

EXIT_CODES_HELP = (
    "Exit codes: 0 no findings at or above --fail-on; 1 findings at or above it; "
    "2 usage, config, I/O, Hub or internal error."
)
# facts and estimate report, they do not judge: no --fail-on, so no exit 1.
REPORT_EXIT_CODES_HELP = "Exit codes: 0 every target was read; 2 usage, config, I/O, Hub or internal error."


class LazyGroup(click.Group):
    """A click group whose extra commands are imported only when named."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in LAZY_COMMANDS:
            module_name, attribute = LAZY_COMMANDS[cmd_name].split(":")
            command = getattr(importlib.import_module(module_name), attribute)
            return command if isinstance(command, click.Command) else None
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]}, epilog=EXIT_CODES_HELP)
@click.version_option(__version__, prog_name="cardlint")
def cli() -> None:
    """Lint AI model cards and estimate the training compute they imply."""


def main() -> None:
    """Console-script entry point: no traceback reaches the user unless --debug is given."""
    debug = "--debug" in sys.argv[1:]
    _tolerant_streams()
    class_code_store.install()  # this process is ours: its dataclasses reuse code compiled by earlier runs
    try:
        cli.main(prog_name="cardlint", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("cardlint: interrupted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_ERROR)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(EXIT_ERROR)
    except KeyboardInterrupt:
        click.echo("cardlint: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # the promise is one line, never a traceback
        if debug:
            raise
        detail = (str(exc).splitlines() or [""])[0]
        click.echo(f"cardlint: internal error: {type(exc).__name__}: {detail} (rerun with --debug)", err=True)
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_CLEAN)


def _tolerant_streams() -> None:
    """Print what the terminal's encoding cannot hold as backslash escapes instead of crashing: a card's YAML
    can spell a lone surrogate (`"\\ud800"`), and a legacy locale cannot encode most of Unicode."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


# ---------------------------------------------------------------- shared options


def _split(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def common_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """Options of the commands that judge cards against policies (check, estimate): targets, config, Hub,
    and which policies apply on which date."""
    function = _policy_options(function)
    return card_options(function)


def _policy_options(function: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.option("--policy", "policy_ids", multiple=True, help="Policy id to apply (repeatable)."),
        click.option(
            "--policy-file", "policy_files", multiple=True, help="A policy profile of your own (YAML)."
        ),
        click.option(
            "--as-of",
            "as_of",
            help="Judge policies in force on this date (YYYY-MM-DD; default: config `as-of`, or today).",
        ),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def card_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """Options every card command shares: targets, config, Hub (facts has no policies to choose)."""
    options = [
        click.argument("targets", nargs=-1),
        click.option(
            "-r", "--recursive", is_flag=True, help="Find every README.md / MODEL_CARD.md below folders."
        ),
        click.option(
            "--config", "config_path", type=click.Path(dir_okay=False), help="Use this config file."
        ),
        click.option("--isolated", is_flag=True, help="Ignore every config file."),
        click.option("--offline", is_flag=True, help="Hub targets: use only huggingface_hub's cache."),
        click.option("--debug", is_flag=True, help="Show tracebacks for internal errors."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


# ---------------------------------------------------------------- check


@cli.command(epilog=EXIT_CODES_HELP)
@common_options
@click.option(
    "--format",
    "output_format",
    type=click.Choice(
        ["auto", "concise", "full", "json", "json-lines", "sarif", "github", "markdown", "junit"]
    ),
    default="auto",
    show_default=True,
    help="auto: github under GitHub Actions, else concise.",
)
@click.option("--select", multiple=True, help="Rules to check: codes, prefixes (CL1), names or ALL.")
@click.option("--ignore", multiple=True, help="Rules to skip.")
@click.option("--extend-select", multiple=True, help="Rules to add to the selection.")
@click.option(
    "--fail-on", type=click.Choice(["error", "warning", "info"]), help="Lowest severity that fails."
)
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings are reported.")
@click.option("--statistics", is_flag=True, help="Print a count per rule instead of each finding.")
@click.option("-q", "--quiet", is_flag=True, help="Print findings only, no summary line.")
@click.option(
    "--require-front-matter/--no-require-front-matter", default=None, help="Skip cards without metadata."
)
@click.option(
    "--jobs", "-j", type=click.IntRange(1, 64), default=1, show_default=True, help="Worker processes."
)
@click.option(
    "--output-file", "-o", type=click.Path(dir_okay=False, writable=True), help="Write output here."
)
@click.option("--fix", is_flag=True, help="Apply safe fixes, then report what is left.")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix, also apply unsafe fixes.")
@click.option(
    "--color",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Colour the text formats; auto: only on a terminal, and not when NO_COLOR is set.",
)
def check(
    targets: tuple[str, ...],
    output_format: str,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    extend_select: tuple[str, ...],
    fail_on: str | None,
    exit_zero: bool,
    statistics: bool,
    quiet: bool,
    require_front_matter: bool | None,
    jobs: int,
    output_file: str | None,
    fix: bool,
    unsafe_fixes: bool,
    color: str,
    **common: Any,
) -> None:
    """Lint model cards: metadata, disclosures, consistency of figures and compute thresholds.

    TARGETS are files, folders (their README.md), `-` for standard input, or Hub repos
    (org/name, org/name@revision, hf://org/name).
    """
    from cardlint.app.run import run_check

    overrides: dict[str, Any] = {}
    if select:
        overrides["select"] = _split(select)
    if ignore:
        overrides["ignore"] = _split(ignore)
    if extend_select:
        overrides["extend_select"] = _split(extend_select)
    if fail_on:
        overrides["fail_on"] = fail_on
    if require_front_matter is not None:
        overrides["require_front_matter"] = require_front_matter
    command_line = _command_line(targets, common, overrides)
    code = run_check(
        command_line,
        output_format=output_format,
        exit_zero=exit_zero,
        statistics=statistics,
        quiet=quiet,
        jobs=jobs,
        output_file=output_file,
        fix=fix,
        unsafe_fixes=unsafe_fixes,
        color=color,
    )
    sys.exit(code)


def _command_line(targets: tuple[str, ...], common: dict[str, Any], overrides: dict[str, Any]) -> Any:
    from cardlint.app.session import CommandLine

    as_of = common.get("as_of")
    if as_of:
        try:
            overrides["as_of"] = dt.date.fromisoformat(as_of)
            overrides["as_of_pinned"] = True
        except ValueError:
            raise click.BadParameter(
                f"'{as_of}' is not a date like 2025-08-02", param_hint="--as-of"
            ) from None
    if common.get("policy_ids"):
        overrides["policies"] = _split(common["policy_ids"])
    if common.get("policy_files"):
        overrides["policy_files"] = tuple(common["policy_files"])
    if common.get("offline"):
        os.environ["HF_HUB_OFFLINE"] = "1"
    return CommandLine(
        targets=targets or (".",),
        recursive=common.get("recursive", False),
        config_path=common.get("config_path"),
        isolated=common.get("isolated", False),
        overrides=overrides,
        offline=bool(common.get("offline")),
    )


# ---------------------------------------------------------------- facts / estimate


@cli.command(epilog=REPORT_EXIT_CODES_HELP)
@card_options
@click.option(
    "--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def facts(targets: tuple[str, ...], output_format: str, **common: Any) -> None:
    """Every compute-relevant figure a card reports, with where it says so."""
    from cardlint.app.run import run_facts

    sys.exit(run_facts(_command_line(targets, common, {}), output_format=output_format))


@cli.command(epilog=REPORT_EXIT_CODES_HELP)
@common_options
@click.option(
    "--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def estimate(targets: tuple[str, ...], output_format: str, **common: Any) -> None:
    """Training compute by every method the card allows, with intervals, lineage and thresholds."""
    from cardlint.app.run import run_estimate

    sys.exit(run_estimate(_command_line(targets, common, {}), output_format=output_format))


# ---------------------------------------------------------------- catalogue


@cli.command("rules")
@click.option(
    "--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def rules_command(output_format: str) -> None:
    """List every rule: code, name, severity, summary."""
    from cardlint.config.catalogue import load_catalogue
    from cardlint.report.text import render_rules

    catalogue = load_catalogue()
    if output_format == "json":
        import json

        payload = [
            {
                "code": rule.code,
                "name": rule.name,
                "family": rule.family,
                "severity": rule.severity.value,
                "summary": rule.summary,
                "fix_safety": rule.fix_safety,
                "instruments": list(rule.instruments),
            }
            for rule in catalogue.rules.values()
        ]
        click.echo(json.dumps(payload, indent=2))
    else:
        click.echo(render_rules(catalogue), nl=False)


@cli.command()
@click.argument("rule")
def explain(rule: str) -> None:
    """Print a rule's documentation (by code or name)."""
    from cardlint.config.catalogue import load_catalogue

    found = load_catalogue().lookup(rule)
    if found is None:
        raise click.UsageError(f"no rule '{rule}' (see `cardlint rules`)")
    from cardlint.policy.duties import duties_markdown

    click.echo(found.docs_markdown() + duties_markdown(found.code), nl=False)
