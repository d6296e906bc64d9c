"""Facts from the YAML front matter: the Hub's `co2_eq_emissions` and `base_model`, and our own
`training_compute` disclosure block. `model-index` (evaluation results) holds no training
figures.

The Hub stores `co2_eq_emissions` in grams; facts carry tonnes, so the value is divided by 1e6 here and
nowhere else.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from cardlint.card.document import Card
from cardlint.extract.device_counts import device_count
from cardlint.extract.hardware_names import find_hardware, normalise_hardware
from cardlint.extract.kinds import make_fact
from cardlint.types import Fact

_GRAMS_PER_TONNE = 1e6
_NUMERIC_KEYS = {
    "training_flop": "training_flop",
    "parameters": "parameters",
    "active_parameters": "active_parameters",
    "training_tokens": "training_tokens",
    "hardware_count": "hardware_count",
    "device_hours": "device_hours",
    "training_duration_days": "training_duration_days",
    "energy_mwh": "energy_mwh",
    "co2_tonnes": "co2_tonnes",
}
_FINE_TUNE_STAGE_WORDS = ("fine", "sft", "post", "rlhf", "dpo", "instruct", "align", "lora", "rl")


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.replace(",", "").replace("_", ""))
        except ValueError:
            return None
    return None


def metadata_facts(card: Card, *, path: str) -> list[Fact]:
    fm = card.front_matter
    metadata = card.metadata
    if fm is None or not metadata:
        return []

    def fact(kind: str, value: float | str, key_path: tuple[str | int, ...], **extra: Any) -> Fact:
        line = fm.line_of(key_path, value=True)
        column = fm.column_of(key_path, value=True)
        raw = card.lines[line - 1].rstrip("\r").strip() if 0 < line <= len(card.lines) else ""
        return make_fact(kind, value, path=path, line=line, column=column, origin="yaml", quote=raw, **extra)

    return list(_facts(metadata, fact))


def _facts(metadata: dict[str, Any], fact: Any) -> Iterator[Fact]:
    co2 = metadata.get("co2_eq_emissions")
    if isinstance(co2, dict):
        grams = _number(co2.get("emissions"))
        if grams is not None and grams >= 0:
            yield fact(
                "co2_tonnes", grams / _GRAMS_PER_TONNE, ("co2_eq_emissions", "emissions"), note="YAML grams"
            )
        hardware = co2.get("hardware_used")
        if isinstance(hardware, str):
            for mention in find_hardware(hardware):
                yield fact("hardware_type", mention.hardware_id, ("co2_eq_emissions", "hardware_used"))
                count = device_count(hardware, mention)  # "hardware_used: 8 x A100"
                if count is not None:
                    path = ("co2_eq_emissions", "hardware_used")
                    yield fact("hardware_count", float(count.value), path, note=count.note)
                break
    else:
        grams = _number(co2)
        if grams is not None and grams >= 0:
            yield fact("co2_tonnes", grams / _GRAMS_PER_TONNE, ("co2_eq_emissions",), note="YAML grams")
    base = metadata.get("base_model")
    if isinstance(base, str) and base.strip():
        yield fact("base_model", base.strip(), ("base_model",))
    elif isinstance(base, list):
        for index, item in enumerate(base):
            if isinstance(item, str) and item.strip():
                yield fact("base_model", item.strip(), ("base_model", index))
    block = metadata.get("training_compute")
    if isinstance(block, dict):
        yield from _training_compute(block, fact)


def _training_compute(block: dict[str, Any], fact: Any) -> Iterator[Fact]:
    root = ("training_compute",)
    listed = block.get("approximate")
    # the provider's own word that a figure is rough (what `cardlint fix` writes for "~5.5T tokens")
    approximate = {str(key) for key in listed} if isinstance(listed, list) else set()
    for key, kind in _NUMERIC_KEYS.items():
        value = _number(block.get(key))
        if value is None or value < 0:
            continue
        if key in approximate:
            yield fact(kind, value, (*root, key), approximate=True)
            continue
        if key == "training_flop":
            low, high = _number(block.get("training_flop_low")), _number(block.get("training_flop_high"))
            if low is not None and high is not None and 0 < low <= value <= high:
                yield fact(kind, value, (*root, key), interval=(low, high))
                continue
        yield fact(kind, value, (*root, key))
    hardware = block.get("hardware_type")
    if isinstance(hardware, str) and hardware.strip():
        yield fact(
            "hardware_type",
            normalise_hardware(hardware) or hardware.strip().lower(),
            (*root, "hardware_type"),
        )
    precision = block.get("precision")
    if isinstance(precision, str) and precision.strip():
        yield fact("training_precision", precision.strip().lower(), (*root, "precision"))
    stages = block.get("stages")
    if isinstance(stages, list):
        for index, stage in enumerate(stages):
            if not isinstance(stage, dict):
                continue
            name = str(stage.get("name", "")).lower()
            fine_tune = any(word in name for word in _FINE_TUNE_STAGE_WORDS) and "pre" not in name
            tokens = _number(stage.get("tokens"))
            hours = _number(stage.get("device_hours"))
            if fine_tune and tokens is not None:
                yield fact("fine_tune_tokens", tokens, (*root, "stages", index, "tokens"))
            if fine_tune and hours is not None:
                yield fact("fine_tune_device_hours", hours, (*root, "stages", index, "device_hours"))
