"""Hardware, durations and device-hours on cards we wrote: device counts, sections without cue words, derived
hours per stage, per-stage splits in one value, and base models named in a fine-tune's sentence."""

from __future__ import annotations

import pytest
from extract_support import facts_of as shared_facts_of
from extract_support import own

from cardlint.types import Fact

_PATH = "models/Wren-1B/README.md"


def facts_of(text: str, repo_id: str = "example/Wren-1B") -> list[Fact]:
    return shared_facts_of(text, repo_id=repo_id, path=_PATH)


@pytest.mark.parametrize(
    ("sentence", "hardware", "count"),
    [
        ("Wren was trained on 384 A100 80GB GPUs.", "a100-80gb", 384),
        ("We trained Wren on 4 nodes of 8 x H100s.", "h100", 32),
        ("Wren was trained on a single V100.", "v100", 1),
        ("The model was trained on a Tesla V100 GPU donated by a sponsor.", "v100", 1),
        ("Training ran on eight A100 GPUs.", "a100", 8),
        ("Training ran on twenty A100 GPUs.", "a100", 20),  # the number words durations read too
        ("Training used 16 CS-2 systems.", "cerebras-cs-2", 16),
        ("Wren was trained on a cluster of 50 H800 GPU servers, each with 8 H800 GPUs.", "h800", 400),
        ("Wren was trained on 2 TPU v3-8 slices.", "tpu-v3", 8),
        ("Wren was trained on 64 TPU v4 cores.", "tpu-v4", 32),
        ("Training lasted 2 days on 8 compute nodes each one with 4 NVIDIA V100 GPUs.", "v100", 32),
        ("Wren was trained on 2 Cloud v4-16 TPUs.", "tpu-v4", 16),
        ("Training ran on a cloud instance (1 NVIDIA Tesla T4 GPU).", "t4", 1),
    ],
)
def test_device_counts(sentence: str, hardware: str, count: int) -> None:
    facts = facts_of(sentence + "\n")
    assert own(facts, "hardware_type") == [hardware]
    assert own(facts, "hardware_count") == [count]


def test_a_single_slice_or_a_node_is_not_one_device() -> None:
    assert own(facts_of("Wren was trained on a single TPU v3-8.\n"), "hardware_count") == []
    assert own(facts_of("Wren was trained on a single cloud TPU (v3-8).\n"), "hardware_count") == []
    assert own(facts_of("Wren was trained on a single A100 node.\n"), "hardware_count") == []
    assert own(facts_of("Wren was trained on 64 A100 nodes.\n"), "hardware_count") == []


def test_a_section_about_training_stands_in_for_cue_words() -> None:
    facts = facts_of("# Wren-1B\n\n## Training\n\nLearned for about 20 days on 2 A6000\n")
    assert own(facts, "hardware_type") == ["rtx-a6000"]
    assert own(facts, "hardware_count") == [2]
    assert own(facts, "training_duration_days") == [20]
    derived = [fact for fact in facts if fact.kind == "device_hours"]
    assert [fact.value for fact in derived] == [2 * 20 * 24]
    assert derived[0].derived


def test_an_earlier_sentence_of_the_paragraph_stands_in_for_cue_words() -> None:
    text = "# Wren-1B\n\nWren was pre-trained on a medical corpus. We use 16 A100 GPUs for about 5 days.\n"
    facts = facts_of(text)
    assert own(facts, "hardware_count") == [16]
    assert own(facts, "training_duration_days") == [5]
    text = "# Wren-1B\n\nInference is fast. We use 16 A100 GPUs for about 5 days.\n"
    assert own(facts_of(text), "hardware_type") == []


def test_a_slice_named_before_the_word_tpu() -> None:
    facts = facts_of("Wren was trained for 3 days on Cloud v3-8 TPUs.\n")
    assert own(facts, "hardware_type") == ["tpu-v3"]
    assert own(facts, "hardware_count") == []  # not "8 TPUs": v3-8 is the slice's name
    assert own(facts, "device_hours") == [4 * 3 * 24]


def test_a_sponsor_supporting_the_run_is_not_a_user_recipe() -> None:
    text = "Wren's training ran on TPUs thanks to the support of a research programme.\n"
    assert own(facts_of(text), "hardware_type") == ["tpu"]


def test_a_name_after_the_verb_is_not_the_model_it_is_said_of() -> None:
    text = "# Wren-1B\n\nTraining is done on a g5.12xlarge instance with 4 A10G GPUs.\n"
    assert own(facts_of(text), "hardware_count") == [4]


@pytest.mark.parametrize(
    ("sentence", "days"),
    [
        ("Wren was trained for 1 day.", 1),
        ("Training took 44 hours.", 44 / 24),
        ("Training took about two weeks.", 14),
        ("Wren was trained for a week.", 7),
        ("Fine-tuning took 6h on one GPU.", 0.25),
    ],
)
def test_run_lengths(sentence: str, days: float) -> None:
    assert own(facts_of(f"# Wren-1B\n\n{sentence}\n"), "training_duration_days") == [pytest.approx(days)]


@pytest.mark.parametrize(
    "sentence",
    [
        "We trained 8 hours a day for the demo.",
        "Wren was fine-tuned on 14h of labelled speech.",
        "Wait 2h.",
        "You can train your own Wren in less than a day.",
        "Users fine-tune it for 3 days on their data.",
    ],
)
def test_not_run_lengths(sentence: str) -> None:
    assert own(facts_of(f"# Wren-1B\n\n{sentence}\n"), "training_duration_days") == []


def test_plural_v100s_is_not_the_v100s_variant() -> None:
    assert own(facts_of("Wren was trained on 4 V100s.\n"), "hardware_type") == ["v100"]
    assert own(facts_of("Wren was trained on 4 V100S cards.\n"), "hardware_type") == ["v100s"]


def test_hardware_in_a_training_time_value() -> None:
    facts = facts_of("# Wren-1B\n\n- Training time: 12 hours on 2x A100\n")
    assert own(facts, "hardware_type") == ["a100"]
    assert own(facts, "hardware_count") == [2]
    assert own(facts, "device_hours") == [pytest.approx(24)]


@pytest.mark.parametrize(
    ("sentence", "count"),
    [
        ("Wren was trained on 8 GPUs for 3 days.", 8),
        ("Fine-tuning was performed with 8x GPU in a cloud.", 8),
        ("We trained Wren on 4 nodes with 8 GPUs each.", 32),
        ("Wren was trained on a single GPU.", 1),
    ],
)
def test_counts_of_gpus_without_a_model_name(sentence: str, count: int) -> None:
    facts = facts_of(f"# Wren-1B\n\n{sentence}\n")
    assert own(facts, "hardware_count") == [count]
    assert own(facts, "hardware_type") == []


@pytest.mark.parametrize(
    "sentence",
    [
        "Fine-tuning can be done with a single 1080/2080 GPU.",
        "Wren fits on a single GPU.",
        "The batch size was 32 per GPU.",
        "Serving Wren took 2 GPUs.",
    ],
)
def test_not_counts_of_gpus(sentence: str) -> None:
    assert own(facts_of(f"# Wren-1B\n\n{sentence}\n"), "hardware_count") == []


def test_a_section_about_data_or_inference_does_not() -> None:
    assert own(facts_of("## Training data\n\nCollected over 20 days on 2 A6000\n"), "hardware_type") == []
    assert own(facts_of("## Inference\n\nServed on 2 A6000\n"), "hardware_type") == []
    assert own(facts_of("## Training\n\nThe recipe was tested on a RTX 4090.\n"), "hardware_type") == []


def test_device_list_counts_its_devices() -> None:
    card = "## Training\n\n- cuda_devices: NVIDIA A100-SXM4-80GB; NVIDIA A100-SXM4-80GB\n"
    facts = facts_of(card)
    assert own(facts, "hardware_type") == ["a100-80gb"]
    assert own(facts, "hardware_count") == [2]


def test_trainer_device_count_key() -> None:
    card = "## Training hyperparameters\n\n- learning_rate: 2e-05\n- num_devices: 4\n- seed: 42\n"
    assert own(facts_of(card), "hardware_count") == [4]


_FINE_TUNE = "---\nbase_model: example/Finch-7B\n---\n# Wren-1B\n\n"


def test_derived_hours_of_a_fine_tune_are_fine_tuning_hours() -> None:
    facts = facts_of(_FINE_TUNE + "## Training\n\nIt took 1.5 days on 4x L40S rented from a cloud.\n")
    assert own(facts, "fine_tune_device_hours") == [4 * 1.5 * 24]
    assert own(facts, "device_hours") == []


def test_derived_hours_follow_the_stage_the_sentence_names() -> None:
    text = _FINE_TUNE + "We continued pre-training for 3 days on 16 H100 GPUs.\n"
    assert own(facts_of(text), "device_hours") == [16 * 3 * 24]
    text = "# Wren-1B\n\nWe fine-tuned Wren for 10 hours on 8 A100 GPUs.\n"
    assert own(facts_of(text), "fine_tune_device_hours") == [pytest.approx(80)]


def test_an_earlier_paragraph_of_the_section_names_the_stage() -> None:
    text = (
        "---\nbase_model: example/Finch-7B\n---\n# Wren-1B\n\n## Training\n\n"
        "Wren's pre-training follows the recipe of its predecessor.\n\n"
        "The run lasted 2 days with 8 A100 GPUs.\n"
    )
    facts = facts_of(text)
    assert own(facts, "device_hours") == [8 * 2 * 24]
    assert own(facts, "fine_tune_device_hours") == []


def test_derived_hours_pair_the_duration_with_the_nearest_count() -> None:
    text = (
        "# Wren-1B\n\nThanks to our sponsor for a 16xA100 node.\n\nMore text.\n\n"
        "We trained for 2 days on 4 A100 GPUs.\n"
    )
    hours = [fact for fact in facts_of(text) if fact.kind == "device_hours"]
    assert [fact.value for fact in hours] == [4 * 2 * 24]


def test_named_base_is_not_the_subject_of_the_run() -> None:
    text = (
        _FINE_TUNE
        + "Wren is a fine-tuned version of [Finch-7B](https://huggingface.co/example/Finch-7B) that "
        "was trained for 2 hours on 2 nodes of 8 x H100s.\n"
    )
    facts = facts_of(text)
    assert own(facts, "hardware_type") == ["h100"]
    assert own(facts, "hardware_count") == [16]
    assert own(facts, "fine_tune_device_hours") == [pytest.approx(32)]


def test_other_model_trained_on_hardware_keeps_its_subject() -> None:
    text = "# Wren-1B\n\nFinch-7B was trained on 512 H100 GPUs; Wren was distilled from it.\n"
    assert own(facts_of(text), "hardware_count") == []


def test_stages_in_one_table_cell_add_up() -> None:
    table = (
        "| Model | GPU hours |\n|---|---|\n| Wren-1B | Stage 1: 120K H100 hours Stage 2: 30K H100 hours |\n"
    )
    hours = [fact for fact in facts_of(table) if fact.kind == "device_hours" and fact.subject is None]
    assert [fact.value for fact in hours] == [150_000]
    assert hours[0].derived


def test_pre_training_and_fine_tuning_in_one_value_stay_apart() -> None:
    facts = facts_of("- **GPU hours:** pre-training 90K H100 hours, SFT 3K H100 hours\n")
    assert own(facts, "device_hours") == [90_000]
    assert own(facts, "fine_tune_device_hours") == [3_000]


def test_family_table_hardware_and_training_time_columns() -> None:
    table = (
        "# Wren-1B\n\n| Model | Hardware | Training time | GPU hours |\n|---|---|---|---|\n"
        "| Wren-1B | 8x A100 | 3 days | 576 |\n| Wren-7B | 64x A100 | 10 days | 15360 |\n"
    )
    facts = facts_of(table)
    assert own(facts, "hardware_count") == [8]
    assert own(facts, "training_duration_days") == [3]
    others = {(fact.kind, fact.value) for fact in facts if fact.subject == "Wren-7B"}
    assert {("hardware_count", 64), ("training_duration_days", 10)} <= others


def test_table_columns_with_units_in_the_header() -> None:
    table = (
        "# Wren-1B\n\n| Model | Number of GPUs | Training time (hours) |\n|---|---|---|\n"
        "| Wren-1B | 16 | 36 |\n"
    )
    facts = facts_of(table)
    assert own(facts, "hardware_count") == [16]
    assert own(facts, "training_duration_days") == [1.5]


def test_yaml_hardware_used_states_a_count() -> None:
    card = "---\nco2_eq_emissions:\n  emissions: 1000\n  hardware_used: 8 x A100\n---\n# Wren-1B\n"
    facts = facts_of(card)
    assert own(facts, "hardware_type") == ["a100"]
    assert [(fact.value, fact.origin) for fact in facts if fact.kind == "hardware_count"] == [(8, "yaml")]


def test_each_stage_derives_its_own_device_hours() -> None:
    text = "# Wren-1B\n\nPre-training took 3 days on 64 A100 GPUs, and fine-tuning took 5 hours on 8 A100s.\n"
    facts = facts_of(text)
    assert own(facts, "device_hours") == [64 * 3 * 24]
    assert own(facts, "fine_tune_device_hours") == [pytest.approx(8 * 5)]
