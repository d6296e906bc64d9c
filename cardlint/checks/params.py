"""Parameter counts the card states against the ones its config.json and safetensors checkpoint imply.

A card's "8B" is a rounded name; the config gives 8,030,261,248 and the checkpoint stores a count that can
legitimately differ again (a tied head saved twice, buffers, an MTP head, a vision tower). Only a gap that
neither rounding nor one of those known causes explains is reported, and the message names the cause when
one is found, so the reader learns which figure to trust instead of being told that two numbers differ.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass

from cardlint.checks import CheckContext, check, finding
from cardlint.extract.arch_counts import EXTRA_TIED_HEAD, EXTRA_VISION, ParameterCounts
from cardlint.extract.sidecars import config_counts
from cardlint.types import Fact, Finding, Location

CARD_DISAGREES = "CL350"
SIDECARS_DISAGREE = "CL351"

# Slack beyond the rounding of the stated figure: sizes are marketing names ("7B" for 6.74B-7.62B models);
# param_formulas.md §5.6 recommends about ±10% in all, which rounding plus this margin gives.
STATED_TOLERANCE = 0.05
APPROXIMATE_TOLERANCE = 0.10  # "~7B", "about 7 billion"
# Largest rounding slack granted to a one-digit figure ("1B" may mean 0.75B-1.25B, not 0.5B-1.5B).
MAX_ROUNDING_SHARE = 0.25
# Config and checkpoint counts closer than this are the same model (a few thousand buffer elements apart).
SIDECAR_TOLERANCE = 0.01

SIDECAR_ORIGINS = ("config.json", "safetensors", "hub-api")


@dataclass(frozen=True)
class _Reference:
    """A count a stated figure may match, and what it would mean if it did."""

    value: float
    label: str
    benign: bool = True  # False: matching it is itself a problem (active count stated as the total)


def _half_unit(value: float) -> float:
    """Half of the last significant digit's unit: "8B" → 0.5B, "8.03B" → 5M, 8,030,261,248 → 0.5."""
    if value <= 0 or not math.isfinite(value):
        return 0.0
    for exponent in range(math.floor(math.log10(value)), -1, -1):
        scaled = value / 10**exponent
        if abs(scaled - round(scaled)) <= 1e-6:
            return min(10**exponent / 2, value * MAX_ROUNDING_SHARE)
    return 0.5


def _precise(value: float) -> bool:
    """Three or more significant digits: precise enough to tell a non-embedding count from a total."""
    return _half_unit(value) <= 0.005 * value


def agrees(stated: Fact, reference: float) -> bool:
    """Whether `reference` is consistent with the stated figure, its rounding and a tolerance."""
    value = float(stated.value)
    tolerance = APPROXIMATE_TOLERANCE if stated.approximate else STATED_TOLERANCE
    if stated.lower_bound:  # "over 10B": the figure itself is the floor, rounding gives no slack below it
        return reference >= value * (1 - tolerance)
    low = (value - _half_unit(value)) * (1 - tolerance)
    return low <= reference <= (value + _half_unit(value)) * (1 + tolerance)


def _human(count: float) -> str:
    for scale, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(count) >= scale:
            return f"{count / scale:.3g}{suffix}"
    return f"{count:.0f}"


def _card_facts(ctx: CheckContext, kind: str) -> list[Fact]:
    return [
        fact
        for fact in ctx.own_facts(kind)
        if fact.origin not in SIDECAR_ORIGINS
        and not fact.derived
        and not fact.from_name  # a nominal size is not a count to check against the weights
        and isinstance(fact.value, (int, float))
    ]


@dataclass(frozen=True)
class _Sidecar:
    """What the sidecars say, whichever way they reached the check."""

    counts: ParameterCounts | None
    stored: float | None
    breakdown: dict[str, int]
    config_location: Location | None
    stored_location: Location | None


def _sidecar(ctx: CheckContext) -> _Sidecar:
    sidecars = ctx.sidecars
    counts = config_counts(sidecars)
    if counts is not None and not counts.exact:
        counts = None
    stored: float | None = None
    breakdown: dict[str, int] = {}
    config_location = stored_location = None
    if sidecars is not None:
        breakdown = dict(sidecars.safetensors_breakdown)
        if sidecars.config_path:
            config_location = Location(sidecars.config_path, 1)
        if sidecars.safetensors_parameters is not None:
            stored = float(sidecars.safetensors_parameters)
            stored_location = Location(sidecars.safetensors_path or "model.safetensors", 1)
    if stored is None:  # a source that delivered the stored count only as a fact (the Hub API)
        for fact in ctx.own_facts("parameters"):
            if fact.origin in ("safetensors", "hub-api") and isinstance(fact.value, (int, float)):
                stored, stored_location = float(fact.value), fact.location
                break
    return _Sidecar(counts, stored, breakdown, config_location, stored_location)


def _extra_sums(counts: ParameterCounts) -> Iterator[tuple[int, str]]:
    """Every combination of a checkpoint's possible extras, with a label naming them."""
    extras = [(label, value) for label, value in counts.extras if value > 0]
    for size in range(1, len(extras) + 1):
        for combo in itertools.combinations(extras, size):
            yield sum(value for _, value in combo), " and ".join(label for label, _ in combo)


def _total_references(side: _Sidecar) -> list[_Reference]:
    references: list[_Reference] = []
    counts = side.counts
    if counts is not None:
        references.append(_Reference(counts.total, f"the config.json total ({counts.model_type})"))
        for extra, label in _extra_sums(counts):
            references.append(_Reference(counts.total + extra, f"the config.json total plus the {label}"))
        if counts.is_moe:
            for value in _active_variants(counts):
                references.append(_Reference(value, "the config.json ACTIVE count", benign=False))
    if side.stored is not None and not side.breakdown.get("quantized"):
        references.append(_Reference(side.stored, "the safetensors stored count"))
        removable = [
            (k, v) for k, v in side.breakdown.items() if k in ("buffers", "lm_head", "vision", "audio") and v
        ]
        for size in range(1, len(removable) + 1):
            for combo in itertools.combinations(removable, size):
                labels = ", ".join(k for k, _ in combo)
                value = side.stored - sum(v for _, v in combo)
                references.append(_Reference(value, f"the safetensors count without its {labels} tensors"))
    return references


def _active_variants(counts: ParameterCounts) -> list[float]:
    """Active counts as vendors quote them: with embedding and head, without the lookup, without both."""
    head = 0 if counts.tied_embeddings else counts.embedding
    return [counts.active, counts.active - counts.embedding, counts.active - counts.embedding - head]


def _describe_sidecars(side: _Sidecar) -> str:
    parts = []
    if side.counts is not None:
        parts.append(f"config.json implies {side.counts.total:,} ({_human(side.counts.total)})")
        if side.counts.is_moe:
            parts.append(f"{side.counts.active:,} active")
    if side.stored is not None:
        if side.breakdown.get("quantized"):
            parts.append(
                "the safetensors checkpoint is quantized, so its element count is not the model size"
            )
        else:
            parts.append(f"the safetensors headers store {side.stored:,.0f} ({_human(side.stored)})")
    return "; ".join(parts)


def _deviation(stated: float, reference: float) -> str:
    return f"{(stated - reference) / reference:+.0%}" if reference else "n/a"


@check(CARD_DISAGREES)
def card_parameters_match_sidecars(ctx: CheckContext) -> Iterator[Finding]:
    """The card's total (and active) parameter figures against config.json and the safetensors count."""
    side = _sidecar(ctx)
    if side.counts is None and side.stored is None:
        return
    related = tuple(loc for loc in (side.config_location, side.stored_location) if loc is not None)
    yield from _check_kind(ctx, side, "parameters", _total_references(side), related)
    if side.counts is not None and side.counts.is_moe:
        active = [_Reference(v, "the config.json active count") for v in _active_variants(side.counts)]
        yield from _check_kind(ctx, side, "active_parameters", active, related)


def _check_kind(
    ctx: CheckContext,
    side: _Sidecar,
    kind: str,
    references: list[_Reference],
    related: tuple[Location, ...],
) -> Iterator[Finding]:
    if not references:
        return
    by_value: dict[float, list[Fact]] = {}
    for fact in _card_facts(ctx, kind):
        by_value.setdefault(float(fact.value), []).append(fact)
    primary = references[0].value
    for value, facts in by_value.items():
        stated = facts[0]
        matches = [ref for ref in references if agrees(stated, ref.value)]
        if any(ref.benign for ref in matches):
            continue
        if (
            side.counts is not None
            and _precise(value)
            and agrees(stated, side.counts.total - side.counts.embedding)
        ):
            continue  # an exact figure that leaves the embedding out, as some papers count
        word = "active parameters" if kind == "active_parameters" else "parameters"
        quote = f"'{stated.quote}'" if stated.quote else _human(value)
        if matches:  # only the active count fits: the card gives the active count as the model's size
            counts = side.counts
            assert counts is not None
            message = (
                f"card states {quote} {word}, which matches the config.json ACTIVE count of this "
                f"mixture-of-experts model ({_human(counts.active)}), not its total of {counts.total:,} "
                f"({_human(counts.total)})"
            )
            fix = f"state the total ({_human(counts.total)}) and the active count ({_human(counts.active)})"
        else:
            message = (
                f"card states {quote} {word} ({_deviation(value, primary)} against {_human(primary)}), "
                f"beyond the rounding of the stated figure; {_describe_sidecars(side)}"
            )
            fix = (
                f"state the count the weights have ({_human(primary)}, exactly {primary:,.0f}) or explain it"
            )
        others = tuple(fact.location for fact in facts[1:])
        yield finding(
            CARD_DISAGREES,
            message,
            stated.location,
            fix=fix,
            related=others + related,
            stated=value,
            reference=primary,
        )


@check(SIDECARS_DISAGREE)
def config_matches_checkpoint(ctx: CheckContext) -> Iterator[Finding]:
    """config.json's implied count against the safetensors count, with the cause of a gap when known."""
    side = _sidecar(ctx)
    counts, stored = side.counts, side.stored
    if counts is None or stored is None:
        return
    location = side.config_location or side.stored_location or ctx.at(1)
    related = (side.stored_location,) if side.stored_location is not None else ()
    gap = stored - counts.total
    if side.breakdown.get("quantized"):
        message = (
            f"the safetensors checkpoint stores {stored:,.0f} elements against {counts.total:,} parameters "
            "in config.json: its weights are quantized (packed integers and scales), so only config.json "
            "gives the model size"
        )
        yield finding(SIDECARS_DISAGREE, message, location, related=related, gap=gap)
        return
    if abs(gap) <= SIDECAR_TOLERANCE * counts.total:
        return
    cause = _explain_gap(counts, side.breakdown, gap)
    message = (
        f"config.json implies {counts.total:,} parameters ({counts.model_type}) but the safetensors "
        f"checkpoint stores {stored:,.0f} ({gap / counts.total:+.1%}): {cause}"
    )
    yield finding(SIDECARS_DISAGREE, message, location, related=related, gap=gap)


def _explain_gap(counts: ParameterCounts, breakdown: dict[str, int], gap: float) -> str:
    """The known benign cause of a checkpoint holding more than the config implies, or why none fits."""
    if gap > 0:
        for extra, label in _extra_sums(counts):
            approximate = EXTRA_VISION in label
            slack = 0.02 * extra if approximate else 0.001 * counts.total
            if abs(gap - extra) <= slack:
                if EXTRA_TIED_HEAD in label and breakdown.get("lm_head"):
                    label += " (lm_head.weight is in the file though config.json ties it)"
                return f"the checkpoint also holds the {label}; the model itself has {counts.total:,}"
        if breakdown.get("vision") or breakdown.get("audio"):
            return "the checkpoint also holds vision/audio towers that the language-model count leaves out"
        return "no known cause fits; config.json may not describe these weights (merged, pruned, extended?)"
    return "the checkpoint holds fewer elements than config.json implies: missing tensors or another config"
