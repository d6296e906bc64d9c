"""Cards, facts and estimates built by hand for the policy, threshold and disclosure tests.

The estimator and the facts extractor are tested on their own; here every figure is set explicitly so a test
states exactly where a model stands against each threshold.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path

from cardlint.card.document import parse_card
from cardlint.checks import CheckContext
from cardlint.policy.judging import threshold_statuses
from cardlint.policy.loading import select_policies
from cardlint.policy.model import Policy
from cardlint.types import Estimate, Fact, Finding, Interval, Lineage, Location, MethodEstimate

CARDS = Path(__file__).parent / "cards" / "policies"
TODAY = dt.date(2026, 11, 26)


def card_text(name: str) -> str:
    return (CARDS / name).read_text(encoding="utf-8")


def fact(kind: str, value: float | str, line: int, quote: str, **flags: object) -> Fact:
    return Fact(kind, value, "", Location("README.md", line, 1), "prose", quote, **flags)  # type: ignore[arg-type]


def interval(central: float, spread: float = 1.25) -> Interval:
    return Interval(central / spread, central, central * spread)


def estimate(
    flop: Interval | None,
    inputs: Iterable[Fact] = (),
    *,
    lineage: Lineage | None = None,
    driver: str = "architecture",
) -> Estimate:
    methods = (MethodEstimate(driver, flop, tuple(inputs), "6*N*D"),) if flop is not None else ()
    return Estimate(flop, driver if flop is not None else None, "set by the test", methods, lineage)


def fine_tune_lineage(
    base_flop: float | None, own: Interval | None, base: str = "meta-llama/Llama-3.1-8B"
) -> Lineage:
    if base_flop is None:
        cumulative = None
        threshold = 1e23 / 3
    else:
        base_interval = Interval(base_flop, base_flop, base_flop)
        cumulative = (
            Interval(base_flop + own.low, base_flop + own.central, base_flop + own.high)
            if own
            else base_interval
        )
        threshold = base_flop / 3
    return Lineage(
        base_model=base,
        chain=(base,),
        base_flop=base_flop,
        own=own,
        cumulative=cumulative,
        modification_ratio=(own.central / base_flop) if own and base_flop else None,
        modifier_threshold_flop=threshold,
    )


def context(
    text: str,
    facts: list[Fact],
    est: Estimate | None,
    *,
    ids: list[str] | None = None,
    as_of: dt.date = TODAY,
    policies: list[Policy] | None = None,
) -> CheckContext:
    card = parse_card(text, "README.md")
    chosen = policies if policies is not None else select_policies(ids, [], as_of)
    statuses = threshold_statuses(est, chosen, facts, card.metadata)
    return CheckContext(
        card=card, path="README.md", facts=facts, estimate=est, thresholds=statuses, policies=chosen
    )


def run(check: Callable[[CheckContext], Iterable[Finding]], ctx: CheckContext) -> list[Finding]:
    return list(check(ctx))


def codes(findings: Iterable[Finding]) -> list[str]:
    return sorted(f.code for f in findings)


# The measured cards, with the facts an extractor would find in them (lines as in the files).
def frontier_405b() -> tuple[str, list[Fact], Estimate]:
    facts = [
        fact("parameters", 405e9, 10, "405B parameters"),
        fact("training_tokens", 15.6e12, 20, "15.6T tokens"),
    ]
    return card_text("frontier-405b.md"), facts, estimate(interval(6 * 405e9 * 15.6e12), facts)


def llama_7b() -> tuple[str, list[Fact], Estimate]:
    facts = [fact("parameters", 7e9, 8, "7B parameter"), fact("training_tokens", 2e12, 8, "2T tokens")]
    return card_text("llama-7b.md"), facts, estimate(interval(6 * 7e9 * 2e12, 1.15), facts)
