"""Any facts at all (zeros, huge numbers, NaN, odd strings) give an Estimate and findings, no traceback."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cardlint.card.document import parse_card
from cardlint.checks import CheckContext, conflicts
from cardlint.checks import consistency as rules
from cardlint.compute import estimate_compute
from cardlint.types import Fact, Location

KINDS = (
    "parameters",
    "active_parameters",
    "training_tokens",
    "hardware_type",
    "hardware_count",
    "device_hours",
    "training_duration_days",
    "training_flop",
    "energy_mwh",
    "power_watts_per_device",
    "co2_tonnes",
    "base_model",
    "fine_tune_tokens",
    "fine_tune_device_hours",
)
VALUES = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.sampled_from(["h100", "a100-80gb", "tpu", "", "meta-llama/Llama-2-70b-hf", "org/A"]),
    st.text(max_size=20),
)
FACTS = st.lists(
    st.builds(
        lambda kind, value, line, quote, flags: Fact(
            kind, value, "", Location("README.md", line, 1), "prose", quote, None, *flags
        ),
        st.sampled_from(KINDS),
        VALUES,
        st.integers(min_value=1, max_value=50),
        st.text(max_size=15),
        st.tuples(st.booleans(), st.booleans(), st.booleans(), st.booleans()),
    ),
    max_size=12,
)
CHECKS = (
    rules.reported_flop_disagrees,
    rules.implied_utilisation,
    rules.estimates_disagree,
    conflicts.conflicting_figures,
    rules.emissions_implausible,
    rules.moe_total_parameters,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(FACTS)
def test_any_facts_give_an_estimate_and_findings(facts: list[Fact]) -> None:
    estimate = estimate_compute(facts)
    if estimate.training_flop is not None:
        interval = estimate.training_flop
        assert interval.low <= interval.central <= interval.high
    context = CheckContext(card=parse_card("# Card\n", "README.md"), path="README.md", facts=facts)
    for check in CHECKS:
        for found in check(context):
            assert found.code.startswith("CL3")
