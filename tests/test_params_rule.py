"""CL350 (card vs config.json / safetensors parameter counts) and CL351 (config vs checkpoint)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cardlint.card.document import parse_card
from cardlint.checks import CheckContext, all_checks
from cardlint.checks.params import (
    _half_unit,
    agrees,
    card_parameters_match_sidecars,
    config_matches_checkpoint,
)
from cardlint.extract.sidecars import sidecar_facts
from cardlint.sources import Sidecars
from cardlint.types import Fact, Finding, Location

CONFIGS = Path(__file__).parent / "data" / "configs"
CARD = "---\nlicense: apache-2.0\n---\n# A model\n\nWe trained a model.\n"


def config(name: str) -> dict:
    return json.loads((CONFIGS / f"{name}.json").read_text())


def stated(value: float, *, kind: str = "parameters", line: int = 6, quote: str = "", **flags: bool) -> Fact:
    return Fact(
        kind, value, "parameters", Location("README.md", line, 1), "prose", quote or f"{value:g}", **flags
    )


def run(
    facts: list[Fact],
    *,
    cfg: str | dict | None = None,
    stored: int | None = None,
    breakdown: dict[str, int] | None = None,
) -> list[Finding]:
    sidecars = Sidecars(
        config=config(cfg) if isinstance(cfg, str) else cfg,
        config_path="config.json" if cfg else None,
        safetensors_parameters=stored,
        safetensors_path="model.safetensors" if stored is not None else None,
        safetensors_breakdown=breakdown or {},
    )
    ctx = CheckContext(card=parse_card(CARD, "README.md"), path="README.md", facts=facts, sidecars=sidecars)
    return [*card_parameters_match_sidecars(ctx), *config_matches_checkpoint(ctx)]


def codes(findings: list[Finding]) -> list[str]:
    return [item.code for item in findings]


# --- rounding --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "half"),
    [(8e9, 0.5e9), (8.03e9, 5e6), (7.62e9, 5e6), (8_030_261_248, 0.5), (1e9, 0.25e9), (405e9, 0.5e9)],
)
def test_half_unit_of_the_stated_figure(value: float, half: float) -> None:
    assert _half_unit(value) == pytest.approx(half)


@pytest.mark.parametrize(
    ("value", "reference", "ok"),
    [
        (8e9, 8_030_261_248, True),  # "8B" for Llama 3.1 8B
        (7e9, 7_615_616_512, True),  # "7B" for Qwen2-7B: rounding plus 5%
        (7e9, 6_738_415_616, True),  # "7B" for Llama 2 7B
        (7e9, 8_030_261_248, False),
        (8.03e9, 8_030_261_248, True),
        (8.5e9, 8_030_261_248, True),
        (9e9, 8_030_261_248, False),
        (8_030_261_248, 7_241_732_096, False),
        (1e9, 1_235_814_400, True),  # "1B" for Llama 3.2 1B
        (1e9, 1_500_000_000, False),
    ],
)
def test_agreement_band(value: float, reference: float, ok: bool) -> None:
    assert agrees(stated(value), reference) is ok


def test_approximate_and_lower_bound_figures() -> None:
    assert agrees(stated(7.2e9, approximate=True), 7.9e9)
    assert not agrees(stated(7.2e9), 7.9e9)
    assert agrees(stated(7e9, lower_bound=True), 70e9)
    assert not agrees(stated(10e9, lower_bound=True), 8_030_261_248)


# --- CL350 -----------------------------------------------------------------------------------------------


def test_rounded_name_matches_config() -> None:
    assert run([stated(8e9, quote="8B")], cfg="llama-3.1-8b") == []


def test_wrong_size_is_reported_with_the_exact_count() -> None:
    findings = run([stated(7e9, quote="7B")], cfg="llama-3.1-8b", stored=8_030_261_248)
    assert codes(findings) == ["CL350"]
    item = findings[0]
    assert item.location == Location("README.md", 6, 1)
    assert item.data["reference"] == 8_030_261_248
    assert item.data["stated"] == 7e9
    assert Location("config.json", 1) in item.related
    assert Location("model.safetensors", 1) in item.related


def test_one_finding_per_distinct_value_pointing_at_every_place() -> None:
    facts = [stated(7e9, line=6), stated(7e9, line=12), stated(8e9, line=20)]
    findings = run(facts, cfg="llama-3.1-8b")
    assert codes(findings) == ["CL350"]
    assert findings[0].location.line == 6
    assert Location("README.md", 12, 1) in findings[0].related


def test_only_safetensors_available() -> None:
    assert run([stated(8e9)], stored=8_030_261_248) == []
    assert codes(run([stated(13e9)], stored=8_030_261_248)) == ["CL350"]


def test_hub_count_with_tied_head_twice_is_benign() -> None:
    """Qwen3-0.6B: the Hub shows 751,632,384 because lm_head.weight is stored though tied."""
    facts = [stated(751_632_384)]
    findings = run(facts, cfg="qwen3-0.6b", stored=751_632_384, breakdown={"lm_head": 155_582_464})
    assert codes(findings) == ["CL351"]
    assert findings[0].data["gap"] == 155_582_464
    assert findings[0].location == Location("config.json", 1)
    # the same card figure against the config alone is explained by the tied-head extra
    assert run(facts, cfg="qwen3-0.6b") == []


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("deepseek-v3", 685e9),  # Hub figure: MTP module included
        ("pythia-1b", 1.08e9),  # Hub figure: attention-mask buffers included
        ("falcon-7b", 7.22e9),  # Hub figure: tied head stored twice
        ("deepseek-v3", 671e9),
        ("pythia-6.9b", 6.9e9),
    ],
)
def test_known_checkpoint_extras_are_benign(name: str, value: float) -> None:
    assert run([stated(value)], cfg=name) == []


def test_active_count_given_as_the_total_is_reported() -> None:
    findings = run([stated(37e9, quote="37B")], cfg="deepseek-v3")
    assert codes(findings) == ["CL350"]
    assert "ACTIVE" in findings[0].message


def test_moe_total_and_active_both_checked() -> None:
    assert run([stated(671e9), stated(37e9, kind="active_parameters")], cfg="deepseek-v3") == []
    assert run([stated(46.7e9), stated(12.9e9, kind="active_parameters")], cfg="mixtral-8x7b") == []
    # vendors that leave the input embedding out of the active count: DeepSeek-V2-Lite's "2.4B activated"
    assert run([stated(15.7e9), stated(2.4e9, kind="active_parameters")], cfg="deepseek-v2-lite") == []
    findings = run([stated(46.7e9), stated(7e9, kind="active_parameters")], cfg="mixtral-8x7b")
    assert codes(findings) == ["CL350"]


def test_vision_tower_in_the_stated_figure_is_benign() -> None:
    wrapper = {
        "model_type": "gemma3",
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
            "hidden_size": 1152,
            "intermediate_size": 4304,
            "num_hidden_layers": 27,
            "patch_size": 14,
            "image_size": 896,
        },
    }
    assert run([stated(4.3e9)], cfg=wrapper) == []
    assert run([stated(4e9)], cfg=wrapper) == []
    assert codes(run([stated(5.5e9)], cfg=wrapper)) == ["CL350"]


def test_sidecar_and_derived_facts_are_not_card_statements() -> None:
    cfg = config("llama-3.1-8b")
    sidecars = Sidecars(config=cfg, config_path="config.json", safetensors_parameters=7_000_000_000)
    facts = [*sidecar_facts(sidecars, "README.md"), stated(7e9, derived=True)]
    ctx = CheckContext(card=parse_card(CARD, "README.md"), path="README.md", facts=facts, sidecars=sidecars)
    assert list(card_parameters_match_sidecars(ctx)) == []


def test_facts_about_other_models_are_ignored() -> None:
    other = Fact("parameters", 70e9, "parameters", Location("README.md", 9, 1), "table", "70B", subject="70B")
    assert run([other], cfg="llama-3.1-8b") == []


def test_nothing_without_sidecars() -> None:
    assert run([stated(7e9)]) == []
    assert run([stated(7e9)], cfg={"model_type": "no-formula"}) == []


def test_hub_api_fact_serves_as_stored_count() -> None:
    hub = Fact(
        "parameters", 8_030_261_248, "parameters", Location("hf://org/m", None), "hub-api", "safetensors"
    )
    ctx = CheckContext(card=parse_card(CARD, "README.md"), path="README.md", facts=[hub, stated(70e9)])
    assert codes(list(card_parameters_match_sidecars(ctx))) == ["CL350"]


# --- CL351 -----------------------------------------------------------------------------------------------


def test_config_and_checkpoint_agree() -> None:
    assert run([], cfg="llama-2-7b", stored=6_738_417_664) == []  # +2,048 inv_freq buffers: below 1%


def test_unexplained_gap_is_info() -> None:
    findings = run([], cfg="llama-3.1-8b", stored=9_000_000_000)
    assert codes(findings) == ["CL351"]
    assert findings[0].data["gap"] == 9_000_000_000 - 8_030_261_248
    assert findings[0].related == (Location("model.safetensors", 1),)


def test_smaller_checkpoint_is_reported() -> None:
    assert codes(run([], cfg="llama-3.1-8b", stored=4_000_000_000)) == ["CL351"]


def test_mtp_gap_is_explained() -> None:
    findings = run([], cfg="deepseek-v3", stored=684_489_845_504)
    assert codes(findings) == ["CL351"]
    assert "multi-token" in findings[0].message


def test_quantized_checkpoint_never_counts_as_the_model_size() -> None:
    findings = run(
        [stated(8e9)], cfg="llama-3.1-8b", stored=1_050_000_000, breakdown={"quantized": 900_000_000}
    )
    assert codes(findings) == ["CL351"]
    # without a config the packed count is no reference at all
    assert run([stated(8e9)], stored=1_050_000_000, breakdown={"quantized": 900_000_000}) == []


# --- sidecar facts and registration ----------------------------------------------------------------------


def test_sidecar_facts_for_a_moe_folder() -> None:
    sidecars = Sidecars(
        config=config("mixtral-8x7b"),
        config_path="models/mixtral/config.json",
        safetensors_parameters=46_702_792_704,
        safetensors_path="models/mixtral/model.safetensors.index.json",
    )
    facts = sidecar_facts(sidecars, "models/mixtral/README.md")
    assert [(f.kind, f.origin, f.value) for f in facts] == [
        ("parameters", "config.json", 46_702_792_704),
        ("active_parameters", "config.json", 12_879_925_248),
        ("parameters", "safetensors", 46_702_792_704),
    ]
    assert facts[0].location == Location("models/mixtral/config.json", 1, None)
    assert facts[2].location.path == "models/mixtral/model.safetensors.index.json"
    assert all(f.subject is None for f in facts)


def test_sidecar_facts_skip_unknown_and_quantized() -> None:
    sidecars = Sidecars(
        config={"model_type": "mystery"}, safetensors_parameters=10, safetensors_breakdown={"quantized": 8}
    )
    assert sidecar_facts(sidecars, "README.md") == []
    assert sidecar_facts(None, "README.md") == []


def test_sidecar_fact_paths_default_next_to_the_card() -> None:
    facts = sidecar_facts(Sidecars(config=config("gpt2")), "repo/README.md")
    assert facts[0].location.path == "repo/config.json"


def test_checks_are_registered_with_their_codes() -> None:
    registered = {code for item in all_checks() for code in item.codes}
    assert {"CL350", "CL351"} <= registered
