"""Facts from the sidecar files: the parameter counts config.json implies and the safetensors headers store.

These are the most exact parameter figures cardlint can have (counted, not reported), so the estimate can use
them and a rule can compare the card's own figure against them. They point at the sidecar file, not the card.
"""

from __future__ import annotations

import posixpath

from cardlint.extract.arch_counts import ArchitectureError, ParameterCounts
from cardlint.sources import Sidecars
from cardlint.types import Fact, Location

UNIT = "parameters"


def config_counts(sidecars: Sidecars | None) -> ParameterCounts | None:
    """The config's parameter counts, or None when there is no config or no formula for it."""
    if sidecars is None or not sidecars.config:
        return None
    # imported here: the architecture formulas are a tenth of a cold start, and most cards have no config.json
    from cardlint.extract.architecture import count_parameters

    try:
        return count_parameters(sidecars.config)
    except ArchitectureError:
        return None


def _sibling(card_path: str, name: str) -> str:
    folder = posixpath.dirname(card_path.replace("\\", "/"))
    return posixpath.join(folder, name) if folder else name


def sidecar_facts(sidecars: Sidecars | None, path: str) -> list[Fact]:
    """parameters / active_parameters facts from config.json and the safetensors checkpoint next to `path`."""
    if sidecars is None:
        return []
    facts: list[Fact] = []
    counts = config_counts(sidecars)
    if counts is not None:
        where = Location(sidecars.config_path or _sibling(path, "config.json"), 1, None)
        approx = "" if counts.exact else " (generic formula)"
        facts.append(
            _config_fact(
                counts,
                where,
                "parameters",
                counts.total,
                f"{counts.total:,} parameters{approx}",
                "; ".join(counts.notes) or None,
            )
        )
        if counts.is_moe:
            facts.append(
                _config_fact(
                    counts,
                    where,
                    "active_parameters",
                    counts.active,
                    f"{counts.active:,} active parameters per token",
                    "includes the input embedding and lm_head, as vendors quote it",
                )
            )
    stored = sidecars.safetensors_parameters
    if stored is not None and not sidecars.safetensors_breakdown.get("quantized"):
        where = Location(sidecars.safetensors_path or _sibling(path, "model.safetensors"), 1, None)
        facts.append(
            Fact(
                kind="parameters",
                value=float(stored),
                unit=UNIT,
                location=where,
                origin="safetensors",
                quote=f"safetensors header: {stored:,} stored elements",
                note=_breakdown_note(sidecars.safetensors_breakdown),
            )
        )
    return facts


def _config_fact(
    counts: ParameterCounts, where: Location, kind: str, value: int, figure: str, note: str | None
) -> Fact:
    """A count config.json implies: derived, and approximate unless the model type has an exact formula."""
    return Fact(
        kind=kind,
        value=float(value),
        unit=UNIT,
        location=where,
        origin="config.json",
        quote=f"{counts.model_type} config: {figure}",
        derived=True,
        approximate=not counts.exact,
        note=note,
    )


def _breakdown_note(breakdown: dict[str, int]) -> str | None:
    parts = [f"{label} {count:,}" for label, count in sorted(breakdown.items()) if count]
    return "includes " + ", ".join(parts) if parts else None
