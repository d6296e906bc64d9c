"""config.json → parameter counts, against the exact counts of reference/param_formulas.md §6.

The configs under tests/data/configs are written by us with the real dimensions of each model; only the keys
the formulas read are kept.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cardlint.extract.arch_counts import (
    EXTRA_BUFFERS,
    EXTRA_MTP,
    EXTRA_TIED_HEAD,
    EXTRA_VISION,
    ArchitectureError,
)
from cardlint.extract.architecture import count_parameters, supported_model_types

CONFIGS = Path(__file__).parent / "data" / "configs"


def load(name: str) -> dict:
    return json.loads((CONFIGS / f"{name}.json").read_text())


# (config, total, active or None for dense) — exact figures from param_formulas.md §2-§6
EXACT = [
    ("llama-3.1-8b", 8_030_261_248, None),
    ("llama-3.1-70b", 70_553_706_496, None),
    ("llama-3.2-1b", 1_235_814_400, None),
    ("llama-3.2-3b", 3_212_749_824, None),
    ("llama-2-7b", 6_738_415_616, None),
    ("codellama-7b", 6_738_546_688, None),
    ("tinyllama-1.1b", 1_100_048_384, None),
    ("smollm2-360m", 361_821_120, None),
    ("smollm-1.7b", 1_711_376_384, None),
    ("mistral-7b-v0.1", 7_241_732_096, None),
    ("mixtral-8x7b", 46_702_792_704, 12_879_925_248),
    ("qwen2-7b", 7_615_616_512, None),
    ("qwen2-0.5b", 494_032_768, None),
    ("qwen2-1.5b", 1_543_714_304, None),
    ("qwen2.5-3b", 3_085_938_688, None),
    ("qwen2.5-14b", 14_770_033_664, None),
    ("qwen2.5-32b", 32_763_876_352, None),
    ("qwen3-0.6b", 596_049_920, None),
    ("qwen3-1.7b", 1_720_574_976, None),
    ("qwen3-4b", 4_022_468_096, None),
    ("qwen3-8b", 8_190_735_360, None),
    ("qwen3-14b", 14_768_307_200, None),
    ("qwen3-30b-a3b", 30_532_122_624, 3_353_032_704),
    ("qwen1.5-moe-a2.7b", 14_315_784_192, None),
    ("deepseek-v2-lite", 15_706_484_224, None),
    ("deepseek-moe-16b", 16_375_728_128, None),
    ("deepseek-v3", 671_026_419_200, None),
    ("deepseek-v2.5", 235_741_434_880, None),
    ("gemma-2b", 2_506_172_416, None),
    ("gemma-2-2b", 2_614_341_888, None),
    ("gemma-2-9b", 9_241_705_984, None),
    ("gemma-2-27b", 27_227_128_320, None),
    ("gemma-3-1b", 999_885_952, None),
    ("phi-3.5-mini", 3_821_079_552, None),
    ("phi-2", 2_779_683_840, None),
    ("phi-1_5", 1_418_270_720, None),
    ("santacoder", 1_124_886_528, None),
    ("stablelm-3b-4e1t", 2_795_443_200, None),
    ("starcoder2-7b", 7_173_923_840, None),
    ("starcoder2-3b", 3_030_371_328, None),
    ("olmo-2-0325-32b", 32_234_279_936, None),
    ("olmo-1b-hf", 1_176_764_416, None),
    ("falcon-7b", 6_921_720_704, None),
    ("bloom-560m", 559_214_592, None),
    ("bloom-1b7", 1_722_408_960, None),
    ("bloom-3b", 3_002_557_440, None),
    ("bloom-176b", 176_247_271_424, None),
    ("pythia-410m", 405_334_016, None),
    ("pythia-1b", 1_011_781_632, None),
    ("pythia-1.4b", 1_414_647_808, None),
    ("pythia-2.8b", 2_775_208_960, None),
    ("pythia-6.9b", 6_857_302_016, None),
    ("gpt2", 124_439_808, None),
    ("gpt-j-6b", 6_050_882_784, None),
    ("t5-small", 60_506_624, None),
    ("opt-125m", 125_239_296, None),
    ("bert-base-uncased", 109_482_240, None),
]


@pytest.mark.parametrize(("name", "total", "active"), EXACT, ids=[row[0] for row in EXACT])
def test_exact_total(name: str, total: int, active: int | None) -> None:
    counts = count_parameters(load(name))
    assert counts.total == total
    assert counts.exact
    if active is not None:
        assert counts.active == active
        assert counts.is_moe


# MoE active counts the note gives rounded: (config, active in billions to 2 decimals)
ROUNDED_ACTIVE = [
    ("qwen1.5-moe-a2.7b", 2.69),
    ("deepseek-v2-lite", 2.66),
    ("deepseek-moe-16b", 2.83),
    ("deepseek-v3", 37.55),
    ("deepseek-v2.5", 21.38),
]


@pytest.mark.parametrize(("name", "billions"), ROUNDED_ACTIVE, ids=[row[0] for row in ROUNDED_ACTIVE])
def test_moe_active(name: str, billions: float) -> None:
    counts = count_parameters(load(name))
    assert round(counts.active / 1e9, 2) == billions
    assert counts.active < counts.total


def test_dense_active_equals_total() -> None:
    counts = count_parameters(load("llama-3.1-8b"))
    assert counts.active == counts.total
    assert not counts.is_moe
    assert counts.embedding == 128_256 * 4096


# Hub totals that differ from the model's own count for a known reason (§5): (config, extra label, hub total)
CHECKPOINT_GAPS = [
    ("qwen3-0.6b", EXTRA_TIED_HEAD, 751_632_384),
    ("falcon-7b", EXTRA_TIED_HEAD, 7_217_189_760),
    ("llama-2-7b", EXTRA_BUFFERS, 6_738_417_664),
    ("pythia-410m", EXTRA_BUFFERS, 505_997_504),
    ("pythia-1b", EXTRA_BUFFERS, 1_078_891_008),
    ("pythia-1.4b", EXTRA_BUFFERS, 1_515_311_488),
    ("pythia-2.8b", EXTRA_BUFFERS, 2_909_427_008),
    ("pythia-6.9b", EXTRA_BUFFERS, 6_991_520_256),
    ("deepseek-v3", EXTRA_MTP, 684_489_845_504),
]


@pytest.mark.parametrize(("name", "label", "hub"), CHECKPOINT_GAPS, ids=[row[0] for row in CHECKPOINT_GAPS])
def test_checkpoint_extras_explain_hub_totals(name: str, label: str, hub: int) -> None:
    counts = count_parameters(load(name))
    assert counts.total + dict(counts.extras)[label] == hub


def test_tied_flags_follow_config_and_class_default() -> None:
    assert count_parameters(load("llama-3.2-1b")).tied_embeddings is True
    assert count_parameters(load("llama-3.1-8b")).tied_embeddings is False
    # gemma and starcoder2 configs often omit the key: their class ties by default
    assert count_parameters(load("gemma-2b")).tied_embeddings is True
    assert count_parameters(load("starcoder2-7b")).tied_embeddings is True
    untied = dict(load("gemma-2b"), tie_word_embeddings=False)
    assert count_parameters(untied).total == 2_506_172_416 + 256_000 * 2048


def test_gpt2_attention_masks_are_buffers() -> None:
    counts = count_parameters(load("gpt2"))
    assert round((counts.total + dict(counts.extras)[EXTRA_BUFFERS]) / 1e6) == 137


def test_multimodal_wrapper_counts_text_config() -> None:
    """Gemma-3-4B: the language model from text_config, the ~417M SigLIP tower as an extra (§5.3)."""
    config = {
        "model_type": "gemma3",
        "architectures": ["Gemma3ForConditionalGeneration"],
        "text_config": {
            "model_type": "gemma3_text",
            "hidden_size": 2560,
            "intermediate_size": 10240,
            "num_hidden_layers": 34,
            "num_attention_heads": 8,
            "num_key_value_heads": 4,
            "head_dim": 256,
            "vocab_size": 262208,
        },
        "vision_config": {
            "model_type": "siglip_vision_model",
            "hidden_size": 1152,
            "intermediate_size": 4304,
            "num_hidden_layers": 27,
            "num_attention_heads": 16,
            "patch_size": 14,
            "image_size": 896,
        },
    }
    counts = count_parameters(config)
    assert counts.model_type == "gemma3_text"
    assert counts.tied_embeddings
    vision = dict(counts.extras)[EXTRA_VISION]
    assert 410e6 < vision < 425e6
    # the Hub shows 4,300,079,472 for google/gemma-3-4b-it: text + vision within 0.1%
    assert abs(counts.total + vision - 4_300_079_472) / 4_300_079_472 < 1e-3


def test_wrapper_inherits_tie_flag_from_outer_config() -> None:
    text = {k: v for k, v in load("llama-2-7b").items() if k != "tie_word_embeddings"}
    wrapped = {"model_type": "llava", "tie_word_embeddings": False, "text_config": text}
    assert count_parameters(wrapped).total == 6_738_415_616


def test_aliases_and_types_are_listed() -> None:
    types = supported_model_types()
    for name in ("llama", "qwen3_moe", "deepseek_v3", "olmoe", "gemma3", "phi-msft", "gpt_bigcode", "t5"):
        assert name in types


def test_olmoe_counts_match_published_sizes() -> None:
    """OLMoE-1B-7B: 6.9B total, 1.3B active (its model name)."""
    config = {
        "model_type": "olmoe",
        "hidden_size": 2048,
        "intermediate_size": 1024,
        "num_hidden_layers": 16,
        "num_attention_heads": 16,
        "num_key_value_heads": 16,
        "num_experts": 64,
        "num_experts_per_tok": 8,
        "vocab_size": 50304,
        "tie_word_embeddings": False,
    }
    counts = count_parameters(config)
    assert round(counts.total / 1e9, 1) == 6.9
    assert round(counts.active / 1e9, 1) == 1.3


@pytest.mark.parametrize(
    "config",
    [
        {},
        {"model_type": "no-such-architecture", "hidden_size": 8},
        {"model_type": "llama", "hidden_size": 4096},
        {
            "model_type": "llama",
            **{k: v for k, v in load("llama-2-7b").items() if k != "model_type"},
            "hidden_size": "4096",
        },
        {
            "model_type": "llama",
            **{k: v for k, v in load("llama-2-7b").items() if k != "model_type"},
            "hidden_size": True,
        },
        {
            "model_type": "llama",
            **{k: v for k, v in load("llama-2-7b").items() if k != "model_type"},
            "num_attention_heads": 0,
        },
        {
            "model_type": "llama",
            **{k: v for k, v in load("llama-2-7b").items() if k != "model_type"},
            "intermediate_size": -1,
        },
    ],
    ids=["empty", "unknown-type", "missing-keys", "string-dim", "bool-dim", "zero-heads", "negative"],
)
def test_unusable_configs_raise_one_line_errors(config: dict) -> None:
    with pytest.raises(ArchitectureError) as info:
        count_parameters(config)
    assert "\n" not in str(info.value)


def test_float_dimensions_that_are_whole_are_accepted() -> None:
    config = dict(load("llama-3.1-8b"), hidden_size=4096.0)
    assert count_parameters(config).total == 8_030_261_248
