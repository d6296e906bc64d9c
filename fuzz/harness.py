"""The one function every fuzzer drives: bytes in, the whole `check` pipeline and two renderers out.

Kept free of atheris so hypothesis and the regression tests can call the same entry point. Anything it
raises is a bug: cardlint promises findings or a one-line error for every possible card, never an exception.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from functools import lru_cache

from cardlint.catalogue import load_catalogue
from cardlint.pipeline import Environment, analyse
from cardlint.policy.loading import select_policies
from cardlint.report.json import render as render_json
from cardlint.report.text import render_findings
from cardlint.settings import Settings
from cardlint.sources import LoadedTarget

# A date on which every built-in instrument, revoked ones included, is judged; `all` names each of them.
AS_OF = dt.date(2025, 9, 1)


@lru_cache(maxsize=1)
def environment() -> Environment:
    """Every rule and every built-in policy, built once per process."""
    settings = replace(Settings(), select=("ALL",), as_of=AS_OF)
    return Environment(settings=settings, policies=select_policies(["all"], [], AS_OF))


def check_bytes(data: bytes, path: str = "fuzz/README.md") -> None:
    """Run check on `data` exactly as the CLI does for a file, then render it as text and JSON."""
    report = analyse(LoadedTarget(target=path, path=path, raw=data), environment())
    render_findings([report], full=True, quiet=False, color=False)
    render_json([report], load_catalogue(), command="check")
