"""The duties behind the threshold rules, for `cardlint explain` and the SARIF rule help.

A finding says in one sentence where the model stands and names the articles; the duties themselves (what to
do, by when) are long, the same for every card, and belong with the rule's documentation, built here from the
policy files so they never drift from what the checks use.
"""

from __future__ import annotations

from cardlint.policy.judging import format_flop
from cardlint.policy.loading import all_policies
from cardlint.policy.model import Policy, Threshold


def _reported_by(code: str, policy: Policy, threshold: Threshold) -> bool:
    """Whether a threshold's position is reported under `code` (mirrors checks/thresholds.py)."""
    if not threshold.is_model_compute or not threshold.obligations:
        return False
    if code == "CL404":
        return threshold.basis == "modification"
    if threshold.basis not in ("training", "cumulative"):
        return False
    binding = policy.binding and not threshold.indicative
    return binding if code == "CL402" else not binding if code == "CL403" else False


def duties_markdown(code: str, policies: list[Policy] | None = None) -> str:
    """'## Duties by instrument' for a threshold rule: each threshold it reports and what follows from it."""
    blocks = []
    for policy in policies if policies is not None else all_policies():
        for threshold in policy.thresholds:
            if not _reported_by(code, policy, threshold):
                continue
            line = f"{threshold.comparator} {format_flop(threshold.value)} FLOP"
            if threshold.fraction_of_base:
                line = f"{threshold.comparator} {threshold.fraction_of_base:.2g} of the base model's compute"
            lines = [f"### {policy.short_name}, {threshold.ref}: {line} ({threshold.label})"]
            for duty in policy.duties_of(threshold):
                deadline = f" ({duty.deadline})" if duty.deadline else ""
                lines.append(f"- {duty.ref}: {duty.duty}{deadline}")
            blocks.append("\n".join(lines))
    if not blocks:
        return ""
    return "\n## Duties by instrument\n" + "\n\n".join(blocks) + "\n"
