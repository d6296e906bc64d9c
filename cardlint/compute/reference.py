"""The bundled reference table of known models' training compute (data/reference_models.csv), and where a
compute figure ranks against it.

The table serves two jobs: lineage (a fine-tune's base model is looked up here) and the percentile view
("larger than 87% of 94 reference models"), a moving yardstick shown next to the fixed legal thresholds.
"""

from __future__ import annotations

import bisect
import csv
import functools
import re
from dataclasses import dataclass

from cardlint.compute.hardware import normalise_key
from cardlint.core.regex_store import compile_pattern
from cardlint.core.resources import resource_path
from cardlint.types import Percentile

# Suffixes that name a post-trained variant of the same base ("-Instruct", "-chat-hf"): matched only as a
# fallback, and the match says so.
_VARIANT_SUFFIX = compile_pattern(r"([-_ .](instruct|chat|it|hf|base|pt|sft|dpo|rlhf))+$", re.IGNORECASE)


@dataclass(frozen=True)
class ReferenceModel:
    """One row of the reference table. `training_flop` is the published figure (Epoch's, else the
    developer's); `flop_scope` says whether it already includes the base model's compute."""

    model: str
    hf_repo_id: str
    aliases: tuple[str, ...]
    parameters: float | None
    active_parameters: float | None
    training_tokens: float | None
    hardware: str | None
    device_hours: float | None
    reported_training_flop: float | None
    training_flop: float | None
    flop_basis: str
    confidence: str
    base_model: str | None
    flop_scope: str
    source: str

    @property
    def names(self) -> tuple[str, ...]:
        return (self.model, self.hf_repo_id, *self.aliases)


def _number(text: str | None) -> float | None:
    text = (text or "").strip()
    return float(text) if text else None


@functools.cache
def reference_models() -> tuple[ReferenceModel, ...]:
    with resource_path("data", "reference_models.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    models = []
    for row in rows:
        reported = _number(row["reported_training_flop"])
        published = _number(row["training_flop"])
        models.append(
            ReferenceModel(
                model=row["model"],
                hf_repo_id=row["hf_repo_id"],
                aliases=tuple(alias.strip() for alias in row["aliases"].split(";") if alias.strip()),
                parameters=_number(row["parameters"]),
                active_parameters=_number(row["active_parameters"]),
                training_tokens=_number(row["training_tokens"]),
                hardware=row["hardware"] or None,
                device_hours=_number(row["device_hours"]),
                reported_training_flop=reported,
                training_flop=published if published is not None else reported,
                flop_basis=row["flop_basis"],
                confidence=row["confidence"],
                base_model=row["base_model"] or None,
                flop_scope=row["flop_scope"] or "final-run",
                source=row["source"],
            )
        )
    return tuple(models)


def _keys(name: str) -> set[str]:
    keys = {normalise_key(name)}
    if "/" in name:
        keys.add(normalise_key(name.rsplit("/", 1)[1]))
    return {key for key in keys if key}


def _variant_key(name: str) -> str:
    tail = name.rsplit("/", 1)[-1]
    return normalise_key(_VARIANT_SUFFIX.sub("", tail))


@functools.cache
def _index() -> tuple[dict[str, ReferenceModel], dict[str, ReferenceModel]]:
    exact: dict[str, ReferenceModel] = {}
    variant: dict[str, ReferenceModel] = {}
    for model in reference_models():
        for name in model.names:
            if not name:
                continue
            for key in _keys(name):
                exact.setdefault(key, model)
            variant.setdefault(_variant_key(name), model)
    return exact, variant


@dataclass(frozen=True)
class ReferenceMatch:
    model: ReferenceModel
    exact: bool  # False when matched only after dropping a variant suffix such as "-Instruct"


def find_reference(name: str) -> ReferenceMatch | None:
    """The reference row a model name or Hub repo id denotes, or None."""
    exact, variant = _index()
    for key in _keys(name):
        if key in exact:
            return ReferenceMatch(exact[key], True)
    key = _variant_key(name)
    if key and key in variant:
        return ReferenceMatch(variant[key], False)
    return None


@functools.cache
def _sorted_compute() -> tuple[float, ...]:
    return tuple(sorted(m.training_flop for m in reference_models() if m.training_flop is not None))


def percentile(flop: float) -> Percentile:
    """Share of reference models with known compute that used strictly less than `flop`."""
    values = _sorted_compute()
    below = bisect.bisect_left(values, flop)
    return Percentile(share=below / len(values) if values else 0.0, population=len(values))
