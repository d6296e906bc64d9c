"""The few frozen records every stage of the pipeline shares.

They are plain data so that stages stay pure functions of their inputs and the renderers can serialise them
without knowing who produced them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class Severity(str, enum.Enum):
    """Ordered levels; `rank` lets the engine compare against `--fail-on`."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"info": 0, "warning": 1, "error": 2}[self.value]


@dataclass(frozen=True, slots=True)
class Location:
    """Where something is: 1-based line and column in the card file as a user's editor shows it."""

    path: str
    line: int | None = None
    column: int | None = None
    end_line: int | None = None
    end_column: int | None = None


@dataclass(frozen=True, slots=True)
class Fact:
    """One figure a card reports (or one we derived from reported figures).

    `value` is in base units: a plain count for parameters/tokens/hours/FLOP, MWh for energy, tonnes for CO2,
    watts for power, days for durations; a string for hardware_type and base_model.
    `subject` is None when the figure is about the card's own model, else the other model's name.
    """

    kind: str
    value: float | str
    unit: str
    location: Location
    origin: str
    quote: str
    subject: str | None = None
    derived: bool = False
    approximate: bool = False
    lower_bound: bool = False
    ambiguous: bool = False
    from_name: bool = False  # a nominal size read from the model's name (`Pebble-7B`), not a stated figure
    note: str | None = None
    interval: tuple[float, float] | None = None  # a range the card states for this figure (low, high)


@dataclass(frozen=True)
class Interval:
    """A compute figure with its uncertainty, always in FLOP (a count, never a rate)."""

    low: float
    central: float
    high: float

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high


@dataclass(frozen=True)
class MethodEstimate:
    """One way of estimating compute, with everything a reader needs to check it by hand."""

    method: str  # reported | architecture | hardware | energy
    interval: Interval
    inputs: tuple[Fact, ...]
    formula: str
    assumptions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Lineage:
    """The base-model chain of a fine-tune and the compute it adds up to."""

    base_model: str | None
    chain: tuple[str, ...] = ()
    base_flop: float | None = None
    base_source: str | None = None
    own: Interval | None = None
    cumulative: Interval | None = None
    modification_ratio: float | None = None  # own compute / base compute (central values)
    modifier_threshold_flop: float | None = None  # one third of the base, or the fallback
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Percentile:
    """Rank against the bundled reference table: `share` of `population` models have less compute."""

    share: float
    population: int


@dataclass(frozen=True)
class Estimate:
    """All methods the card allows, the combined interval, and how the combination was made."""

    training_flop: Interval | None
    driver: str | None  # the method (or "combined") that produced training_flop
    reason: str
    methods: tuple[MethodEstimate, ...] = ()
    lineage: Lineage | None = None
    percentile: Percentile | None = None
    disagreement: float | None = None  # max/min of method centrals when >1 method
    notes: tuple[str, ...] = ()  # methods that could not run and why (e.g. an unknown accelerator name)
    missing: str | None = None  # when nothing could be estimated: the figure that would settle it


@dataclass(frozen=True)
class ThresholdStatus:
    """Where the estimate stands against one threshold of one policy."""

    policy: str
    threshold_id: str
    value_flop: float
    comparator: str  # ">" or ">="
    status: str  # below | straddles | above | unknown
    orders_of_magnitude: float | None = None  # log10(central / threshold)
    decisive: str | None = None  # which missing figure would settle a straddle
    basis: str = "training"  # training | cumulative | modification | inherited
    unchecked_conditions: tuple[str, ...] = ()  # extra conditions a card cannot show (cost, revenue, ...)


@dataclass(frozen=True)
class Finding:
    """One diagnostic. Checks fill code, message and location; the engine fills name and severity."""

    code: str
    message: str
    location: Location
    name: str = ""
    severity: Severity = Severity.WARNING
    policy: str | None = None
    fix: str | None = None
    related: tuple[Location, ...] = ()
    data: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass
class CardReport:
    """Everything cardlint learned about one target; renderers turn a list of these into output."""

    target: str
    path: str
    subject: str | None = None
    revision: str | None = None  # resolved commit sha for Hub targets
    facts: list[Fact] = field(default_factory=list)
    estimate: Estimate | None = None
    thresholds: list[ThresholdStatus] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None  # set when the target could not be read at all (exit 2)
    # The card's raw lines (Card.lines), so renderers can fingerprint the offending line text (SARIF) without
    # reading files; not part of the JSON contract.
    lines: list[str] = field(default_factory=list, repr=False, compare=False)
