"""The CI formats (SARIF, GitHub annotations, Markdown, JUnit, JSON Lines) on one fixed set of reports.

Golden files under tests/golden/ pin the exact output; regenerate them with UPDATE_GOLDEN=1 after a deliberate
change and read the diff. The other tests pin the behaviour a golden file would hide: escaping, the annotation
cap, fingerprint stability, table safety.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from types import ModuleType

import pytest
from report_samples import ALPHA_LINES, ROOT, many_findings_report, sample_catalogue, sample_reports

from cardlint.report import github, jsonlines, junit, markdown, sarif
from cardlint.report.common import fingerprinted, relative_path
from cardlint.types import CardReport, Finding, Location, Severity

GOLDEN = Path(__file__).parent / "golden"
FORMATS: dict[str, tuple[ModuleType, str]] = {
    "sarif": (sarif, "reports.sarif"),
    "github": (github, "reports.github.txt"),
    "markdown": (markdown, "reports.md"),
    "junit": (junit, "reports.junit.xml"),
    "json-lines": (jsonlines, "reports.jsonl"),
}


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_golden_output(fmt: str) -> None:
    module, filename = FORMATS[fmt]
    rendered = module.render(sample_reports(), sample_catalogue(), root=ROOT)
    golden = GOLDEN / filename
    if os.environ.get("UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(rendered, encoding="utf-8", newline="\n")
    assert golden.exists(), f"missing {golden}; run with UPDATE_GOLDEN=1"
    assert rendered == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format_renders_no_reports(fmt: str) -> None:
    module, _ = FORMATS[fmt]
    assert module.render([], sample_catalogue(), root=ROOT) is not None


# ---------------------------------------------------------------- GitHub workflow commands


def test_property_and_data_escaping() -> None:
    line = github.command("error", "50% done\r\nnext", {"file": "a,b:c%.md", "line": 3, "col": None})
    assert line == "::error file=a%2Cb%3Ac%25.md,line=3::50%25 done%0D%0Anext"


def test_title_with_colon_and_comma_stays_one_property() -> None:
    report = sample_reports()[0]
    odd = dataclasses.replace(report.findings[0], name="a,b:c")
    report.findings = [odd]
    first = github.render([report], sample_catalogue(), root=ROOT).splitlines()[0]
    properties = dict(part.split("=", 1) for part in first.split("::")[1].split(" ", 1)[1].split(","))
    assert properties["title"] == "CL310 a%2Cb%3Ac"
    assert properties["line"] == "3" and properties["endColumn"] == "11"


def _annotations(output: str) -> dict[str, int]:
    counts = {"error": 0, "warning": 0, "notice": 0}
    for line in output.splitlines():
        match = re.match(r"::(error|warning|notice)[ :]", line)
        if match:
            counts[match.group(1)] += 1
    return counts


def test_annotation_cap_and_overflow_notice() -> None:
    output = github.render([many_findings_report(15)], sample_catalogue(), root=ROOT)
    # 10 errors, 10 warnings; notices keep one slot for the overflow notice.
    assert _annotations(output) == {"error": 10, "warning": 10, "notice": 10}
    overflow = [line for line in output.splitlines() if line.startswith("::notice title=cardlint%3A more")]
    assert len(overflow) == 1
    assert "16 more findings" in overflow[0] and "5 errors, 5 warnings, 6 notes" in overflow[0]
    # Findings past the cap stay visible as plain log lines.
    assert sum(1 for line in output.splitlines() if re.match(r"models/noisy/README.md:\d+:1: CL", line)) == 16


def test_exactly_the_cap_needs_no_overflow_notice() -> None:
    output = github.render([many_findings_report(10)], sample_catalogue(), root=ROOT)
    assert _annotations(output) == {"error": 10, "warning": 10, "notice": 10}
    assert "more findings" not in output


def test_step_summary_appends_markdown(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    written = github.write_step_summary(
        sample_reports(), sample_catalogue(), root=ROOT, environ={"GITHUB_STEP_SUMMARY": str(summary)}
    )
    assert written == summary
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n## cardlint: 3 cards")
    assert "`CL310`" in text


def test_step_summary_outside_actions_writes_nothing() -> None:
    assert github.write_step_summary(sample_reports(), sample_catalogue(), environ={}) is None


def test_step_summary_stays_under_githubs_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(github, "STEP_SUMMARY_LIMIT", 2000)
    summary = tmp_path / "summary.md"
    github.write_step_summary(
        [many_findings_report(40)],
        sample_catalogue(),
        root=ROOT,
        environ={"GITHUB_STEP_SUMMARY": str(summary)},
    )
    text = summary.read_text(encoding="utf-8")
    assert len(text.encode("utf-8")) < 2200
    assert text.rstrip().endswith("1 MiB._")


# ---------------------------------------------------------------- fingerprints and paths


def _fingerprints(report: CardReport) -> dict[tuple[str, int | None], str]:
    return {(e.finding.code, e.finding.location.line): e.fingerprint for e in fingerprinted(report, ROOT)}


def _shifted(report: CardReport, by: int) -> CardReport:
    """The same card with `by` unrelated lines inserted at the top of the body."""

    def move(location: Location) -> Location:
        return dataclasses.replace(
            location,
            line=None if location.line is None else location.line + by,
            end_line=None if location.end_line is None else location.end_line + by,
        )

    findings = [dataclasses.replace(f, location=move(f.location)) for f in report.findings]
    lines = ["new line"] * by + report.lines
    return dataclasses.replace(report, findings=findings, lines=lines)


def test_fingerprints_survive_unrelated_lines_moving() -> None:
    report = sample_reports()[0]
    before = sorted(_fingerprints(report).values())
    after = sorted(_fingerprints(_shifted(report, 7)).values())
    assert before == after
    assert len(set(before)) == len(before)  # identical lines 11 and 12 differ by occurrence index


def test_fingerprint_changes_when_the_offending_line_changes() -> None:
    report = sample_reports()[0]
    before = _fingerprints(report)
    lines = list(ALPHA_LINES)
    lines[2] = "params: 8B"
    after = _fingerprints(dataclasses.replace(report, lines=lines))
    assert before[("CL310", 3)] != after[("CL310", 3)]
    assert before[("CL101", 1)] == after[("CL101", 1)]


def test_fixing_one_finding_keeps_the_others_on_its_line() -> None:
    report = sample_reports()[0]
    path = report.path
    disclosures = [
        Finding(
            "CL205", f"Annex XI 2({letter}) not disclosed", Location(path, 1, 1), severity=Severity.WARNING
        )
        for letter in "abc"
    ]
    before = [e.fingerprint for e in fingerprinted(dataclasses.replace(report, findings=disclosures), ROOT)]
    fixed = [disclosures[0], disclosures[2]]
    after = [e.fingerprint for e in fingerprinted(dataclasses.replace(report, findings=fixed), ROOT)]
    assert after == [before[0], before[2]]


def test_numbers_in_the_message_do_not_change_the_fingerprint() -> None:
    report = sample_reports()[0]
    one = Finding("CL420", "compute 4e24-1.6e25 FLOP straddles 1e25", Location(report.path, 5, 1))
    other = dataclasses.replace(one, message="compute 5.1e24-2.0e25 FLOP straddles 1e25")
    fingerprints = [
        next(fingerprinted(dataclasses.replace(report, findings=[item]), ROOT)).fingerprint
        for item in (one, other)
    ]
    assert fingerprints[0] == fingerprints[1]


def test_sarif_fingerprints_match_json_lines() -> None:
    reports, catalogue = sample_reports(), sample_catalogue()
    log = json.loads(sarif.render(reports, catalogue, root=ROOT))
    from_sarif = [r["partialFingerprints"][sarif.FINGERPRINT_KEY] for r in log["runs"][0]["results"]]
    from_lines = [
        json.loads(line)["fingerprint"]
        for line in jsonlines.render(reports, catalogue, root=ROOT).splitlines()
        if '"kind":"finding"' in line
    ]
    assert from_sarif == from_lines
    assert all("primaryLocationLineHash" not in r["partialFingerprints"] for r in log["runs"][0]["results"])


def test_relative_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inside = tmp_path / "models" / "a" / "README.md"
    assert relative_path(str(inside), str(tmp_path)) == "models/a/README.md"
    monkeypatch.chdir(tmp_path)
    assert relative_path(str(inside)) == "models/a/README.md"
    assert relative_path("hf://org/name/README.md") == "hf://org/name/README.md"
    outside = os.path.join(os.path.dirname(str(tmp_path)), "elsewhere", "README.md")
    assert relative_path(outside, str(tmp_path)) == outside.replace(os.sep, "/")


def test_sarif_uri_is_percent_encoded_and_relative() -> None:
    log = json.loads(sarif.render(sample_reports(), sample_catalogue(), root=ROOT))
    uris = {card["path"] for card in log["runs"][0]["properties"]["cards"]}
    assert "models/beta v2/MODEL_CARD.md" in uris
    locations = [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in log["runs"][0]["results"]]
    assert {loc["uri"] for loc in locations} == {"models/alpha-7b/README.md"}
    assert {loc["uriBaseId"] for loc in locations} == {"%SRCROOT%"}
    assert log["runs"][0]["invocations"][0]["toolExecutionNotifications"][0]["locations"][0][
        "physicalLocation"
    ]["artifactLocation"]["uri"] == ("models/broken/README.md")


def test_sarif_unknown_code_gets_a_descriptor() -> None:
    path = os.path.join(ROOT, "x", "README.md")
    report = CardReport(
        path, path, findings=[Finding("CL999", "", Location(path, 2, 1), severity=Severity.INFO)]
    )
    run = json.loads(sarif.render([report], sample_catalogue(), root=ROOT))["runs"][0]
    result = run["results"][0]
    assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == "CL999"
    assert result["message"]["text"] == "CL999" and result["level"] == "note"


# ---------------------------------------------------------------- Markdown, JUnit, JSON Lines


def test_markdown_tables_keep_their_columns() -> None:
    text = markdown.render(sample_reports(), sample_catalogue(), root=ROOT)
    unescaped_pipe = re.compile(r"(?<!\\)\|")
    for block in re.split(r"\n\n", text):
        rows = [row for row in block.splitlines() if row.startswith("|")]
        if rows:
            assert len({len(unescaped_pipe.findall(row)) for row in rows}) == 1, block
    assert "<b>" not in text


def test_junit_structure() -> None:
    root = ET.fromstring(junit.render(sample_reports(), sample_catalogue(), root=ROOT))
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [
        "models/alpha-7b/README.md",
        "models/beta v2/MODEL_CARD.md",
        "models/broken/README.md",
    ]
    alpha = {case.get("name"): case for case in suites[0].findall("testcase")}
    assert set(alpha) == {"CL101 missing-license", "CL205 undisclosed-training-tokens",
                          "CL310 parameter-count-mismatch", "CL420 near-threshold"}  # fmt: skip
    assert alpha["CL420 near-threshold"].find("failure") is None  # a note alone does not fail
    assert suites[1].find("testcase/failure") is None and suites[1].get("tests") == "1"
    assert suites[2].find("testcase/error") is not None
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("6", "3", "1")


def test_json_lines_one_record_per_finding() -> None:
    reports = sample_reports()
    records = [
        json.loads(line) for line in jsonlines.render(reports, sample_catalogue(), root=ROOT).splitlines()
    ]
    assert [r["kind"] for r in records].count("finding") == sum(len(r.findings) for r in reports)
    assert [r["kind"] for r in records].count("target-error") == 1
    assert [(r.get("code"), r.get("line")) for r in records if r["kind"] == "finding"] == [
        ("CL101", 1), ("CL310", 3), ("CL420", 5), ("CL205", 11), ("CL205", 12),
    ]  # fmt: skip
