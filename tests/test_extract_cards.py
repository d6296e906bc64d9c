"""Extraction on cards we wrote: family tables (Markdown and HTML), prose notations, spec lists, traps."""

from __future__ import annotations

from pathlib import Path

import pytest
from extract_support import own

from cardlint.card.document import parse_card
from cardlint.extract import extract_facts
from cardlint.extract.subject import card_subject
from cardlint.types import Fact

CARDS = Path(__file__).parent / "cards" / "extract"


def facts_of(name: str, *, repo_id: str | None = None) -> tuple[list[Fact], str | None]:
    path = CARDS / name
    card = parse_card(path.read_text(encoding="utf-8"), str(path))
    subject = card_subject(card, repo_id=repo_id)
    return extract_facts(card, path=str(path), subject=subject), subject


def test_family_markdown_table_picks_the_subject_row() -> None:
    facts, _ = facts_of("family_markdown.md", repo_id="example/Otter-2-7B")
    assert set(own(facts, "parameters")) == {7e9}
    assert own(facts, "training_tokens") == [2e12]
    assert own(facts, "device_hours") == [184320]
    assert own(facts, "co2_tonnes") == [pytest.approx(0.00754), 31.22]
    others = {(fact.kind, fact.subject, fact.value) for fact in facts if fact.subject is not None}
    assert ("device_hours", "Otter 2 13B", 368640) in others
    assert ("device_hours", "Total", 553000) in others


def test_table_facts_point_at_their_row() -> None:
    facts, _ = facts_of("family_markdown.md", repo_id="example/Otter-2-7B")
    hours = next(fact for fact in facts if fact.kind == "device_hours" and fact.subject is None)
    assert (hours.location.line, hours.origin) == (23, "table")
    assert "184320" in hours.quote


def test_yaml_grams_and_hardware_and_base_model() -> None:
    facts, _ = facts_of("family_markdown.md", repo_id="example/Otter-2-7B")
    co2 = next(fact for fact in facts if fact.origin == "yaml" and fact.kind == "co2_tonnes")
    assert co2.value == pytest.approx(7540 / 1e6)
    assert co2.location.line == 4
    assert "tpu-v3" in own(facts, "hardware_type")
    assert own(facts, "base_model") == ["example-org/Otter-2-7B-base"]


def test_prose_range_and_training_hardware() -> None:
    facts, _ = facts_of("family_markdown.md", repo_id="example/Otter-2-7B")
    assert 400 in own(facts, "power_watts_per_device")
    assert "a100-80gb" in own(facts, "hardware_type")


def test_traps_inference_hardware_code_fences_and_word_lists() -> None:
    facts, _ = facts_of("family_markdown.md", repo_id="example/Otter-2-7B")
    assert "a10g" not in own(facts, "hardware_type")  # inference section
    assert own(facts, "hardware_count") == []  # `ngpu: 8` sits in a code fence
    assert own(facts, "energy_mwh") == []  # kWh in the fence, BUCKWHEAT in a word list


def test_html_table_with_rowspan_and_family_rows() -> None:
    facts, _ = facts_of("family_html.md", repo_id="example/Heron-3.1-8B")
    assert own(facts, "parameters") == [8e9]
    tokens = [fact for fact in facts if fact.kind == "training_tokens" and fact.subject is None]
    assert [fact.value for fact in tokens] == [15e12]
    assert tokens[0].lower_bound
    assert tokens[0].origin == "html-table"
    assert 1.46e6 in own(facts, "device_hours")
    assert own(facts, "co2_tonnes") == [420]
    hours = next(fact for fact in facts if fact.kind == "device_hours" and fact.value == 1.46e6)
    assert hours.location.line == 38
    seventy = [
        fact for fact in facts if fact.subject and "70B" in fact.subject and fact.kind == "device_hours"
    ]
    assert [fact.value for fact in seventy] == [7.0e6]


def test_cumulative_family_figures_are_the_family_total() -> None:
    facts, _ = facts_of("family_html.md", repo_id="example/Heron-3.1-8B")
    assert own(facts, "device_hours") == [1.46e6]
    totals = [fact.value for fact in facts if fact.subject == "family total"]
    assert totals == [8.46e6]


def test_conflicting_statements_are_both_kept() -> None:
    text = (
        "# Heron 70B\n\nTraining used 39.3M GPU hours on H100-80GB.\n\n"
        "| Model | Training Time (GPU hours) |\n|---|---|\n| Heron 70B | 7.0M |\n"
    )
    facts = extract_facts(parse_card(text, "h.md"), path="h.md", subject="org/Heron-70B")
    hours = sorted((fact.value, fact.location.line) for fact in facts if fact.kind == "device_hours")  # type: ignore[type-var]
    assert hours == [(7.0e6, 7), (39.3e6, 3)]


def test_prose_notations() -> None:
    facts, _ = facts_of("prose_notations.md")
    assert own(facts, "parameters") == [671e9]
    assert own(facts, "active_parameters") == [37e9]
    assert own(facts, "training_tokens") == [14.8e12]
    assert own(facts, "device_hours") == [2.788e6]
    assert own(facts, "fine_tune_device_hours") == [0.1e6]
    assert own(facts, "training_flop") == [pytest.approx(3.8e25)]
    assert own(facts, "energy_mwh") == [1200]
    assert own(facts, "co2_tonnes") == [11.25]
    assert own(facts, "hardware_count") == [440]
    assert own(facts, "training_duration_days") == [9.5]
    assert set(own(facts, "hardware_type")) == {"h800", "a100"}  # not the H100s of the usage section


def test_flop_rate_is_never_a_count() -> None:
    facts, _ = facts_of("prose_notations.md")
    assert all(fact.value != pytest.approx(989e12) for fact in facts if fact.kind == "training_flop")


def test_spec_list_and_derived_figures() -> None:
    facts, _ = facts_of("spec_list.md")
    tokens = [fact for fact in facts if fact.kind == "training_tokens"]
    assert [fact.value for fact in tokens] == [240_000 * 512 * 4096]
    assert tokens[0].derived
    assert own(facts, "parameters") == [220e6]
    assert own(facts, "training_duration_days") == [3]
    # 3 days x 24 h x 4 chips of a v3-8 slice; the card names its base model and no stage, so its own run
    # is the fine-tuning
    hours = [fact for fact in facts if fact.kind == "fine_tune_device_hours"]
    assert [fact.value for fact in hours] == [288]
    assert hours[0].derived
    flop = [fact for fact in facts if fact.kind == "training_flop"]
    assert flop[0].ambiguous and flop[0].value == pytest.approx(2.1e22)
    assert own(facts, "base_model") == ["base-org/finch-base"]
    assert own(facts, "co2_tonnes") == []  # [More Information Needed]


def test_chinese_magnitudes() -> None:
    facts, _ = facts_of("chinese.md")
    assert own(facts, "training_tokens") == [2.6e12]
    assert own(facts, "parameters") == [7e9]


def test_every_fact_has_a_location_and_quote() -> None:
    for name in ("family_markdown.md", "family_html.md", "prose_notations.md", "spec_list.md"):
        facts, _ = facts_of(name)
        for fact in facts:
            assert fact.location.line and fact.location.line > 0
            assert fact.quote
            assert len(fact.quote) <= 80


def test_long_lines_are_cut_and_empty_cards_yield_nothing() -> None:
    card = parse_card("trained on 15 trillion tokens " + "x" * 50_000 + " 99 trillion tokens\n", "long.md")
    values = [fact.value for fact in extract_facts(card, path="long.md", subject=None)]
    assert values == [15e12]
    assert extract_facts(parse_card("", "empty.md"), path="empty.md", subject=None) == []


def test_training_compute_block_is_read_with_units_in_key_names() -> None:
    facts, _ = facts_of("training_compute.md")
    yaml = {fact.kind: fact.value for fact in facts if fact.origin == "yaml"}
    assert yaml["training_flop"] == 3.1e23
    assert yaml["parameters"] == 7.2e9
    assert yaml["active_parameters"] == 1.3e9
    assert yaml["training_tokens"] == 2.0e12
    assert yaml["hardware_type"] == "h100-80gb"
    assert yaml["hardware_count"] == 512
    assert yaml["device_hours"] == 250000
    assert yaml["training_duration_days"] == 21
    assert yaml["energy_mwh"] == 180
    assert yaml["fine_tune_tokens"] == 1.5e9
    assert yaml["fine_tune_device_hours"] == 800
    co2 = sorted(fact.value for fact in facts if fact.kind == "co2_tonnes")  # type: ignore[type-var]
    assert co2 == [1.2, 60]  # 1,200,000 g on the Hub field, 60 t in our block
    flop = next(fact for fact in facts if fact.kind == "training_flop")
    assert flop.location.line == 5


def test_fine_tune_card_stage_rules() -> None:
    facts, _ = facts_of("finetune.md")
    assert set(own(facts, "base_model")) == {"example-org/Sparrow-1B"}  # YAML and prose agree
    hours = [fact for fact in facts if fact.kind == "fine_tune_device_hours"]
    assert sorted(fact.value for fact in hours) == [8, 12, 30, 50]  # type: ignore[type-var]
    assert [fact.derived for fact in hours if fact.value == 50] == [True]
    assert own(facts, "device_hours") == []  # a fine-tune's own compute is never pre-training
    assert own(facts, "fine_tune_tokens") == [2000 * 64 * 2048]
    assert own(facts, "training_tokens") == []


def test_device_count_from_a_training_config_dump() -> None:
    facts, _ = facts_of("finetune.md")
    counts = [fact for fact in facts if fact.kind == "hardware_count"]
    assert [(fact.value, fact.origin, fact.location.line) for fact in counts] == [(4, "code", 22)]


def test_sections_about_a_sibling_model_keep_its_name() -> None:
    text = (
        "# Magpie Mini\n\n## Magpie Mini Emissions\n\n"
        "Magpie Mini was trained on a single TPU v3-8 for 3 days.\n\n"
        "## Magpie Mega Emissions\n\nMagpie Mega has been training for 40 days on a TPU v3-256.\n"
    )
    card = parse_card(text, "magpie.md")
    facts = extract_facts(card, path="magpie.md", subject="org/magpie-mini")
    assert own(facts, "training_duration_days") == [3]
    mega = [fact for fact in facts if fact.kind == "training_duration_days" and fact.subject]
    assert [fact.value for fact in mega] == [40]
    assert "Mega" in str(mega[0].subject)


def test_family_sentences_about_other_sizes() -> None:
    text = "# Kite\n\nKite 70B was trained on 30.84M GPU hours.\nKite 8B was trained on 1.46M GPU hours.\n"
    facts = extract_facts(parse_card(text, "k.md"), path="k.md", subject="org/Kite-8B")
    assert own(facts, "device_hours") == [1.46e6]
    other = [fact for fact in facts if fact.kind == "device_hours" and fact.subject]
    assert [fact.value for fact in other] == [30.84e6]


def test_clauses_that_name_another_model() -> None:
    text = (
        "# Heron\n\nThe original Heron model was trained for 1 trillion tokens and GPT-J was trained for "
        "500 billion tokens.\nFalcon-7B was trained on 1.5T tokens, while our model saw 2T tokens.\n"
    )
    facts = extract_facts(parse_card(text, "h.md"), path="h.md", subject="org/Heron-13B")
    assert sorted(own(facts, "training_tokens")) == [1e12, 2e12]  # type: ignore[type-var]
    others = {fact.subject: fact.value for fact in facts if fact.subject}
    assert others == {"GPT-J": 500e9, "Falcon-7B": 1.5e12}


def test_chinese_hardware_duration_and_device_hours() -> None:
    facts, _ = facts_of("chinese.md", repo_id="org/鹭-7B")
    assert own(facts, "hardware_count") == [512]
    assert own(facts, "hardware_type") == ["a100"]  # the RTX 4090 is for inference (推理)
    assert own(facts, "training_duration_days") == [21]
    assert own(facts, "device_hours") == [258_000]


def test_chinese_numbers_glued_to_characters() -> None:
    text = "# 鹭-7B\n\n我们在预训练阶段使用了8张A100训练21天，共消耗2.6万亿tokens。\n"
    facts = extract_facts(parse_card(text, "c.md"), path="c.md", subject="org/鹭-7B")
    assert own(facts, "hardware_count") == [8]
    assert own(facts, "training_duration_days") == [21]
    assert own(facts, "training_tokens") == [2.6e12]


def test_model_names_in_a_size_column_label_the_rows() -> None:
    text = (
        "# Olmo\n\n| Size | Training Tokens | Layers |\n|---|---|---|\n"
        "| [Olmo 1B](https://huggingface.co/org/Olmo-1B) | 3 Trillion | 16 |\n"
        "| [Olmo 7B](https://huggingface.co/org/Olmo-7B) | 2.5 Trillion | 32 |\n"
    )
    facts = extract_facts(parse_card(text, "o.md"), path="o.md", subject="org/Olmo-7B")
    assert own(facts, "parameters") == [7e9]
    assert own(facts, "training_tokens") == [2.5e12]


def test_cells_that_carry_their_own_units() -> None:
    text = (
        "# Finch\n\n| Model | Training Time | Emissions |\n|---|---|---|\n"
        "| Finch 7B | 82,432 GPU hours | 31 tCO2eq |\n| Finch 13B | 160,000 GPU hours | 60 tCO2eq |\n"
    )
    facts = extract_facts(parse_card(text, "f.md"), path="f.md", subject="org/Finch-7B")
    assert own(facts, "device_hours") == [82432]
    assert own(facts, "co2_tonnes") == [31]


@pytest.mark.parametrize(
    ("sentence", "kind", "value"),
    [
        ("The model was trained on 15 trillion tokens.", "training_tokens", 15e12),
        ("Pretraining took 1.3M GPU hours on H100-80GB.", "device_hours", 1.3e6),
        ("Pretraining took 1.3M GPU hours on H100-80GB.", "hardware_type", "h100-80gb"),
        ("We trained it with 440 A100 GPUs for 9.5 days.", "hardware_count", 440),
        ("We trained it with 440 A100 GPUs for 9.5 days.", "device_hours", 440 * 9.5 * 24),
        ("It has 671B total parameters, 37B activated for each token.", "active_parameters", 37e9),
        ("Training used more than 2 zettaFLOPs of compute.", "training_flop", 2e21),
        ("The run consumed 3640 petaflop/s-days.", "training_flop", 3640 * 1e15 * 86400),
        ("Training consumed about 1,082 MWh of electricity.", "energy_mwh", 1082),
        ("Training emitted 25 tonnes of CO2eq.", "co2_tonnes", 25),
    ],
)
def test_issue_sentences(sentence: str, kind: str, value: float | str) -> None:
    facts = extract_facts(parse_card(f"# M\n\n{sentence}\n", "m.md"), path="m.md", subject=None)
    values = own(facts, kind)
    assert any(v == value or (isinstance(v, float) and v == pytest.approx(value)) for v in values), values


def test_lower_bound_and_approximation_flags_reach_the_facts() -> None:
    facts = extract_facts(
        parse_card("# M\n\nTrained on more than 2T tokens using ~1,000 GPU hours.\n", "m.md"),
        path="m.md",
        subject=None,
    )
    tokens = next(fact for fact in facts if fact.kind == "training_tokens")
    hours = next(fact for fact in facts if fact.kind == "device_hours")
    assert tokens.lower_bound and not tokens.approximate
    assert hours.approximate and not hours.lower_bound
