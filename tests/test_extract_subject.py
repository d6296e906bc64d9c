"""The card's subject and the matching of family rows and accelerator names."""

from __future__ import annotations

import pytest

from cardlint.card.document import parse_card
from cardlint.extract.hardware_names import find_hardware, normalise_hardware
from cardlint.extract.subject import card_subject, row_score, size_of


def test_subject_order() -> None:
    card = parse_card("---\nmodel-index:\n- name: from-index\n---\n# Title\n", "c.md")
    assert card_subject(card, repo_id="org/repo", folder_name="folder") == "org/repo"
    assert card_subject(card, folder_name="folder") == "from-index"
    plain = parse_card("# The Title\n\ntext\n", "c.md")
    assert card_subject(plain, folder_name="folder") == "folder"
    assert card_subject(plain) == "The Title"
    assert card_subject(parse_card("", "c.md")) is None


@pytest.mark.parametrize(
    ("name", "size"),
    [("Llama-3.1-8B", 8e9), ("Meta-Llama-3-8B-Instruct", 8e9), ("Qwen2.5-0.5B", 0.5e9), ("xls-r-300m", 300e6),
     ("whisper-large-v3", None), ("bge-m3", None), ("bloom-7b1", 7.1e9), ("Finch-8x7B", None),
     ("Kite-8B-1M", 8e9), ("Otter-1B-7B", 7e9), ("ppo-cartpole-steps-4M", None), ("heron-100M-tokens", None),
     ("heron-7b-500k-steps", 7e9)],
)  # fmt: skip
def test_size_of_names(name: str, size: float | None) -> None:
    assert size_of(name) == size


def test_family_rows() -> None:
    subject = "meta-llama/Llama-3.1-8B"
    assert row_score("Llama 3.1 8B", None, subject) > 0
    assert row_score("8B", None, subject) > 0
    assert row_score("Llama 3.1", 8e9, subject) > 0
    assert row_score("Llama 3.1 70B", None, subject) == 0
    assert row_score("Total", None, subject) == 0
    assert row_score("Mistral 7B", None, "org/Qwen-7B") == 0
    # the closest name wins among rows that all fit
    assert row_score("large-v3", None, "openai/whisper-large-v3") > row_score(
        "large", None, "openai/whisper-large-v3"
    )
    assert row_score("large-v2", None, "openai/whisper-large-v3") == 0


@pytest.mark.parametrize(
    ("text", "hardware_id"),
    [
        ("256 H100 80GB GPUs", "h100-80gb"),
        ("H100-80GB (TDP of 700W)", "h100-80gb"),
        ("NVIDIA H100s", "h100"),
        ("A100 PCIe 40GB", "a100-40gb"),
        ("8 x A100-40GB GPUs", "a100-40gb"),
        ("96 Tesla V100", "v100"),
        ("a V100 with 32G VRAM", "v100-32gb"),
        ("2.788M H800 GPU hours", "h800"),
        ("TPU v3-8", "tpu-v3"),
        ("cloud TPU-v4s", "tpu-v4"),
        ("(TPUv5e)", "tpu-v5e"),
        ("8 RTX 3090s", "rtx-3090"),
        ("SambaNova Reconfigurable Dataflow Unit (RDU)", "sambanova-rdu"),
        ("Tensor Processing Unit (TPU) hardware", "tpu"),
    ],
)
def test_hardware_names(text: str, hardware_id: str) -> None:
    assert normalise_hardware(text) == hardware_id


def test_tpu_slices_count_chips() -> None:
    assert [m.chips for m in find_hardware("TPU v3-8")] == [4]
    assert [m.chips for m in find_hardware("TPU v4-16")] == [8]
    assert [m.chips for m in find_hardware("TPU v5e-16")] == [16]


def test_no_hardware_in_ordinary_words() -> None:
    assert normalise_hardware("BUCKWHEAT and an H-index of 100") is None


def test_alias_table_rows_compile_and_carry_a_source() -> None:
    import csv
    import re

    from cardlint.core.resources import resource_path

    with resource_path("data", "hardware_aliases.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows
    for row in rows:
        re.compile(row["alias_regex"])
        assert row["hardware_id"] == row["hardware_id"].lower()
        assert row["source"].strip()


def test_tpu_cores_are_counted_as_chips() -> None:
    from cardlint.card.document import parse_card
    from cardlint.extract import extract_facts

    card = parse_card("The model was trained on 256 cloud TPU v3 cores over two weeks.\n", "t.md")
    facts = extract_facts(card, path="t.md", subject=None)
    assert [fact.value for fact in facts if fact.kind == "hardware_count"] == [128]
    assert [fact.value for fact in facts if fact.kind == "device_hours"] == [128 * 14 * 24]
