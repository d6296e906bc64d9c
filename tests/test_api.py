"""The Python API returns the objects the CLI renders."""

from pathlib import Path

import pytest

import cardlint
from cardlint.sources import SourceError

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "acme-7b" / "README.md"


def test_estimate_api_matches_the_cli_objects() -> None:
    report = cardlint.estimate(EXAMPLE, policies=["eu-ai-act"])
    assert report.estimate is not None and report.estimate.training_flop is not None
    assert report.estimate.training_flop.low <= 8.4e22 <= report.estimate.training_flop.high
    assert {status.policy for status in report.thresholds} == {"eu-ai-act"}
    assert report.findings == []  # estimate does not run the checks


def test_check_and_analyse_text() -> None:
    assert any(f.code.startswith("CL") for f in cardlint.check(EXAMPLE).findings)
    report = cardlint.analyse_text("---\nlicense: mit\nlicense: mit\n---\n# x\n")
    assert "CL108" in {f.code for f in report.findings}


def test_missing_target_raises_source_error() -> None:
    with pytest.raises(SourceError):
        cardlint.estimate("no/such/file.md", offline=True)
