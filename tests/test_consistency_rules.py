"""CL301-CL311: each rule on a failing and a passing card we wrote, with the lines it points at."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from estimate_helpers import fact
from hypothesis import given
from hypothesis import strategies as st

from cardlint.card.document import parse_card
from cardlint.checks import CheckContext, all_checks, conflicts, table_totals
from cardlint.checks import consistency as rules
from cardlint.types import Fact, Finding

CARDS = Path(__file__).parent / "cards" / "consistency"


def _run(
    check: Callable[[CheckContext], Iterable[Finding]], facts: list[Fact], text: str = "# Card\n"
) -> list[Finding]:
    card = parse_card(text, "README.md")
    return list(check(CheckContext(card=card, path="README.md", facts=facts)))


def _lines(finding: Finding) -> tuple[int | None, list[int | None]]:
    return finding.location.line, sorted(location.line for location in finding.related)


def test_every_cl3xx_code_is_registered() -> None:
    codes = {code for registered in all_checks() for code in registered.codes}
    assert {f"CL3{n:02d}" for n in range(1, 12)} <= codes


# --- CL301 / CL302 ---


def _flop_card(flop: float) -> list[Fact]:
    return [
        fact("parameters", 7e9, 5, quote="7B"),
        fact("training_tokens", 2e12, 6, quote="2T tokens"),
        fact("training_flop", flop, 8, quote=f"{flop:.2g} FLOP"),
    ]


def test_cl301_reported_flop_more_than_3x_off() -> None:
    [found] = _run(rules.reported_flop_disagrees, _flop_card(4e23))
    assert found.code == "CL301"
    assert _lines(found) == (8, [5, 6])


def test_cl302_reported_flop_more_than_10x_off() -> None:
    [found] = _run(rules.reported_flop_disagrees, _flop_card(5e21))
    assert found.code == "CL302"
    assert found.location.line == 8


def test_cl301_passes_when_the_figure_fits() -> None:
    assert _run(rules.reported_flop_disagrees, _flop_card(9e22)) == []


# --- CL303 / CL304 / CL305 ---


def _run_card(params: float, tokens: float, hours: float, chip: str) -> list[Fact]:
    return [
        fact("parameters", params, 3),
        fact("training_tokens", tokens, 4),
        fact("device_hours", hours, 9, quote=f"{hours:,.0f}"),
        fact("hardware_type", chip, 10),
    ]


def test_cl303_methods_disagree_beyond_their_intervals() -> None:
    facts = _run_card(8e9, 15e12, 1_460_000, "h100-80gb")
    [found] = _run(rules.estimates_disagree, facts)
    assert found.code == "CL303"
    assert _lines(found) == (9, [3, 4])
    assert _run(rules.implied_utilisation, facts) == []


def test_cl303_passes_when_methods_agree() -> None:
    assert _run(rules.estimates_disagree, _run_card(70e9, 15e12, 7_000_000, "h100-80gb")) == []


def test_cl304_utilisation_above_100_percent() -> None:
    facts = _run_card(70e9, 15e12, 100_000, "h100-80gb")
    [found] = _run(rules.implied_utilisation, facts)
    assert found.code == "CL304"
    assert _lines(found) == (9, [3, 4, 10])
    assert found.data["utilisation"] > 1
    assert _run(rules.estimates_disagree, facts) == []  # CL304 says it more precisely


def test_cl305_utilisation_below_5_percent() -> None:
    [found] = _run(rules.implied_utilisation, _run_card(1e9, 1e11, 2_000_000, "a100-80gb"))
    assert found.code == "CL305"
    assert found.location.line == 9


def test_cl304_cl305_pass_for_a_plausible_run() -> None:
    assert _run(rules.implied_utilisation, _run_card(70e9, 2e12, 1_720_320, "a100-80gb")) == []


# --- CL306 ---


def test_cl306_same_figure_twice_points_at_both_lines() -> None:
    facts = [
        fact("device_hours", 39.3e6, 10, quote="39.3M GPU hours"),
        fact("device_hours", 7.0e6, 20, quote="7.0M"),
    ]
    [found] = _run(conflicts.conflicting_figures, facts)
    assert found.code == "CL306"
    assert _lines(found) == (20, [10])


def test_cl306_grams_and_kilograms_of_co2_that_differ() -> None:
    facts = [
        fact("co2_tonnes", 0.00754, 3, quote="7540", origin="yaml"),
        fact("co2_tonnes", 0.03016, 40, quote="30.16 kg"),
    ]
    [found] = _run(conflicts.conflicting_figures, facts)
    assert _lines(found) == (40, [3])


def test_cl306_passes_within_rounding_and_lower_bounds() -> None:
    facts = [
        fact("parameters", 8e9, 3, quote="8B"),
        fact("parameters", 8.03e9, 30, quote="8.03B"),
        fact("training_tokens", 15e12, 4, quote="15T+", lower_bound=True),
        fact("training_tokens", 15.6e12, 31, quote="15.6T"),
        fact("device_hours", 1e6, 5, subject="Other-70B"),
        fact("device_hours", 3e6, 6, derived=True),
    ]
    assert _run(conflicts.conflicting_figures, facts) == []


def _pairwise_cl306(facts: list[Fact]) -> list[tuple[int | None, int | None]]:
    """The definition CL306 implements: every later figure against every earlier one, in file order; the
    first earlier one on another line that disagrees is reported, once per value."""
    found = []
    stated = sorted(facts, key=lambda f: (f.location.line or 0, f.location.column or 0))
    reported: set[float] = set()
    for index, later in enumerate(stated):
        for earlier in stated[:index]:
            if earlier.location.line == later.location.line or conflicts._consistent(
                conflicts._stated(earlier), conflicts._stated(later)
            ):
                continue
            if float(later.value) not in reported:
                reported.add(float(later.value))
                found.append((later.location.line, earlier.location.line))
            break
    return found


# the same value written with different precision ("70B", "70.0B") makes classes of different tolerance
_FIGURES = st.sampled_from(
    [
        (7e9, "7B"),
        (7.2e9, "7.2B"),
        (7.25e9, "7.25B"),
        (8e9, "8B"),
        (13e9, "13B"),
        (70e9, "70B"),
        (70e9, "70.0B"),
    ]
)


@given(
    st.lists(
        st.tuples(_FIGURES, st.integers(1, 12), st.booleans(), st.booleans(), st.booleans()), max_size=40
    )
)
def test_cl306_equals_the_pairwise_definition(
    rows: list[tuple[tuple[float, str], int, bool, bool, bool]],
) -> None:
    facts = [
        fact("parameters", value, line, quote=quote, approximate=approx, lower_bound=lower,
             ambiguous=ambiguous)
        for (value, quote), line, approx, lower, ambiguous in rows
    ]  # fmt: skip
    got = [(f.location.line, f.related[0].line) for f in _run(conflicts.conflicting_figures, facts)]
    assert got == _pairwise_cl306(facts)


# --- CL307 ---


def test_cl307_markdown_total_row_not_the_sum() -> None:
    text = (CARDS / "family_table.md").read_text()
    findings = _run(table_totals.total_row_mismatch, [], text)
    assert [(f.code, f.data["column"]) for f in findings] == [("CL307", 1), ("CL307", 3)]
    assert _lines(findings[0]) == (13, [10, 11, 12])
    # the second table adds up (39.3M) and is not reported


def test_cl307_html_total_row_and_code_blocks_ignored() -> None:
    text = (CARDS / "html_table.md").read_text()
    [found] = _run(table_totals.total_row_mismatch, [], text)
    assert found.code == "CL307"
    assert _lines(found) == (21, [11, 16])  # the cells holding the figures


def test_cl307_passes_when_totals_add_up() -> None:
    text = "| | h |\n|---|---|\n| a | 1.5 |\n| b | 2.5 |\n| Total | 4.0 |\n"
    assert _run(table_totals.total_row_mismatch, [], text) == []


# --- CL308 ---


def _hardware_time() -> list[Fact]:
    return [fact("device_hours", 3.3e6, 12, quote="3.3M GPU hours"), fact("hardware_type", "a100-80gb", 12)]


def test_cl308_co2_in_grams_where_tonnes_are_meant() -> None:
    facts = [*_hardware_time(), fact("co2_tonnes", 539e-6, 3, quote="co2_eq_emissions: 539", origin="yaml")]
    [found] = _run(rules.emissions_implausible, facts)
    assert found.code == "CL308"
    assert _lines(found) == (3, [12])
    assert "grams" in found.message


def test_cl308_energy_in_kwh_written_as_mwh() -> None:
    facts = [*_hardware_time(), fact("energy_mwh", 1.3e6, 14, quote="1,300,000 MWh")]
    [found] = _run(rules.emissions_implausible, facts)
    assert found.location.line == 14


def test_cl308_passes_for_plausible_figures() -> None:
    facts = [
        *_hardware_time(),
        fact("co2_tonnes", 539, 13, quote="539 tCO2eq"),
        fact("energy_mwh", 1400, 14, quote="1,400 MWh"),
    ]
    assert _run(rules.emissions_implausible, facts) == []


# --- CL309 / CL310 ---


def test_cl309_count_written_as_a_rate() -> None:
    text = "# Card\n\nTraining compute: 3.8e25 FLOP/s\n\nTotal: 1.2e24 FLOPS\n"
    findings = _run(rules.flop_rate_as_count, [], text)
    assert [(f.code, f.location.line, f.location.column) for f in findings] == [
        ("CL309", 3, 19),
        ("CL309", 5, 8),
    ]


def test_cl309_passes_for_real_rates_counts_and_code() -> None:
    text = "# Card\n\nEach GPU sustained 312 TFLOP/s.\n\nTotal: 3.8e25 FLOP\n\n```\nx = 3.8e25 FLOP/s\n```\n"
    assert _run(rules.flop_rate_as_count, [], text) == []


def test_cl310_ambiguous_exponent() -> None:
    text = "# Card\n\nTotal training compute: 2.1 x 10e21 FLOPs.\n"
    [found] = _run(rules.ambiguous_exponent, [], text)
    assert (found.code, found.location.line, found.location.column) == ("CL310", 3, 25)


def test_cl310_from_an_ambiguous_fact_on_another_line() -> None:
    facts = [fact("training_flop", 2.1e22, 2, quote="2.1x10e21", ambiguous=True, origin="yaml")]
    [found] = _run(rules.ambiguous_exponent, facts, "---\ncompute: 2.1x10e21\n---\n")
    assert found.location.line == 2


def test_cl310_passes_for_clear_notation() -> None:
    assert _run(rules.ambiguous_exponent, [], "# Card\n\n2.1e21 FLOP, 2.1 × 10^21 FLOP\n") == []


# --- CL311 ---


def _moe(flop: float) -> list[Fact]:
    return [
        fact("parameters", 46.7e9, 4, quote="46.7B"),
        fact("active_parameters", 12.9e9, 5, quote="12.9B"),
        fact("training_tokens", 10e12, 6, quote="10T"),
        fact("training_flop", flop, 8, quote=f"{flop:.3g}"),
    ]


def test_cl311_moe_flop_with_total_parameters() -> None:
    [found] = _run(rules.moe_total_parameters, _moe(2.8e24))
    assert found.code == "CL311"
    assert _lines(found) == (8, [4, 5, 6])


def test_cl311_passes_with_active_parameters() -> None:
    assert _run(rules.moe_total_parameters, _moe(7.74e23)) == []


def test_cl301_leaves_an_ambiguous_figure_to_cl310() -> None:
    stated = fact("training_flop", 8.4e23, 8, quote="8.4 x 10e22", ambiguous=True)
    facts = [*_flop_card(8.4e23)[:2], stated]
    assert _run(rules.reported_flop_disagrees, facts) == []
