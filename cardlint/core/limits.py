"""Bounds on everything a hostile card, config or Hub response could make cardlint do.

Every default passes every real card in the evaluation corpus with room to spare; each is configurable
under `[tool.cardlint.limits]` so an unusual repository can raise one knowingly. Each field carries its own
one-line explanation (`LIMIT_DOCS`); docs/limits.md is generated from them (`cardlint.config.limits_doc`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any

# The largest value any limit takes: enough for every real card and model, and small enough that no read
# sized from a limit can overflow (a configured 2**63 once crashed `fix`).
MAX_LIMIT = 2**31 - 1


def _limit(default: int, doc: str) -> Any:
    return field(default=default, metadata={"doc": doc})


@dataclass(frozen=True)
class Limits:
    max_card_bytes: int = _limit(
        10 * 1024 * 1024,
        "Largest card, in bytes (file, stdin or Hub). A bigger one is refused with one line (exit 2); a file "
        "is refused from its size, before any byte is read.",
    )
    max_parsed_bytes: int = _limit(
        1024 * 1024,
        "Largest card parsed and checked, in bytes (almost twice the largest of 25,000 real cards). A bigger "
        "one, up to max_card_bytes, is reported as CL101 without being parsed: every stage is linear, and "
        "this caps what one card can cost (bench/RESULTS.md, card shapes).",
    )
    max_front_matter_bytes: int = _limit(
        1024 * 1024, "Largest YAML front matter parsed, in bytes; a bigger block is a YAML finding (CL106)."
    )
    max_yaml_depth: int = _limit(
        64, "Deepest nesting of YAML mappings and sequences; composition stops at the first deeper node."
    )
    max_yaml_aliases: int = _limit(
        1000, "Most YAML aliases (`*name`) in one front matter; counted while composing, before expansion."
    )
    max_yaml_nodes: int = _limit(
        200_000,
        "Most YAML nodes after expanding every alias, computed on the unexpanded graph: a billion-laughs "
        "card fails here without being expanded.",
    )
    max_line_chars: int = _limit(
        20_000, "Longest line or table cell handed to the extractors, in characters; longer ones are cut."
    )
    max_tables: int = _limit(
        500, "Most Markdown tables and most HTML tables read from one card; the rest are skipped."
    )
    max_table_cells: int = _limit(
        50_000, "Most cells of one HTML table, after rowspan/colspan expansion; the rest are dropped."
    )
    max_lineage_depth: int = _limit(
        8, "Longest base_model chain followed on the Hub (fine-tune of a fine-tune ...)."
    )
    max_hub_response_bytes: int = _limit(
        20 * 1024 * 1024,
        "Largest Hub answer accepted (model info, a safetensors header), in bytes; counted while it streams "
        "in, so a bigger one is cut off there and nothing of it stays in the cache. A README is held to "
        "max_card_bytes and config.json to max_config_json_bytes the same way.",
    )
    max_hub_seconds_per_file: int = _limit(
        60,
        "Longest one Hub read may take, in seconds, retries and slow servers included (model info, README, "
        "config.json, safetensors header); past it the read fails with one line. A request under way can "
        "overrun it by at most one socket timeout (HF_HUB_ETAG_TIMEOUT, HF_HUB_DOWNLOAD_TIMEOUT).",
    )
    max_hub_seconds_per_run: int = _limit(
        300,
        "Longest all Hub reads of one check, facts or estimate run may take together, in seconds (base-model "
        "lineage included); the Hub targets left then fail at once, one line each. Not applied to scan.",
    )
    max_config_json_bytes: int = _limit(
        2 * 1024 * 1024,
        "Largest config.json read next to a card or from the Hub, in bytes; bigger is skipped.",
    )
    max_safetensors_header_bytes: int = _limit(
        100 * 1024 * 1024, "Largest safetensors JSON header read (the file's first 8 bytes claim its size)."
    )
    max_safetensors_tensors: int = _limit(
        100_000,
        "Most tensors in one safetensors file; a header holding more JSON values than that many tensors "
        "could is refused before it is parsed (a million-tensor header would cost gigabytes).",
    )

    def updated(self, values: dict[str, Any]) -> Limits:
        """A copy with `values` applied; unknown names raise KeyError naming the key."""
        known = {f.name for f in fields(self)}
        for key in values:
            if key not in known:
                raise KeyError(key)
        return replace(self, **{k: int(v) for k, v in values.items()})


DEFAULT_LIMITS = Limits()
LIMIT_DOCS: dict[str, str] = {f.name: str(f.metadata["doc"]) for f in fields(Limits)}
