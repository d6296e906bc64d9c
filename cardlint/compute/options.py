"""Knobs of the estimator: utilisation band, training precision, extra accelerators from the user's config.

Defaults come from data/estimation.yaml (each with its source) so the numbers live in one reviewed place; a
user's config may override the band, the precision and add accelerators the bundled table lacks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cardlint.compute.hardware import Accelerator, accelerator_from_mapping
from cardlint.core.resources import load_yaml_resource


def constants() -> dict[str, Any]:
    """The estimator's constants (data/estimation.yaml), loaded once."""
    data = load_yaml_resource("data", "estimation.yaml")
    if not isinstance(data, dict):
        raise ValueError("data/estimation.yaml is not a mapping")
    return data


@dataclass(frozen=True)
class Band:
    """A low / central / high triple of plain numbers (utilisation, PUE, ...)."""

    low: float
    central: float
    high: float

    @classmethod
    def of(cls, value: Any) -> Band:
        """From {low, central, high} or a [low, central, high] list (a 2-list uses the geometric middle)."""
        if isinstance(value, Band):
            return value
        if isinstance(value, Mapping):
            return cls(float(value["low"]), float(value["central"]), float(value["high"]))
        items = [float(item) for item in value]
        if len(items) == 2:
            return cls(items[0], (items[0] * items[1]) ** 0.5, items[1])
        if len(items) != 3:
            raise ValueError("a band needs low, central and high")
        return cls(items[0], items[1], items[2])

    def __post_init__(self) -> None:
        if not 0 < self.low <= self.central <= self.high:
            raise ValueError(f"band must satisfy 0 < low <= central <= high, got {self}")


@dataclass(frozen=True)
class EstimateOptions:
    """How to estimate. `utilisation` overrides both model classes; `precision` overrides the card."""

    utilisation: Band | None = None
    precision: str | None = None
    extra_accelerators: tuple[Accelerator, ...] = ()
    model_class: str | None = None  # "llm" | "other"; None: decide from config.json, else llm
    moe: bool = (
        False  # the card says it is a mixture of experts (tags or prose): 6·N_total·D is an upper bound
    )
    notes: tuple[str, ...] = field(default=())

    def utilisation_for(self, model_class: str) -> Band:
        if self.utilisation is not None:
            return self.utilisation
        table = constants()["utilisation"]
        return Band.of(table.get(model_class, table["llm"]))

    @property
    def default_precision(self) -> str:
        return str(constants()["precision"]["default"])

    @classmethod
    def from_settings(cls, settings: Any) -> EstimateOptions:
        """From the merged Settings: `utilisation` (low, central, high) and `hardware` (extra accelerators,
        each a table with id, aliases and peaks in TFLOP/s such as bf16_tflops)."""
        if settings is None:
            return cls()
        utilisation = getattr(settings, "utilisation", None)
        hardware = getattr(settings, "hardware", ()) or ()
        precision = getattr(settings, "precision", None)
        return cls(
            utilisation=Band.of(utilisation) if utilisation is not None else None,
            precision=str(precision).lower() if precision else None,
            extra_accelerators=_accelerators(hardware),
        )

    @classmethod
    def from_config(cls, mapping: Mapping[str, Any] | None) -> EstimateOptions:
        """From the `[tool.cardlint.estimate]` table: utilisation, precision, model_class, accelerators."""
        if not mapping:
            return cls()
        utilisation = mapping.get("utilisation", mapping.get("utilization"))
        accelerators: Iterable[Mapping[str, Any]] = mapping.get("accelerators") or ()
        precision = mapping.get("precision")
        model_class = mapping.get("model_class")
        return cls(
            utilisation=Band.of(utilisation) if utilisation is not None else None,
            precision=str(precision).lower() if precision else None,
            extra_accelerators=_accelerators(accelerators),
            model_class=str(model_class) if model_class else None,
        )


def _accelerators(items: Iterable[Mapping[str, Any]]) -> tuple[Accelerator, ...]:
    return tuple(accelerator_from_mapping(item, source="user config") for item in items)
