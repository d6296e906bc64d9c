"""Patterns served from the store (core/regex_store) are the patterns re.compile gives: same code, groups,
flags and matches; a store of another build, a corrupt store or no cache folder never changes a result."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cardlint.core import regex_store
from cardlint.core.regex_store import compile_pattern

PATTERNS = [
    (r"(?P<value>\d+(?:\.\d+)?)\s*(?P<unit>[kMGT]?)W(?![A-Za-z])", 0),
    (r"trained on (?:about |~)?(\d[\d,.]*)\s*(billion|trillion|[BT])\b", re.IGNORECASE),
    (r"(?<![\s_-])[\s_-]+(?:model|weights)$", re.IGNORECASE | re.MULTILINE),
    (r"""(?x) ^ \s* (?P<key>[a-z_]+) \s* : \s* (?P<rest>.*) $  # a key: value line""", 0),
    (r"[\u4e00-\u9fff]+|词元|tokens?", 0),
    (r"(a)|(b)|(?P<c>c)", 0),
]
SAMPLES = [
    "Trained on about 1.2 trillion tokens",
    "350 kW",
    "kl-f8 autoencoder model",
    " size : 7B",
    "词元",
    "abc",
]


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("CARDLINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("CARDLINT_NO_CACHE", raising=False)
    _fresh_process()
    yield tmp_path / "cache" / "regex"
    _fresh_process()


def _fresh_process() -> None:
    """The module as a new run sees it: store not read yet, nothing new, the cache folder asked again."""
    regex_store._store = None
    regex_store._new.clear()
    regex_store._store_path.cache_clear()


def _same_pattern(ours: re.Pattern[str], theirs: re.Pattern[str]) -> None:
    assert (ours.pattern, ours.flags, ours.groups, ours.groupindex) == (
        theirs.pattern,
        theirs.flags,
        theirs.groups,
        theirs.groupindex,
    )
    for text in SAMPLES:
        found = [(m.span(), m.groups()) for m in ours.finditer(text)]
        assert found == [(m.span(), m.groups()) for m in theirs.finditer(text)]


def test_patterns_from_the_store_are_those_re_compiles(store: Path) -> None:
    for pattern, flags in PATTERNS:
        _same_pattern(compile_pattern(pattern, flags), re.compile(pattern, flags))
    regex_store._save()
    assert len(list(store.glob("*.json"))) == 1
    _fresh_process()
    for pattern, flags in PATTERNS:
        key = f"{int(flags)}:{pattern}"
        assert key in regex_store._stored()
        _same_pattern(compile_pattern(pattern, flags), re.compile(pattern, flags))
    assert regex_store._new == {}  # every one came from the store


def _saved_store(store: Path, pattern: str, flags: int) -> tuple[Path, dict[str, Any]]:
    """Compile one pattern, write the store, and read its one file back (to tamper with)."""
    compile_pattern(pattern, flags)
    regex_store._save()
    (path,) = store.glob("*.json")
    return path, json.loads(path.read_text(encoding="utf-8"))


def test_a_corrupt_store_or_entry_gives_the_same_patterns(store: Path) -> None:
    pattern, flags = PATTERNS[0]
    path, stored = _saved_store(store, pattern, flags)
    stored["patterns"][f"{flags}:{pattern}"][1] = "AAAA"  # code the C matcher refuses
    path.write_text(json.dumps(stored), encoding="utf-8")
    _fresh_process()
    _same_pattern(compile_pattern(pattern, flags), re.compile(pattern, flags))
    path.write_text("{not json", encoding="utf-8")
    _fresh_process()
    _same_pattern(compile_pattern(pattern, flags), re.compile(pattern, flags))


def test_another_python_build_has_a_store_of_its_own(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mine = regex_store._store_path()
    regex_store._store_path.cache_clear()
    monkeypatch.setattr(sys, "version", sys.version + " (another build)")
    assert regex_store._store_path() != mine


def test_without_a_cache_folder_nothing_is_kept(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CARDLINT_NO_CACHE", "1")
    _fresh_process()
    pattern, flags = PATTERNS[1]
    _same_pattern(compile_pattern(pattern, flags), re.compile(pattern, flags))
    assert regex_store._new == {}
    regex_store._save()
    assert not store.exists()


def test_a_real_check_fills_the_store_with_what_re_would_compile(tmp_path: Path) -> None:
    """Through the CLI: after one run, every stored entry holds the code this Python compiles for it now."""
    card = tmp_path / "README.md"
    card.write_text(
        "---\nlicense: mit\n---\n# Bramble-7B\n\nTrained on 1.2T tokens on 64 A100 GPUs.\n", "utf-8"
    )
    folder = tmp_path / "cache"
    env = {"CARDLINT_CACHE_DIR": str(folder), "PATH": "/usr/bin:/bin"}
    command = [sys.executable, "-m", "cardlint", "check", "--as-of", "2025-09-01", str(card)]
    first = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    second = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    assert first.returncode in (0, 1), first.stderr
    assert (first.stdout, first.returncode) == (second.stdout, second.returncode)
    (path,) = (folder / "regex").glob("*.json")
    entries = json.loads(path.read_text(encoding="utf-8"))["patterns"]
    assert len(entries) > 100
    _fresh_process()
    try:
        for key in entries:
            flags, pattern = key.split(":", 1)
            assert regex_store._compiled_entry(pattern, int(flags)) == entries[key], pattern
    finally:
        _fresh_process()


def test_the_package_compiles_its_text_patterns_through_the_store() -> None:
    """A new `re.compile` of a str pattern would quietly cost every cold start its compile again."""
    import ast

    package = Path(regex_store.__file__).resolve().parent.parent
    direct = []
    for path in sorted(package.rglob("*.py")):
        if path.name == "regex_store.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "compile"
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "re"
                and not (
                    node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, bytes)
                )
            ):
                direct.append(f"{path.relative_to(package.parent)}:{node.lineno}")
    assert direct == []


def test_a_store_written_by_another_build_is_not_read(store: Path) -> None:
    pattern, flags = PATTERNS[2]
    path, stored = _saved_store(store, pattern, flags)
    stored["build"] = "another interpreter"
    path.write_text(json.dumps(stored), encoding="utf-8")
    _fresh_process()
    assert regex_store._stored() == {}
    _same_pattern(compile_pattern(pattern, flags), re.compile(pattern, flags))


@pytest.mark.parametrize("pattern", ["(unclosed", "a{2,1}", "(?P<x>a)(?P<x>b)"])
def test_an_invalid_pattern_fails_as_re_compile_fails(store: Path, pattern: str) -> None:
    with pytest.raises(re.error) as ours:
        compile_pattern(pattern)
    with pytest.raises(re.error) as theirs:
        re.compile(pattern)
    assert str(ours.value) == str(theirs.value)
    assert regex_store._new == {}
