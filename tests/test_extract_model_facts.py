"""Facts about the model itself (size, tokens, base model, the card's subject), read through the real facts
pipeline from cards we wrote, laid out as a user's checkout (`<folder>/README.md`) or a named file."""

from __future__ import annotations

from pathlib import Path

from extract_support import own

from cardlint.config.settings import Settings
from cardlint.core.limits import DEFAULT_LIMITS
from cardlint.pipeline.analysis import Environment, Stages, analyse
from cardlint.sources.local import read_card_file
from cardlint.types import Fact


def facts_of(tmp_path: Path, text: str, *, folder: str = "acme-model", file: str = "README.md") -> list[Fact]:
    path = tmp_path / folder / file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    report = analyse(
        read_card_file(path, DEFAULT_LIMITS), Environment(Settings()), Stages(estimate=False, checks=False)
    )
    return report.facts


# ------------------------------------------------------------------------------------ sizes from the name


def test_size_only_in_the_folder_name_is_a_from_name_fact(tmp_path: Path) -> None:
    facts = facts_of(tmp_path, "# Heron\n\nA chat model for birders.\n", folder="Heron-3b")
    sized = [fact for fact in facts if fact.kind == "parameters"]
    assert [(fact.value, fact.from_name, fact.subject) for fact in sized] == [(3e9, True, None)]
    assert (sized[0].origin, sized[0].location.line) == ("name", None)  # the card never writes its name


def test_from_name_fact_points_at_the_line_that_writes_the_name(tmp_path: Path) -> None:
    text = "# Model card\n\nLoad it with `AutoModel.from_pretrained('acme/Heron-3b')`.\n"
    (fact,) = [fact for fact in facts_of(tmp_path, text, folder="Heron-3b") if fact.kind == "parameters"]
    assert fact.location.line == 3
    assert "Heron-3b" in fact.quote


def test_stated_count_wins_over_the_name(tmp_path: Path) -> None:
    facts = facts_of(tmp_path, "# Heron 3B\n\nHeron has 2.8 billion parameters.\n", folder="Heron-3b")
    sized = [fact for fact in facts if fact.kind == "parameters"]
    assert [(fact.value, fact.from_name) for fact in sized] == [(2.8e9, False)]


def test_bloom_style_sizes_and_expert_layouts(tmp_path: Path) -> None:
    assert own(facts_of(tmp_path, "# Wren\n", folder="wren-7b1"), "parameters") == [7.1e9]
    assert own(facts_of(tmp_path, "# Finch\n", folder="Finch-8x7B"), "parameters") == []
    assert own(facts_of(tmp_path, "# Kite\n", folder="Kite-8B-1M-context"), "parameters") == [8e9]


def test_no_size_from_adapter_or_agent_names(tmp_path: Path) -> None:
    assert own(facts_of(tmp_path, "# An adapter\n", folder="heron_7b_lora"), "parameters") == []
    agent = "---\ntags:\n- reinforcement-learning\n---\n# PPO agent\n"
    assert own(facts_of(tmp_path, agent, folder="pong_2B_frames"), "parameters") == []


def test_no_size_when_it_is_the_base_models(tmp_path: Path) -> None:
    text = "# Heron speech Welsh\n\nFine-tuned from [acme/heron-speech-300m](https://huggingface.co/acme/heron-speech-300m).\n"
    facts = facts_of(tmp_path, text, folder="heron-speech-300m-welsh")
    assert own(facts, "base_model") == ["acme/heron-speech-300m"]
    assert own(facts, "parameters") == []


def test_names_disagreeing_on_size_follow_the_majority(tmp_path: Path) -> None:
    text = "---\nmodel-index:\n- name: Heron-70B\n---\n# Heron 8B\n\nA small chat model.\n"
    (fact,) = [fact for fact in facts_of(tmp_path, text, folder="Heron-8B") if fact.kind == "parameters"]
    assert (fact.value, fact.from_name) == (8e9, True)


# ---------------------------------------------------------------------------------- the card's subject


def test_file_stem_and_title_are_both_names_of_the_subject(tmp_path: Path) -> None:
    text = "# Pebble-1B\n\nPebble-1B was trained on 1 trillion tokens of web text.\n"
    facts = facts_of(tmp_path, text, folder="cards", file="small.md")
    assert own(facts, "training_tokens") == [1e12]
    assert own(facts, "parameters") == [1e9]


def test_another_model_named_in_the_clause_keeps_its_figure(tmp_path: Path) -> None:
    text = "# Pebble-1B\n\nFor comparison, Granite-2B was trained on 4 trillion tokens.\n"
    facts = facts_of(tmp_path, text, folder="cards", file="small.md")
    assert own(facts, "training_tokens") == []
    assert [fact.subject for fact in facts if fact.kind == "training_tokens"] == ["Granite-2B"]


# ------------------------------------------------------------------------------- parameters and tokens


def test_key_with_a_unit_scales_its_bare_number(tmp_path: Path) -> None:
    text = "# Heron\n\n- **Model Stats:**\n  - Params (M): 42.7\n  - Training tokens (in billions): 310\n"
    facts = facts_of(tmp_path, text)
    assert own(facts, "parameters") == [42.7e6]
    assert own(facts, "training_tokens") == [310e9]


def test_expert_layout_with_a_parameters_unit_is_a_product(tmp_path: Path) -> None:
    text = "# Heron\n\nHeron-MoE has 8x2.5B parameters, of which 5B are activated for each token.\n"
    facts = facts_of(tmp_path, text)
    (total,) = [fact for fact in facts if fact.kind == "parameters"]
    assert (total.value, total.derived) == (20e9, True)
    assert own(facts, "active_parameters") == [5e9]


def test_active_parameters_by_verb_and_by_key(tmp_path: Path) -> None:
    text = (
        "# Heron\n\nHeron activates only 2.2B parameters per token.\n\n"
        "- Total params: 30B\n- Activated: 2.2B\n"
    )
    facts = facts_of(tmp_path, text)
    assert own(facts, "active_parameters") == [2.2e9, 2.2e9]
    assert own(facts, "parameters") == [30e9]


def test_an_upper_bound_on_parameters_is_a_class_not_a_count(tmp_path: Path) -> None:
    text = "# Heron\n\nHeron is the strongest open model under 3B parameters on our suite.\n"
    assert own(facts_of(tmp_path, text), "parameters") == []


def test_the_subject_named_in_a_usage_section_states_its_own_size(tmp_path: Path) -> None:
    text = "# Heron\n\n## Quick start\n\nHeron has 12.5B total parameters and fits on one 80GB GPU.\n"
    assert own(facts_of(tmp_path, text), "parameters") == [12.5e9]


def test_total_tokens_in_brackets_after_the_batch_size(tmp_path: Path) -> None:
    text = "# Heron\n\nHeron was trained for 250K steps with a batch size of 128 (in total 65B tokens).\n"
    assert own(facts_of(tmp_path, text), "training_tokens") == [65e9]


def test_lower_bound_with_a_magnitude_word(tmp_path: Path) -> None:
    text = "# Heron\n\n- **Pretraining tokens:** 6+ trillion\n"
    facts = facts_of(tmp_path, text)
    (tokens,) = [fact for fact in facts if fact.kind == "training_tokens"]
    assert (tokens.value, tokens.lower_bound) == (6e12, True)


# ------------------------------------------------------------------------------------------ base models


def base_of(tmp_path: Path, text: str, folder: str = "acme-model") -> list[float | str]:
    return own(facts_of(tmp_path, text, folder=folder), "base_model")


def test_base_named_before_the_fine_tuning_verb(tmp_path: Path) -> None:
    text = "# Heron NER\n\nThis model is a *heron-base-cased* model that was fine-tuned on news data.\n"
    assert base_of(tmp_path, text) == ["heron-base-cased"]


def test_base_used_as_the_initialization(tmp_path: Path) -> None:
    text = "# Heron\n\nWe trained it with a longer context using `heron-4k-base` as the initialization.\n"
    assert base_of(tmp_path, text, folder="heron-64k-base") == ["heron-4k-base"]


def test_expansion_and_up_scaling_name_a_base(tmp_path: Path) -> None:
    assert base_of(tmp_path, "# Heron\n\nHeron-Pro is an expansion of Heron2-7B, trained on code.\n") == [
        "Heron2-7B"
    ]
    text = "# Heron\n\nOur depth up-scaling scales a Heron-3-small model with 7 billion parameters to 11B.\n"
    assert base_of(tmp_path, text) == ["Heron-3-small"]


def test_imperative_fine_tune_at_the_start_of_a_sentence(tmp_path: Path) -> None:
    text = "# Heron speech Welsh\n\nFine tune heron-speech-v2 to improve Welsh transcription.\n"
    assert base_of(tmp_path, text) == ["heron-speech-v2"]


def test_fine_tuned_on_a_pretrained_model_behind_a_plain_link(tmp_path: Path) -> None:
    text = "# Heron\n\nIt was finetuned on the pretrained [Welsh Heron](https://example.org/heron) model.\n"
    assert base_of(tmp_path, text) == ["Welsh Heron"]
    papers = (
        "# Heron\n\nBuilt upon the pre-trained [Heron5 models](https://arxiv.org/abs/2101.00001), it ...\n"
    )
    assert base_of(tmp_path, papers) == []


def test_title_naming_the_base_does_not_hide_it(tmp_path: Path) -> None:
    text = "# Model card for Welsh Heron\n\nIt was fine-tuned from Welsh-Heron-2 on reviews.\n"
    assert base_of(tmp_path, text, folder="welsh-heron-sentiment") == ["Welsh-Heron-2"]


def test_every_linked_parent_in_a_parent_models_line(tmp_path: Path) -> None:
    text = (
        "# Heron-VL\n\n- **Parent Models:** "
        "[acme/heron-vision](https://huggingface.co/acme/heron-vision) and "
        "[acme/heron-7b](https://huggingface.co/acme/heron-7b)\n- **Model fine-tuned:** acme/other\n"
    )
    assert base_of(tmp_path, text) == ["acme/heron-vision", "acme/heron-7b", "acme/other"]


def test_model_fine_tuned_key_needs_a_model_like_value(tmp_path: Path) -> None:
    assert base_of(tmp_path, "# Heron\n\n- Model fine-tuned: yes\n") == []
    assert base_of(tmp_path, "# Heron\n\n- Model fine-tuned: acme/heron-lm\n") == ["acme/heron-lm"]


def test_a_row_named_exactly_for_the_subject_wins_a_tie(tmp_path: Path) -> None:
    text = (
        "# Heron\n\n| Checkpoint | Description |\n|---|---|\n| `heron-8k` | Pretrained with 8k context. |\n"
        "| `heron-128k` | Pretrained with 128k context using `heron-8k` as the initialization. |\n"
    )
    assert base_of(tmp_path, text, folder="heron-128k") == ["heron-8k"]


def test_base_in_a_paragraph_without_digits(tmp_path: Path) -> None:
    text = (
        "# Heron long\n\nThis model is identical to [acme's heron model](https://huggingface.co/acme/heron-base),"
        " with weights moved to another class.\n"
    )
    assert base_of(tmp_path, text, folder="heron-long") == ["acme/heron-base"]


# ------------------------------------------------------------------------------- tokens from data sizes


def test_dataset_size_stands_in_only_when_no_token_count_is_stated(tmp_path: Path) -> None:
    only = "# Heron\n\nHeron is trained on GenoBank, a genome dataset containing ~120 billion tokens.\n"
    facts = facts_of(tmp_path, only)
    assert own(facts, "training_tokens") == [120e9]
    assert [fact.note for fact in facts if fact.kind == "training_tokens"] == ["stage unstated; dataset size"]
    both = only + "\nHeron saw 200 billion tokens during training.\n"
    assert own(facts_of(tmp_path, both), "training_tokens") == [200e9]


def test_total_row_of_a_data_mix_table(tmp_path: Path) -> None:
    text = (
        "# Heron\n\n## Datasets and Mix\n\n| Subset | Tokens (Billion) |\n|---|---|\n| Web | 600.5 |\n"
        "| Code | 150.0 |\n| Total | 750.5 |\n"
    )
    assert own(facts_of(tmp_path, text), "training_tokens") == [750.5e9]


def test_family_table_total_row_stays_the_familys(tmp_path: Path) -> None:
    text = (
        "# Heron\n\n## Training data\n\n| Model | Tokens (B) |\n|---|---|\n| Heron 1B | 100 |\n"
        "| Heron 7B | 300 |\n| Total | 400 |\n"
    )
    assert own(facts_of(tmp_path, text, folder="Heron-7B"), "training_tokens") == [300e9]


def test_tokens_derived_with_the_sequence_length_of_a_sibling_section(tmp_path: Path) -> None:
    text = (
        "# Heron\n\n## Training procedure\n\n### Preprocessing\n\nInputs are sequences of 1024 consecutive "
        "tokens.\n\n### Pretraining\n\nIt was trained for 100k steps (about 3 epochs, 512 batch size).\n"
    )
    facts = facts_of(tmp_path, text)
    (tokens,) = [fact for fact in facts if fact.kind == "training_tokens"]
    assert (tokens.value, tokens.derived) == (100e3 * 512 * 1024, True)


def test_no_tokens_derived_from_one_phase_of_a_schedule(tmp_path: Path) -> None:
    text = (
        "# Heron\n\n## Training\n\nIt was trained for 500,000 steps in total. The first 50,000 steps were"
        " trained with a batch size of 2,048 and a sequence length of 128.\n"
    )
    assert own(facts_of(tmp_path, text), "training_tokens") == []


def test_pruned_continued_and_on_top_of_name_a_base(tmp_path: Path) -> None:
    pruned = "# Heron-2B\n\nHeron-2B was pruned from Heron-9B and then distilled.\n"
    assert base_of(tmp_path, pruned, folder="Heron-2B") == ["Heron-9B"]
    text = "# Heron\n\nWe continued pre-training of Finch-7B on 40B tokens of Welsh text.\n"
    facts = facts_of(tmp_path, text, folder="Heron-7B-welsh")
    assert own(facts, "base_model") == ["Finch-7B"]
    assert own(facts, "training_tokens") == [40e9]  # the run is ours, though the clause names the base
    assert base_of(tmp_path, "# Heron\n\nIt was further trained on top of acme/finch-2-7b.\n") == [
        "acme/finch-2-7b"
    ]


def test_starting_from_needs_a_model_like_name(tmp_path: Path) -> None:
    assert base_of(tmp_path, "# Heron\n\nIt starts from the Finch-2 checkpoint and adds code.\n") == [
        "Finch-2"
    ]
    assert base_of(tmp_path, "# Heron\n\nEvaluation starts from step1000 of the run.\n") == []


def test_a_link_to_a_family_is_not_a_base(tmp_path: Path) -> None:
    text = (
        "# Heron\n\nIt had continual pre-training from the [Finch 2 family](https://huggingface.co/acme).\n"
    )
    assert base_of(tmp_path, text) == []


def test_model_size_in_brackets_is_the_parameter_count(tmp_path: Path) -> None:
    text = "# Heron\n\nIt ranks well with an extremely small model size (0.4B).\n"
    assert own(facts_of(tmp_path, text), "parameters") == [0.4e9]


# ------------------------------------------------------------------------------ whose figure is it


def test_a_relative_clause_is_said_of_the_name_before_it(tmp_path: Path) -> None:
    text = "# Heron-7B\n\nUnlike Finch-7B, which was trained on 2T tokens, Heron was trained on 1T tokens.\n"
    facts = facts_of(tmp_path, text, folder="Heron-7B")
    assert own(facts, "training_tokens") == [1e12]
    assert [fact.subject for fact in facts if fact.kind == "training_tokens" and fact.value == 2e12] == [
        "Finch-7B"
    ]


def test_an_apposition_names_the_model_the_figure_is_of(tmp_path: Path) -> None:
    text = "# Heron-7B\n\nThe base model, Finch-7b, was pretrained on 2 trillion tokens.\n"
    assert own(facts_of(tmp_path, text, folder="Heron-7B"), "training_tokens") == []


def test_a_family_name_with_a_spaced_version_is_another_model(tmp_path: Path) -> None:
    text = (
        "---\nbase_model: acme/Finch-2-7b\n---\n# Heron-7B\n\nFinch 2 was pretrained on 2 trillion tokens.\n"
    )
    assert own(facts_of(tmp_path, text, folder="Heron-7B"), "training_tokens") == []


def test_family_table_on_its_side(tmp_path: Path) -> None:
    text = (
        "# Heron-7B\n\n| | Heron-1B | Heron-7B |\n|---|---|---|\n| Parameters | 1.1B | 7.2B |\n"
        "| Training tokens | 1T | 2T |\n"
    )
    facts = facts_of(tmp_path, text, folder="Heron-7B")
    assert own(facts, "parameters") == [7.2e9]
    assert own(facts, "training_tokens") == [2e12]
    assert {fact.subject for fact in facts if fact.value == 1e12} == {"Heron-1B"}


def test_a_size_tie_goes_to_the_folder_name(tmp_path: Path) -> None:
    text = "---\nmodel-index:\n- name: Heron-70B\n---\n# Heron 3: a chat model\n\nA chat model.\n"
    (fact,) = [fact for fact in facts_of(tmp_path, text, folder="Heron-8B") if fact.kind == "parameters"]
    assert fact.value == 8e9


def test_what_follows_a_colon_in_the_title_describes_the_model(tmp_path: Path) -> None:
    text = "# Heron-1B: a Finch-2 style model\n\nFinch-2 was trained on 300B tokens.\n"
    facts = facts_of(tmp_path, text, folder="cards", file="small.md")
    assert own(facts, "training_tokens") == []


def test_param_count_column_of_a_results_table_is_in_millions(tmp_path: Path) -> None:
    text = (
        "# Model card for heronnet_small.in1k\n\n## Model Comparison\n\n|model|top1|param_count|gmacs|\n"
        "|---|---|---|---|\n|[heronnet_base.in1k](https://huggingface.co/acme/heronnet_base.in1k)|83.1|88.59|15.4|\n"
        "|[heronnet_small.in1k](https://huggingface.co/acme/heronnet_small.in1k)|82.0|50.22|8.7|\n"
    )
    assert own(facts_of(tmp_path, text, folder="heronnet_small.in1k"), "parameters") == [50.22e6]


def test_knowledge_distillation_names_a_teacher_not_a_base(tmp_path: Path) -> None:
    text = "# Heron-V3\n\n**Post-Training: Knowledge Distillation from Finch-R1**\n\nWe distill reasoning.\n"
    assert base_of(tmp_path, text, folder="Heron-V3") == []


def test_tokens_of_two_training_phases_add_up(tmp_path: Path) -> None:
    text = (
        "# Heron-8B\n\nHeron is trained from scratch in two phases. In phase 1, our model is trained on 3 "
        "trillion tokens. In phase 2, our model is trained on 400 billion tokens.\n"
    )
    facts = facts_of(tmp_path, text, folder="Heron-8B")
    assert sorted(own(facts, "training_tokens")) == [400e9, 3e12, 3.4e12]
    assert [fact.derived for fact in facts if fact.value == 3.4e12] == [True]


def test_parts_of_a_run_are_not_other_models(tmp_path: Path) -> None:
    text = "# Heron-7B\n\n## Training\n\nStage 1 took 147K H100 hours and Stage 2 used 256 H100 GPUs.\n"
    facts = facts_of(tmp_path, text, folder="Heron-7B")
    assert own(facts, "device_hours") == [147e3]
    assert own(facts, "hardware_count") == [256]
