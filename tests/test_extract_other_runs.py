"""Figures of runs that are not the card's own: a sentence that goes on about another model's run, a
template field restating that model's figures, time a person spent on a project, and planned runs.
Sentences are our own."""

from __future__ import annotations

from extract_support import facts_of as shared_facts_of
from extract_support import own

from cardlint.types import Fact


def facts_of(text: str) -> list[Fact]:
    return shared_facts_of(text, repo_id="example/Wren-1.3B")


_OTHER_RUN = "# Wren-1.3B\n\nThe 66B model was trained on 512 A100 GPUs. The run took about 21 days.\n"


def test_the_next_sentence_goes_on_about_the_other_model() -> None:
    facts = facts_of(_OTHER_RUN)
    assert own(facts, "hardware_count") == []
    assert own(facts, "training_duration_days") == []
    assert {fact.subject for fact in facts if fact.kind == "training_duration_days"} != {None}


def test_a_sentence_about_our_own_run_is_ours_again() -> None:
    text = "# Wren-1.3B\n\nThe 66B model was trained on 512 A100 GPUs. We trained for about 3 days.\n"
    assert own(facts_of(text), "training_duration_days") == [3.0]


def test_a_template_field_restating_the_other_model_is_not_ours() -> None:
    text = _OTHER_RUN + "\n- **Hardware Type:** 512 A100 GPUs\n- **Hours used:** 504\n"
    facts = facts_of(text)
    assert own(facts, "hardware_count") == []
    assert own(facts, "hardware_type") == []
    assert own(facts, "device_hours") == []


def test_a_template_field_with_figures_of_our_own_stays_ours() -> None:
    text = _OTHER_RUN + "\n- **Hardware Type:** 8 A100 GPUs\n- **Hours used:** 96\n"
    facts = facts_of(text)
    assert own(facts, "hardware_count") == [8]
    assert own(facts, "device_hours") == [96]


def test_time_spent_on_a_project_is_not_the_run() -> None:
    text = "# Wren-1.3B\n\n## Training\n\nI spent 3 weeks working on this project and trained a lot.\n"
    assert own(facts_of(text), "training_duration_days") == []
    text = "# Wren-1.3B\n\n## Training\n\nOverall I spent three weeks experimenting with training settings.\n"
    assert own(facts_of(text), "training_duration_days") == []


def test_a_planned_run_is_not_a_run() -> None:
    text = "# Wren-1.3B\n\n## Training\n\nWe plan to train the next version on 64 H100 GPUs for 30B tokens.\n"
    facts = facts_of(text)
    assert own(facts, "hardware_count") == []
    assert own(facts, "training_tokens") == []


def test_a_pretrained_model_named_as_the_base_is_not_a_stage() -> None:
    text = (
        "# Wren-1.3B\n\nWe fine-tuned Wren on comics, based on our pretrained model example/Finch-1.3B. "
        "It takes 20 hours to train this model on 2 x A100.\n"
    )
    facts = facts_of(text)
    assert own(facts, "fine_tune_device_hours") == [40]
    assert own(facts, "device_hours") == []
