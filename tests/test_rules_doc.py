"""docs/rules.md stays in step with rules/rules.yaml (SARIF helpUri links point into it)."""

from pathlib import Path

from cardlint.config.catalogue import load_catalogue
from cardlint.config.rules_doc import render_rules_markdown

DOC = Path(__file__).resolve().parent.parent / "docs" / "rules.md"


def test_rules_doc_is_current() -> None:
    assert DOC.read_text(encoding="utf-8") == render_rules_markdown(load_catalogue()), (
        "docs/rules.md is stale: run `python -m cardlint.config.rules_doc > docs/rules.md`"
    )


def test_every_rule_has_an_anchor_the_sarif_help_uri_uses() -> None:
    from cardlint.report.common import rule_help_uri

    text = DOC.read_text(encoding="utf-8")
    for rule in load_catalogue().rules.values():
        assert f"## {rule.code} {rule.name}" in text
        assert rule_help_uri(rule.code, rule.name).endswith(f"#{rule.code.lower()}-{rule.name}")
