"""Policy profiles as typed records: thresholds, conditions, duties, disclosure finders, variants.

The numbers, comparators, dates and duties live in rules/policies/*.yaml with a source each, never here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

MAX_POLICY_FILE_BYTES = 1_000_000
STATUS_IN_FORCE = "in-force"
DEFAULT_SELECTOR = "default"
ALL_SELECTOR = "all"


class PolicyError(Exception):
    """A policy that cannot be used (unknown id, invalid file); the message names the file and line."""


@dataclass(frozen=True)
class Condition:
    kind: str
    description: str
    comparator: str | None = None
    value: float | None = None


@dataclass(frozen=True)
class Threshold:
    id: str
    ref: str
    label: str
    value: float
    unit: str
    comparator: str
    sources: tuple[str, ...]
    subject: str = "model"
    indicative: bool = False
    basis: str = "training"
    upstream_base_model: str = "exclude"
    inherits_via: str | None = None
    fraction_of_base: float | None = None
    fallbacks: tuple[tuple[float | None, float], ...] = ()  # (when_base_above, value)
    counts: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    planned_compute_counts: bool = False
    conditions: tuple[Condition, ...] = ()
    obligations: tuple[str, ...] = ()
    confidence: str | None = None

    @property
    def is_model_compute(self) -> bool:
        """A FLOP threshold about the model (not, e.g., the developer's revenue)."""
        return self.unit == "FLOP" and self.subject == "model"


@dataclass(frozen=True)
class Obligation:
    id: str
    ref: str
    duty: str
    deadline: str | None = None
    deadline_days: int | None = None


@dataclass(frozen=True)
class PartialForm:
    """A way a card states only part of an item ("the instruction-tuned model", but tuned from what?), so
    that the finding can say what is there and what to add instead of calling the item not disclosed."""

    says: str  # what the card gives, completing "the card ...": "gives only a citation's month and year"
    add: str  # what to add, completing "...; <add> under 'Model Details'": "state the date it was released"
    text: tuple[str, ...] = ()  # prose patterns, as a finder's
    code: tuple[str, ...] = ()  # fenced-code patterns, as a finder's
    # Values of the finder's own labelled lines that give only this part ("Model Dates: trained between
    # January and July 2023"): such a line makes the item partial instead of disclosed.
    values: tuple[str, ...] = ()


@dataclass(frozen=True)
class Finder:
    """How to tell whether a card discloses something, and where the author should add it."""

    name: str
    facts: tuple[str, ...] = ()
    metadata: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    text: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()  # the Hub task or a tag, matched whole (text-to-image)
    code: tuple[str, ...] = ()  # fenced code (a loading snippet)
    not_under: tuple[str, ...] = ()  # headings whose sections `text` does not read (evaluation sets)
    partial: tuple[PartialForm, ...] = ()  # what counts as part of the item, tried when nothing states it
    place_section: str | None = None
    place_pattern: str | None = None
    place_metadata: str | None = None


@dataclass(frozen=True)
class RequiredField:
    id: str
    ref: str
    label: str
    finder: Finder
    where_applicable: bool = False
    significant_figures: int | None = None


@dataclass(frozen=True)
class DisclosureGroup:
    group: str
    title: str
    ref: str
    when: tuple[str, ...]
    fields: tuple[RequiredField, ...]


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    url: str | None = None


@dataclass(frozen=True)
class Variant:
    id: str
    description: str
    add_conditions: Mapping[str, tuple[Condition, ...]]


@dataclass(frozen=True)
class Policy:
    id: str
    name: str
    short_name: str
    jurisdiction: str
    kind: str
    binding: bool
    status: str
    reviewed: dt.date
    dates: Mapping[str, dt.date]
    summary: str
    thresholds: tuple[Threshold, ...]
    sources: tuple[Source, ...]
    opt_in: bool = False
    notes: tuple[str, ...] = ()
    obligations: tuple[Obligation, ...] = ()
    disclosure: tuple[DisclosureGroup, ...] = ()
    asks: tuple[str, ...] = ()
    variants: tuple[Variant, ...] = ()
    variant: str | None = None  # the variant applied, if any
    path: str = ""
    as_of: dt.date | None = None  # the date the policy was selected for

    @property
    def key(self) -> str:
        """The id a user types, with the variant: `us-ny-raise@with-cost-condition`."""
        return f"{self.id}@{self.variant}" if self.variant else self.id

    def status_on(self, day: dt.date) -> str:
        """in-force, not-yet-in-force, revoked, vetoed or superseded on `day`, from the file's dates."""
        if self.status == "vetoed":
            return "vetoed"
        start = self.dates.get("applies_from")
        if start is not None and day < start:
            return "not-yet-in-force"
        for end_status in ("revoked", "superseded"):
            end = self.dates.get(end_status)
            if end is not None and day >= end:
                return end_status
        if start is None and self.status != STATUS_IN_FORCE:
            return self.status  # no dates to reason with: trust the file's status
        return STATUS_IN_FORCE

    def in_force_on(self, day: dt.date) -> bool:
        return self.status_on(day) == STATUS_IN_FORCE

    @property
    def in_force(self) -> bool:
        """In force on the date it was selected for (today when selected without a date)."""
        return self.in_force_on(self.as_of or dt.date.today())

    def threshold(self, threshold_id: str) -> Threshold | None:
        return next((item for item in self.thresholds if item.id == threshold_id), None)

    def obligation(self, obligation_id: str) -> Obligation | None:
        return next((item for item in self.obligations if item.id == obligation_id), None)

    def duties_of(self, threshold: Threshold) -> list[Obligation]:
        return [o for o in (self.obligation(i) for i in threshold.obligations) if o is not None]
