"""Which policies apply: by date, by id (with variants), and from a user's own file with precise errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from cardlint.policy.loading import select_policies
from cardlint.policy.model import PolicyError

EU_AI_ACT = Path(__file__).parents[1] / "rules" / "policies" / "eu-ai-act.yaml"


def keys(policies) -> list[str]:
    return [p.key for p in policies]


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2024-06-01", ["us-eo-14110"]),
        ("2025-03-01", []),
        ("2025-09-01", ["eu-ai-act"]),
        ("2026-11-26", ["eu-ai-act", "kr-ai-basic-act", "us-ca-sb53"]),
        ("2027-06-01", ["eu-ai-act", "kr-ai-basic-act", "us-ca-sb53", "us-ny-raise"]),
    ],
)
def test_default_is_every_binding_policy_in_force_on_the_date(day: str, expected: list[str]) -> None:
    assert keys(select_policies(None, [], dt.date.fromisoformat(day))) == expected


def test_revocation_takes_effect_on_its_date() -> None:
    assert "us-eo-14110" in keys(select_policies(None, [], dt.date(2025, 1, 19)))
    assert "us-eo-14110" not in keys(select_policies(None, [], dt.date(2025, 1, 20)))


def test_named_policies_apply_whatever_their_status_and_remember_the_date() -> None:
    chosen = select_policies(["us-ca-sb1047", "us-eo-14110"], [], dt.date(2026, 11, 26))
    assert keys(chosen) == ["us-ca-sb1047", "us-eo-14110"]
    assert [p.in_force for p in chosen] == [False, False]
    assert [p.status_on(dt.date(2024, 6, 1)) for p in chosen] == ["vetoed", "in-force"]


def test_default_and_all_selectors_and_opt_in_profiles() -> None:
    day = dt.date(2026, 11, 26)
    assert keys(select_policies(["default", "fmti"], [], day)) == [
        "eu-ai-act",
        "fmti",
        "kr-ai-basic-act",
        "us-ca-sb53",
    ]
    assert len(select_policies(["all"], [], day)) == 9


def test_variant_adds_the_disputed_cost_condition() -> None:
    (raise_act,) = select_policies(["us-ny-raise@with-cost-condition"], [], dt.date(2027, 6, 1))
    assert raise_act.key == "us-ny-raise@with-cost-condition"
    frontier = raise_act.threshold("frontier-model")
    assert frontier is not None
    assert [c.kind for c in frontier.conditions] == ["compute-cost-usd"]
    with pytest.raises(PolicyError, match="no variant 'nope'"):
        select_policies(["us-ny-raise@nope"], [], dt.date(2027, 6, 1))


def test_unknown_id_is_an_error_listing_the_known_ones() -> None:
    with pytest.raises(PolicyError, match=r"unknown policy 'eu-ai'.*eu-ai-act"):
        select_policies(["eu-ai"], [], dt.date(2026, 11, 26))


OWN_POLICY = """\
id: acme-internal
name: "ACME internal compute review policy"
short_name: "ACME review"
jurisdiction: company
kind: company-policy
binding: true
status: in-force
reviewed: 2026-10-01
dates:
  applies_from: 2026-01-01
summary: "Internal review of every model above 1e24 FLOP."
thresholds:
  - id: review
    ref: "ACME policy 3.1"
    label: "internal safety review"
    value: 1.0e+24
    unit: FLOP
    comparator: ">="
    sources: [memo]
sources:
  - id: memo
    title: "ACME memo 2026-09"
"""


def test_a_users_policy_file_is_loaded_and_applied(tmp_path: Path) -> None:
    path = tmp_path / "acme.yaml"
    path.write_text(OWN_POLICY, encoding="utf-8")
    (acme,) = select_policies(None, [str(path)], dt.date(2026, 11, 26))
    assert acme.id == "acme-internal" and acme.in_force
    assert keys(select_policies(["eu-ai-act"], [str(path)], dt.date(2026, 11, 26))) == [
        "acme-internal",
        "eu-ai-act",
    ]


@pytest.mark.parametrize(
    ("old", "new", "line", "words"),
    [
        ('comparator: ">="', 'comparator: "=>"', 18, "comparator"),
        ("value: 1.0e+24", "value: 1.0e24", 16, "signed exponent|with a sign"),
        ("sources: [memo]", "sources: [nomemo]", 19, "unknown source 'nomemo'"),
        ("kind: company-policy", "kind: company-policy\nfavourite: blue", 6, "favourite"),
        ("applies_from: 2026-01-01", "applies_from: soon", 10, "applies_from"),
    ],
)
def test_errors_in_a_users_file_name_the_file_and_line(
    tmp_path: Path, old: str, new: str, line: int, words: str
) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(OWN_POLICY.replace(old, new), encoding="utf-8")
    with pytest.raises(PolicyError, match=rf"mine\.yaml:{line}: .*({words})"):
        select_policies(None, [str(path)], dt.date(2026, 11, 26))


def test_broken_yaml_aliases_and_missing_files_are_policy_errors(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: x\nname: [unclosed\n", encoding="utf-8")
    with pytest.raises(PolicyError, match=r"broken\.yaml:\d+: invalid YAML"):
        select_policies(None, [str(broken)], dt.date(2026, 11, 26))
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("a: &a [1, 2]\nb: [*a, *a]\n", encoding="utf-8")
    with pytest.raises(PolicyError, match=r"bomb\.yaml:2: .*aliases"):
        select_policies(None, [str(bomb)], dt.date(2026, 11, 26))
    with pytest.raises(PolicyError, match="cannot read"):
        select_policies(None, [str(tmp_path / "absent.yaml")], dt.date(2026, 11, 26))


def test_a_users_file_with_a_builtin_id_replaces_the_builtin(tmp_path: Path) -> None:
    text = EU_AI_ACT.read_text(encoding="utf-8").replace("value: 1.0e+25", "value: 2.0e+25")
    path = tmp_path / "eu.yaml"
    path.write_text(text, encoding="utf-8")
    (eu,) = select_policies(["eu-ai-act"], [str(path)], dt.date(2026, 11, 26))
    systemic = eu.threshold("systemic-risk")
    assert systemic is not None and systemic.value == 2e25


def test_missing_keys_are_reported_together_with_the_line_of_their_mapping(tmp_path: Path) -> None:
    path = tmp_path / "thin.yaml"
    path.write_text(OWN_POLICY.replace('    ref: "ACME policy 3.1"\n', ""), encoding="utf-8")
    with pytest.raises(PolicyError, match=r"thin\.yaml:13: thresholds\[0\]: missing ref"):
        select_policies(None, [str(path)], dt.date(2026, 11, 26))
