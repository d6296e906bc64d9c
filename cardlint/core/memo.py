"""Remembering a function's answer for the last object it was asked about.

The stages read one card at a time: a card's split body or layout is asked for many times in a row, then
never again once the next card starts. One entry keyed by identity serves that pattern with flat memory and
without hashing (a card's hash would cost a pass over its text).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

_Key = TypeVar("_Key")
_Value = TypeVar("_Value")


def last_by_identity(function: Callable[[_Key], _Value]) -> Callable[[_Key], _Value]:
    """Wrap a one-argument function: a repeat call with the same object (`is`, not `==`) reuses the answer."""
    holder: list[tuple[_Key, _Value] | None] = [None]

    @functools.wraps(function)
    def remembered(key: _Key) -> _Value:
        cached = holder[0]  # read once: another thread may replace it meanwhile, never half-way
        if cached is not None and cached[0] is key:
            return cached[1]
        value = function(key)
        holder[0] = (key, value)
        return value

    return remembered
