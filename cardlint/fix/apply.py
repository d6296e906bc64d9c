"""Run every fix on one card and write it safely: atomically, keeping permissions, never over a change.

`fix_text` is the pure part (text in, text and a list of changes out) so that tests and the corpus bench can
use it without touching files; `apply_fixes` adds the file handling that `cardlint fix`, `check --fix` and the
pre-commit hook share.
"""

from __future__ import annotations

import contextlib
import difflib
import errno
import os
import re
import stat
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from cardlint.card.document import CardReadError, decode, parse_card
from cardlint.core.regex_store import compile_pattern
from cardlint.fix.base_model import fix_base_model
from cardlint.fix.disclosure_edit import DisclosureOutcome, write_disclosure
from cardlint.fix.edits import EditRefused
from cardlint.fix.mechanical import Change, fix_missing_front_matter, fix_misspelt_keys, fix_yaml11_scalars
from cardlint.types import Estimate, Fact

if TYPE_CHECKING:
    from cardlint.config.settings import Settings

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
    return analysis_with(settings_for_card(Path(path)) if path != "-" else _default_settings())(text, path)


def analysis_with(settings: Settings) -> Analysis:
    """The analysis `check` runs under `settings` (its config's utilisation band, accelerators, limits)."""

    def analysis(text: str, path: str) -> tuple[list[Fact], Estimate | None]:
        from cardlint.pipeline.analysis import Environment, Stages, analyse
        from cardlint.sources import LoadedTarget, SourceError

        loaded = LoadedTarget(target=path, path=path, raw=b"")
        if path != "-" and Path(path).is_file():
            from cardlint.sources.local import read_card_file

            with contextlib.suppress(SourceError):
                loaded = read_card_file(Path(path), settings.limits, display=path)
        loaded = replace(loaded, raw=text.encode("utf-8"))
        report = analyse(loaded, Environment(settings), Stages(estimate=True, checks=False))
        return list(report.facts), report.estimate

    return analysis


def _default_settings() -> Settings:
    from cardlint.config.settings import Settings

    return Settings()


def settings_for_card(path: Path) -> Settings:
    """The settings of the config file nearest the card (the defaults when there is none).

    Raises ConfigError for a config that cannot be used: `fix` stops there, as `check` does, rather than fix
    with defaults the project did not choose.
    """
    from cardlint.config.settings import ConfigError, apply_config, find_config, load_config

    try:
        config = find_config(path.resolve().parent)
    except (OSError, RuntimeError) as exc:
        raise ConfigError(f"{path}: cannot look for a config file: {exc}") from None
    settings = _default_settings()
    return apply_config(settings, load_config(config), str(config)) if config is not None else settings


def apply_fixes(
    path: Path,
    *,
    unsafe: bool,
    diff_only: bool,
    analyse: Analysis | None = None,
    settings: Settings | None = None,
) -> FixResult:
    """Fix one card on disk. Never raises for a bad card: problems come back in `FixResult.error` (the card
    or its config could not be read, or the fix not written) or `FixResult.skipped` (a card cardlint does
    not rewrite, such as UTF-16); both end `fix` with exit 2.

    `settings` are the run's (check --fix with --config); without them the card's own config is used, and
    an invalid one is an error, never a silent fall-back to the defaults.
    """
    from cardlint.config.settings import ConfigError

    result = FixResult(path)
    if settings is None:
        try:
            settings = settings_for_card(path)
        except ConfigError as exc:
            result.error = str(exc)
            return result
        analyse = analyse or default_analysis
    else:
        analyse = analyse or analysis_with(settings)
    limit = settings.limits.max_card_bytes
    try:
        before = os.stat(path)
        if not stat.S_ISREG(before.st_mode):
            result.error = "not a regular file (a FIFO, device or socket is never read or written)"
            return result
        if before.st_size > limit:
            result.error = f"file is {before.st_size:,} bytes, over the {limit:,}-byte limit; not fixed"
            return result
        with path.open("rb") as handle:
            original = handle.read(limit + 1)
    except OSError as exc:
        result.error = f"cannot read: {exc.strerror or exc}"
        return result
    if len(original) > limit:
        result.error = f"file grew past the {limit:,}-byte limit while being read; not fixed"
        return result
    bom = original.startswith(_UTF8_BOM)
    try:
        text, problem = decode(original, settings.limits)
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
    except ReadOnlyCard as exc:
        result.error = f"not written: {exc}"
        return result
    except OSError as exc:
        result.error = f"not written: {exc.strerror or exc}; the card was left as it was"
        return result
    result.written = True
    return result


def unified_diff(old: str, new: str, path: str) -> str:
    name = quoted_path(path)
    lines = difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True), name, name)
    return "".join(
        line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines
    )


_NEEDS_QUOTES = compile_pattern(r'[\x00-\x1f\x7f"\\]')


def quoted_path(path: str) -> str:
    """A file name for a diff header, quoted with C escapes as git does when it holds a newline, a tab, a
    quote or a backslash, so a name can never split the header or pass for another line."""
    if not _NEEDS_QUOTES.search(path):
        return path
    escapes = {"\n": "\\n", "\t": "\\t", "\r": "\\r", '"': '\\"', "\\": "\\\\"}
    body = _NEEDS_QUOTES.sub(lambda m: escapes.get(m.group(), f"\\{ord(m.group()):03o}"), path)
    return f'"{body}"'


class ReadOnlyCard(Exception):
    """The card is marked read-only: its owner said it must not change, so fix refuses to replace it."""


def write_atomically(
    path: Path, original: bytes, new: bytes, *, expected_stat: os.stat_result | None = None
) -> None:
    """Replace the card's content with `new`, but only if it still holds `original` (else ConcurrentChange),
    keeping everything else about the file: its mode, owner and group, its hard links, a symlink to it.

    Normally `new` goes to a temporary file beside the card, which is renamed over it (atomic: a reader sees
    the old card or the new one, never half of either). A rename creates a new file, though, so a card with
    other hard links, or whose owner or group the temporary file cannot be given, is rewritten in place: its
    space is reserved first, so a full disk fails before a byte changes, and a failed write puts the old bytes
    back. A read-only card (no write bit, or not writable for us) raises ReadOnlyCard and is not touched.
    """
    target = Path(os.path.realpath(path))
    now = os.stat(target)
    mode = stat.S_IMODE(now.st_mode)
    if not mode & 0o222 or not os.access(target, os.W_OK):
        raise ReadOnlyCard(f"the card is read-only (mode {mode:04o}); make it writable to fix it")
    if now.st_nlink > 1:
        _check_unchanged(target, original, expected_stat, path)
        _write_in_place(target, original, new)
        return
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".cardlint-tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(new)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        same_owner = _give_owner(temporary, now)
        _check_unchanged(target, original, expected_stat, path)
        if same_owner:
            os.replace(temporary, target)
            return
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    os.unlink(temporary)  # the owner could not be kept by a rename: write in place instead
    _write_in_place(target, original, new)


def _give_owner(temporary: str, card: os.stat_result) -> bool:
    """Give the temporary file the card's owner and group; False when we may not (not root, not our group)."""
    if (card.st_uid, card.st_gid) == (os.geteuid(), os.getegid()):
        return True
    try:
        os.chown(temporary, card.st_uid, card.st_gid)
    except PermissionError:
        return False
    return True


def _write_in_place(target: Path, original: bytes, new: bytes) -> None:
    descriptor = os.open(target, os.O_RDWR)
    try:
        if len(new) > len(original):
            try:
                os.posix_fallocate(descriptor, 0, len(new))
            except OSError as exc:
                if exc.errno not in (errno.EOPNOTSUPP, errno.EINVAL, errno.ENOSYS):
                    raise  # ENOSPC, EFBIG, EDQUOT: nothing has changed yet
        try:
            _write_all(descriptor, new)
        except OSError:
            with contextlib.suppress(OSError):
                _write_all(descriptor, original)
            raise
    finally:
        os.close(descriptor)


def _write_all(descriptor: int, data: bytes) -> None:
    os.lseek(descriptor, 0, os.SEEK_SET)
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view) :]
    os.ftruncate(descriptor, len(data))
    os.fsync(descriptor)


def _check_unchanged(target: Path, original: bytes, expected: os.stat_result | None, path: Path) -> None:
    if _changed_since(target, original, expected):
        raise ConcurrentChange(str(path))


def _changed_since(target: Path, original: bytes, expected: os.stat_result | None) -> bool:
    """Compare size and mtime first (cheap), then the bytes themselves (an edit within the same tick)."""
    now = os.stat(target)
    if expected is not None and (now.st_size != expected.st_size or now.st_mtime_ns != expected.st_mtime_ns):
        return True
    return target.read_bytes() != original
