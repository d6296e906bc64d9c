"""Base models named by the lineage phrases of `extract/lineage_phrases.py`, one family of phrasing per test,
read through the real facts pipeline from cards we wrote (every model name here is made up)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_extract_model_facts import base_of, facts_of, own


@pytest.mark.parametrize(
    "sentence, base",
    [
        (
            "This model is a fine-tune of [heron-2b](https://huggingface.co/acme/heron-2b) by Acme.",
            "acme/heron-2b",
        ),
        ("It is a finetune of Finch-7B-v2 for dialogue.", "Finch-7B-v2"),
        ("It is a distillation of finch-xl-v3 into six layers.", "finch-xl-v3"),
    ],
)
def test_a_fine_tune_of(tmp_path: Path, sentence: str, base: str) -> None:
    assert base_of(tmp_path, f"# Wren\n\n{sentence}\n", folder="wren-chat") == [base]


@pytest.mark.parametrize(
    "sentence, base",
    [
        ("The weights were initialized with *Finch-Multi 1B* and trained on code.", "Finch-Multi 1B"),
        ("The encoder is initialised from `finch-base-v2`.", "finch-base-v2"),
        (
            "It was warm-started with [Finch 1.5](https://huggingface.co/acme/finch-1.5) and tuned.",
            "acme/finch-1.5",
        ),
        (
            "The model was initialized using [finch-large](https://huggingface.co/acme/finch-large).",
            "acme/finch-large",
        ),
    ],
)
def test_initialized_with_or_from(tmp_path: Path, sentence: str, base: str) -> None:
    assert base_of(tmp_path, f"# Wren\n\n{sentence}\n", folder="wren-code") == [base]


@pytest.mark.parametrize(
    "sentence, base",
    [
        ("Wren was further pre-trained from Finch-3B on Welsh news.", "Finch-3B"),
        (
            "It was built by further training the [acme's finch-base](https://huggingface.co/acme/finch-base).",
            "acme/finch-base",
        ),
        ("We further pretrained the original `finch-v2-base` model on news.", "finch-v2-base"),
        ("We trained it on top of finch-small-v1 with a new head.", "finch-small-v1"),
        (
            "The foundation model is [Finch-large from Acme](https://huggingface.co/acme/finch-large).",
            "acme/finch-large",
        ),
        ("Our base model is Finch-2-13B, which we tuned on chats.", "Finch-2-13B"),
        ("We start with a pre-trained finch-mini-bert student and distil it further.", "finch-mini-bert"),
        (
            "It was trained based on our pretrained model [acme/finch-1b](https://huggingface.co/acme/finch-1b).",
            "acme/finch-1b",
        ),
        ("Wren is distilled from Finch-70B-Instruct.", "Finch-70B-Instruct"),
        ("The teacher model is finch-xxl-v2.", "finch-xxl-v2"),
    ],
)
def test_continued_foundation_start_and_distillation(tmp_path: Path, sentence: str, base: str) -> None:
    assert base_of(tmp_path, f"# Wren\n\n{sentence}\n", folder="wren-small") == [base]


@pytest.mark.parametrize(
    "sentence, base",
    [
        (
            "We distilled it with [acme/finch_big](https://huggingface.co/acme/finch_big) as a teacher.",
            "acme/finch_big",
        ),
        (
            "We used [`Acme's Finch-fa`](https://huggingface.co/acme/finch-fa-mean) as the text encoder.",
            "acme/finch-fa-mean",
        ),
        ("We trained it using `finch-4k-base` as the starting point.", "finch-4k-base"),
    ],
)
def test_a_role_written_after_the_name(tmp_path: Path, sentence: str, base: str) -> None:
    assert base_of(tmp_path, f"# Wren\n\n{sentence}\n", folder="wren-clip") == [base]


def test_chinese_based_on_and_on_the_basis_of(tmp_path: Path) -> None:
    assert base_of(
        tmp_path, "# Wren\n\nWren-chat-v1基于Finch-large结合对话数据训练。\n", folder="Wren-chat-v1"
    ) == ["Finch-large"]
    text = "# Wren\n\n在Finch-T5-700M的基础上，我们收集了中文数据集进行训练。\n"
    assert base_of(tmp_path, text, folder="Wren-T5-700M-Chat") == ["Finch-T5-700M"]
    linked = "# Wren\n\n基于[acme/finch-1b](https://huggingface.co/acme/finch-1b) 模型进行了微调训练。\n"
    assert base_of(tmp_path, linked) == ["acme/finch-1b"]


@pytest.mark.parametrize(
    "sentence",
    [
        "It is a fine-tune of the Finch architecture.",  # a family, no checkpoint
        "Compared to a fine-tune of Finch-7B, Wren answers faster.",  # a comparison
        "You can start with a pre-trained finch-base-v2 and fine-tune it yourself.",  # a user's recipe
        "The weights could be initialized with Finch-7B in a later release.",  # a plan
        "It is a fine-tune of [a Finch checkpoint](https://arxiv.org/abs/2101.00001).",  # a paper
        "It was further pre-trained from Wren-Base-1B, our own model.",  # the card's own model
        "The teacher model is [web-2T](https://huggingface.co/datasets/acme/web-2T).",  # a data set
        "We used ImageNet-21k as the base for pre-training.",  # no verb of a model's role
        "基于Transformer架构的模型。",  # an architecture
        "在所有基于T5（encoder-decoder架构）的模型中排名第一。",  # an architecture in brackets
        "它基于Finch-Large结构，使用中文语料进行预训练。",  # a structure
        "基于FinchCLIP，我们还开发了FinchDiffusion模型。",  # a family name without a digit or a hyphen
        "The paper has four models: initialized with Finch-Base or Finch-Bio, trained on notes.",  # others
        "Wren was built on top of [T5](https://github.com/acme/t5) and comes in sizes.",  # a project link
        "Wren is based on [Finch-J](https://github.com/acme/finch-jax) with 162M parameters.",  # a codebase
        "Wren was further pre-trained on Finch-Corpus-2 for 3 epochs.",  # data after the verb
        "We have also further pre-trained a Finch-base-cased model the same way.",  # a second artefact
        "The model was initialized with ImageNet-pretrained weights.",  # how the weights were made
    ],
)
def test_no_base_from_other_things_a_cue_points_at(tmp_path: Path, sentence: str) -> None:
    assert base_of(tmp_path, f"# Wren\n\n{sentence}\n", folder="Wren-Base-1B") == []


def test_a_related_model_the_card_is_named_after(tmp_path: Path) -> None:
    text = (
        "# Wren\n\n- **Related Models:** [Finch 6B](https://huggingface.co/acme/finch-6B?text=hi)\n"
        "  - **Parent Model:** Finch\n"
    )
    assert base_of(tmp_path, text, folder="Finch-6B-Wren") == ["acme/finch-6B"]
    siblings = "# Wren\n\n- **Related Models:** [wren7s](https://hf.co/acme/wren7s), [wren7t](https://hf.co/acme/wren7t)\n"
    assert base_of(tmp_path, siblings, folder="wren7n") == []


def test_a_prose_cell_of_a_field_description_table(tmp_path: Path) -> None:
    text = (
        "# Wren\n\n| Training Data | Description |\n| --- | --- |\n| Datasets | Welsh news. |\n"
        "| Preprocessing | We start with a pre-trained finch-mini-bert student and distil it. |\n"
    )
    assert base_of(tmp_path, text, folder="wren-tiny") == ["finch-mini-bert"]
    models = (
        "# Wren\n\n| Model | Description |\n| --- | --- |\n| wren-2 | Initialized with finch-7b-v2. |\n"
        "| wren-3 | Initialized with finch-13b-v1. |\n"
    )
    assert base_of(tmp_path, models, folder="wren-tiny") == []  # rows of other models


def test_a_sibling_written_in_the_papers_word_order(tmp_path: Path) -> None:
    text = "# Wren\n\nThis checkpoint was initialized with *Wren-Multi 350M* and pre-trained on Python.\n"
    assert base_of(tmp_path, text, folder="wren-350M-mono") == ["wren-350M-multi"]
    same_order = "# Wren\n\nIt is a fine-tune of Finch-2-7b-base for chat.\n"
    assert base_of(tmp_path, same_order, folder="Finch-2-7b-chat") == ["Finch-2-7b-base"]


def test_a_teacher_model_line(tmp_path: Path) -> None:
    assert base_of(tmp_path, "# Wren\n\n- Teacher model: acme/finch-large-v2\n", folder="wren-tiny") == [
        "acme/finch-large-v2"
    ]


def test_the_versions_a_card_publishes_are_its_own(tmp_path: Path) -> None:
    text = (
        "# Wren\n\nWe publish two finch-f8 autoencoder versions, finetuned from the original "
        "[finch-f8 autoencoder](https://github.com/acme/finch#autoencoders) on faces.\n"
    )
    assert base_of(tmp_path, text, folder="wren-vae-ft") == ["finch-f8"]
    others = (
        "# Wren\n\nOther versions finetuned from the original [finch-f8](https://github.com/acme/f8) exist.\n"
    )
    assert base_of(tmp_path, others, folder="wren-vae-ft") == []


def test_a_bare_family_the_model_is_named_after_is_not_its_base(tmp_path: Path) -> None:
    text = "# Wren\n\n- **Related Models:**\n  - **Parent Model:** T5\n"
    assert base_of(tmp_path, text, folder="wren-t5-base") == []
    assert base_of(tmp_path, text, folder="wren-chat") == ["T5"]  # not named after it: the card's own word
    sized = "# Wren\n\n- **Parent Model:** Finch-T5 Large\n"
    assert base_of(tmp_path, sized, folder="wren-t5-large") == ["Finch-T5 Large"]


# ------------------------------------------------------------------- the stage the lineage gives a figure


def test_tokens_of_a_fine_tune_are_the_fine_tunes(tmp_path: Path) -> None:
    text = (
        "# Wren\n\nThis model is a fine-tune of [finch-2b](https://huggingface.co/acme/finch-2b).\n\n"
        "## Training\n\nThe model was trained on 2.5 billion tokens for 2 epochs.\n"
    )
    facts = facts_of(tmp_path, text, folder="wren-2b")
    assert own(facts, "fine_tune_tokens") == [2.5e9]
    assert own(facts, "training_tokens") == []


@pytest.mark.parametrize(
    "lineage",
    [
        "Wren is an expansion of Finch-7B, further trained on code.",
        "Wren was initialized with *Finch-Multi 1B* and further pre-trained on Welsh text.",
        "It was created by continuing training from the [finch-large](https://huggingface.co/acme/finch-large).",
    ],
)
def test_tokens_of_continued_pre_training_stay_pre_training(tmp_path: Path, lineage: str) -> None:
    text = f"# Wren\n\n{lineage}\n\n## Training\n\nThe model was trained on 40 billion tokens.\n"
    facts = facts_of(tmp_path, text, folder="wren-8b")
    assert own(facts, "training_tokens") == [40e9]
    assert own(facts, "fine_tune_tokens") == []
    assert own(facts, "base_model")  # the base is still named
