"""The JSON copies of our own data files (core/data_cache): a copy is read back only for the very bytes and
parser it was made from, values JSON would change are never stored, and no cache problem is ever an error."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from cardlint.core import data_cache
from cardlint.core.data_cache import cached_parse

CALLS: list[bytes] = []


def counting_parse(raw: bytes) -> Any:
    CALLS.append(raw)
    return json.loads(raw)


def date_parse(raw: bytes) -> Any:
    CALLS.append(raw)
    return {"when": dt.date(2025, 8, 2), "text": raw.decode()}


def int_key_parse(raw: bytes) -> Any:
    CALLS.append(raw)
    return {1: raw.decode()}


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("CARDLINT_CACHE_DIR", str(folder))
    monkeypatch.delenv("CARDLINT_NO_CACHE", raising=False)
    CALLS.clear()
    return folder


def copies(folder: Path) -> list[Path]:
    return sorted((folder / "data").glob("*.json")) if (folder / "data").is_dir() else []


def test_second_read_comes_from_the_copy(cache: Path) -> None:
    raw = b'{"a": [1, 2.5, true, null, "x"], "b": {"c": "d"}}'
    first = cached_parse(raw, counting_parse)
    second = cached_parse(raw, counting_parse)
    assert first == second == json.loads(raw)
    assert len(CALLS) == 1
    assert len(copies(cache)) == 1


def test_changed_bytes_are_parsed_again(cache: Path) -> None:
    assert cached_parse(b'{"v": 1}', counting_parse) == {"v": 1}
    assert cached_parse(b'{"v": 2}', counting_parse) == {"v": 2}
    assert cached_parse(b'{"v": 1}', counting_parse) == {"v": 1}
    assert len(CALLS) == 2


def test_another_parser_of_the_same_bytes_gets_its_own_copy(cache: Path) -> None:
    raw = b'{"v": 1}'
    cached_parse(raw, counting_parse)
    assert cached_parse(raw, int_key_parse) == {1: '{"v": 1}'}


@pytest.mark.parametrize("parse", [date_parse, int_key_parse], ids=["date", "integer key"])
def test_values_json_would_change_are_never_stored(cache: Path, parse: Any) -> None:
    raw = b"value"
    assert cached_parse(raw, parse) == parse(raw)
    assert cached_parse(raw, parse) == parse(raw)
    assert copies(cache) == []


def test_types_are_kept_exactly(cache: Path) -> None:
    """1, 1.0 and True are == in Python; a copy must not turn one into another."""

    raw = b'{"int": 1, "float": 1.0, "bool": true}'
    cached_parse(raw, counting_parse)
    value = cached_parse(raw, counting_parse)
    assert [type(value[key]) for key in ("int", "float", "bool")] == [int, float, bool]


def test_a_corrupt_copy_is_parsed_again_and_replaced(cache: Path) -> None:
    raw = b'{"v": [1, 2]}'
    cached_parse(raw, counting_parse)
    (copy,) = copies(cache)
    copy.write_text('{"v": [1, ', encoding="utf-8")
    assert cached_parse(raw, counting_parse) == {"v": [1, 2]}
    assert json.loads(copy.read_text(encoding="utf-8"))["value"] == {"v": [1, 2]}


def test_an_unusable_cache_folder_is_no_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("CARDLINT_CACHE_DIR", str(blocker / "cache"))
    assert cached_parse(b'{"v": 3}', counting_parse) == {"v": 3}
    assert cached_parse(b'{"v": 3}', counting_parse) == {"v": 3}


def test_no_cache_turns_it_off(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CARDLINT_NO_CACHE", "1")
    assert cached_parse(b'{"v": 4}', counting_parse) == {"v": 4}
    assert copies(cache) == [] and not cache.exists()


def test_default_folder_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("CARDLINT_CACHE_DIR", raising=False)
    monkeypatch.delenv("CARDLINT_NO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    if sys.platform.startswith("linux"):
        assert data_cache.cache_folder() == tmp_path / "cardlint"


def test_check_reports_the_same_with_and_without_copies(tmp_path: Path) -> None:
    """End to end through the CLI: a cold run that writes the copies, one that reads them and one with the
    cache off print the same findings, and the copies are there after the first run."""
    card = tmp_path / "README.md"
    card.write_text(
        "---\nlicense: mit\n---\n# Bramble-7B\n\nBramble-7B was trained on 1.2T tokens with 256 H100 GPUs "
        "for 21 days.\n",
        encoding="utf-8",
    )
    folder = tmp_path / "cache"
    outputs = []
    for env in (
        {"CARDLINT_CACHE_DIR": str(folder)},
        {"CARDLINT_CACHE_DIR": str(folder)},
        {"CARDLINT_NO_CACHE": "1"},
    ):
        command = [sys.executable, "-m", "cardlint", "check", "--select", "ALL", "--format", "json-lines"]
        result = subprocess.run(
            [*command, "--as-of", "2025-09-01", str(card)],
            capture_output=True,
            text=True,
            env={**_base_env(), **env},
            check=False,
        )
        assert result.returncode in (0, 1), result.stderr
        outputs.append(result.stdout)
        if len(outputs) == 1:
            assert copies(folder), "the first run stored no copy"
    assert outputs[0] == outputs[1] == outputs[2]
    assert outputs[0].strip()


def _base_env() -> dict[str, str]:
    import os

    return {key: value for key, value in os.environ.items() if not key.startswith("CARDLINT_")}


def test_a_copy_is_used_only_for_the_text_it_was_made_from(cache: Path) -> None:
    """Even a copy found under the right name is checked against the text it holds."""
    raw = b'{"v": 5}'
    cached_parse(raw, counting_parse)
    (copy,) = copies(cache)
    record = json.loads(copy.read_text(encoding="utf-8"))
    record["source"], record["value"] = '{"v": 6}', {"v": 6}
    copy.write_text(json.dumps(record), encoding="utf-8")
    assert cached_parse(raw, counting_parse) == {"v": 5}
    assert len(CALLS) == 2
