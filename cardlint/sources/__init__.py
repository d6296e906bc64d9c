"""Where cards come from. Only this package does I/O; everything downstream is a pure function of it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Sidecars:
    """Files next to a card that tell us about the model: config.json and the safetensors headers."""

    config: dict[str, Any] | None = None
    config_path: str | None = None
    safetensors_parameters: int | None = None
    safetensors_path: str | None = None
    safetensors_breakdown: dict[str, int] = field(
        default_factory=dict
    )  # lm_head/buffers/vision/quantized → count
    hub_info: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # sidecars that could not be read, one line each


@dataclass
class LoadedTarget:
    """One card as read from its source: bytes plus sidecars, before any parsing."""

    target: str  # what the user typed
    path: str  # the path findings are reported against
    raw: bytes
    sidecars: Sidecars = field(default_factory=Sidecars)
    repo_id: str | None = None  # Hub repo id, when the card came from the Hub
    revision: str | None = None  # resolved commit sha for Hub targets
    folder_name: str | None = None  # the repository folder the card sits in, a hint for the subject
    bases: list[LoadedTarget] = field(default_factory=list)  # Hub base-model cards, nearest first
    notes: list[str] = field(default_factory=list)  # what could not be fetched about the lineage


class SourceError(Exception):
    """A target that cannot be read at all; the message is the one line the user sees (exit 2)."""
