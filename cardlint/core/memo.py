"""Remembering a function's answer for the last object it was asked about.

The stages read one card at a time: a card's split body or layout is asked for many times in a row, then
never again once the next card starts. One entry keyed by identity serves that pattern with flat memory and
without hashing (a card's hash would cost a pass over its text).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
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


_Item = TypeVar("_Item")
SHORT_TEXT_CHARS = 300  # a sentence, a line, a table cell: what repeats from card to card
_SHORT_TEXT_ENTRIES = 8192


def remembered_for_short_text(
    function: Callable[[str], Iterable[_Item]],
) -> Callable[[str], Iterator[_Item]]:
    """Wrap a pure scanner of a text (`find_quantities`): its items for a text of at most SHORT_TEXT_CHARS
    characters are remembered per process in a bounded LRU cache. Bulk cards repeat the same template lines
    and Trainer sentences ("- learning_rate: 2e-05") card after card; a longer text is scanned every time,
    so memory stays bounded. The items must be immutable: every caller gets the same ones."""
    cached = functools.lru_cache(maxsize=_SHORT_TEXT_ENTRIES)(lambda text: tuple(function(text)))

    @functools.wraps(function)
    def scan(text: str) -> Iterator[_Item]:
        return iter(cached(text)) if len(text) <= SHORT_TEXT_CHARS else iter(function(text))

    return scan
