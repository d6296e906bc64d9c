"""The policy files: valid against the schema, the agreed ids, and the facts of thresholds.md kept exact."""

from __future__ import annotations

import json

import pytest
import yaml
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from cardlint.config.catalogue import load_catalogue
from cardlint.core.resources import resource_path, schema
from cardlint.policy.loading import _dates_to_strings, all_policies, builtin_finders

IDS = {
    "eu-ai-act",
    "us-ca-sb53",
    "us-ny-raise",
    "kr-ai-basic-act",
    "us-eo-14110",
    "us-ca-sb1047",
    "eu-gpai-code-of-practice",
    "fmti",
    "flop-accounting",
}
POLICY_FILES = sorted(resource_path("rules", "policies").glob("*.yaml"))


def test_the_agreed_ids_each_in_a_file_named_after_it() -> None:
    assert {p.id for p in all_policies()} == IDS
    assert {path.stem for path in POLICY_FILES} == IDS


@pytest.mark.parametrize("path", POLICY_FILES, ids=lambda p: p.stem)
def test_every_policy_file_validates_against_the_schema(path) -> None:
    data = _dates_to_strings(yaml.safe_load(path.read_text(encoding="utf-8")))
    errors = list(Draft202012Validator(schema("policy")).iter_errors(data))
    assert errors == []


def test_disclosure_fields_validate_and_every_finder_is_used_sensibly() -> None:
    fields_schema = schema("disclosure-fields")
    policy_schema = schema("policy")
    registry = Registry().with_resource(policy_schema["$id"], Resource.from_contents(policy_schema))
    data = yaml.safe_load(resource_path("rules", "disclosure-fields.yaml").read_text(encoding="utf-8"))
    assert list(Draft202012Validator(fields_schema, registry=registry).iter_errors(data)) == []
    used = {f.finder.name for p in all_policies() for g in p.disclosure for f in g.fields}
    assert used <= set(builtin_finders())


def _threshold(policy_id: str, threshold_id: str):
    policy = next(p for p in all_policies() if p.id == policy_id)
    threshold = policy.threshold(threshold_id)
    assert threshold is not None
    return threshold


@pytest.mark.parametrize(
    ("policy_id", "threshold_id", "value", "comparator"),
    [
        ("eu-ai-act", "systemic-risk", 1e25, ">"),
        ("eu-ai-act", "gpai-indicative", 1e23, ">"),
        ("us-ca-sb53", "frontier-model", 1e26, ">"),
        ("us-ny-raise", "frontier-model", 1e26, ">"),
        ("kr-ai-basic-act", "high-performance-ai", 1e26, ">="),
        ("us-eo-14110", "dual-use-general", 1e26, ">"),
        ("us-eo-14110", "biological-sequence", 1e23, ">"),
        ("us-ca-sb1047", "covered-model", 1e26, ">"),
        ("us-ca-sb1047", "covered-derivative", 3e25, ">="),
    ],
)
def test_thresholds_and_comparators_match_the_reference(policy_id, threshold_id, value, comparator) -> None:
    threshold = _threshold(policy_id, threshold_id)
    assert threshold.value == value
    assert threshold.comparator == comparator
    assert threshold.unit == "FLOP"


def test_eu_modifier_rule_is_one_third_with_both_fallbacks() -> None:
    threshold = _threshold("eu-ai-act", "downstream-modifier")
    assert threshold.basis == "modification"
    assert threshold.fraction_of_base == pytest.approx(1 / 3)
    assert dict(threshold.fallbacks) == {
        1e25: pytest.approx(1e25 / 3, rel=1e-4),
        None: pytest.approx(1e23 / 3, rel=1e-4),
    }


def test_conditions_that_narrow_a_threshold_are_encoded() -> None:
    assert [c.kind for c in _threshold("eu-ai-act", "gpai-indicative").conditions] == ["generative-output"]
    assert [c.kind for c in _threshold("us-eo-14110", "biological-sequence").conditions] == [
        "biological-sequence-data"
    ]
    cost = _threshold("us-ca-sb1047", "covered-model").conditions[0]
    assert (cost.kind, cost.value) == ("compute-cost-usd", 1e8)
    assert _threshold("us-ca-sb53", "large-frontier-developer").value == 5e8


def test_eu_notification_asks_two_significant_figures_within_two_weeks() -> None:
    eu = next(p for p in all_policies() if p.id == "eu-ai-act")
    notify = eu.obligation("notify-commission")
    assert notify is not None and notify.deadline_days == 14
    fields = {f.id: f for g in eu.disclosure for f in g.fields}
    assert fields["notify.flop"].significant_figures == 2
    assert fields["xi.2d"].ref == "Annex XI 2(d)"


def test_every_threshold_cites_a_source_of_the_same_file() -> None:
    for policy in all_policies():
        source_ids = {s.id for s in policy.sources}
        for threshold in policy.thresholds:
            assert threshold.sources and set(threshold.sources) <= source_ids, (policy.id, threshold.id)


def test_status_dates_follow_the_reference() -> None:
    by_id = {p.id: p for p in all_policies()}
    assert by_id["us-eo-14110"].dates["revoked"].isoformat() == "2025-01-20"
    assert by_id["us-ca-sb53"].dates["applies_from"].isoformat() == "2026-01-01"
    assert by_id["us-ny-raise"].dates["applies_from"].isoformat() == "2027-01-01"
    assert by_id["kr-ai-basic-act"].dates["applies_from"].isoformat() == "2026-01-22"
    assert by_id["eu-ai-act"].dates["applies_from"].isoformat() == "2025-08-02"
    assert by_id["us-ca-sb1047"].status == "vetoed"


def test_catalogue_instruments_name_real_policies_and_cover_what_policies_ask() -> None:
    catalogue = load_catalogue()
    for rule in catalogue.rules.values():
        if rule.family in ("disclosure", "thresholds"):
            assert rule.instruments, rule.code
            assert set(rule.instruments) <= IDS, rule.code
    for policy in all_policies():
        for code in policy.asks:
            assert policy.id in catalogue.rules[code].instruments, (policy.id, code)


def test_policy_schema_is_valid_json_schema() -> None:
    Draft202012Validator.check_schema(schema("policy"))
    Draft202012Validator.check_schema(json.loads(json.dumps(schema("disclosure-fields"))))


def test_catalogue_and_check_code_in_step_for_disclosure_and_thresholds() -> None:
    from cardlint.checks import all_checks

    registered = {code for item in all_checks() for code in item.codes if code[:3] in ("CL2", "CL4")}
    catalogue = {code for code in load_catalogue().rules if code[:3] in ("CL2", "CL4")}
    assert registered == catalogue
