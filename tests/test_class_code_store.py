"""Dataclasses made with the stored code (core/class_code_store) are the dataclasses Python makes: same
methods, same annotations, same behaviour; a corrupt store, another build or no cache folder changes nothing,
and only the CLI installs the store (a program importing cardlint keeps its own `dataclasses`)."""

from __future__ import annotations

import dataclasses
import inspect
import json
import marshal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from cardlint.core import class_code_store

CARD = "---\nlicense: mit\n---\n# Bramble-7B\n\nTrained on 1.2T tokens on 64 A100 GPUs.\n"


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("CARDLINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("CARDLINT_NO_CACHE", raising=False)
    _fresh_process()
    yield tmp_path / "cache" / "classes"
    if "exec" in vars(dataclasses):
        del dataclasses.exec  # type: ignore[attr-defined]
    _fresh_process()


def _fresh_process() -> None:
    class_code_store._store = None
    class_code_store._new.clear()
    class_code_store._store_path.cache_clear()


def _make_classes() -> tuple[type, type]:
    @dataclasses.dataclass(frozen=True)
    class Figure:
        value: float
        unit: str = "tokens"
        notes: tuple[str, ...] = ()

    @dataclasses.dataclass
    class Tally:
        counts: list[int] = dataclasses.field(default_factory=list)
        label: str | None = None

    return Figure, Tally


def _behaviour(figure: type, tally: type) -> list[object]:
    first, second = figure(1.5), figure(1.5, "tokens", ())
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.value = 2.0
    counted = tally()
    counted.counts.append(3)
    return [
        repr(first),
        first == second,
        hash(first) == hash(second),
        first == figure(2.0),
        repr(counted),
        tally().counts,
        str(inspect.signature(figure)),
        inspect.signature(figure.__init__).return_annotation,
        figure.__init__.__code__.co_flags,
        sorted(vars(figure)),
    ]


def test_stored_code_makes_the_classes_python_makes(store: Path) -> None:
    plain = _behaviour(*_make_classes())
    class_code_store.install()
    compiled = _behaviour(*_make_classes())  # compiled on a miss
    assert class_code_store._new, "the install did not route dataclasses through the store"
    class_code_store._save()
    _fresh_process()
    from_store = _behaviour(*_make_classes())  # read back from the file
    assert class_code_store._new == {}
    assert plain == compiled == from_store
    assert plain[7] is None  # not the string 'None': no `from __future__ import annotations` leaks in


def test_a_corrupt_or_foreign_store_is_compiled_afresh(store: Path) -> None:
    class_code_store.install()
    path = Path(class_code_store._store_path() or "")
    path.parent.mkdir(parents=True)
    plain = _behaviour(*_make_classes())
    foreign = marshal.dumps({"build": "another", "code": {"x": 1}})
    for content in (b"\x00garbage", foreign, marshal.dumps([1])):
        path.write_bytes(content)
        _fresh_process()
        assert _behaviour(*_make_classes()) == plain


def test_without_a_cache_folder_nothing_is_installed(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CARDLINT_NO_CACHE", "1")
    _fresh_process()
    class_code_store.install()
    assert "exec" not in vars(dataclasses)


def test_a_check_fills_the_store_and_reads_it_back_with_the_same_findings(tmp_path: Path) -> None:
    card = tmp_path / "README.md"
    card.write_text(CARD, "utf-8")
    folder = tmp_path / "cache"
    command = [sys.executable, "-m", "cardlint", "check", "--format", "json", "--as-of", "2025-09-01"]
    command.append(str(card))
    runs = [
        subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        for env in (
            {"CARDLINT_NO_CACHE": "1", "PATH": "/usr/bin:/bin"},
            {"CARDLINT_CACHE_DIR": str(folder), "PATH": "/usr/bin:/bin"},
            {"CARDLINT_CACHE_DIR": str(folder), "PATH": "/usr/bin:/bin"},
        )
    ]
    assert runs[0].returncode in (0, 1), runs[0].stderr
    assert json.loads(runs[0].stdout)  # a real report, not an empty one
    assert len({(run.stdout, run.returncode) for run in runs}) == 1
    (path,) = (folder / "classes").glob("*.marshal")
    assert len(marshal.loads(path.read_bytes())["code"]) > 100


def test_importing_cardlint_leaves_dataclasses_alone() -> None:
    script = "import dataclasses, cardlint.api, cardlint.cli; print('exec' in vars(dataclasses))"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
