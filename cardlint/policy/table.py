"""The README's table of policies, generated from rules/policies/*.yaml so the two never drift apart.

`python -m cardlint.policy.table README.md` rewrites the block between the markers; a test fails when the
README is out of step with the files.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

from cardlint.policy.loading import all_policies
from cardlint.policy.model import Condition, Policy, Threshold

START = "<!-- policies:start -->"
END = "<!-- policies:end -->"

_CONDITIONS = {
    "generative-output": "generative output",
    "biological-sequence-data": "biological sequence data",
    "foundation-model": "foundation model",
    "base-model-covered": "base is a covered model",
}
_BASIS = {"cumulative": "cumulative", "modification": "fine-tune's own", "training": ""}


def status_text(policy: Policy) -> str:
    """The status with the date that makes it so, as of the file's review date."""
    dates = policy.dates
    if policy.status == "vetoed":
        return f"vetoed {dates['vetoed']}" if "vetoed" in dates else "vetoed"
    if policy.status in ("revoked", "superseded") and policy.status in dates:
        return f"{policy.status} {dates[policy.status]}"
    if policy.status == "not-yet-in-force" and "applies_from" in dates:
        return f"not yet in force (from {dates['applies_from']})"
    if "applies_from" in dates:
        return f"in force since {dates['applies_from']}"
    return policy.status.replace("-", " ")


def threshold_text(threshold: Threshold) -> str:
    """`> 1e25 FLOP cumulative`, `fine-tune's own > 1/3 of base`, `> $500M revenue (developer)`."""
    if threshold.unit == "USD":
        amount = f"${threshold.value / 1e6:,.0f}M"
        return f"{threshold.comparator} {amount} ({threshold.label.split('(')[0].strip()})"
    if threshold.fraction_of_base is not None:
        return f"fine-tune's own {threshold.comparator} 1/3 of base"
    mantissa, exponent = f"{threshold.value:.1e}".split("e")
    number = f"1e{int(exponent)}" if mantissa == "1.0" else f"{mantissa}e{int(exponent)}"
    parts = [f"{threshold.comparator} {number} FLOP"]
    basis = _BASIS.get(threshold.basis, "")
    if basis:
        parts.append(basis)
    extras = []
    if threshold.indicative:
        extras.append("indicative")
    extras += [_condition_text(c) for c in threshold.conditions]
    if extras:
        parts.append(f"({', '.join(extras)})")
    return " ".join(parts)


def _condition_text(condition: Condition) -> str:
    if condition.value is not None and condition.kind.endswith("-usd"):
        return f"cost {condition.comparator or '>'} ${condition.value / 1e6:,.0f}M"
    return _CONDITIONS.get(condition.kind, condition.kind.replace("-", " "))


def render_table(policies: Iterable[Policy] | None = None) -> str:
    rows = [
        "| Id | Instrument | Kind | Status | Applied | Thresholds |",
        "|---|---|---|---|---|---|",
    ]
    for policy in policies if policies is not None else all_policies():
        thresholds = "; ".join(threshold_text(t) for t in policy.thresholds) or "none (disclosure only)"
        applied = (
            "with `--policy`" if policy.opt_in or policy.status == "vetoed" else "by default while in force"
        )
        rows.append(
            f"| `{policy.id}` | {policy.short_name} | {policy.kind} | {status_text(policy)} | {applied} | "
            f"{thresholds} |"
        )
    reviewed = max((p.reviewed for p in policies or all_policies()), default=None)
    note = f"\nStatus as reviewed on {reviewed}; `cardlint policies --as-of DATE` shows any other date.\n"
    return "\n".join(rows) + "\n" + note


def replace_block(text: str, table: str | None = None) -> str:
    """`text` with the block between the markers replaced by the current table."""
    start, end = text.find(START), text.find(END)
    if start < 0 or end < start:
        raise ValueError(f"the markers {START} and {END} are missing")
    body = table if table is not None else render_table()
    return text[: start + len(START)] + "\n" + body + text[end:]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0] if args else "README.md")
    text = path.read_text(encoding="utf-8")
    updated = replace_block(text)
    if updated != text:
        path.write_text(updated, encoding="utf-8")
        print(f"updated the policy table in {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
