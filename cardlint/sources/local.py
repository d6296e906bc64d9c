"""Cards on disk: a file, a repository folder (its README.md plus sidecars), a tree, or standard input."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

from cardlint.core.limits import Limits
from cardlint.sources import LoadedTarget, Sidecars, SourceError

CARD_FILE_NAMES = ("README.md", "MODEL_CARD.md", "model_card.md")
_SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".mypy_cache"}


def expand_local(target: str, *, recursive: bool) -> list[Path]:
    """The card files a local target names. Raises SourceError when it names none."""
    path = Path(target)
    if path.is_dir():
        if recursive:
            found = sorted(_walk_cards(path))
            if not found:
                raise SourceError(
                    f"{target}: no model card (README.md, MODEL_CARD.md, model_card.md) below it"
                )
            return found
        for name in CARD_FILE_NAMES:
            candidate = path / name
            if candidate.is_file():
                return [candidate]
        raise SourceError(
            f"{target}: folder has no README.md or MODEL_CARD.md (use --recursive to search below it)"
        )
    if path.exists() or path.is_symlink():
        return [path]
    raise SourceError(f"{target}: no such file or folder")


def _walk_cards(root: Path) -> Iterator[Path]:
    """Card files below root; symlinked folders are not followed, so a link loop cannot trap the walk."""
    for folder, dirs, files in os.walk(root, followlinks=False, onerror=None):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("."))
        for name in files:
            if name in CARD_FILE_NAMES:
                yield Path(folder) / name


def read_card_file(path: Path, limits: Limits, *, display: str | None = None) -> LoadedTarget:
    """Read one card (bounded) and the sidecars in its folder. Refuses FIFOs, devices and oversize files."""
    shown = display or str(path)
    try:
        info = path.stat()
    except OSError as exc:
        raise SourceError(f"{shown}: cannot read: {exc.strerror or exc}") from None
    if not stat.S_ISREG(info.st_mode):
        raise SourceError(f"{shown}: not a regular file (a FIFO, device or socket is never read)")
    if info.st_size > limits.max_card_bytes:
        raise SourceError(
            f"{shown}: file is {info.st_size:,} bytes, over the {limits.max_card_bytes:,}-byte limit"
        )
    try:
        with path.open("rb") as handle:
            raw = handle.read(limits.max_card_bytes + 1)
    except OSError as exc:
        raise SourceError(f"{shown}: cannot read: {exc.strerror or exc}") from None
    if len(raw) > limits.max_card_bytes:
        raise SourceError(
            f"{shown}: file grew past the {limits.max_card_bytes:,}-byte limit while being read"
        )
    return LoadedTarget(
        target=shown,
        path=shown,
        raw=raw,
        sidecars=_sidecars(path.parent, limits),
        folder_name=_folder_name(path),
    )


def read_stdin(limits: Limits) -> LoadedTarget:
    raw = sys.stdin.buffer.read(limits.max_card_bytes + 1)
    if len(raw) > limits.max_card_bytes:
        raise SourceError(f"-: standard input is over the {limits.max_card_bytes:,}-byte limit")
    return LoadedTarget(target="-", path="-", raw=raw)


def _folder_name(path: Path) -> str | None:
    """A hint for which model the card describes: the repository folder of a README.md / MODEL_CARD.md, or
    the file's own stem when it is named for the model (`Llama-3.1-8B.md`, `org__name.md`)."""
    if path.name not in CARD_FILE_NAMES:
        stem = path.stem.split("__")[-1]
        return stem or None
    parent = path.resolve().parent
    return parent.name or None


def _sidecars(folder: Path, limits: Limits) -> Sidecars:
    try:
        from cardlint.sources.sidecar_files import read_sidecars
    except ModuleNotFoundError:  # pragma: no cover - sidecar support not installed in this build
        return Sidecars()
    return read_sidecars(folder, limits)
