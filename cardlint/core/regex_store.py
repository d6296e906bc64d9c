"""Regular expressions compiled once per Python build instead of once per run.

CPython compiles a pattern in Python code (its parser and code generator) and hands the resulting list of
integers to the C matcher. The ~450 patterns a `check` compiles were a quarter of its cold start. That list
depends only on the pattern, the flags and the interpreter, so `compile_pattern` keeps it in the user cache
folder (core/data_cache) and gives it straight to the C matcher on the next run, which validates any code it
is given. A copy is only ever used by the exact Python build (version string, SRE magic and code size) that
made it; any failure — no cache folder, a corrupt file, an interpreter without these internals — falls back
to `re.compile`, so the pattern is always the one `re.compile` gives. New patterns are written at exit.
"""

from __future__ import annotations

import atexit
import base64
import binascii
import functools
import json
import re
import sys
from array import array
from pathlib import Path
from typing import Any

from cardlint.core.data_cache import cache_folder, write_quietly

FORMAT = "1"
MAX_ENTRIES = 1_500  # a store past this (many edited patterns; a check uses ~450) starts afresh

try:  # CPython's own compiler of patterns (3.11+: re._parser / re._compiler; 3.10: sre_parse / sre_compile)
    import _sre

    try:
        from re import _compiler as _sre_compiler  # type: ignore[attr-defined]
        from re import _parser as _sre_parser  # type: ignore[attr-defined]
    except ImportError:  # pragma: no cover - Python 3.10
        import sre_compile as _sre_compiler
        import sre_parse as _sre_parser
    _CODE_TYPE = {2: "H", 4: "I"}.get(_sre.CODESIZE, "")
    _AVAILABLE = bool(_CODE_TYPE) and array(_CODE_TYPE).itemsize == _sre.CODESIZE
except (ImportError, AttributeError):  # pragma: no cover - another interpreter: plain re.compile
    _AVAILABLE = False

_store: dict[str, list[Any]] | None = None  # key -> [flags, code (base64), groups, groupindex, indexgroup]
_new: dict[str, list[Any]] = {}


def compile_pattern(pattern: str, flags: int | re.RegexFlag = 0) -> re.Pattern[str]:
    """`re.compile(pattern, flags)`, without recompiling a pattern this Python build compiled before."""
    flags = int(flags)
    if not _AVAILABLE or flags & re.DEBUG or type(pattern) is not str:
        return re.compile(pattern, flags)
    if _store_path() is None:
        return re.compile(pattern, flags)
    key = f"{flags}:{pattern}"
    entry = _stored().get(key)
    if entry is None:
        entry = _compiled_entry(pattern, flags)
        if entry is None:  # not a valid pattern, or internals that moved: re.compile says which
            return re.compile(pattern, flags)
        if not _new:
            atexit.register(_save)
        _new[key] = entry
    try:
        final_flags, code, groups, groupindex, indexgroup = entry
        program = array(_CODE_TYPE, base64.b64decode(code)).tolist()
        return _sre.compile(pattern, final_flags, program, groups, dict(groupindex), tuple(indexgroup))
    except Exception:  # a corrupt entry
        _new.pop(key, None)
        return re.compile(pattern, flags)


def _compiled_entry(pattern: str, flags: int) -> list[Any] | None:
    """The pieces re._compiler.compile hands to _sre.compile, in the store's form (None on any error)."""
    try:
        parsed = _sre_parser.parse(pattern, flags)
        code = _sre_compiler._code(parsed, flags)
        groupindex = dict(parsed.state.groupdict)
        indexgroup: list[str | None] = [None] * parsed.state.groups
        for name, index in groupindex.items():
            indexgroup[index] = name
        return [
            flags | parsed.state.flags,
            base64.b64encode(array(_CODE_TYPE, code).tobytes()).decode("ascii"),
            parsed.state.groups - 1,
            groupindex,
            indexgroup,
        ]
    except Exception:
        return None


@functools.cache
def _store_path() -> str | None:
    folder = cache_folder()
    if folder is None:
        return None
    return str(folder / "regex" / f"{binascii.crc32(_build().encode()):08x}.json")


def _build() -> str:
    """What a stored code list is valid for: this store's format and the exact interpreter build."""
    return "\0".join((FORMAT, sys.version, str(_sre.MAGIC), str(_sre.CODESIZE)))


def _stored() -> dict[str, list[Any]]:
    global _store
    if _store is None:
        _store = {}
        path = _store_path()
        if path is not None:
            try:
                with open(path, "rb") as handle:
                    loaded = json.loads(handle.read())
                if isinstance(loaded, dict) and loaded.get("build") == _build():
                    patterns = loaded.get("patterns")
                    _store = patterns if isinstance(patterns, dict) else {}
            except (OSError, ValueError):
                pass
    return _store


def _save() -> None:
    """Merge this run's new patterns into the store (write to a temporary file, then rename)."""
    path = _store_path()
    if path is None or not _new:
        return
    merged = dict(_stored()) if len(_stored()) < MAX_ENTRIES else {}
    merged.update(_new)
    _new.clear()
    try:  # ASCII: patterns may hold lone surrogates
        text = json.dumps({"build": _build(), "patterns": merged}, separators=(",", ":"))
    except ValueError:
        return
    write_quietly(Path(path), text)
