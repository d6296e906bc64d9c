"""Base models named in forms the lineage phrases first missed: a Hub link after a lineage noun, a
`Base model:` line without a space or with markup, a family line beside a Hub id. Cards we wrote; every
model name is made up."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_extract_model_facts import base_of, facts_of


@pytest.mark.parametrize(
    "sentence, base",
    [
        ("This is a plain implementation of [finch-base](https://huggingface.co/acme/finch-base) for tags.",
         "acme/finch-base"),
        ("Wren is an adaptation of [Finch Large](https://huggingface.co/acme/finch-large) to Welsh.",
         "acme/finch-large"),
        ("The repo holds a checkpoint of [finch](https://huggingface.co/acme/finch-small) tuned for news.",
         "acme/finch-small"),
        ("Fine-tuned [acme/finch-xl](https://huggingface.co/acme/finch-xl) on Welsh.", "acme/finch-xl"),
    ],
)  # fmt: skip
def test_hub_link_after_a_lineage_noun(tmp_path: Path, sentence: str, base: str) -> None:
    assert base_of(tmp_path, f"# Wren\n\n{sentence}\n", folder="wren-ner") == [base]


@pytest.mark.parametrize(
    "sentence",
    [
        "A newer version of [finch](https://huggingface.co/acme/finch-7b) is out.",
        "This is a version of the method of [Finch](https://github.com/acme/finch).",
        "We compared it with a checkpoint of [finch](https://huggingface.co/acme/finch-7b).",
    ],
)
def test_lineage_noun_without_a_hub_link_names_no_base(tmp_path: Path, sentence: str) -> None:
    assert base_of(tmp_path, f"# Wren\n\n{sentence}\n", folder="wren-ner") == []


@pytest.mark.parametrize(
    "line",
    [
        "- base model:[finch-base](https://huggingface.co/acme/finch-base)",
        "**Base model**:`acme/finch-base`",
        "- **Base Model:**`acme/finch-base`",
    ],
)
def test_base_model_line_without_space_or_with_markup(tmp_path: Path, line: str) -> None:
    assert base_of(tmp_path, f"# Wren\n\n{line}\n", folder="wren-ner") == ["acme/finch-base"]


def test_family_line_gives_way_to_the_hub_id_of_that_family(tmp_path: Path) -> None:
    text = (
        "# Wren\n\n- **Parent Model:** Finch\n\n"
        "Fine-tuned [acme/finch2-large-53](https://huggingface.co/acme/finch2-large-53) on Welsh.\n"
    )
    assert base_of(tmp_path, text, folder="wren-asr") == ["acme/finch2-large-53"]


def test_family_alone_in_a_parent_model_line_is_not_a_base(tmp_path: Path) -> None:
    assert base_of(tmp_path, "# Wren\n\n- **Parent Model:** FINCH\n", folder="wren-asr") == []


@pytest.mark.parametrize("folder", ["wren-clip-19.2M-images", "wren-agent-10M-steps", "wren-2B-pairs"])
def test_size_that_counts_data_is_no_parameters_fact(tmp_path: Path, folder: str) -> None:
    facts = facts_of(tmp_path, f"# {folder}\n\nA model.\n", folder=folder)
    assert [fact.value for fact in facts if fact.kind == "parameters"] == []


def test_weight_size_in_the_name_still_counts(tmp_path: Path) -> None:
    facts = facts_of(tmp_path, "# wren-7b\n\nA model.\n", folder="wren-7b")
    assert [fact.value for fact in facts if fact.kind == "parameters"] == [7e9]


@pytest.mark.parametrize(
    "sentence, base",
    [
        ("We further pre-train the publicly available FinchBERT on 1B tweets.", "FinchBERT"),
        ("We continue training finch-base-v2 on Welsh news.", "finch-base-v2"),
    ],
)
def test_object_of_a_verb_that_goes_on_training(tmp_path: Path, sentence: str, base: str) -> None:
    assert base_of(tmp_path, f"# Wren\n\n{sentence}\n", folder="wren-ar") == [base]


@pytest.mark.parametrize(
    "sentence",
    [
        "We further train it on 1B tweets.",
        "We could further pre-train FinchBERT on more tweets.",
        "This is a copy of [this model repository](https://huggingface.co/acme/finch-7b).",
    ],
)
def test_no_base_from_a_pronoun_a_plan_or_a_copy(tmp_path: Path, sentence: str) -> None:
    assert base_of(tmp_path, f"# Wren\n\n{sentence}\n", folder="wren-ar") == []


def test_first_sentence_that_starts_with_the_base(tmp_path: Path) -> None:
    text = "# Wren\n\nfinch-base-cased fine-tuned on a news corpus for tagging.\n"
    assert base_of(tmp_path, text, folder="wren-ner") == ["finch-base-cased"]


def test_own_name_before_fine_tuned_is_not_a_base(tmp_path: Path) -> None:
    text = "# Wren\n\nwren-ner fine-tuned on a news corpus for tagging.\n"
    assert base_of(tmp_path, text, folder="wren-ner") == []


@pytest.mark.parametrize(
    "title, base",
    [
        ("# finch-base-cased – Finetuned for NER", "finch-base-cased"),
        ("# acme/finch-large fine-tuned on a news corpus", "acme/finch-large"),
    ],
)
def test_title_that_opens_with_the_base(tmp_path: Path, title: str, base: str) -> None:
    assert base_of(tmp_path, f"{title}\n\nTags people and places.\n", folder="wren-ner") == [base]


@pytest.mark.parametrize(
    "title",
    [
        "# Wren-NER fine-tuned for tagging",  # the card's own name
        "# Finch fine-tuned for NER",  # a family, not a checkpoint
        "# A model based on finch-base",  # other phrases are read from the prose only
    ],
)
def test_title_names_no_base(tmp_path: Path, title: str) -> None:
    assert base_of(tmp_path, f"{title}\n\nTags people and places.\n", folder="wren-ner") == []


def test_title_gives_way_to_a_base_the_card_names(tmp_path: Path) -> None:
    text = "# finch-base – Finetuned for NER\n\nThis model is a fine-tuned version of finch-base-v2.\n"
    assert base_of(tmp_path, text, folder="wren-ner") == ["finch-base-v2"]


@pytest.mark.parametrize(
    "sentence, base",
    [
        ("This model is a fine-tuned version of finch-base-v2 on news.", "finch-base-v2"),
        ("This model is a fine-tuned version of Finch-large [1].", "Finch-large"),
        ("This model is a fine-tuned Finch-7B for chat.", "Finch-7B"),
    ],
)
def test_fine_tuned_version_of_a_plain_name(tmp_path: Path, sentence: str, base: str) -> None:
    assert base_of(tmp_path, f"# Wren\n\n{sentence}\n", folder="wren-ner") == [base]


@pytest.mark.parametrize(
    "sentence",
    [
        "It is a fine-tuned version of [./checkpoint-500](https://huggingface.co/./checkpoint-500).",
        "It is a fine-tuned version of [Finch5](https://huggingface.co/models?search=finch5) for spelling.",
    ],
)
def test_local_folder_or_search_page_is_no_base(tmp_path: Path, sentence: str) -> None:
    assert base_of(tmp_path, f"# Wren\n\n{sentence}\n", folder="wren-ner") == []
