"""The catalogue and the code stay in step, in both directions, and every entry follows the docs template."""

import json
from pathlib import Path

import jsonschema
import yaml

from cardlint.checks import all_checks
from cardlint.checks.engine import ENGINE_CODES
from cardlint.config.catalogue import load_catalogue

ROOT = Path(__file__).resolve().parent.parent


def test_rules_yaml_matches_its_schema() -> None:
    schema = json.loads((ROOT / "schemas" / "rules.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(
        yaml.safe_load((ROOT / "rules" / "rules.yaml").read_text())
    )


def test_every_emitted_code_is_catalogued_and_every_catalogued_code_is_emitted() -> None:
    emitted = {code for registered in all_checks() for code in registered.codes} | set(ENGINE_CODES)
    catalogued = set(load_catalogue().rules)
    assert emitted - catalogued == set(), "codes emitted by checks but missing from rules/rules.yaml"
    assert catalogued - emitted == set(), "catalogue entries no check emits"


def test_codes_and_names_are_unique_and_grouped_by_family() -> None:
    rules = list(load_catalogue().rules.values())
    assert len({rule.name for rule in rules}) == len(rules)
    family_of = {"1": "card", "2": "disclosure", "3": "consistency", "4": "thresholds", "9": "cardlint"}
    for rule in rules:
        assert rule.family == family_of[rule.code[2]], rule.code
        for part in (rule.what, rule.why, rule.example, rule.fix):
            assert part.strip(), f"{rule.code} lacks a docs section"


def test_instruments_named_by_rules_exist() -> None:
    from cardlint.policy.loading import all_policies

    known = {policy.key for policy in all_policies()}
    for rule in load_catalogue().rules.values():
        assert set(rule.instruments) <= known, rule.code
