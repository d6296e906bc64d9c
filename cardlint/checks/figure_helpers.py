"""Helpers the CL3xx checks share: the card's estimate, where a fact sits, ratios and figures as printed."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from cardlint.checks import CheckContext
from cardlint.compute import estimate_compute
from cardlint.compute.options import EstimateOptions
from cardlint.types import Estimate, Fact, Location, MethodEstimate


def _options(ctx: CheckContext) -> EstimateOptions:
    return EstimateOptions.from_settings(ctx.settings) if ctx.settings is not None else EstimateOptions()


def _config(ctx: CheckContext) -> dict[str, Any] | None:
    return ctx.sidecars.config if ctx.sidecars is not None else None


def _estimate(ctx: CheckContext) -> Estimate:
    if ctx.estimate is not None:
        return ctx.estimate
    return estimate_compute(ctx.facts, config=_config(ctx), options=_options(ctx))


def _where(ctx: CheckContext, fact: Fact) -> Location:
    return ctx.at(fact.location.line, fact.location.column or 1)


def _related(ctx: CheckContext, facts: Iterable[Fact], besides: Fact | None = None) -> list[Location]:
    seen: set[int | None] = {besides.location.line} if besides is not None else set()
    locations = []
    for fact in facts:
        if fact.location.line not in seen:
            seen.add(fact.location.line)
            locations.append(_where(ctx, fact))
    return locations


def _method(estimate: Estimate, name: str) -> MethodEstimate | None:
    return next((method for method in estimate.methods if method.method == name), None)


def _ratio(a: float, b: float) -> float:
    return max(a, b) / min(a, b) if a > 0 and b > 0 else math.inf


def _fmt(value: float) -> str:
    return f"{value:.3g}"
