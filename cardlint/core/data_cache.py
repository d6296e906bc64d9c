"""Parsed copies of cardlint's own data files (rules/, data/), kept as JSON in the user's cache folder.

Building YAML into Python objects is most of the cost of reading rules.yaml and the policy profiles, and a
cold `cardlint check` reads them all: json.loads of the same value is 20x faster. A copy holds what its
value was made from (the file's text; the parsing function and the size and mtime of its module's source,
as Python checks its own .pyc files; the PyYAML, Python and cardlint versions) and is used only when all of
it is the same now, so an edited data file or parser never reads a stale copy. A value is kept only when it
survives JSON unchanged (no dates, no non-string keys). Nothing here raises: no home folder, a read-only
disk or a corrupt copy just means the file is parsed, as without a cache.
Cards never go through here; `CARDLINT_NO_CACHE=1` turns the cache off, `CARDLINT_CACHE_DIR` moves it.
"""

from __future__ import annotations

import binascii
import functools
import json
import os
import sys
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
def _module_stamp(module: str) -> str:
    """Size and mtime of a module's source file: a changed parser makes its copies stale."""
    try:
        path = getattr(sys.modules[module], "__file__", None)
        stat = os.stat(path) if path else None
    except (KeyError, OSError):
        return "unknown"
    return f"{stat.st_size}:{stat.st_mtime_ns}" if stat else "unknown"


def _yaml_version() -> str:
    yaml = sys.modules.get("yaml")
    return str(getattr(yaml, "__version__", "")) + str(getattr(yaml, "__with_libyaml__", ""))


def cached_parse(raw: bytes, parse: Callable[[bytes], Any]) -> Any:
    """`parse(raw)`, read from a stored copy when one exists for exactly these bytes and this `parse`."""
    folder = cache_folder()
    if folder is None:
        return parse(raw)
    made_from = [
        FORMAT,
        __version__,
        sys.version,
        _yaml_version(),
        parse.__module__,
        parse.__qualname__,
        _module_stamp(parse.__module__),
    ]
    try:
        source = raw.decode("utf-8")
    except UnicodeDecodeError:
        return parse(raw)
    name = f"{binascii.crc32(repr(made_from).encode() + raw):08x}-{len(raw)}.json"
    copy = folder / "data" / name
    try:
        stored = json.loads(copy.read_bytes())
        if stored["made_from"] == made_from and stored["source"] == source:
            return stored["value"]
    except (OSError, ValueError, KeyError, TypeError):  # none yet, unreadable, corrupt or foreign
        pass
    value = parse(raw)
    _store(copy, {"made_from": made_from, "source": source, "value": value})
    return value


def _store(copy: Path, record: dict[str, Any]) -> None:
    """Write `record` as JSON at `copy`; skip a value JSON would change (a date, an integer key) and every
    error."""
    try:
        text = json.dumps(record)  # ASCII: a lone surrogate in a data file must not fail the write
        if not _same(json.loads(text)["value"], record["value"]):
            return
    except (TypeError, ValueError, RecursionError):
        return
    write_quietly(copy, text)


def write_quietly(path: Path, text: str | bytes) -> None:
    """Write `text` (or bytes) at `path` through a temporary file and a rename, so a reader never sees half a
    file; a cache that cannot be written is only a slower next start, so every OS error is dropped."""
    import tempfile  # only when writing: its imports cost a cold start that finds every copy

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
        try:
            if isinstance(text, bytes):
                with os.fdopen(handle, "wb") as binary:
                    binary.write(text)
            else:
                with os.fdopen(handle, "w", encoding="utf-8") as stream:
                    stream.write(text)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError:
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
