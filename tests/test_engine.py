"""The engine: selectors, severity overrides, suppressions and the unused-suppression report."""

import pytest

from cardlint.checks import CheckContext, RegisteredCheck, finding
from cardlint.checks.engine import SelectorError, enabled_codes, finalise, resolve_selectors, run_checks
from cardlint.config.catalogue import Catalogue, Rule
from cardlint.config.settings import Settings
from cardlint.types import Location, Severity


def _rule(code: str, name: str, severity: Severity = Severity.WARNING) -> Rule:
    return Rule(code, name, "card", severity, "summary", "none", (), "w", "y", "e", "f")


CATALOGUE = Catalogue(
    {
        "CL110": _rule("CL110", "misspelt-key"),
        "CL120": _rule("CL120", "unknown-license", Severity.ERROR),
        "CL301": _rule("CL301", "flop-disagrees"),
        "CL901": _rule("CL901", "unused-suppression"),
        "CL902": _rule("CL902", "unknown-suppression-code"),
    }
)


def test_selectors_by_all_code_prefix_and_name() -> None:
    assert resolve_selectors(["ALL"], CATALOGUE) == set(CATALOGUE.rules)
    assert resolve_selectors(["CL1"], CATALOGUE) == {"CL110", "CL120"}
    assert resolve_selectors(["flop-disagrees", "cl110"], CATALOGUE) == {"CL301", "CL110"}
    with pytest.raises(SelectorError):
        resolve_selectors(["CL7"], CATALOGUE)
    with pytest.raises(SelectorError):
        resolve_selectors(["no-such-rule"], CATALOGUE)


def test_enabled_codes_with_ignore_and_per_file_ignores() -> None:
    settings = Settings(select=("CL1", "CL3"), ignore=("CL120",), per_file_ignores=(("docs/*.md", ("CL3",)),))
    assert enabled_codes(settings, CATALOGUE, "README.md") == {"CL110", "CL301"}
    assert enabled_codes(settings, CATALOGUE, "docs/README.md") == {"CL110"}


def _finalise(findings, lines, settings=None, enabled=None):  # type: ignore[no-untyped-def]
    settings = settings or Settings()
    return finalise(
        findings,
        lines=lines,
        front_matter_end=None,
        path="c.md",
        enabled=enabled if enabled is not None else set(CATALOGUE.rules),
        settings=settings,
        catalogue=CATALOGUE,
    )


def test_names_severity_overrides_and_order() -> None:
    raw = [finding("CL301", "b", Location("c.md", 5, 1)), finding("CL120", "a", Location("c.md", 2, 3))]
    settings = Settings(severity_overrides=(("CL120", Severity.INFO),))
    result = _finalise(raw, ["x"] * 6, settings)
    assert [(f.code, f.name, f.severity) for f in result] == [
        ("CL120", "unknown-license", Severity.INFO),
        ("CL301", "flop-disagrees", Severity.WARNING),
    ]


def test_suppression_used_unused_and_unknown() -> None:
    lines = [
        "<!-- cardlint-disable-next-line CL301 -->",
        "7B parameters",
        "<!-- cardlint-disable-next-line CL110 -->",
        "nothing here",
        "<!-- cardlint-disable CL999 -->",
    ]
    raw = [finding("CL301", "x", Location("c.md", 2, 1))]
    result = _finalise(raw, lines)
    codes = sorted((f.code, f.location.line) for f in result)
    assert ("CL301", 2) not in codes
    assert ("CL901", 3) in codes  # CL110 never fired there
    assert ("CL902", 5) in codes


def test_unused_suppression_not_reported_when_its_rule_is_disabled() -> None:
    lines = ["<!-- cardlint-disable-next-line CL110 -->", "x"]
    result = _finalise([], lines, enabled={"CL301", "CL901", "CL902"})
    assert result == []


def test_run_checks_skips_checks_whose_codes_are_all_disabled() -> None:
    calls: list[str] = []

    def first(context: CheckContext):  # type: ignore[no-untyped-def]
        calls.append("first")
        yield finding("CL110", "m", context.at(1))

    def second(context: CheckContext):  # type: ignore[no-untyped-def]
        calls.append("second")
        return []

    from cardlint.card.document import parse_card

    context = CheckContext(card=parse_card("x", "c.md"), path="c.md")
    checks = [RegisteredCheck(first, ("CL110",)), RegisteredCheck(second, ("CL301",))]
    result = run_checks(context, {"CL110"}, checks)
    assert calls == ["first"] and [f.code for f in result] == ["CL110"]
