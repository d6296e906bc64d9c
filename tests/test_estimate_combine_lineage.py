"""Combining methods, the lineage of fine-tunes (with a cycle), the EU modifier test and the percentile."""

from __future__ import annotations

import pytest
from estimate_helpers import fact

from cardlint.compute import estimate_compute
from cardlint.compute.combine import combine
from cardlint.compute.lineage import modifier_is_provider, trace_base, trace_lineage
from cardlint.compute.reference import (
    ReferenceMatch,
    ReferenceModel,
    find_reference,
    percentile,
    reference_models,
)
from cardlint.types import Interval, MethodEstimate


def _method(name: str, low: float, central: float, high: float) -> MethodEstimate:
    return MethodEstimate(name, Interval(low, central, high), (), name)


def test_reported_wins_and_others_cross_check() -> None:
    result = combine([_method("reported", 7, 10, 13), _method("architecture", 80, 100, 120)])
    assert result.driver == "reported"
    assert result.interval == Interval(7, 10, 13)
    assert result.disagreement == pytest.approx(10)


def test_agreeing_methods_give_a_weighted_geometric_mean_and_intersection() -> None:
    result = combine([_method("architecture", 8, 10, 13), _method("hardware", 7, 12, 20)])
    assert result.driver == "combined"
    assert result.interval is not None
    # the narrower architecture band weighs more: the central sits nearer 10 than the plain mean
    assert 10 < result.interval.central < (10 * 12) ** 0.5
    assert (result.interval.low, result.interval.high) == (8, 13)
    assert result.agreed


def test_equally_precise_methods_weigh_equally() -> None:
    result = combine([_method("architecture", 5, 10, 20), _method("hardware", 10, 20, 40)])
    assert result.interval is not None
    assert result.interval.central == pytest.approx((10 * 20) ** 0.5)


def test_disagreeing_methods_give_the_union_weighted_towards_operation_counting() -> None:
    result = combine([_method("architecture", 8, 10, 13), _method("hardware", 20, 30, 55)])
    assert not result.agreed
    assert result.interval is not None
    assert (result.interval.low, result.interval.high) == (8, 55)
    assert 10 < result.interval.central < (10 * 30) ** 0.5
    assert result.driver == "combined"
    assert "disagree" in result.reason


def test_methods_an_order_of_magnitude_apart_are_centred_on_operation_counting() -> None:
    result = combine([_method("architecture", 8, 10, 13), _method("hardware", 300, 500, 900)])
    assert result.interval == Interval(8, 10, 900)
    assert result.driver == "architecture"
    assert "50x" in result.reason


def test_energy_alone_is_labelled_weakest() -> None:
    result = combine([_method("energy", 1, 2, 4)])
    assert result.driver == "energy"
    assert "weakest" in result.reason


def test_nothing_means_insufficient_data() -> None:
    result = combine([])
    assert result.interval is None
    assert "insufficient" in result.reason


def _row(name: str, flop: float | None, base: str | None = None, scope: str = "final-run") -> ReferenceModel:
    return ReferenceModel(
        model=name,
        hf_repo_id=f"org/{name}",
        aliases=(),
        parameters=7e9,
        active_parameters=None,
        training_tokens=None,
        hardware=None,
        device_hours=None,
        reported_training_flop=None,
        training_flop=flop,
        flop_basis="epoch: 6ND",
        confidence="Confident",
        base_model=base,
        flop_scope=scope,
        source="test",
    )


def _lookup(rows: dict[str, ReferenceModel]):  # type: ignore[no-untyped-def]
    def lookup(name: str) -> ReferenceMatch | None:
        row = rows.get(name.rsplit("/", 1)[-1])
        return ReferenceMatch(row, True) if row is not None else None

    return lookup


def test_lineage_cycle_stops_and_says_so() -> None:
    rows = {"A": _row("A", None, "org/B"), "B": _row("B", None, "org/A")}
    traced = trace_base("org/A", _lookup(rows))
    assert traced.flop is None
    assert traced.chain == ("org/A", "org/B")
    assert any("loops back" in note for note in traced.notes)


def test_lineage_depth_is_bounded() -> None:
    rows = {f"M{i}": _row(f"M{i}", None, f"org/M{i + 1}") for i in range(50)}
    traced = trace_base("org/M0", _lookup(rows), max_depth=5)
    assert len(traced.chain) == 5
    assert any("deeper than 5" in note for note in traced.notes)


def test_lineage_climbs_to_the_first_known_ancestor() -> None:
    rows = {"FT": _row("FT", None, "org/Base"), "Base": _row("Base", 1e24)}
    traced = trace_base("org/FT", _lookup(rows))
    assert traced.flop == 1e24
    assert traced.chain == ("org/FT", "org/Base")


def test_fine_tune_cumulative_compute_and_eu_modifier_test() -> None:
    facts = [
        fact("base_model", "meta-llama/Llama-2-70b-hf", 2),
        fact("fine_tune_tokens", 1e12, 10, quote="1T tokens"),
    ]
    estimate = estimate_compute(facts)
    lineage = estimate.lineage
    assert lineage is not None
    assert lineage.base_flop == pytest.approx(8.1e23)
    assert lineage.own is not None
    assert lineage.own.central == pytest.approx(6 * 70e9 * 1e12)  # base's parameter count from the table
    assert lineage.cumulative is not None
    assert lineage.cumulative.central == pytest.approx(8.1e23 + 4.2e23)
    assert lineage.modifier_threshold_flop == pytest.approx(8.1e23 / 3)
    assert lineage.modification_ratio == pytest.approx(4.2e23 / 8.1e23)
    assert modifier_is_provider(lineage) is True


def test_small_fine_tune_is_not_a_new_provider() -> None:
    facts = [
        fact("base_model", "meta-llama/Llama-3.1-8B"),
        fact("fine_tune_device_hours", 100, quote="100 GPU hours"),
        fact("hardware_type", "a100-80gb"),
    ]
    lineage = estimate_compute(facts).lineage
    assert lineage is not None and lineage.own is not None
    assert modifier_is_provider(lineage) is False


def test_unknown_base_uses_the_eu_fallback() -> None:
    facts = [fact("base_model", "someone/private-model")]
    lineage = trace_lineage(facts, None)
    assert lineage is not None
    assert lineage.base_flop is None
    assert lineage.modifier_threshold_flop == pytest.approx(3.3e22)
    assert any("3.3e+24" in note for note in lineage.notes)


def test_base_from_the_cards_own_family_row() -> None:
    facts = [
        fact("base_model", "org/Family-70B"),
        fact("parameters", 70e9, 20, subject="Family-70B"),
        fact("training_tokens", 2e12, 21, subject="Family-70B"),
    ]
    lineage = estimate_compute(facts).lineage
    assert lineage is not None
    assert lineage.base_flop == pytest.approx(6 * 70e9 * 2e12)
    assert lineage.base_source is not None and "card" in lineage.base_source


def test_instruct_variant_matches_its_base_row_and_says_so() -> None:
    match = find_reference("meta-llama/Llama-2-70b-chat-hf")
    assert match is not None
    assert match.model.model == "Llama 2 70B"
    assert not match.exact


def test_no_base_model_no_lineage() -> None:
    assert estimate_compute([fact("parameters", 7e9)]).lineage is None


def test_percentile_against_the_reference_table() -> None:
    known = [m.training_flop for m in reference_models() if m.training_flop is not None]
    tiny = percentile(1.0)
    huge = percentile(1e30)
    assert tiny.share == 0.0 and huge.share == 1.0
    assert tiny.population == len(known) >= 90
    middle = percentile(sorted(known)[len(known) // 2])
    assert 0.4 <= middle.share <= 0.6


def test_estimate_carries_the_percentile() -> None:
    estimate = estimate_compute([fact("training_flop", 3.8e25, quote="3.8e25")])
    assert estimate.percentile is not None
    assert estimate.percentile.share > 0.95


def test_versions_are_different_models() -> None:
    assert find_reference("openai/whisper-large-v2") is None
    match = find_reference("openai/whisper-large-v3")
    assert match is not None and match.exact
