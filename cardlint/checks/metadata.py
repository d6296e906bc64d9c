"""CL1xx metadata rules: schema violations by kind, and keys that look like a misspelling of a known key.

The Hub accepts unknown keys without a word, so `licence: mit` leaves a card without a license and nobody
notices; the misspelt-key rule names the key the author most likely meant.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Any

from cardlint.card.validation import SCHEMA_CODES, dotted, known_keys, position, validate_metadata
from cardlint.checks import CheckContext, check, finding
from cardlint.types import Finding

MISSPELT_KEY = "CL119"

# Spellings that no string-similarity measure links to the key they stand for.
_SYNONYMS = {
    "licence": "license",
    "licences": "license",
    "licenses": "license",
    "languages": "language",
    "lang": "language",
    "dataset": "datasets",
    "metric": "metrics",
    "tag": "tags",
    "pipeline": "pipeline_tag",
    "pipeline_tags": "pipeline_tag",
    "library": "library_name",
    "base_models": "base_model",
    "basemodel": "base_model",
    "co2_emissions": "co2_eq_emissions",
    "training_flops": "training_flop",
}


@check(*SCHEMA_CODES)
def schema_violations(ctx: CheckContext) -> Iterator[Finding]:
    """Each metadata value that breaks schemas/card-metadata.schema.json, under the rule for its kind."""
    for problem in validate_metadata(ctx.card):
        yield finding(
            problem.code, problem.message, ctx.at(problem.line, problem.column), key_path=list(problem.path)
        )


@check(MISSPELT_KEY)
def misspelt_key(ctx: CheckContext) -> Iterator[Finding]:
    """Unknown keys at the top level and in the documented blocks that normalise or resemble a known key."""
    fm = ctx.card.front_matter
    metadata = ctx.card.metadata
    if fm is None or not metadata:
        return
    for path, mapping in _documented_mappings(metadata):
        known = known_keys(path)
        if not known:
            continue
        for key in mapping:
            if not isinstance(key, str) or key in known:
                continue
            intended = likely_key(key, known)
            if intended is None or intended in mapping:
                continue
            line, column = position(fm, (*path, key), value=False)
            where = f" in `{dotted(path)}`" if path else ""
            message = f"unknown key `{key}`{where}: did you mean `{intended}`? The Hub ignores `{key}`"
            yield finding(MISSPELT_KEY, message, ctx.at(line, column), fix=intended)


def _documented_mappings(metadata: dict[str, Any]) -> Iterator[tuple[tuple[str | int, ...], dict[str, Any]]]:
    """The metadata itself and the nested blocks whose keys the schema lists."""
    yield (), metadata
    for key in ("co2_eq_emissions", "training_compute"):
        block = metadata.get(key)
        if isinstance(block, dict):
            yield (key,), block
    stages = metadata.get("training_compute", {})
    if isinstance(stages, dict) and isinstance(stages.get("stages"), list):
        for index, stage in enumerate(stages["stages"]):
            if isinstance(stage, dict):
                yield ("training_compute", "stages", index), stage


def _normalise(key: str) -> str:
    return key.strip().lstrip("-_ ").lower().replace("-", "_").replace(" ", "_")


def likely_key(key: str, known: frozenset[str]) -> str | None:
    """The known key `key` most likely stands for, or None when it looks like a key of its own."""
    normalised = _normalise(key)
    by_normal = {_normalise(name): name for name in known}
    if normalised in by_normal:
        return by_normal[normalised]
    synonym = _SYNONYMS.get(normalised)
    if synonym in known:
        return synonym
    if len(normalised) < 5:
        return None
    anagrams = [name for normal, name in by_normal.items() if sorted(normal) == sorted(normalised)]
    if len(anagrams) == 1:
        return anagrams[0]  # swapped letters (lisence), which similarity ratios score poorly
    close = difflib.get_close_matches(normalised, list(by_normal), n=1, cutoff=0.85)
    return by_normal[close[0]] if close else None
