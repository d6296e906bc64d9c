"""Parsed copies of cardlint's own data files (rules/, data/), kept as JSON in the user's cache folder.

Building YAML into Python objects is most of the cost of reading rules.yaml and the policy profiles, and a
cold `cardlint check` reads them all: json.loads of the same value is 20x faster. A copy is found by a hash
of everything its value depends on (the file's bytes, the source of the module whose function parsed it, the
PyYAML and Python versions, cardlint's version), so an edited data file or parser never reads a stale copy.
A value is kept only when it survives JSON unchanged (no dates, no non-string keys). Nothing here raises: no
home folder, a read-only disk or a corrupt copy just means the file is parsed, as without a cache.
Cards never go through here; `CARDLINT_NO_CACHE=1` turns the cache off, `CARDLINT_CACHE_DIR` moves it.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cardlint.version import __version__

# Bump when the layout of a stored copy changes.
FORMAT = "1"


def cache_folder() -> Path | None:
    """Where the copies go: $CARDLINT_CACHE_DIR, else the platform's user cache folder; None when off."""
    if os.environ.get("CARDLINT_NO_CACHE"):
        return None
    chosen = os.environ.get("CARDLINT_CACHE_DIR")
    if chosen:
        return Path(chosen)
    if os.name == "nt":
        base = os.environ.get("LOCALAPPDATA")
        return Path(base, "cardlint", "Cache") if base else None
    home = os.path.expanduser("~")
    if sys.platform == "darwin":
        return Path(home, "Library", "Caches", "cardlint")
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):
        return Path(xdg, "cardlint")
    return Path(home, ".cache", "cardlint") if home and home != "~" else None


@functools.cache
def _module_digest(module: str) -> str:
    """A hash of a module's source file: a changed parser makes new keys."""
    try:
        path = getattr(sys.modules[module], "__file__", None)
        return hashlib.sha256(Path(path).read_bytes()).hexdigest() if path else "unknown"
    except (KeyError, OSError):
        return "unknown"


def _yaml_version() -> str:
    yaml = sys.modules.get("yaml")
    return str(getattr(yaml, "__version__", "")) + str(getattr(yaml, "__with_libyaml__", ""))


def cached_parse(raw: bytes, parse: Callable[[bytes], Any]) -> Any:
    """`parse(raw)`, read from a stored copy when one exists for exactly these bytes and this `parse`."""
    folder = cache_folder()
    if folder is None:
        return parse(raw)
    salt = "\0".join(
        (
            FORMAT,
            __version__,
            sys.version,
            _yaml_version(),
            parse.__module__,
            parse.__qualname__,
            _module_digest(parse.__module__),
        )
    )
    key = hashlib.sha256(salt.encode() + b"\0" + raw).hexdigest()
    copy = folder / "data" / f"{key}.json"
    try:
        return json.loads(copy.read_bytes())
    except (OSError, ValueError):  # none yet, unreadable, or corrupt: parse and store again
        pass
    value = parse(raw)
    _store(copy, value)
    return value


def _store(copy: Path, value: Any) -> None:
    """Write `value` as JSON next to `copy`, then rename (a reader never sees half a file); skip values JSON
    would change (a date, an integer key) and every error."""
    try:
        text = json.dumps(value, ensure_ascii=False, allow_nan=True)
        if not _same(json.loads(text), value):
            return
        copy.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=copy.parent, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(text)
            os.replace(temporary, copy)
        except BaseException:
            os.unlink(temporary)
            raise
    except (OSError, TypeError, ValueError, RecursionError):
        return


def _same(left: Any, right: Any) -> bool:
    """Equal and of the same types all the way down (`==` alone says 1 == 1.0 == True and '1' != 1 only at
    the top of a key)."""
    if type(left) is not type(right):
        return False
    if isinstance(left, dict):
        return len(left) == len(right) and all(
            type(key) is str and key in right and _same(item, right[key]) for key, item in left.items()
        )
    if isinstance(left, list):
        return len(left) == len(right) and all(_same(a, b) for a, b in zip(left, right, strict=True))
    return bool(left == right) or (left != left and right != right)  # NaN equals NaN here
