"""The disclosure block: which figures go in, how they are written, and that YAML reads them back exactly."""

from __future__ import annotations

import yaml
from fix_support import sources
from hypothesis import given
from hypothesis import strategies as st

from cardlint.fix.disclosure import (
    LineShift,
    expected_values,
    plan_disclosure,
    quote,
    render_block,
    round_significant,
    yaml_scalar,
)
from cardlint.types import Estimate, Fact, Interval, Location, MethodEstimate

PATH = "card.md"


def fact(kind: str, value: float | str, line: int, **flags: object) -> Fact:
    return Fact(kind, value, "", Location(PATH, line, 1), "prose", f"quote on line {line}", **flags)  # type: ignore[arg-type]


def estimate_from(*inputs: Fact, central: float = 7.234e23, driver: str = "architecture") -> Estimate:
    interval = Interval(central * 0.61, central, central * 1.77)
    return Estimate(interval, driver, "test", (MethodEstimate(driver, interval, inputs, "6 * N * D"),))


def block_data(lines: list[str]) -> dict:
    return yaml.safe_load("\n".join(lines))["training_compute"]


def test_full_block_reads_back_with_two_significant_figures_and_unknown_scope() -> None:
    params, tokens = fact("parameters", 8.03e9, 10), fact("training_tokens", 15e12, 12, lower_bound=True)
    hardware = fact("hardware_type", "H100-SXM", 14)
    plan = plan_disclosure([params, tokens, hardware], estimate_from(params, tokens))
    data = block_data(render_block(plan))
    assert data["parameters"] == 8030000000
    assert data["training_tokens"] == 15000000000000
    assert data["hardware_type"] == "H100-SXM"
    assert data["training_flop"] == 7.2e23
    assert data["training_flop_low"] == 4.4e23  # 4.41e23 rounded down: the interval only widens
    assert data["training_flop_high"] == 1.3e24  # 1.28e24 rounded up
    assert data["method"] == "architecture"
    assert data["scope"] == "unknown"
    assert sources(data)["parameters"].startswith("line 10 ")
    assert "lower bound" in sources(data)["training_tokens"]
    assert sources(data)["training_flop"].startswith("lines 10, 12 ")
    assert data == {**expected_values(plan), "derived_from": data["derived_from"]}


def test_conflicting_values_are_left_out_even_when_the_estimate_relied_on_one() -> None:
    first, second = fact("device_hours", 7.0e6, 20), fact("device_hours", 39.3e6, 30)
    plan = plan_disclosure([first, second], None)
    assert "device_hours" not in plan.key_names()
    assert any("lines 20, 30" in note for note in plan.notes)
    used = estimate_from(second, driver="hardware")
    assert "device_hours" not in plan_disclosure([first, second], used).key_names()


def test_equal_values_stated_twice_are_one_figure_from_the_stated_line() -> None:
    derived, stated = fact("training_tokens", 2.0e12, 5, derived=True), fact("training_tokens", 2.0e12, 40)
    entry = plan_disclosure([derived, stated], None).entries[0]
    assert entry.lines == (40,)


def test_other_models_ambiguous_figures_and_existing_keys_are_never_written() -> None:
    other = Fact("parameters", 70e9, "", Location(PATH, 3, 1), "table", "70B", subject="Big-70B")
    ambiguous = fact("training_flop", 2.1e22, 4, ambiguous=True)
    mine = fact("parameters", 8e9, 5)
    plan = plan_disclosure(
        [other, ambiguous, mine], estimate_from(mine), existing={"parameters": 8e9, "scope": "x"}
    )
    assert "parameters" not in plan.key_names()
    assert "scope" not in plan.key_names()  # the author stated it
    assert "training_flop" in plan.key_names()


def test_an_author_flop_figure_is_not_replaced_nor_given_an_interval() -> None:
    mine = fact("parameters", 8e9, 5)
    plan = plan_disclosure([mine], estimate_from(mine), existing={"training_flop": 3.0e23})
    assert not {"training_flop", "training_flop_low", "training_flop_high", "method"} & set(plan.key_names())


def test_facts_inside_the_existing_block_are_not_sources() -> None:
    inside = fact("training_tokens", 1e12, 7)
    assert not plan_disclosure([inside], None, own_block_lines=range(5, 9))


def test_figures_from_a_sidecar_file_name_that_file_and_do_not_shift() -> None:
    config = Fact("parameters", 1.1e9, "", Location("model/config.json", 1, 1), "config.json", "config")
    plan = plan_disclosure([config], None, card_path="model/README.md")
    assert plan.entries[0].lines == ()
    assert plan.entries[0].source(LineShift(1, 50)).startswith("(config.json line 1, config.json)")


def test_line_shift_moves_only_lines_after_the_insertion() -> None:
    params = fact("parameters", 1e9, 3)
    body = fact("training_tokens", 2e10, 30)
    plan = plan_disclosure([params, body], None)
    data = block_data(render_block(plan, shift=LineShift(10, 7)))
    assert sources(data)["parameters"].startswith("line 3 ")
    assert sources(data)["training_tokens"].startswith("line 37 ")


def test_no_figures_no_block() -> None:
    assert not plan_disclosure([], None)


def test_round_significant() -> None:
    assert round_significant(7.234e23, 2) == 7.2e23
    assert round_significant(7.21e23, 2, "up") == 7.3e23
    assert round_significant(7.29e23, 2, "down") == 7.2e23
    assert round_significant(7.2e23, 2, "up") == 7.2e23  # already exact: no widening
    assert round_significant(0.0, 2) == 0.0


@given(st.floats(min_value=1e3, max_value=1e30, allow_nan=False))
def test_flop_scalars_are_floats_for_yaml_1_1(value: float) -> None:
    rounded = round_significant(value, 2)
    parsed = yaml.safe_load(f"k: {yaml_scalar('training_flop', rounded)}")["k"]
    assert isinstance(parsed, float)
    assert parsed == float(f"{rounded:.1e}")


@given(st.floats(min_value=1e-6, max_value=1e20, allow_nan=False) | st.integers(0, 10**18))
def test_number_scalars_read_back_exactly(value: float) -> None:
    assert yaml.safe_load(f"k: {yaml_scalar('energy_mwh', value)}")["k"] == value


@given(st.text(max_size=80))
def test_quoted_strings_read_back_exactly(text: str) -> None:
    assert yaml.safe_load(f"k: {quote(text)}")["k"] == text


def test_yaml_1_1_words_are_quoted() -> None:
    for word in ("no", "yes", "on", "off", "null"):
        assert yaml.safe_load(f"k: {yaml_scalar('hardware_type', word)}")["k"] == word
