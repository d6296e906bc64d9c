"""The accelerator table (data/hardware.csv): dense peak FLOP/s per precision, power, and name aliases.

Names are matched on a normalised key (case, spaces and punctuation ignored) against ids and aliases only; an
unknown name stays unknown so the estimate can say so instead of silently using some other chip's peak.
"""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cardlint.core.regex_store import compile_pattern
from cardlint.core.resources import resource_path

PRECISIONS = ("fp32", "tf32", "bf16", "fp16", "fp8", "int8")
_PRECISION_COLUMNS = {
    "fp32": "fp32_tflops",
    "tf32": "tf32_tflops",
    "bf16": "bf16_tflops",
    "fp16": "fp16_tflops",
    "fp8": "fp8_tflops",
    "int8": "int8_tops",
}
_PRECISION_WORDS = {
    "bfloat16": "bf16",
    "float16": "fp16",
    "half": "fp16",
    "float32": "fp32",
    "float8": "fp8",
    "e4m3": "fp8",
    "e5m2": "fp8",
    "mixed": "bf16",
}
# Words that name the vendor or the product line but never tell two chips apart.
_NOISE = compile_pattern(
    r"\b(nvidia|tesla|geforce|amd|google|cloud|intel|habana|gpus?|accelerators?|chips?)\b"
)


@dataclass(frozen=True)
class Accelerator:
    """One chip: dense peaks in FLOP/s per precision (never the sparse figures), TDP in watts."""

    id: str
    aliases: tuple[str, ...]
    peaks: Mapping[str, float] = field(default_factory=dict)
    tdp_watts: float | None = None
    source: str = ""

    def peak(self, precision: str) -> float | None:
        return self.peaks.get(precision)


def normalise_key(name: str) -> str:
    """Lowercase alphanumerics only: 'H100-SXM5 80GB' and 'h100 sxm5-80gb' compare equal."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def normalise_precision(text: str | None) -> str | None:
    """'BF16', 'bfloat16', 'FP8 (E4M3)' -> bf16 / fp8; None when the text names no known precision."""
    if not text:
        return None
    lowered = text.lower()
    for word, precision in _PRECISION_WORDS.items():
        if word in lowered:
            return precision
    key = normalise_key(text)
    for precision in PRECISIONS:
        if precision in key:
            return precision
    return None


def _float(text: str | None) -> float | None:
    text = (text or "").strip()
    return float(text) if text else None


def accelerator_from_mapping(row: Mapping[str, Any], *, source: str = "") -> Accelerator:
    """An Accelerator from a CSV row or a user-config table (peaks in TFLOP/s, as the table states them)."""
    peaks: dict[str, float] = {}
    for precision, column in _PRECISION_COLUMNS.items():
        value = row.get(column, row.get(precision))
        number = _float(str(value)) if value is not None else None
        if number is not None:
            peaks[precision] = number * 1e12
    raw_aliases = row.get("aliases") or ()
    aliases = raw_aliases.split(";") if isinstance(raw_aliases, str) else list(raw_aliases)
    tdp = row.get("tdp_watts")
    return Accelerator(
        id=str(row["id"]).strip(),
        aliases=tuple(alias.strip() for alias in aliases if alias and alias.strip()),
        peaks=peaks,
        tdp_watts=_float(str(tdp)) if tdp not in (None, "") else None,
        source=str(row.get("source") or source),
    )


@functools.cache
def bundled_accelerators() -> tuple[Accelerator, ...]:
    with resource_path("data", "hardware.csv").open(encoding="utf-8", newline="") as handle:
        return tuple(accelerator_from_mapping(row) for row in csv.DictReader(handle))


class HardwareTable:
    """Lookup by id or alias; user accelerators shadow bundled ones with the same key."""

    def __init__(self, accelerators: Iterable[Accelerator]) -> None:
        self._by_key: dict[str, Accelerator] = {}
        self._by_loose_key: dict[str, Accelerator] = {}
        for accelerator in accelerators:
            for name in (accelerator.id, *accelerator.aliases):
                self._by_key[normalise_key(name)] = accelerator
                self._by_loose_key[normalise_key(_NOISE.sub(" ", name.lower()))] = accelerator

    def lookup(self, name: str) -> Accelerator | None:
        """The accelerator a card's hardware name denotes, or None when the name is unknown."""
        key = normalise_key(name)
        if not key:
            return None
        found = self._by_key.get(key)
        if found is None:
            found = self._by_loose_key.get(normalise_key(_NOISE.sub(" ", name.lower())))
        return found


@functools.cache
def _bundled_table() -> HardwareTable:
    return HardwareTable(bundled_accelerators())


def hardware_table(extra: Iterable[Accelerator] = ()) -> HardwareTable:
    """The bundled table plus `extra` (later entries win)."""
    extra = tuple(extra)
    if not extra:
        return _bundled_table()
    return HardwareTable((*bundled_accelerators(), *extra))


def lookup_accelerator(name: str) -> Accelerator | None:
    """Convenience for other modules (the facts extractor normalises hardware names with it)."""
    return hardware_table().lookup(name)


def normalise_hardware(name: str) -> str | None:
    """The table id for a hardware name ('A100-SXM4-80GB' -> 'a100-sxm-80gb'), or None when unknown."""
    found = lookup_accelerator(name)
    return found.id if found is not None else None
