"""Parameter counts from a Hugging Face `config.json`, without loading any weights.

A config fixes the shape of every weight matrix, so the total (and, for mixture-of-experts models, the active
per-token) parameter count follows exactly from it. The formulas per `model_type` are those of
`reference/param_formulas.md`; every family with a published exact count is reproduced to the parameter in
tests/test_architecture.py. What a checkpoint may hold beyond the model's own parameters (a tied head saved
twice, buffers, an MTP head, a vision tower) is reported in `extras` so a rule can explain a gap instead of
flagging it.

This module finds the formula for a config's `model_type` (aliases, multimodal wrappers, the vision tower);
the parts live beside it: arch_counts (the result), arch_config (reading dimensions), arch_dense and arch_moe
(the formulas).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from cardlint.extract.arch_config import ModelConfig
from cardlint.extract.arch_counts import EXTRA_VISION, ArchitectureError, ParameterCounts
from cardlint.extract.arch_dense import DENSE_FORMULAS
from cardlint.extract.arch_moe import MOE_FORMULAS

_FORMULAS: dict[str, Callable[[ModelConfig, str], ParameterCounts]] = {**DENSE_FORMULAS, **MOE_FORMULAS}

# Other names the same architectures go by in configs written by older code or wrappers.
_ALIASES = {
    "phi-msft": "phi",
    "RefinedWeb": "falcon",
    "RefinedWebModel": "falcon",
    "codellama": "llama",
    "mt5": "t5",
    "gemma3": "gemma3_text",
    "mistral3": "mistral",
    "ministral3": "mistral",
    "ministral": "mistral",
    "llava": "llama",
    "llava_next": "llama",
    "qwen2_vl": "qwen2",
    "qwen2_5_vl": "qwen2",
    "qwen2_vl_text": "qwen2",
    "qwen2_5_vl_text": "qwen2",
}


def supported_model_types() -> frozenset[str]:
    """Model types with an exact formula (aliases included)."""
    return frozenset(_FORMULAS) | frozenset(_ALIASES)


def _vision_tower(vision: Mapping[str, Any], text_hidden: int) -> int:
    """A ViT encoder (SigLIP/CLIP shape) plus a one-matrix projector: an estimate, only to explain gaps."""
    v = ModelConfig(vision)
    h, inner, layers = v.hidden, v.mlp(), v.layers
    patch = v.num("patch_size", default=14)
    channels = v.num("num_channels", default=3)
    image = v.num("image_size", default=0)
    positions = (image // patch) ** 2 if image and patch else 0
    layer = 4 * (h * h + h) + 2 * 2 * h + (h * inner + inner) + (inner * h + h)
    return channels * patch * patch * h + h + positions * h + layers * layer + 2 * h + h * text_hidden


def count_parameters(config: Mapping[str, Any]) -> ParameterCounts:
    """Total, active and embedding parameter counts of the language model that `config` describes.

    Multimodal wrappers are counted by their `text_config` (the part that matters for text pretraining
    compute); the vision tower appears in `extras` as an approximate figure. Raises ArchitectureError with a
    one-line reason when the config cannot be counted.
    """
    if not isinstance(config, Mapping):
        raise ArchitectureError("config.json is not a JSON object")
    outer_type = str(config.get("model_type") or "")
    text = config.get("text_config")
    if isinstance(text, Mapping) and ("hidden_size" in text or "num_hidden_layers" in text):
        model_type = str(text.get("model_type") or outer_type)
        source = ModelConfig(text, parent=config)
    else:
        model_type, source = outer_type, ModelConfig(config)
    if not model_type:
        raise ArchitectureError("config.json has no model_type")
    family = _ALIASES.get(model_type, model_type)
    formula = _FORMULAS.get(family)
    if formula is None:
        raise ArchitectureError(f"no parameter formula for model_type {model_type!r}")
    try:
        counts = formula(source, family)
    except (TypeError, ValueError, ArithmeticError) as exc:
        if isinstance(exc, ArchitectureError):
            raise
        raise ArchitectureError(f"config.json for {model_type!r} has an unusable value: {exc}") from None
    if model_type != family:
        counts = replace(counts, model_type=model_type)
    vision = config.get("vision_config")
    if isinstance(vision, Mapping):
        try:
            counts = replace(
                counts, extras=(*counts.extras, (EXTRA_VISION, _vision_tower(vision, source.hidden)))
            )
        except (ArchitectureError, TypeError, ValueError):
            counts = replace(
                counts, notes=(*counts.notes, "checkpoint also holds a vision tower (size unknown)")
            )
    return counts
