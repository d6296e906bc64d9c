"""JUnit XML, the test-report format GitLab, Jenkins and Azure Pipelines all read.

One testsuite per card and one testcase per rule that fired, so a CI test tab groups findings the way a
reader fixes them (rule by rule). A clean card gets one passing testcase so it still shows up. Errors and
warnings are failures; notes alone leave the testcase passing and are listed in its system-out, because a
red test for an informational note would teach people to ignore the tab. A card that could not be read is
a testcase error.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict

from cardlint.config.catalogue import Catalogue
from cardlint.report.common import ordered_findings, position, relative_path
from cardlint.types import CardReport, Finding, Severity

CLEAN_CASE = "no findings"
READ_CASE = "read card"


def render(reports: list[CardReport], catalogue: Catalogue, *, root: str | None = None) -> str:
    suites = ET.Element("testsuites", {"name": "cardlint"})
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for report in reports:
        suite = _suite(report, catalogue, root)
        suites.append(suite)
        for key in totals:
            totals[key] += int(suite.get(key, "0"))
    for key, value in totals.items():
        suites.set(key, str(value))
    ET.indent(suites, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def _suite(report: CardReport, catalogue: Catalogue, root: str | None) -> ET.Element:
    path = relative_path(report.path, root)
    suite = ET.Element("testsuite", {"name": path})
    cases: list[ET.Element] = []
    if report.error:
        case = ET.Element("testcase", {"classname": path, "name": READ_CASE, "file": path})
        ET.SubElement(case, "error", {"message": report.error, "type": "read-error"}).text = report.error
        cases.append(case)
    by_code: dict[str, list[Finding]] = defaultdict(list)
    for item in ordered_findings(report):
        by_code[item.code].append(item)
    for code in sorted(by_code):
        cases.append(_rule_case(path, code, by_code[code], catalogue, root))
    if not cases:
        cases.append(ET.Element("testcase", {"classname": path, "name": CLEAN_CASE, "file": path}))
    failures = sum(1 for case in cases if case.find("failure") is not None)
    errors = sum(1 for case in cases if case.find("error") is not None)
    suite.set("tests", str(len(cases)))
    suite.set("failures", str(failures))
    suite.set("errors", str(errors))
    suite.set("skipped", "0")
    suite.extend(cases)
    return suite


def _rule_case(
    path: str, code: str, findings: list[Finding], catalogue: Catalogue, root: str | None
) -> ET.Element:
    rule = catalogue.rules.get(code)
    name = findings[0].name or (rule.name if rule else "")
    first_line = findings[0].location.line
    attributes = {"classname": path, "name": f"{code} {name}".strip(), "file": path}
    if first_line is not None:
        attributes["line"] = str(first_line)
    case = ET.Element("testcase", attributes)
    details = "\n".join(_detail(item, root) for item in findings)
    failing = [item for item in findings if item.severity in (Severity.ERROR, Severity.WARNING)]
    if failing:
        worst = Severity.ERROR if any(i.severity is Severity.ERROR for i in failing) else Severity.WARNING
        summary = (
            failing[0].message if len(failing) == 1 else f"{len(failing)} findings: {failing[0].message}"
        )
        ET.SubElement(case, "failure", {"message": summary, "type": f"{code} {worst.value}"}).text = details
    else:
        ET.SubElement(case, "system-out").text = details
    return case


def _detail(item: Finding, root: str | None) -> str:
    path = relative_path(item.location.path, root)
    where = f"{path}:{position(item.location)}" if item.location.line is not None else path
    text = f"{where}: {item.code} [{item.severity.value}] {item.message}"
    if item.policy:
        text += f" (policy: {item.policy})"
    if item.fix:
        text += f"\n    fix: {item.fix}"
    return text
