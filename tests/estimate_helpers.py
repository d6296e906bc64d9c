"""Facts built by hand for estimator tests (the facts extractor is tested on its own)."""

from __future__ import annotations

from cardlint.types import Fact, Location

_SUFFIXES = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K"))


def human(value: float) -> str:
    """15e12 -> '15T', 6738415616 -> '6.738415616B', 1082990 -> '1,082,990' (as a card would write it)."""
    for scale, suffix in _SUFFIXES:
        if value >= scale * 10 or (scale >= 1e9 and value >= scale):
            return f"{value / scale:.10g}{suffix}"
    return f"{value:,.10g}"


def fact(
    kind: str,
    value: float | str,
    line: int = 1,
    *,
    quote: str | None = None,
    unit: str = "",
    origin: str = "prose",
    **flags: object,
) -> Fact:
    if quote is None:
        quote = value if isinstance(value, str) else human(float(value))
    return Fact(kind, value, unit, Location("README.md", line, 1), origin, str(quote), **flags)  # type: ignore[arg-type]
