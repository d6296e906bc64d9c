"""docs/limits.md, generated from the Limits dataclass so the page can never drift from the code."""

from __future__ import annotations

from dataclasses import fields

from cardlint.core.limits import DEFAULT_LIMITS, LIMIT_DOCS, Limits

_HEADER = """# Limits

cardlint reads cards, configs and Hub responses written by strangers. Every bound below keeps a hostile
input from costing unbounded time or memory; each default passes every real card in the evaluation corpus
with room to spare. Override one in `[tool.cardlint.limits]` (pyproject.toml) or `[limits]` (cardlint.toml):

```toml
[tool.cardlint.limits]
max_card_bytes = 20971520
```

Values must be positive whole numbers; an unknown name is a config error (exit 2).
This page is generated from `cardlint/core/limits.py`
(`python -m cardlint.config.limits_doc > docs/limits.md`); a test keeps the two in step.

| Config key | Default | What it bounds |
|---|---|---|
"""


def _shown(name: str, value: int) -> str:
    if name.endswith("_bytes") and value >= 1024 * 1024 and value % (1024 * 1024) == 0:
        return f"{value:,} ({value // (1024 * 1024)} MiB)"
    return f"{value:,}"


def render_limits_markdown(limits: Limits = DEFAULT_LIMITS) -> str:
    rows = [
        f"| `{f.name}` | {_shown(f.name, getattr(limits, f.name))} | {LIMIT_DOCS[f.name]} |"
        for f in fields(limits)
    ]
    return _HEADER + "\n".join(rows) + "\n"


if __name__ == "__main__":
    print(render_limits_markdown(), end="")
