"""Per-file-ignores globs matched the way ruff matches them: against the path relative to the project root.

The project root is the folder of the config file that holds the pattern (the current folder when there is
none), so a pattern means the same files whatever folder cardlint runs from. The matching itself is
gitignore's (pathspec): `*` and `?` stay within one path segment, `**` spans any number of them, a pattern
with a `/` before its end is anchored at the root, and a bare name (`README.md`, `*.md`) matches at any depth.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pathspec


@functools.lru_cache(maxsize=256)
def _spec(pattern: str) -> pathspec.GitIgnoreSpec:
    import pathspec  # on first use: a run without per-file-ignores never pays for its import

    cleaned = pattern.replace("\\", "/")
    while cleaned.startswith("./"):
        cleaned = cleaned[2:]
    return pathspec.GitIgnoreSpec.from_lines([cleaned])


def relative_to_root(path: str, root: Path) -> str:
    """`path` (as typed, relative to the current folder or absolute) relative to `root`, with `/` separators;
    a path outside the root keeps only its file name, so only bare-name patterns can match it."""
    if "://" in path:  # a Hub card (hf://org/name@sha/README.md) is in no project: bare names only
        return path.rsplit("/", 1)[-1]
    absolute = os.path.abspath(path)
    try:
        relative = os.path.relpath(absolute, os.path.abspath(root))
    except ValueError:  # another drive on Windows
        return Path(absolute).name
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return Path(absolute).name
    return relative.replace(os.sep, "/")


def matches(pattern: str, path: str, root: Path) -> bool:
    """Whether a per-file-ignores `pattern` written in a config under `root` covers the card at `path`."""
    if path == "-":
        return False
    return bool(_spec(pattern).match_file(relative_to_root(path, root)))
