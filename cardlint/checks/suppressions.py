"""Inline suppressions written in the card itself.

In the Markdown body they are HTML comments, which the Hub does not render; in the front matter they are
YAML comments. Both carry the same directives:
  cardlint-disable CODE[,CODE]   ... cardlint-enable [CODE[,CODE]]   (a range; no codes = every rule)
  cardlint-disable-next-line CODE[,CODE]
  cardlint-disable-file CODE[,CODE]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cardlint.core.regex_store import compile_pattern

_DIRECTIVE = compile_pattern(
    r"(?:<!--|#)[ \t]*cardlint-(disable-next-line|disable-file|disable|enable)\b"
    r"[ \t]*([A-Za-z0-9_, \t-]*?)[ \t]*(?:-->|$)"
)


@dataclass(frozen=True)
class Suppression:
    """One directive and the lines it covers (inclusive, 1-based)."""

    kind: str
    selectors: tuple[str, ...]  # empty: every rule
    line: int
    column: int
    start: int
    end: int


def parse_suppressions(lines: list[str], front_matter_end: int | None) -> list[Suppression]:
    """Find every directive; YAML-comment directives count only inside the front matter."""
    result: list[Suppression] = []
    open_ranges: list[tuple[tuple[str, ...], int, int]] = []
    last_line = len(lines)
    for number, line in enumerate(lines, start=1):
        if "cardlint-" not in line:
            continue
        for match in _DIRECTIVE.finditer(line):
            if match.group(0).startswith("#") and (front_matter_end is None or number >= front_matter_end):
                continue
            kind = match.group(1)
            selectors = tuple(part for part in re.split(r"[\s,]+", match.group(2)) if part)
            column = match.start() + 1
            if kind == "disable-next-line":
                result.append(Suppression(kind, selectors, number, column, number + 1, number + 1))
            elif kind == "disable-file":
                result.append(Suppression(kind, selectors, number, column, 1, last_line))
            elif kind == "disable":
                open_ranges.append((selectors, number, column))
            else:
                still_open = []
                for range_selectors, start, start_column in open_ranges:
                    if not selectors or set(range_selectors) & set(selectors) or not range_selectors:
                        result.append(
                            Suppression("disable", range_selectors, start, start_column, start, number)
                        )
                    else:
                        still_open.append((range_selectors, start, start_column))
                open_ranges = still_open
    for range_selectors, start, start_column in open_ranges:
        result.append(Suppression("disable", range_selectors, start, start_column, start, last_line))
    return result
