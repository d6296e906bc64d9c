"""The methods `dataclasses` generates, compiled once per Python build instead of once per run.

`@dataclass` writes `__init__`, `__repr__`, `__eq__` (and, frozen, `__setattr__`, `__delattr__`, `__hash__`)
as source text and compiles it with `exec` each time a class is created: for the ~80 classes a cold `check`
creates, that compiling was about a sixth of its CPU. The text depends only on the class's fields and
options, so `install` (called by the CLI, which owns its process; library users are left alone) gives the
`dataclasses` module an `exec` that looks the text up in a store of code objects kept in the user cache folder
(core/data_cache), compiling exactly as `exec` would on a miss. The store is `marshal` data, as Python's own
`__pycache__` files are, so it has their trust: the user's cache folder, written by this user only. A copy is
only read by the exact Python build that wrote it; any failure (no cache folder, a corrupt file) means plain
compiling, so a class is always the one `dataclasses` makes. New code is written at exit.
"""

from __future__ import annotations

import atexit
import binascii
import builtins
import functools
import marshal
import sys
from pathlib import Path
from types import CodeType
from typing import Any

from cardlint.core.data_cache import cache_folder, write_quietly

FORMAT = "1"
MAX_ENTRIES = 3_000  # a store past this (many edited classes; a check uses ~450) starts afresh

_store: dict[str, CodeType] | None = None  # source text -> its compiled module code
_new: dict[str, CodeType] = {}


def install() -> None:
    """Route the `exec` calls of `dataclasses` through the store (once; a no-op without a cache folder)."""
    import dataclasses

    if getattr(dataclasses, "exec", None) is _stored_exec or _store_path() is None:
        return
    dataclasses.exec = _stored_exec  # type: ignore[attr-defined]


def _stored_exec(source: Any, globals: Any = None, locals: Any = None, /, **options: Any) -> None:
    """`exec(source, globals, locals)`, with the code of a text compiled before taken from the store."""
    if globals is None:  # as exec does: the caller's namespaces
        frame = sys._getframe(1)
        globals = frame.f_globals
        if locals is None:
            locals = frame.f_locals
    if type(source) is str and not options:
        source = code_of(source)
    builtins.exec(source, globals, locals, **options)


def code_of(text: str) -> CodeType:
    """The code `exec(text)` runs from within `dataclasses`: compiled with no inherited `__future__` flags
    (`dataclasses` has none, this module has `annotations`), under the name `exec` gives a string."""
    code = _stored().get(text)
    if type(code) is not CodeType:
        code = compile(text, "<string>", "exec", dont_inherit=True)
        if not _new:
            atexit.register(_save)
        _new[text] = code
    return code


@functools.cache
def _store_path() -> str | None:
    folder = cache_folder()
    if folder is None:
        return None
    return str(folder / "classes" / f"{binascii.crc32(_build().encode()):08x}.marshal")


def _build() -> str:
    """What stored code is valid for: this store's format, the exact interpreter build, marshal's format."""
    return "\0".join((FORMAT, sys.version, sys.implementation.cache_tag or "", str(marshal.version)))


def _stored() -> dict[str, CodeType]:
    global _store
    if _store is None:
        _store = {}
        path = _store_path()
        if path is not None:
            try:
                with open(path, "rb") as handle:
                    loaded = marshal.loads(handle.read())
                if isinstance(loaded, dict) and loaded.get("build") == _build():
                    code = loaded.get("code")
                    _store = code if isinstance(code, dict) else {}
            except (OSError, ValueError, EOFError, TypeError):
                pass
    return _store


def _save() -> None:
    """Merge this run's new code into the store (written to a temporary file, then renamed)."""
    path = _store_path()
    if path is None or not _new:
        return
    merged = dict(_stored()) if len(_stored()) < MAX_ENTRIES else {}
    merged.update(_new)
    _new.clear()
    try:
        data = marshal.dumps({"build": _build(), "code": merged})
    except ValueError:
        return
    write_quietly(Path(path), data)
