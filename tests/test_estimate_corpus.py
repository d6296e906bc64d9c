"""Coverage floors of `cardlint estimate` on the labelled corpus sets (bench/estimate_corpus.py), a little
under what it reaches, so later work cannot silently regress. Skipped without ../shared or without bench/."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
if not (BENCH / "estimate_corpus.py").is_file():
    pytest.skip("bench/ is not part of this tree", allow_module_level=True)
sys.path.append(str(BENCH))
corpus = importlib.import_module("corpus")
estimate_corpus = importlib.import_module("estimate_corpus")

pytestmark = pytest.mark.skipif(not corpus.CORPUS.is_dir(), reason="no evaluation corpus in ../shared")


def test_estimates_cover_the_labelled_cards() -> None:
    report = estimate_corpus.measure(list(estimate_corpus.SETS))
    report.pop("rows")
    assert report["allowed"] >= 40, report
    assert report["estimated"] / report["allowed"] >= 0.95, report["misses"]
    assert report["within_2x"] / report["allowed"] >= 0.92, report["misses"]
    assert report["epoch_contained"] / report["epoch_cards"] >= 0.85, report["epoch_misses"]
