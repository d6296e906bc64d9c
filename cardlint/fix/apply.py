"""Run every fix on one card and write it safely: atomically, keeping permissions, never over a change.

`fix_text` is the pure part (text in, text and a list of changes out) so that tests and the corpus bench can
use it without touching files; `apply_fixes` adds the file handling that `cardlint fix`, `check --fix` and the
pre-commit hook share.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import re
import stat
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from cardlint.card import CardReadError, decode, parse_card
from cardlint.fix.base_model import fix_base_model
from cardlint.fix.disclosure_edit import DisclosureOutcome, write_disclosure
from cardlint.fix.edits import EditRefused
from cardlint.fix.mechanical import Change, fix_missing_front_matter, fix_misspelt_keys, fix_yaml11_scalars
from cardlint.types import Estimate, Fact

if TYPE_CHECKING:
    from cardlint.settings import Settings

_UTF8_BOM = b"\xef\xbb\xbf"
DISCLOSURE_RULE = "compute-disclosure"

Analysis = Callable[[str, str], tuple[list[Fact], "Estimate | None"]]


class ConcurrentChange(Exception):
    """The card changed on disk after we read it; writing would throw the other change away."""


@dataclass(frozen=True)
class AppliedFix:
    """One fix as reported to the user: the rule it answers, safe or unsafe, what it did, where."""

    rule: str
    safety: str
    message: str
    line: int | None = None


@dataclass
class FixResult:
    path: Path
    changed: bool = False  # the card was modified (or, with diff_only, would be)
    written: bool = False
    fixes: list[AppliedFix] = field(default_factory=list)
    held_back: list[AppliedFix] = field(
        default_factory=list
    )  # unsafe fixes not applied without --unsafe-fixes
    notes: list[str] = field(default_factory=list)  # figures left out of the disclosure, edits refused, ...
    diff: str = ""
    skipped: str | None = None  # why the card was left alone as a whole (UTF-16, ...): not an error
    error: str | None = None  # could not read or write the card, or it changed meanwhile (exit 2)


@dataclass
class TextFix:
    """The pure result of fixing a card's text."""

    text: str
    fixes: list[AppliedFix] = field(default_factory=list)
    held_back: list[AppliedFix] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def fix_text(text: str, path: str, *, unsafe: bool, analyse: Analysis | None = None) -> TextFix:
    """Apply the mechanical fixes, declare a base model the text names, then write the disclosure block;
    `analyse(text, path)` gives facts and the estimate (the real extractor and estimator by default)."""
    analyse = _remembered(analyse or default_analysis)
    result = TextFix(text)
    steps: list[Callable[[str, bool], list[Change]]] = [
        fix_missing_front_matter,
        fix_misspelt_keys,
        fix_yaml11_scalars,
        lambda current, allow: fix_base_model(current, path, analyse, unsafe=allow),
    ]
    for step in steps:
        changes = step(result.text, unsafe)
        if not changes:
            continue
        result.text = changes[-1].text  # held-back changes carry the text unchanged
        result.fixes.extend(_applied(change) for change in changes if change.applied)
        result.held_back.extend(_applied(change) for change in changes if not change.applied)
    outcome: DisclosureOutcome = write_disclosure(result.text, path, analyse, unsafe=unsafe)
    result.notes.extend(outcome.notes)
    if outcome.held_back:
        result.held_back.append(AppliedFix(DISCLOSURE_RULE, "unsafe", outcome.held_back, outcome.line))
    if outcome.text != result.text:
        result.text = outcome.text
        result.fixes.append(AppliedFix(DISCLOSURE_RULE, outcome.safety, outcome.message, outcome.line))
    if any(fix.rule == "no-front-matter" for fix in result.fixes) and not parse_card(result.text).metadata:
        # A front matter with nothing in it would only trade one finding (none) for another (empty).
        result.notes.append("no figures or keys to put in a new front matter; the card was left as it was")
        result.held_back.extend(fix for fix in result.fixes if fix.rule == "no-front-matter")
        return TextFix(text, held_back=result.held_back, notes=result.notes)
    return result


def _remembered(analyse: Analysis) -> Analysis:
    """The analysis of each distinct text once: several steps look at the same text."""
    cache: dict[str, tuple[list[Fact], Estimate | None]] = {}

    def remembered(text: str, path: str) -> tuple[list[Fact], Estimate | None]:
        if text not in cache:
            cache[text] = analyse(text, path)
        return cache[text]

    return remembered


def _applied(change: Change) -> AppliedFix:
    return AppliedFix(change.rule, change.safety, change.message, change.line)


def default_analysis(text: str, path: str) -> tuple[list[Fact], Estimate | None]:
    """Facts and estimate exactly as `cardlint check` computes them (same pipeline, same sidecars and config),
    for the text as it stands after the mechanical fixes."""
    from cardlint.pipeline import Environment, Stages, analyse
    from cardlint.sources import LoadedTarget, SourceError

    settings = _settings_for(Path(path))
    loaded = LoadedTarget(target=path, path=path, raw=b"")
    if path != "-" and Path(path).is_file():
        from cardlint.sources.local import read_card_file

        with contextlib.suppress(SourceError):
            loaded = read_card_file(Path(path), settings.limits, display=path)
    loaded = replace(loaded, raw=text.encode("utf-8"))
    report = analyse(loaded, Environment(settings), Stages(estimate=True, checks=False))
    return list(report.facts), report.estimate


def _settings_for(path: Path) -> Settings:
    """The card's config (utilisation band, extra accelerators) when it has a valid one, else the defaults."""
    from cardlint.settings import ConfigError, Settings, apply_config, find_config, load_config

    settings = Settings()
    try:
        config = find_config(path.resolve().parent)
        if config is not None:
            settings = apply_config(settings, load_config(config), str(config))
    except (ConfigError, OSError):
        return Settings()
    return settings


def apply_fixes(path: Path, *, unsafe: bool, diff_only: bool, analyse: Analysis | None = None) -> FixResult:
    """Fix one card on disk. Never raises for a bad card: problems come back in `FixResult.error`."""
    result = FixResult(path)
    try:
        before = os.stat(path)
        if not stat.S_ISREG(before.st_mode):
            result.error = "not a regular file (a FIFO, device or socket is never read or written)"
            return result
        original = path.read_bytes()
    except OSError as exc:
        result.error = f"cannot read: {exc.strerror or exc}"
        return result
    bom = original.startswith(_UTF8_BOM)
    try:
        text, problem = decode(original)
    except CardReadError as exc:
        result.skipped = str(exc)
        return result
    if problem is not None or original.startswith((b"\xff\xfe", b"\xfe\xff")):
        result.skipped = f"{problem or 'the card is UTF-16'}; cardlint only rewrites UTF-8 cards"
        return result
    if re.search(r"\r(?!\n)", text):
        # lone CR line endings: the Hub reads their front matter, the parser (lines split on \n) does not,
        # so a fix would add a second front matter above the author's
        result.skipped = "the card has lone CR line endings; cardlint only rewrites LF or CRLF cards"
        return result
    try:
        fixed = fix_text(text, str(path), unsafe=unsafe, analyse=analyse)
    except EditRefused as exc:
        result.skipped = str(exc)
        return result
    result.fixes, result.held_back, result.notes = fixed.fixes, fixed.held_back, fixed.notes
    if fixed.text == text:
        return result
    result.changed = True
    new_bytes = (_UTF8_BOM if bom else b"") + fixed.text.encode("utf-8")
    result.diff = unified_diff(text, fixed.text, str(path))
    if diff_only:
        return result
    try:
        write_atomically(path, original, new_bytes, expected_stat=before)
    except ConcurrentChange:
        result.error = "not written: the card changed on disk while it was being fixed; run fix again"
        return result
    except OSError as exc:
        result.error = f"cannot write: {exc.strerror or exc}"
        return result
    result.written = True
    return result


def unified_diff(old: str, new: str, path: str) -> str:
    lines = difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True), path, path)
    return "".join(
        line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines
    )


def write_atomically(
    path: Path, original: bytes, new: bytes, *, expected_stat: os.stat_result | None = None
) -> None:
    """Write `new` to a temporary file beside the card, then rename it over the card, keeping the card's
    permission bits, but only if the card still holds `original` (else raise ConcurrentChange).

    A symlinked card is written through the link, so the link stays a link.
    """
    target = Path(os.path.realpath(path))
    mode = stat.S_IMODE(os.stat(target).st_mode)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".cardlint-tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(new)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        if _changed_since(target, original, expected_stat):
            raise ConcurrentChange(str(path))
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def _changed_since(target: Path, original: bytes, expected: os.stat_result | None) -> bool:
    """Compare size and mtime first (cheap), then the bytes themselves (an edit within the same tick)."""
    now = os.stat(target)
    if expected is not None and (now.st_size != expected.st_size or now.st_mtime_ns != expected.st_mtime_ns):
        return True
    return target.read_bytes() != original
