"""The check registry: every rule family registers its check functions here.

A check is a pure function of a `CheckContext` that yields Findings carrying only code, message and location
(plus optional policy, fix hint and related locations). Name, severity, selection and suppression are applied
once, by the engine. `@check("CL101", ...)` declares the codes a function may emit so a test can keep the
catalogue (rules/rules.yaml) and the code in step in both directions.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cardlint.types import Estimate, Fact, Finding, Location, ThresholdStatus

if TYPE_CHECKING:
    from cardlint.card.document import Card
    from cardlint.config.settings import Settings
    from cardlint.policy.model import Policy
    from cardlint.sources import Sidecars


@dataclass
class CheckContext:
    """Everything a check may look at; built once per card by the pipeline."""

    card: Card
    path: str  # the path findings are reported against
    facts: list[Fact] = field(default_factory=list)
    estimate: Estimate | None = None
    thresholds: list[ThresholdStatus] = field(default_factory=list)
    policies: list[Policy] = field(default_factory=list)
    sidecars: Sidecars | None = None
    settings: Settings | None = None
    subject: str | None = None
    hub_info: dict[str, Any] = field(default_factory=dict)

    def at(self, line: int | None, column: int | None = 1, **extra: Any) -> Location:
        """A location in this card."""
        return Location(self.path, line, column, **extra)

    def own_facts(self, kind: str) -> list[Fact]:
        """Facts of `kind` about the card's own model."""
        return [fact for fact in self.facts if fact.kind == kind and fact.subject is None]


CheckFunction = Callable[[CheckContext], Iterable[Finding]]


@dataclass(frozen=True)
class RegisteredCheck:
    function: CheckFunction
    codes: tuple[str, ...]


_REGISTRY: list[RegisteredCheck] = []

# Modules holding checks; each registers its functions on import.
CHECK_MODULES = (
    "cardlint.checks.structure",
    "cardlint.checks.metadata",
    "cardlint.checks.disclosure",
    "cardlint.checks.consistency",
    "cardlint.checks.conflicts",
    "cardlint.checks.table_totals",
    "cardlint.checks.thresholds",
    "cardlint.checks.params",
    "cardlint.checks.sidecars",
)


def check(*codes: str) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check function that may emit `codes`."""

    def register(function: CheckFunction) -> CheckFunction:
        _REGISTRY.append(RegisteredCheck(function, codes))
        return function

    return register


def all_checks() -> list[RegisteredCheck]:
    """Every registered check, importing the check modules on first use."""
    for name in CHECK_MODULES:
        importlib.import_module(name)
    return list(_REGISTRY)


def finding(
    code: str,
    message: str,
    location: Location,
    *,
    policy: str | None = None,
    fix: str | None = None,
    related: Iterable[Location] = (),
    **data: Any,
) -> Finding:
    """Build a Finding; the engine fills in the rule's name and severity from the catalogue."""
    return Finding(code, message, location, policy=policy, fix=fix, related=tuple(related), data=data)
