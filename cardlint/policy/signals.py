"""What kind of model a card describes: generative, general-purpose, biological, fine-tuned, MoE.

Instruments apply to kinds of models (the EU GPAI criterion needs generative output, EO 14110's lower
threshold biological sequence data), so the threshold and disclosure rules ask these questions before
judging a card.
The word lists live in rules/disclosure-fields.yaml under `signals`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cardlint.core.regex_store import compile_pattern
from cardlint.core.resources import load_yaml_resource
from cardlint.types import Fact

if TYPE_CHECKING:
    from cardlint.card.document import Card


@functools.cache
def signal_words() -> dict[str, Any]:
    document = load_yaml_resource("rules", "disclosure-fields.yaml") or {}
    return dict(document.get("signals") or {})


@dataclass(frozen=True)
class ModelSignals:
    generative: bool | None  # None: the card does not say (no pipeline tag)
    biological: bool
    parameters: float | None
    general_purpose: bool  # generative and not known to be small


def size_from_name(*names: str | None) -> float | None:
    """The parameter count the first of `names` that states one gives (`Bramble-7B`, `llama-2-13b-chat`).

    Only a hint: it decides whether a model with no figures is big enough to matter."""
    from cardlint.extract.subject import size_of

    for name in names:
        size = size_of(name)
        if size is not None:
            return size
    return None


def _as_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(item) for item in value if isinstance(item, (str, int, float))]
    return []


def _words(values: Iterable[str]) -> set[str]:
    words: set[str] = set()
    for value in values:
        for word in re.split(r"[^a-z0-9-]+", value.lower()):
            for part in {word, *word.split("-")}:
                if part:
                    words.add(part)
                    words.add(part.rstrip("0123456789"))
    return words


def own_parameters(facts: list[Fact]) -> float | None:
    values = [
        f.value
        for f in facts
        if f.kind == "parameters" and f.subject is None and isinstance(f.value, float | int)
    ]
    return float(max(values)) if values else None


def model_signals(metadata: dict[str, Any], facts: list[Fact]) -> ModelSignals:
    """Signals from metadata and facts alone (no body text): the pipeline needs them before the checks."""
    words = signal_words()
    tag = metadata.get("pipeline_tag")
    tags = [t.lower() for t in _as_list(metadata.get("tags"))]
    generative: bool | None
    if isinstance(tag, str) and tag.strip():
        generative = tag.strip().lower() in set(words.get("generative_pipeline_tags", []))
    elif str(metadata.get("library_name", "")).lower() in set(words.get("generative_libraries", [])) or (
        set(tags) & {*words.get("generative_tags", []), *words.get("generative_pipeline_tags", [])}
    ):
        generative = True
    else:
        generative = None
    names = [*tags, *_as_list(metadata.get("datasets")), *_as_list(metadata.get("model_name"))]
    if isinstance(tag, str):
        names.append(tag)
    biological = bool(_words(names) & {w.lower() for w in words.get("biological_words", [])})
    parameters = own_parameters(facts)
    minimum = float(words.get("general_purpose_min_parameters", 1e9))
    untagged_minimum = float(words.get("general_purpose_min_parameters_untagged", 1e10))
    general_purpose = (generative is True and (parameters is None or parameters >= minimum)) or (
        generative is None and parameters is not None and parameters >= untagged_minimum
    )
    return ModelSignals(generative, biological, parameters, general_purpose)


def _body_without_code(card: Card) -> str:
    lines = card.lines[card.body_start_line - 1 :]
    kept, fenced = [], False
    for line in lines:
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            continue
        if not fenced:
            kept.append(line)
    return "\n".join(kept)


def looks_fine_tuned(card: Card, facts: list[Fact]) -> bool:
    """A card that says it was fine-tuned from another model (tags, co2 training_type, prose, facts)."""
    metadata = card.metadata
    if metadata.get("base_model"):
        return True
    words = signal_words()
    if any(f.kind == "base_model" for f in facts):
        return True
    tags = {t.lower() for t in _as_list(metadata.get("tags"))}
    if tags & {t.lower() for t in words.get("fine_tune_tags", [])}:
        return True
    co2 = metadata.get("co2_eq_emissions")
    if isinstance(co2, dict) and "fine" in str(co2.get("training_type", "")).lower():
        return True
    body = _body_without_code(card)
    return any(re.search(pattern, body, re.IGNORECASE) for pattern in words.get("fine_tune_text", []))


def looks_moe(card: Card, config: dict[str, Any] | None = None) -> bool:
    """A mixture-of-experts model, by its config, tags or prose."""
    if config and any(
        key in config for key in ("num_local_experts", "num_experts", "n_routed_experts", "moe_num_experts")
    ):
        return True
    words = signal_words()
    tags = {t.lower() for t in _as_list(card.metadata.get("tags"))}
    if tags & {t.lower() for t in words.get("moe_tags", [])}:
        return True
    body = _body_without_code(card)
    return any(re.search(pattern, body, re.IGNORECASE) for pattern in words.get("moe_text", []))


@functools.cache
def placeholder_regex() -> re.Pattern[str]:
    patterns = signal_words().get("placeholders", []) or [r"\[More Information Needed\]"]
    return compile_pattern("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)
