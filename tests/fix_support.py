"""A tiny stand-in for the extractor and estimator, so fix tests control exactly which facts a card yields.

Facts are found by their quote in the current text, so their line numbers follow the card through each edit
just as the real extractor's would.
"""

from __future__ import annotations

from pathlib import Path

from cardlint.types import Estimate, Fact, Interval, Location, MethodEstimate

CARDS = Path(__file__).parent / "cards" / "fix"


def fact_at(text: str, path: str, kind: str, value: float | str, quote: str, **flags: object) -> Fact | None:
    """A prose fact for the first line of `text` that contains `quote` (None when no line does)."""
    for number, line in enumerate(text.split("\n"), start=1):
        column = line.find(quote)
        if column >= 0:
            return Fact(kind, value, "", Location(path, number, column + 1), "prose", quote, **flags)  # type: ignore[arg-type]
    return None


def analysis(*specs: tuple[str, float | str, str]):  # type: ignore[no-untyped-def]
    """An `analyse(text, path)` callable yielding the facts `specs` name, and 6·N·D when it can."""

    def analyse(text: str, path: str) -> tuple[list[Fact], Estimate | None]:
        facts = [
            f for kind, value, quote in specs if (f := fact_at(text, path, kind, value, quote)) is not None
        ]
        return facts, six_n_d(facts)

    return analyse


def six_n_d(facts: list[Fact]) -> Estimate | None:
    params = next((f for f in facts if f.kind == "parameters" and f.subject is None), None)
    tokens = next((f for f in facts if f.kind == "training_tokens" and f.subject is None), None)
    if params is None or tokens is None:
        return None
    central = 6 * float(params.value) * float(tokens.value)
    interval = Interval(central * 0.7, central, central * 1.4)
    method = MethodEstimate("architecture", interval, (params, tokens), "6 * N * D")
    return Estimate(interval, "architecture", "only method", (method,))


def no_analysis(text: str, path: str) -> tuple[list[Fact], Estimate | None]:
    return [], None


def sources(block: dict) -> dict[str, str]:  # type: ignore[type-arg]
    """`derived_from` (a list of "key: where" strings) as a mapping from key to where."""
    return dict(item.split(": ", 1) for item in block.get("derived_from", []))
