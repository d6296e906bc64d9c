"""Every compute-relevant figure a card states, with where it states it.

`extract_facts` runs the extractors (YAML, Markdown and HTML tables, prose, derived figures, sidecar files)
and returns their Facts in file order. Figures that disagree are all kept so later rules can point at each
place.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from cardlint.card.document import Card
from cardlint.extract.base_model import without_refined_families
from cardlint.extract.config_dump import config_dump_facts
from cardlint.extract.derived import derived_facts
from cardlint.extract.device_counts import IMPLIED_ONE
from cardlint.extract.kinds import DATASET_SIZE
from cardlint.extract.layout import Layout, layout_of
from cardlint.extract.metadata import metadata_facts
from cardlint.extract.name_size import name_size_fact
from cardlint.extract.precision import precision_facts
from cardlint.extract.prose import prose_facts
from cardlint.extract.restated import restated_figures
from cardlint.extract.series import series_figures
from cardlint.extract.stages import is_fine_tune_card, stage_at, staged_kind
from cardlint.extract.tables import table_facts
from cardlint.extract.title_base import title_base_fact
from cardlint.types import Fact

if TYPE_CHECKING:
    from cardlint.sources import Sidecars


def extract_facts(
    card: Card, *, path: str, subject: str | None, sidecars: Sidecars | None = None
) -> list[Fact]:
    """All facts of one card (and its sidecar files), in file order, duplicates removed."""
    layout = layout_of(card)
    facts = metadata_facts(card, path=path)
    facts += table_facts(card, layout, path=path, subject=subject)
    facts += prose_facts(card, layout, path=path, subject=subject)
    facts = without_refined_families(facts)
    titled = title_base_fact(card, subject, facts, path=path)
    if titled is not None:
        facts.append(titled)
    facts += precision_facts(card, layout, path=path)
    if not any(fact.kind == "hardware_count" and fact.subject is None for fact in facts):
        facts += config_dump_facts(card, layout, path=path)
    facts = restated_figures(card, facts, path)
    facts = _fine_tune_stage(facts, layout)
    facts = _family_totals(facts)
    facts = series_figures(facts, layout, subject)
    facts = _generic_tpu(facts)
    facts = _implied_counts(facts)
    facts += derived_facts(card, layout, facts, path=path)
    facts = _dataset_sizes(facts)
    named = name_size_fact(card, subject, facts, path=path)
    if named is not None:
        facts.append(named)
    if sidecars is not None:
        try:
            from cardlint.extract.sidecars import sidecar_facts
        except ModuleNotFoundError:  # the sidecar reader is optional until it lands
            pass
        else:
            facts += sidecar_facts(sidecars, path)
    return _unique(facts, path)


def _fine_tune_stage(facts: list[Fact], layout: Layout) -> list[Fact]:
    """In the card of a fine-tune, compute figures whose sentence names no stage take the stage their
    paragraph or section names (`stages.stage_at`), else are the fine-tune's own (`stages.staged_kind`)."""
    from cardlint.extract.prose_context import STAGE_UNSTATED

    if not is_fine_tune_card(facts, layout):
        return facts
    return [
        replace(fact, kind=staged_kind(fact.kind, stage_at(layout, fact), True))
        if (fact.note or "").startswith(STAGE_UNSTATED)
        else fact
        for fact in facts
    ]


def _dataset_sizes(facts: list[Fact]) -> list[Fact]:
    """The size of the data a model was trained on stands in for its tokens only when the card states no
    token count of its own of that kind ("trained on 1T tokens of RedPajama, a dataset of 1.2T")."""

    def is_size(fact: Fact) -> bool:
        return DATASET_SIZE in (fact.note or "").split("; ")

    stated = {fact.kind for fact in facts if fact.subject is None and not is_size(fact)}
    return [fact for fact in facts if not (is_size(fact) and fact.subject is None and fact.kind in stated)]


def _implied_counts(facts: list[Fact]) -> list[Fact]:
    """One device read from a singular name ("on Tesla V100 GPU", `Hardware: RTX 3090`) is kept only where it
    completes a device-hours figure: the card states a wall-clock duration of its own and no count (a stated
    count anywhere says more than the grammar of one phrase, and without a duration the grammar is all
    there is)."""

    def implied(fact: Fact) -> bool:
        return fact.kind == "hardware_count" and IMPLIED_ONE in (fact.note or "")

    own = [fact for fact in facts if fact.subject is None]
    stated = any(fact.kind == "hardware_count" and not implied(fact) for fact in own)
    timed = any(fact.kind == "training_duration_days" for fact in own)
    if timed and not stated:
        return facts
    return [fact for fact in facts if not (implied(fact) and fact.subject is None)]


def _family_totals(facts: list[Fact]) -> list[Fact]:
    """A sentence that sums over the card ("a cumulative 39.3M GPU hours") in a card whose tables list other
    family members for that figure states the family's total, not the subject's own figure."""
    from cardlint.extract.prose_context import CUMULATIVE

    family_kinds = {
        fact.kind for fact in facts if fact.subject is not None and fact.origin in ("table", "html-table")
    }
    return [
        replace(fact, subject="family total")
        if fact.subject is None and fact.kind in family_kinds and CUMULATIVE in (fact.note or "").split("; ")
        else fact
        for fact in facts
    ]


def _generic_tpu(facts: list[Fact]) -> list[Fact]:
    """`TPU` says less than `TPU v5e` about the same chips: keep the generic id only when no generation is
    named for the card's model."""
    specific = any(
        fact.kind == "hardware_type" and fact.subject is None and str(fact.value).startswith("tpu-")
        for fact in facts
    )
    if not specific:
        return facts
    return [fact for fact in facts if not (fact.kind == "hardware_type" and fact.value == "tpu")]


def _unique(facts: list[Fact], path: str) -> list[Fact]:
    """Duplicates dropped; the card's facts in file order, then those of sidecar files."""
    seen: set[tuple[object, ...]] = set()
    result = []
    for fact in facts:
        key = (fact.kind, fact.value, fact.location.path, fact.location.line, fact.subject, fact.origin)
        if key in seen:
            continue
        seen.add(key)
        result.append(fact)
    order = {"yaml": 0}
    result.sort(
        key=lambda fact: (
            fact.location.path != path,
            fact.location.path,
            fact.location.line or 0,
            order.get(fact.origin, 1),
            fact.location.column or 0,
        )
    )
    return result


__all__ = ["extract_facts"]
