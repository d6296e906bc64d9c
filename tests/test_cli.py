"""End-to-end: the real `cardlint` process on cards we wrote, its output formats and its exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parent.parent
CARDS = ROOT / "tests" / "cards" / "cli"
REPORT_SCHEMA = json.loads((ROOT / "schemas" / "report.schema.json").read_text())


def cardlint(
    *args: str, cwd: Path | None = None, stdin: bytes | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    result = subprocess.run(
        [sys.executable, "-m", "cardlint", *args],
        cwd=cwd or ROOT,
        input=stdin.decode() if stdin is not None else None,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


def _json(result: subprocess.CompletedProcess[str]) -> dict:  # type: ignore[type-arg]
    document = json.loads(result.stdout)
    jsonschema.Draft202012Validator(REPORT_SCHEMA).validate(document)
    return document


def test_bad_card_concise_output_and_exit_1() -> None:
    result = cardlint("check", str(CARDS / "bad" / "README.md"))
    assert result.returncode == 1
    first = result.stdout.splitlines()[0]
    path, line, column, rest = first.split(":", 3)
    assert path.endswith("README.md") and line.isdigit() and column.isdigit()
    assert rest.strip().startswith("CL")


def test_good_card_exits_0() -> None:
    result = cardlint("check", str(CARDS / "good"))
    assert result.returncode == 0, result.stdout
    assert "All checks passed" in result.stdout


def test_json_output_matches_the_report_schema() -> None:
    document = _json(cardlint("check", "--format", "json", str(CARDS / "bad"), str(CARDS / "good")))
    assert document["command"] == "check" and len(document["results"]) == 2
    codes = {f["code"] for f in document["results"][0]["findings"]}
    assert {"CL108", "CL109"} <= codes  # duplicate key (license), `- no` read as a boolean


def test_duplicate_key_points_at_the_second_occurrence() -> None:
    document = _json(cardlint("check", "--format", "json", "--select", "CL108", str(CARDS / "bad")))
    (only,) = document["results"][0]["findings"]
    assert (only["line"], only["column"]) == (7, 1)


def test_select_ignore_by_name_prefix_and_statistics() -> None:
    selected = _json(
        cardlint("check", "--format", "json", "--select", "CL1", "--ignore", "CL108", str(CARDS / "bad"))
    )
    codes = {f["code"] for f in selected["results"][0]["findings"]}
    assert codes and all(code.startswith("CL1") for code in codes) and "CL108" not in codes
    stats = cardlint("check", "--statistics", str(CARDS / "bad"))
    assert stats.returncode == 1 and any(line.split()[1] == "CL108" for line in stats.stdout.splitlines())


def test_unknown_selector_is_a_usage_error() -> None:
    result = cardlint("check", "--select", "CL7", str(CARDS / "bad"))
    assert result.returncode == 2 and "CL7" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_fail_on_and_exit_zero() -> None:
    assert cardlint("check", "--exit-zero", str(CARDS / "bad")).returncode == 0
    only_info = cardlint("check", "--select", "CL2", "--fail-on", "error", str(CARDS / "bad"))
    assert only_info.returncode == 0


def test_missing_file_is_exit_2_but_other_targets_are_still_linted() -> None:
    result = cardlint("check", "--format", "json", "no/such/README.md", str(CARDS / "bad"))
    assert result.returncode == 2
    assert "no/such/README.md" in result.stderr
    assert len(json.loads(result.stdout)["results"]) == 1


def test_folder_without_card_and_recursive(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert cardlint("check", str(empty)).returncode == 2
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "MODEL_CARD.md").write_text((CARDS / "good" / "README.md").read_text())
    (tmp_path / "README.md").write_text((CARDS / "bad" / "README.md").read_text())
    document = _json(cardlint("check", "--recursive", "--format", "json", str(tmp_path)))
    assert sorted(Path(r["path"]).name for r in document["results"]) == ["MODEL_CARD.md", "README.md"]


def test_stdin() -> None:
    result = cardlint("check", "--format", "json", "-", stdin=(CARDS / "bad" / "README.md").read_bytes())
    document = _json(result)
    assert document["results"][0]["path"] == "-" and document["results"][0]["findings"]


def test_binary_file_is_a_finding_not_a_crash(tmp_path: Path) -> None:
    card = tmp_path / "README.md"
    card.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    document = _json(cardlint("check", "--format", "json", str(card)))
    assert [f["code"] for f in document["results"][0]["findings"]] == ["CL101"]


def test_require_front_matter_skips_plain_readmes() -> None:
    result = cardlint("check", "--require-front-matter", "--format", "json", str(CARDS / "plain"))
    assert result.returncode == 0 and json.loads(result.stdout)["results"] == []


def test_config_file_is_found_and_bad_config_is_exit_2(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "README.md").write_text((CARDS / "bad" / "README.md").read_text())
    (tmp_path / "cardlint.toml").write_text('select = ["CL108"]\n')
    document = _json(cardlint("check", "--format", "json", "m", cwd=tmp_path))
    assert {f["code"] for f in document["results"][0]["findings"]} == {"CL108"}
    isolated = _json(cardlint("check", "--isolated", "--format", "json", "m", cwd=tmp_path))
    assert len({f["code"] for f in isolated["results"][0]["findings"]}) > 1
    (tmp_path / "cardlint.toml").write_text('selekt = ["CL108"]\n')
    broken = cardlint("check", "m", cwd=tmp_path)
    assert broken.returncode == 2 and "selekt" in broken.stderr and "cardlint.toml" in broken.stderr


def test_full_format_shows_the_offending_line() -> None:
    result = cardlint("check", "--format", "full", "--select", "CL108", str(CARDS / "bad"))
    assert "license: mit" in result.stdout and "^" in result.stdout


def test_jobs_gives_the_same_result_as_serial(tmp_path: Path) -> None:
    for index in range(70):
        folder = tmp_path / f"m{index:03d}"
        folder.mkdir()
        source = CARDS / ("bad" if index % 3 else "good") / "README.md"
        (folder / "README.md").write_text(source.read_text())
    serial = cardlint("check", "--recursive", "--format", "json", str(tmp_path))
    parallel = cardlint("check", "--recursive", "--jobs", "2", "--format", "json", str(tmp_path))
    assert serial.returncode == parallel.returncode == 1
    assert json.loads(serial.stdout) == json.loads(parallel.stdout)


def test_rules_explain_and_version() -> None:
    rules = json.loads(cardlint("rules", "--format", "json").stdout)
    assert any(rule["code"] == "CL901" for rule in rules)
    explained = cardlint("explain", "unused-suppression")
    assert explained.returncode == 0 and "## Why it matters" in explained.stdout
    assert cardlint("explain", "CL999").returncode == 2
    assert cardlint("--version").stdout.startswith("cardlint")


@pytest.mark.parametrize("command", ["facts", "estimate"])
def test_facts_and_estimate_json(command: str) -> None:
    document = _json(cardlint(command, "--format", "json", str(ROOT / "examples" / "acme-7b")))
    result = document["results"][0]
    kinds = {fact["kind"] for fact in result["facts"]}
    assert {"parameters", "training_tokens", "hardware_type", "device_hours"} <= kinds
    if command == "estimate":
        flop = result["estimate"]["training_flop"]
        assert flop["low"] <= 8.4e22 <= flop["high"]
        assert {t["policy"] for t in result["thresholds"]} >= {"eu-ai-act"}


def test_no_color_and_not_a_tty_means_plain_text() -> None:
    result = cardlint("check", str(CARDS / "bad"))
    assert "\x1b[" not in result.stdout


def test_check_fix_applies_safe_fixes_then_lints_what_is_left(tmp_path: Path) -> None:
    card = tmp_path / "README.md"
    card.write_text(
        "---\nlicense: mit\npipeline-tag: text-classification\n---\n# tiny\n\nA small classifier.\n"
    )
    before = _json(cardlint("check", "--format", "json", str(card)))
    assert "CL119" in {f["code"] for f in before["results"][0]["findings"]}
    after = cardlint("check", "--fix", "--format", "json", str(card))
    assert "pipeline_tag: text-classification" in card.read_text()
    assert "CL119" not in {f["code"] for f in _json(after)["results"][0]["findings"]}
    assert "CL119" in after.stderr  # what was fixed is said on stderr
