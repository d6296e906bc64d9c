"""Where an estimate stands against each threshold: comparators at the exact value, straddles, the measured
cards (405B / 15.6T, 7B / 2T, MoE), fine-tunes with and without their own compute, and the date."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from policy_support import TODAY, estimate, fact, fine_tune_lineage, frontier_405b, interval, llama_7b

from cardlint.card.document import parse_card
from cardlint.policy.judging import compare, threshold_statuses
from cardlint.policy.loading import select_policies
from cardlint.types import Interval

GENERATIVE = {"pipeline_tag": "text-generation"}


def by_key(statuses) -> dict[tuple[str, str, str], str]:
    return {(s.policy, s.threshold_id, s.basis): s.status for s in statuses}


def point(value: float) -> Interval:
    return Interval(value, value, value)


@pytest.mark.parametrize(
    ("value", "comparator", "expected"),
    [
        (1e25, ">", "below"),  # exactly at a "greater than" threshold: not above
        (1e25, ">=", "above"),  # exactly at an "at least" threshold: above
        (1.0000001e25, ">", "above"),
        (9.999999e24, ">=", "below"),
    ],
)
def test_comparators_exactly_at_the_threshold(value: float, comparator: str, expected: str) -> None:
    assert compare(point(value), 1e25, comparator) == expected


@pytest.mark.parametrize(
    ("policy_id", "threshold_id", "value", "at_value"),
    [
        ("eu-ai-act", "systemic-risk", 1e25, "below"),
        ("us-ca-sb53", "frontier-model", 1e26, "below"),
        ("kr-ai-basic-act", "high-performance-ai", 1e26, "above"),
        ("us-eo-14110", "dual-use-general", 1e26, "below"),
    ],
)
def test_each_policy_threshold_at_exactly_its_value(policy_id, threshold_id, value, at_value) -> None:
    policies = select_policies([policy_id], [], TODAY)
    statuses = by_key(threshold_statuses(estimate(point(value)), policies, [], GENERATIVE))
    assert statuses[(policy_id, threshold_id, "training")] == at_value


def test_an_interval_across_the_threshold_straddles_and_names_the_decisive_figure() -> None:
    facts = [fact("parameters", 70e9, 3, "70B parameters"), fact("device_hours", 6.4e6, 4, "6.4M GPU hours")]
    est = estimate(Interval(5e24, 9e24, 2e25), facts, driver="hardware")
    (status,) = [
        s
        for s in threshold_statuses(est, select_policies(["eu-ai-act"], [], TODAY), facts, GENERATIVE)
        if s.threshold_id == "systemic-risk"
    ]
    assert status.status == "straddles"
    assert status.orders_of_magnitude == pytest.approx(-0.05, abs=0.01)
    assert "utilisation" in (status.decisive or "")


def test_405b_on_15_6t_tokens_is_above_1e25_and_below_1e26() -> None:
    text, facts, est = frontier_405b()
    policies = select_policies(["all"], [], TODAY)
    statuses = threshold_statuses(est, policies, facts, parse_card(text).metadata)
    got = by_key(statuses)
    assert got[("eu-ai-act", "systemic-risk", "training")] == "above"
    assert got[("eu-ai-act", "gpai-indicative", "training")] == "above"
    assert got[("us-ca-sb53", "frontier-model", "training")] == "below"
    assert got[("kr-ai-basic-act", "high-performance-ai", "training")] == "below"
    assert got[("us-ca-sb1047", "covered-model", "training")] == "below"
    systemic = next(s for s in statuses if s.threshold_id == "systemic-risk")
    assert systemic.orders_of_magnitude == pytest.approx(0.58, abs=0.01)  # 3.8e25 vs 1e25
    assert not any(s.threshold_id == "biological-sequence" for s in statuses)  # not a bio model
    assert not any(s.basis == "modification" for s in statuses)  # not a fine-tune


def test_7b_on_2t_tokens_is_below_the_gpai_indication() -> None:
    text, facts, est = llama_7b()
    metadata = parse_card(text).metadata
    statuses = by_key(threshold_statuses(est, select_policies(None, [], TODAY), facts, metadata))
    assert statuses[("eu-ai-act", "gpai-indicative", "training")] == "below"
    assert set(statuses.values()) == {"below"}


def test_a_classifier_is_not_judged_against_the_generative_gpai_criterion() -> None:
    statuses = threshold_statuses(
        estimate(point(5e23)),
        select_policies(["eu-ai-act"], [], TODAY),
        [],
        {"pipeline_tag": "text-classification"},
    )
    assert "gpai-indicative" not in {s.threshold_id for s in statuses}
    assert "systemic-risk" in {s.threshold_id for s in statuses}


def test_moe_card_judged_on_the_estimate_from_active_parameters() -> None:
    # 141B total / 39B active on 12T tokens: 6*39e9*12e12 = 2.8e24 (with total parameters it would be 1.0e25)
    facts = [
        fact("parameters", 141e9, 6, "141B parameters"),
        fact("active_parameters", 39e9, 6, "39B active"),
    ]
    statuses = by_key(
        threshold_statuses(
            estimate(interval(6 * 39e9 * 12e12), facts), select_policies(None, [], TODAY), facts, GENERATIVE
        )
    )
    assert statuses[("eu-ai-act", "systemic-risk", "training")] == "below"
    assert statuses[("eu-ai-act", "gpai-indicative", "training")] == "above"


def test_fine_tune_with_its_own_compute_is_judged_on_it_and_against_a_third_of_the_base() -> None:
    base = 1.224e24  # Llama 3.1 8B, reference table figure
    own = interval(6 * 8e9 * 2e9)  # 9.6e19
    est = estimate(own, lineage=fine_tune_lineage(base, own))
    policies = select_policies(None, [], TODAY)
    statuses = threshold_statuses(est, policies, [], GENERATIVE)
    got = by_key(statuses)
    assert got[("eu-ai-act", "downstream-modifier", "modification")] == "below"
    modifier = next(s for s in statuses if s.threshold_id == "downstream-modifier")
    assert modifier.value_flop == pytest.approx(base / 3)
    assert got[("eu-ai-act", "gpai-indicative", "training")] == "below"
    assert got[("us-ca-sb53", "frontier-model", "cumulative")] == "below"  # ambiguous: both readings
    assert got[("us-ca-sb53", "frontier-model", "training")] == "below"
    assert ("eu-ai-act", "systemic-risk", "cumulative") not in got  # EU: another actor's base is not added


def test_fine_tune_without_its_own_compute_is_unknown_with_the_decisive_figure() -> None:
    est = estimate(None, lineage=fine_tune_lineage(1.224e24, None))
    statuses = threshold_statuses(est, select_policies(None, [], TODAY), [], GENERATIVE)
    modifier = next(s for s in statuses if s.threshold_id == "downstream-modifier")
    assert modifier.status == "unknown"
    assert "fine-tun" in (modifier.decisive or "")
    assert by_key(statuses)[("us-ca-sb53", "frontier-model", "cumulative")] == "below"  # at least the base


def test_large_modification_of_a_systemic_base_inherits_systemic_risk() -> None:
    base = 3.8e25
    own = interval(2e25)
    est = estimate(own, lineage=fine_tune_lineage(base, own, "big/base-405b"))
    got = by_key(threshold_statuses(est, select_policies(["eu-ai-act"], [], TODAY), [], GENERATIVE))
    assert got[("eu-ai-act", "downstream-modifier", "modification")] == "above"
    assert got[("eu-ai-act", "systemic-risk", "inherited")] == "above"
    assert got[("eu-ai-act", "systemic-risk", "training")] == "above"  # 2e25 of its own is above 1e25 as well


def test_unknown_base_compute_falls_back_to_the_general_modifier_threshold() -> None:
    own = interval(5e22)
    est = estimate(own, lineage=fine_tune_lineage(None, own, "someone/unknown-base"))
    modifier = next(
        s
        for s in threshold_statuses(est, select_policies(["eu-ai-act"], [], TODAY), [], GENERATIVE)
        if s.threshold_id == "downstream-modifier"
    )
    assert modifier.value_flop == pytest.approx(1e23 / 3, rel=1e-3)
    assert modifier.status == "above"


def test_sb1047_derivative_needs_a_covered_base_and_3e25_at_least() -> None:
    policies = select_policies(["us-ca-sb1047"], [], TODAY)
    own = point(3e25)
    covered = estimate(own, lineage=fine_tune_lineage(2e26, own, "big/frontier"))
    got = by_key(threshold_statuses(covered, policies, [], GENERATIVE))
    assert got[("us-ca-sb1047", "covered-derivative", "modification")] == "above"  # >= at exactly 3e25
    small_base = estimate(own, lineage=fine_tune_lineage(5e25, own, "mid/base"))
    judged = threshold_statuses(small_base, policies, [], GENERATIVE)
    assert "covered-derivative" not in {s.threshold_id for s in judged}


def test_biological_threshold_applies_only_to_biological_models() -> None:
    policies = select_policies(["us-eo-14110"], [], TODAY)
    bio = threshold_statuses(estimate(interval(9e22)), policies, [], {"tags": ["protein", "biology"]})
    assert by_key(bio)[("us-eo-14110", "biological-sequence", "training")] == "straddles"
    text = threshold_statuses(estimate(interval(8e22)), policies, [], GENERATIVE)
    assert "biological-sequence" not in {s.threshold_id for s in text}


def test_the_same_card_under_different_dates_and_policy_sets() -> None:
    text, facts, est = frontier_405b()
    metadata = parse_card(text).metadata

    def policies_judged(day: str, ids=None) -> set[str]:
        chosen = select_policies(ids, [], dt.date.fromisoformat(day))
        return {s.policy for s in threshold_statuses(est, chosen, facts, metadata)}

    assert policies_judged("2024-06-01") == {"us-eo-14110"}
    assert policies_judged("2026-11-26") == {"eu-ai-act", "us-ca-sb53", "kr-ai-basic-act"}
    assert policies_judged("2027-02-01") == {"eu-ai-act", "us-ca-sb53", "kr-ai-basic-act", "us-ny-raise"}
    assert policies_judged("2026-11-26", ["us-ca-sb53"]) == {"us-ca-sb53"}


def test_unverifiable_conditions_travel_with_the_status() -> None:
    policies = select_policies(["us-ny-raise@with-cost-condition"], [], dt.date(2027, 6, 1))
    (status,) = threshold_statuses(estimate(point(2e26)), policies, [], GENERATIVE)
    assert status.status == "above"
    assert any("USD 100M" in c for c in status.unchecked_conditions)


def test_no_estimate_is_unknown_for_every_threshold() -> None:
    statuses = threshold_statuses(None, select_policies(None, [], TODAY), [], GENERATIVE)
    assert statuses and {s.status for s in statuses} == {"unknown"}
    assert all(s.decisive for s in statuses)


@given(
    low=st.floats(1e18, 1e28),
    widths=st.tuples(st.floats(1.0, 100.0), st.floats(1.0, 100.0)),
    threshold=st.sampled_from([1e23, 3e25, 1e25, 1e26]),
    comparator=st.sampled_from([">", ">="]),
)
def test_compare_agrees_with_the_definition(low, widths, threshold, comparator) -> None:
    central = low * widths[0]
    judged = compare(Interval(low, central, central * widths[1]), threshold, comparator)
    meets = (lambda x: x > threshold) if comparator == ">" else (lambda x: x >= threshold)
    high = central * widths[1]
    expected = "above" if meets(low) else "below" if not meets(high) else "straddles"
    assert judged == expected
