"""Bounds on everything a hostile card, config or Hub response could make cardlint do.

Every default passes every real card in the evaluation corpus with room to spare; each is configurable
under `[tool.cardlint.limits]` so an unusual repository can raise one knowingly.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any


@dataclass(frozen=True)
class Limits:
    max_card_bytes: int = 10 * 1024 * 1024
    max_front_matter_bytes: int = 1024 * 1024
    max_yaml_depth: int = 64
    max_yaml_aliases: int = 1000
    max_yaml_nodes: int = 200_000  # after expanding aliases: a billion-laughs card fails here
    max_line_chars: int = 20_000  # longer lines are cut before the prose extractors see them
    max_tables: int = 500
    max_table_cells: int = 50_000
    max_lineage_depth: int = 8
    max_hub_response_bytes: int = 20 * 1024 * 1024
    max_config_json_bytes: int = 2 * 1024 * 1024
    max_safetensors_header_bytes: int = 100 * 1024 * 1024

    def updated(self, values: dict[str, Any]) -> Limits:
        """A copy with `values` applied; unknown names raise KeyError naming the key."""
        known = {f.name for f in fields(self)}
        for key in values:
            if key not in known:
                raise KeyError(key)
        return replace(self, **{k: int(v) for k, v in values.items()})


DEFAULT_LIMITS = Limits()
