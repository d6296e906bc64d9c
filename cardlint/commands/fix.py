"""`cardlint fix`: apply the catalogue's fixes to cards on disk, ruff-style.

Exit codes follow pre-commit's convention so the same command serves as the `cardlint-fix` hook: 1 when a
card was modified (or, with --diff, would be), 0 when there was nothing to do, 2 when a card or its config
could not be handled: unreadable, oversize, binary, UTF-16, read-only, a failed write, an invalid config.
A hook that passed on a card it refused would tell the author the card was fine.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cardlint.app.session import one_line
from cardlint.fix.apply import FixResult, apply_fixes

EXIT_NOTHING, EXIT_MODIFIED, EXIT_ERROR = 0, 1, 2
_FRONT_MATTER_OPENINGS = (b"---", b"\xef\xbb\xbf---")


@click.command(
    "fix",
    epilog="Exit codes: 0 nothing to fix; 1 cards modified (or would be, with --diff); 2 a card or config "
    "that could not be handled (unreadable, oversize, binary, read-only, not written, invalid config).",
)
@click.argument("targets", nargs=-1)
@click.option(
    "--diff", "diff_only", is_flag=True, help="Print a unified diff of the fixes and write nothing."
)
@click.option("--unsafe-fixes", is_flag=True, help="Also apply the fixes the catalogue marks unsafe.")
@click.option("-r", "--recursive", is_flag=True, help="Find every README.md / MODEL_CARD.md below folders.")
@click.option(
    "--require-front-matter",
    is_flag=True,
    help="Leave cards without Hub metadata alone (the pre-commit hook).",
)
@click.option("-v", "--verbose", is_flag=True, help="Also say which figures were left out, and why.")
@click.option("--debug", is_flag=True, help="Show tracebacks for internal errors.")
def fix(
    targets: tuple[str, ...],
    diff_only: bool,
    unsafe_fixes: bool,
    recursive: bool,
    require_front_matter: bool,
    verbose: bool,
    debug: bool,
) -> None:
    """Fix model cards in place: write the training_compute disclosure from the figures each card states,
    and apply the safe mechanical fixes (misspelt keys, YAML 1.1 booleans).

    TARGETS are card files or folders (their README.md); default: the current folder.
    """
    paths, errors = _card_paths(targets or (".",), recursive=recursive)
    config_error = _first_config_error(paths)
    if config_error is not None:  # like check: a config the project cannot use stops the run, nothing fixed
        click.echo(f"cardlint: {one_line(config_error)}", err=True)
        sys.exit(EXIT_ERROR)
    results = []
    for path in paths:
        if require_front_matter and not _has_front_matter(path):
            continue
        result = apply_fixes(path, unsafe=unsafe_fixes, diff_only=diff_only)
        results.append(result)
        report_fix(result, diff_only=diff_only, verbose=verbose)
    for line in errors:
        click.echo(f"cardlint: {one_line(line)}", err=True)
    _summary(results, diff_only=diff_only, unsafe=unsafe_fixes, verbose=verbose)
    if errors or any(not_handled(result) for result in results):
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_MODIFIED if any(result.changed for result in results) else EXIT_NOTHING)


def _card_paths(targets: tuple[str, ...], *, recursive: bool) -> tuple[list[Path], list[str]]:
    from cardlint.sources import SourceError
    from cardlint.sources.local import expand_local

    paths: list[Path] = []
    errors: list[str] = []
    for target in targets:
        if target == "-":
            errors.append("-: fix rewrites files; standard input cannot be fixed (use check)")
            continue
        try:
            found = expand_local(target, recursive=recursive)
        except SourceError as exc:
            errors.append(str(exc))
            continue
        paths.extend(path for path in found if path not in paths)
    return paths, errors


def _first_config_error(paths: list[Path]) -> str | None:
    """The first config among the cards' that cannot be used, checked before any card is touched."""
    from cardlint.config.settings import ConfigError
    from cardlint.fix.apply import settings_for_card

    seen: set[Path] = set()
    for path in paths:
        folder = path.parent
        if folder in seen:
            continue
        seen.add(folder)
        try:
            settings_for_card(path)
        except ConfigError as exc:
            return str(exc)
    return None


def not_handled(result: FixResult) -> bool:
    """The card could not be read, fixed or written: exit 2, as `check` exits on a card it cannot read."""
    return result.error is not None or result.skipped is not None


def _has_front_matter(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(8).startswith(_FRONT_MATTER_OPENINGS)
    except OSError:
        return True  # let apply_fixes report the problem


def report_fix(result: FixResult, *, diff_only: bool, verbose: bool) -> None:
    """The card's diff on stdout; on stderr one line if it could not be handled, else a line per fix."""
    shown = one_line(str(result.path))
    if result.diff and diff_only:
        click.echo(result.diff, nl=False)
    if result.error:
        click.echo(f"cardlint: {shown}: {one_line(result.error)}", err=True)
        return  # nothing was written, so no "fixed" line may say otherwise
    if result.skipped:
        click.echo(f"cardlint: {shown}: not fixed: {one_line(result.skipped)}", err=True)
        return
    verb = "would fix" if diff_only else "fixed"
    for applied in result.fixes:
        where = f"{shown}:{applied.line}" if applied.line else shown
        click.echo(f"{where}: {verb} {_label(applied.rule)} {applied.message}", err=True)
    if verbose:
        for note in result.notes:
            click.echo(f"{shown}: note: {note}", err=True)


def _label(rule: str) -> str:
    """`CL119 [misspelt-key]` for a catalogue rule; the disclosure answers several, so it keeps its name."""
    from cardlint.config.catalogue import load_catalogue

    found = load_catalogue().by_name(rule)
    return f"{found.code} [{rule}]" if found is not None else f"[{rule}]"


def _summary(results: list[FixResult], *, diff_only: bool, unsafe: bool, verbose: bool = False) -> None:
    from cardlint.report.common import plural

    if results and all(not_handled(result) for result in results):
        return  # each card already had its one line; a count of nothing done would only add noise
    results = [result for result in results if not not_handled(result)]
    changed = sum(1 for result in results if result.changed)
    fixes = sum(len(result.fixes) for result in results)
    held_back = sum(len(result.held_back) for result in results)
    cards = plural(len(results), "card")
    if diff_only:
        line = f"{plural(fixes, 'fix', 'fixes')} would change {changed} of {cards}; nothing written."
    else:
        written = sum(1 for result in results if result.written)
        line = f"{plural(fixes, 'fix', 'fixes')} applied to {written} of {cards}."
    if held_back and not unsafe:
        line += f" {plural(held_back, 'unsafe fix', 'unsafe fixes')} available with --unsafe-fixes."
    elif not fixes:
        line += f" {_why_nothing(results, verbose=verbose)}"
    click.echo(line, err=True)


def _why_nothing(results: list[FixResult], *, verbose: bool) -> str:
    """Why a run fixed nothing, so "0 fixes" never reads as a silent failure."""
    from cardlint.report.common import plural

    if not results:
        return "No card to fix (cards without front matter are skipped with --require-front-matter)."
    reasons = []
    skipped = sum(1 for result in results if result.skipped)
    if skipped:
        reasons.append(f"{plural(skipped, 'card')} left alone as a whole")
    notes = sum(len(result.notes) for result in results)
    if notes:
        reasons.append(f"{plural(notes, 'figure or edit')} left out" + ("" if verbose else " (-v says why)"))
    if not reasons:
        return "Nothing to fix: no misspelt key, no YAML 1.1 boolean, no figure the disclosure lacks."
    return "Nothing written: " + "; ".join(reasons) + "."
