"""Floors of `cardlint facts` on the three labelled corpus sets, scored by ../shared/tools/corpus-eval, a
little under what it reaches, so later work cannot silently regress. Skipped without ../shared or bench/."""

from __future__ import annotations

import importlib
import json
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
if not (BENCH / "corpus.py").is_file():
    pytest.skip("bench/ is not part of this tree", allow_module_level=True)
sys.path.append(str(BENCH))
corpus = importlib.import_module("corpus")
TOOL = corpus.SHARED / "tools" / "corpus-eval"

pytestmark = pytest.mark.skipif(not TOOL.is_file(), reason="no corpus-eval in ../shared")

# (precision, recall) floors: overall, then per set
OVERALL = (0.97, 0.98)
PER_SET = {"cards": (0.96, 0.97), "bulk": (0.97, 0.98), "modern": (0.96, 0.98)}


def test_facts_hold_on_the_labelled_cards() -> None:
    command = f"{shlex.quote(sys.executable)} -m cardlint"
    result = subprocess.run(
        [sys.executable, str(TOOL), "--cardlint", command, "--json"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout)
    assert report["precision"] >= OVERALL[0], report
    assert report["recall"] >= OVERALL[1], report
    for name, (precision, recall) in PER_SET.items():
        scores = report["sets"][name]
        assert scores["precision"] >= precision, (name, scores, report["kinds"])
        assert scores["recall"] >= recall, (name, scores, report["kinds"])
