"""`cardlint policies`: text and JSON listings, the date, and a user's own profile validated."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from cardlint.cli import cli


def invoke(*args: str):
    return CliRunner().invoke(cli, ["policies", *args])


def test_json_lists_every_policy_with_status_on_the_date_and_thresholds() -> None:
    result = invoke("--format", "json", "--as-of", "2024-06-01")
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["as_of"] == "2024-06-01"
    by_id = {p["id"]: p for p in document["policies"]}
    assert len(by_id) == 9
    assert by_id["us-eo-14110"]["status"] == "in-force" and by_id["us-eo-14110"]["selected_by_default"]
    assert (
        by_id["eu-ai-act"]["status"] == "not-yet-in-force" and not by_id["eu-ai-act"]["selected_by_default"]
    )
    systemic = next(t for t in by_id["eu-ai-act"]["thresholds"] if t["id"] == "systemic-risk")
    assert (systemic["value"], systemic["comparator"], systemic["unit"]) == (1e25, ">", "FLOP")
    assert any(o["ref"] == "Art. 52(1)" for o in systemic["obligations"])


def test_text_marks_the_default_policies_for_the_date() -> None:
    result = invoke("--as-of", "2026-11-26")
    assert result.exit_code == 0
    marked = {line.split()[1] for line in result.output.splitlines() if line.startswith("* ")}
    assert marked == {"eu-ai-act", "us-ca-sb53", "kr-ai-basic-act"}
    assert "us-ny-raise@with-cost-condition" in result.output


def test_bad_date_is_a_usage_error() -> None:
    result = invoke("--as-of", "yesterday")
    assert result.exit_code == 2


def test_own_profile_is_validated_with_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text("id: mine\nname: 42\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["policies", "--policy-file", str(path)])
    assert result.exit_code == 2
    assert "mine.yaml:" in result.output
