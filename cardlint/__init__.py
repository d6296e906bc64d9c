"""cardlint: lint AI model cards and estimate the training compute they imply.

`cardlint.estimate(target)`, `cardlint.check(target)` and `cardlint.analyse_text(text)` return the same
CardReport objects the CLI renders (see cardlint.api); they are imported on first use so that `import
cardlint` stays cheap.
"""

from __future__ import annotations

from typing import Any

from cardlint.version import __version__

__all__ = ["__version__", "analyse_text", "check", "estimate"]


def __getattr__(name: str) -> Any:
    if name in ("estimate", "check", "analyse_text"):
        from cardlint import api

        return getattr(api, name)
    raise AttributeError(f"module 'cardlint' has no attribute {name!r}")
