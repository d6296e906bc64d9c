"""Sidecar files (config.json, safetensors headers) that exist but could not be read.

Without this, a broken config.json would silently drop the parameter count and the estimate would quietly
lose a method; the user should know why.
"""

from __future__ import annotations

from collections.abc import Iterator

from cardlint.checks import CheckContext, check, finding
from cardlint.types import Finding, Location

SIDECAR_UNREADABLE = "CL903"


@check(SIDECAR_UNREADABLE)
def unreadable_sidecars(context: CheckContext) -> Iterator[Finding]:
    sidecars = context.sidecars
    if sidecars is None:
        return
    for problem in sidecars.problems:
        where = context.path
        if problem.startswith("config.json") and sidecars.config_path:
            where = sidecars.config_path
        yield finding(SIDECAR_UNREADABLE, f"sidecar file not used: {problem}", Location(where, 1, 1))
