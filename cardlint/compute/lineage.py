"""A fine-tune's lineage: the base model's compute, the fine-tune's own, their sum, and the EU modifier test.

SB 53 and the EU AI Act count compute over a model's whole lifecycle, so a fine-tune of a large base inherits
the base's compute; the EU guidelines also make a modifier the provider when its modification used more than
a third of the original's compute (thresholds.md §2.10(e)). The base is looked up in the bundled reference
table, following its own base_model recursively with cycle protection and a depth bound.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from cardlint.compute.hardware import normalise_key
from cardlint.compute.options import constants
from cardlint.compute.reference import ReferenceMatch, ReferenceModel, find_reference
from cardlint.types import Fact, Interval, Lineage

Lookup = Callable[[str], "ReferenceMatch | None"]
_MAX_BASES = 8  # a card naming more base models than this is a merge list; the first ones are tried


@dataclass(frozen=True)
class BaseCompute:
    """The compute of the first model up the chain whose figure is known."""

    chain: tuple[str, ...]
    flop: float | None
    interval: Interval | None
    source: str | None
    notes: tuple[str, ...]


def base_model_names(facts: Sequence[Fact]) -> list[str]:
    """The card's base_model values in the order stated (metadata first), without repeats: `org/name` and a
    bare `name` are one base named twice (the repo id is kept), not a merge of two."""
    names: list[str] = []
    for fact in facts:
        if fact.kind == "base_model" and fact.subject is None and isinstance(fact.value, str):
            name = fact.value.strip()
            if not name:
                continue
            same = next((i for i, known in enumerate(names) if _short(known) == _short(name)), None)
            if same is None:
                names.append(name)
            elif "/" in name and "/" not in names[same]:
                names[same] = name
    return names


def _short(name: str) -> str:
    return name.rstrip("/").rsplit("/", 1)[-1].lower()


def choose_base(names: Sequence[str], lookup: Lookup = find_reference) -> str:
    """Of several base models named (a merge, a composition, or a name the card only mentions), the first
    whose compute the reference table knows, else the first named."""
    for name in names[:_MAX_BASES]:
        match = lookup(name)
        if match is not None and match.model.training_flop is not None:
            return name
    return names[0]


def _reference_interval(model: ReferenceModel, flop: float) -> Interval:
    factors = constants()["reference_confidence"]
    key = (
        "developer-reported" if "developer-reported" in model.flop_basis else (model.confidence or "unknown")
    )
    factor = float(factors.get(key, factors["unknown"]))
    return Interval(flop / factor, flop, flop * factor)


def trace_base(name: str, lookup: Lookup = find_reference, *, max_depth: int | None = None) -> BaseCompute:
    """Follow `name` up through the reference table until a model with known compute is found."""
    depth_limit = max_depth if max_depth is not None else int(constants()["lineage"]["max_depth"])
    chain: list[str] = []
    notes: list[str] = []
    seen: set[str] = set()
    current: str | None = name
    while current is not None:
        key = normalise_key(current)
        if key in seen:
            notes.append(f"base_model chain loops back to {current!r}: stopped there")
            break
        if len(chain) >= depth_limit:
            notes.append(f"base_model chain deeper than {depth_limit}: stopped at {current!r}")
            break
        seen.add(key)
        chain.append(current)
        match = lookup(current)
        if match is None:
            notes.append(f"{current!r} is not in the reference table")
            break
        model = match.model
        seen.update(normalise_key(alias) for alias in model.names if alias)
        if not match.exact:
            notes.append(f"{current!r} matched {model.model!r} after dropping a variant suffix")
        if model.training_flop is not None:
            if model.base_model and model.flop_scope != "cumulative":
                notes.append(f"{model.model}'s figure covers its own run only; its base is not added")
            source = f"reference table: {model.model} ({model.flop_basis or 'published'}; {model.source})"
            interval = _reference_interval(model, model.training_flop)
            if len(chain) > 1:
                notes.append(
                    f"compute of {chain[0]!r} unknown; used its ancestor {model.model} as a lower bound"
                )
            return BaseCompute(tuple(chain), model.training_flop, interval, source, tuple(notes))
        notes.append(f"{model.model} has no published compute")
        current = model.base_model
    return BaseCompute(tuple(chain), None, None, None, tuple(notes))


def trace_lineage(
    facts: Sequence[Fact],
    own: Interval | None,
    *,
    own_note: str | None = None,
    base_estimate: Callable[[str], tuple[Interval, str] | None] | None = None,
    lookup: Lookup = find_reference,
    cumulative: Interval | None = None,
) -> Lineage | None:
    """The Lineage of the card's model, or None when the card names no base model.

    `own` is the fine-tune's own compute (None when it cannot be estimated); `base_estimate` estimates a base
    the reference table lacks from the card's own figures about it (e.g. a family-table row); `cumulative`
    is the compute of the whole lineage when the card states it (its series' figures, base models included).
    """
    names = base_model_names(facts)
    if not names:
        return None
    settings = constants()["eu_modifier"]
    notes: list[str] = []
    chosen = choose_base(names, lookup)
    if len(names) > 1:
        notes.append(
            f"several base models named ({', '.join(names)}): traced {chosen!r}, "
            + ("the first named" if chosen == names[0] else "the first whose compute is known")
        )
    traced = trace_base(chosen, lookup)
    notes.extend(traced.notes)
    base_interval = traced.interval
    base_flop = traced.flop
    source = traced.source
    if base_interval is None and base_estimate is not None:
        from_card = base_estimate(chosen)
        if from_card is not None:
            base_interval, source = from_card
            base_flop = base_interval.central
    if own_note:
        notes.append(own_note)
    if cumulative is not None:
        pass  # the card's figure for the series already holds the base models' runs
    elif base_interval is not None and own is not None:
        cumulative = Interval(
            base_interval.low + own.low, base_interval.central + own.central, base_interval.high + own.high
        )
    elif base_interval is not None:
        cumulative = base_interval
        notes.append("fine-tune compute not known: cumulative compute is at least the base model's")
    ratio = own.central / base_flop if own is not None and base_flop else None
    if base_flop:
        threshold = base_flop * float(settings["fraction_of_original"])
    else:
        threshold = float(settings["fallback_general_flop"])
        notes.append(
            f"original's compute unknown: EU modifier fallback {threshold:.2g} FLOP "
            f"({float(settings['fallback_systemic_flop']):.2g} if the original is a systemic-risk model)"
        )
    return Lineage(
        base_model=chosen,
        chain=traced.chain,
        base_flop=base_flop,
        base_source=source,
        own=own,
        cumulative=cumulative,
        modification_ratio=ratio,
        modifier_threshold_flop=threshold,
        notes=tuple(notes),
    )


def modifier_is_provider(lineage: Lineage) -> bool | None:
    """The EU indicative test: modification compute above one third of the original's (or the fallback)."""
    if lineage.own is None or lineage.modifier_threshold_flop is None:
        return None
    return lineage.own.central > lineage.modifier_threshold_flop
