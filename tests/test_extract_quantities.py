"""The quantity parser: every notation the facts issue lists, round trips, linear time on hostile input."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cardlint.extract.quantities import find_quantities, parse_quantity


@pytest.mark.parametrize(
    ("text", "value", "dimension"),
    [
        ("8B", 8e9, "count"),
        ("8.03 billion parameters", 8.03e9, "parameters"),
        ("405B", 405e9, "count"),
        ("1.3M GPU hours", 1.3e6, "device_hours"),
        ("147K", 147e3, "count"),
        ("0.5B", 0.5e9, "count"),
        ("2.6 trillion tokens", 2.6e12, "tokens"),
        ("~5,500 GT", 5.5e12, "tokens"),
        ("3.8e25 FLOPs", 3.8e25, "flop"),
        ("3.8 × 10^25 FLOP", 3.8e25, "flop"),
        ("3.8x10^25", 3.8e25, "count"),
        ("10^24 FLOP", 1e24, "flop"),
        ("3.8E+25", 3.8e25, "count"),
        ("1,234,567", 1234567, "count"),
        ("1.234.567,5", 1234567.5, "count"),
        ("6 PF-days", 6 * 1e15 * 86400, "flop"),
        ("3640 petaflop/s-days", 3640 * 1e15 * 86400, "flop"),
        ("2 zettaFLOPs", 2e21, "flop"),
        ("312 TFLOPS", 312e12, "flop_rate"),
        ("100 TFLOP/s", 100e12, "flop_rate"),
        ("1,000 MWh", 1000, "energy"),
        ("500 kWh", 0.5, "energy"),
        ("2 GWh", 2000, "energy"),
        ("700W", 700, "power"),
        ("11250 kg CO2 eq.", 11.25, "co2"),
        ("539 tCO2eq", 539, "co2"),
        ("11,390 tons CO2eq", 11390, "co2"),
        ("7540 g CO2", 0.00754, "co2"),
        ("9.5 days", 9.5, "duration"),
        ("3 weeks", 21, "duration"),
        ("48 hours", 2, "duration"),
        ("10 V100 GPU hours", 10, "device_hours"),
        ("5 GPU days", 120, "device_hours"),
        ("1.5万亿 tokens", 1.5e12, "tokens"),
        ("70亿", 7e9, "count"),
        ("3万", 3e4, "count"),
        ("12 GB", 12e9, "bytes"),
    ],
)
def test_notations(text: str, value: float, dimension: str) -> None:
    quantity = parse_quantity(text)
    assert quantity is not None
    assert quantity.dimension == dimension
    assert quantity.value == pytest.approx(value, rel=1e-9)


def test_flags() -> None:
    lower = parse_quantity("15T+ tokens")
    assert lower is not None and lower.lower_bound and lower.value == 15e12
    over = parse_quantity("over 15 trillion tokens")
    assert over is not None and over.lower_bound
    approx = parse_quantity("about 3.8e25 FLOP")
    assert approx is not None and approx.approximate
    tilde = parse_quantity("~5,500 GT")
    assert tilde is not None and tilde.approximate


def test_ten_e_notation_is_ambiguous_and_literal() -> None:
    quantity = parse_quantity("2.1 x 10e21")
    assert quantity is not None
    assert quantity.ambiguous
    assert quantity.value == pytest.approx(2.1e22)


def test_range_keeps_both_ends() -> None:
    quantity = parse_quantity("TDP of 350-400W")
    assert quantity is not None
    assert quantity.dimension == "power"
    assert (quantity.low, quantity.value) == (350, 400)


def test_sum_of_parts() -> None:
    quantity = parse_quantity("750M+450M params")
    assert quantity is not None
    assert quantity.dimension == "parameters"
    assert quantity.value == pytest.approx(1.2e9)
    assert quantity.parts == 2


@pytest.mark.parametrize("text", ["BUCKWHEAT", "3D", "A100", "Llama-3", "v3-8"])
def test_words_are_not_units(text: str) -> None:
    assert all(q.dimension in ("count",) for q in find_quantities(text))
    assert not any(q.dimension == "energy" for q in find_quantities(text))


def test_version_number_is_not_a_range() -> None:
    values = [q.value for q in find_quantities("Llama 3-8B")]
    assert 8e9 in values
    assert all(value != 3e9 for value in values)


MAGNITUDES = {"K": 1e3, "M": 1e6, "B": 1e9, "T": 1e12, " thousand": 1e3, " million": 1e6, " billion": 1e9}


@settings(max_examples=60, deadline=None)
@given(
    whole=st.integers(min_value=1, max_value=999),
    decimals=st.integers(min_value=0, max_value=99),
    suffix=st.sampled_from(sorted(MAGNITUDES)),
)
def test_round_trip_magnitudes(whole: int, decimals: int, suffix: str) -> None:
    text = f"{whole}.{decimals:02d}{suffix} parameters"
    quantity = parse_quantity(text)
    assert quantity is not None
    assert quantity.dimension == "parameters"
    assert quantity.value == pytest.approx(float(f"{whole}.{decimals:02d}") * MAGNITUDES[suffix], rel=1e-12)


@settings(max_examples=60, deadline=None)
@given(value=st.integers(min_value=1000, max_value=10**15))
def test_round_trip_thousands_separators(value: int) -> None:
    english = f"{value:,} tokens"
    european = f"{value:,}".replace(",", ".") + " tokens"
    assert parse_quantity(english).value == value  # type: ignore[union-attr]
    if value >= 1_000_000:  # one dot group alone (1.000) is a decimal point, not a separator
        assert parse_quantity(european).value == value  # type: ignore[union-attr]


@settings(max_examples=60, deadline=None)
@given(mantissa=st.floats(min_value=1.0, max_value=9.99), exponent=st.integers(min_value=10, max_value=30))
def test_round_trip_scientific(mantissa: float, exponent: int) -> None:
    written = f"{mantissa:.2f}"
    expected = float(written) * 10.0**exponent
    for text in (
        f"{written}e{exponent} FLOP",
        f"{written} × 10^{exponent} FLOP",
        f"{written}x10^{exponent} FLOP",
    ):
        quantity = parse_quantity(text)
        assert quantity is not None and quantity.dimension == "flop"
        assert quantity.value == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize(
    "hostile",
    [
        "9" * 1_000_000,
        "1," * 500_000,
        "a1" * 500_000,
        "(" * 1_000_000,
        "1.5 " * 25_000,
        "1 x 10 x " * 10_000,
        "15T+" * 25_000,
    ],
)
def test_linear_time_on_hostile_lines(hostile: str) -> None:
    """A 1 MB line of digits or separators is one pass; many numbers cost a bounded amount each."""
    started = time.perf_counter()
    for _ in find_quantities(hostile):
        pass
    assert time.perf_counter() - started < 5.0


@pytest.mark.parametrize("text", ["10^310", "0e310", "2.1 x 10e350", "9.9E+999 FLOP", "1e-400 FLOP"])
def test_absurd_exponents_do_not_raise(text: str) -> None:
    for quantity in find_quantities(text):
        assert quantity.value == quantity.value  # never NaN


UNITS = {
    "GPU hours": ("device_hours", 1.0),
    "GPU-days": ("device_hours", 24.0),
    "days": ("duration", 1.0),
    "weeks": ("duration", 7.0),
    "MWh": ("energy", 1.0),
    "kWh": ("energy", 1e-3),
    "tCO2eq": ("co2", 1.0),
    "kg CO2eq": ("co2", 1e-3),
    "tokens": ("tokens", 1.0),
    "parameters": ("parameters", 1.0),
    "FLOPs": ("flop", 1.0),
    "W": ("power", 1.0),
}


@settings(max_examples=80, deadline=None)
@given(value=st.integers(min_value=1, max_value=10**6), unit=st.sampled_from(sorted(UNITS)))
def test_round_trip_units(value: int, unit: str) -> None:
    quantity = parse_quantity(f"{value:,} {unit}")
    dimension, scale = UNITS[unit]
    assert quantity is not None
    assert quantity.dimension == dimension
    assert quantity.value == pytest.approx(value * scale)


def test_describing_words_between_magnitude_and_tokens() -> None:
    quantity = parse_quantity("14.8 trillion diverse and high-quality tokens")
    assert quantity is not None and quantity.dimension == "tokens" and quantity.value == 14.8e12
    active = parse_quantity("37B activated for each token")
    assert active is not None and active.dimension == "count"


def test_magnitude_word_after_a_plus() -> None:
    quantity = parse_quantity("5+ trillion tokens")
    assert quantity is not None
    assert (quantity.value, quantity.dimension, quantity.lower_bound) == (5e12, "tokens", True)


def test_expert_layout_only_before_a_parameters_unit() -> None:
    layout = parse_quantity("32x1.5B parameters")
    assert layout is not None and (layout.value, layout.dimension, layout.parts) == (48e9, "parameters", 2)
    named = parse_quantity("8x7B")
    assert named is not None and named.value == 8


@pytest.mark.parametrize(
    ("label", "scale"),
    [
        ("Params (M)", 1e6),
        ("Tokens (in billions)", 1e9),
        ("Size in B", 1e9),
        ("Params", None),
        ("GMACs", None),
    ],
)
def test_label_scale(label: str, scale: float | None) -> None:
    from cardlint.extract.quantities import label_scale

    assert label_scale(label) == scale
