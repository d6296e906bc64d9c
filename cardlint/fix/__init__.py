"""`cardlint fix`: turn findings into edits of the card, without ever damaging it.

`apply_fixes(path, unsafe=..., diff_only=...)` is the one entry point the CLI, `check --fix` and the
pre-commit hook share; `fix_text` is its pure core.
"""

from __future__ import annotations

from cardlint.fix.apply import AppliedFix, FixResult, apply_fixes, fix_text

__all__ = ["AppliedFix", "FixResult", "apply_fixes", "fix_text"]
