"""`cardlint policies`: the policy profiles with their status on a date and their thresholds (also JSON)."""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Any

import click

from cardlint.policy.loading import all_policies, default_policies, load_policy_file
from cardlint.policy.model import Policy, PolicyError
from cardlint.policy.table import threshold_text

EXIT_ERROR = 2


def policy_record(policy: Policy, as_of: dt.date, selected: bool) -> dict[str, Any]:
    """The JSON shape of one policy: what it is, its status on `as_of`, its thresholds and duties."""
    return {
        "id": policy.id,
        "name": policy.name,
        "short_name": policy.short_name,
        "jurisdiction": policy.jurisdiction,
        "kind": policy.kind,
        "binding": policy.binding,
        "opt_in": policy.opt_in,
        "status": policy.status_on(as_of),
        "selected_by_default": selected,
        "reviewed": policy.reviewed.isoformat(),
        "dates": {key: value.isoformat() for key, value in policy.dates.items()},
        "summary": policy.summary,
        "thresholds": [
            {
                "id": t.id,
                "ref": t.ref,
                "label": t.label,
                "value": t.value,
                "unit": t.unit,
                "comparator": t.comparator,
                "subject": t.subject,
                "basis": t.basis,
                "indicative": t.indicative,
                "fraction_of_base": t.fraction_of_base,
                "conditions": [c.description for c in t.conditions],
                "obligations": [
                    {"id": o.id, "ref": o.ref, "duty": o.duty, "deadline": o.deadline}
                    for o in policy.duties_of(t)
                ],
            }
            for t in policy.thresholds
        ],
        "disclosure_fields": sum(len(group.fields) for group in policy.disclosure),
        "variants": [v.id for v in policy.variants],
        "sources": [{"id": s.id, "title": s.title, "url": s.url} for s in policy.sources],
        "path": policy.path,
    }


@click.command()
@click.option("--as-of", "as_of", help="Show the status on this date (YYYY-MM-DD; default today).")
@click.option(
    "--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option(
    "--policy-file", "policy_files", multiple=True, help="Also validate and list a profile of your own."
)
def policies(as_of: str | None, output_format: str, policy_files: tuple[str, ...]) -> None:
    """List the policy profiles: id, name, status on a date, whether applied by default, thresholds."""
    try:
        day = dt.date.fromisoformat(as_of) if as_of else dt.date.today()
    except ValueError:
        raise click.BadParameter(f"'{as_of}' is not a date like 2025-08-02", param_hint="--as-of") from None
    try:
        listed = all_policies() + [load_policy_file(path) for path in policy_files]
    except PolicyError as exc:
        click.echo(f"cardlint: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    defaults = {p.id for p in default_policies(day, listed)}
    if output_format == "json":
        records = [policy_record(p, day, p.id in defaults) for p in listed]
        click.echo(json.dumps({"as_of": day.isoformat(), "policies": records}, indent=2))
        return
    click.echo(_text(listed, day, defaults))


def _text(listed: list[Policy], day: dt.date, defaults: set[str]) -> str:
    width = max(len(p.id) for p in listed)
    lines = [f"Policies on {day.isoformat()} (* applied by default; others with --policy ID):", ""]
    for policy in listed:
        mark = "*" if policy.id in defaults else " "
        status = policy.status_on(day)
        if policy.opt_in:
            status += ", opt-in"
        lines.append(f"{mark} {policy.id:<{width}}  {policy.name}")
        lines.append(f"  {'':<{width}}  {policy.kind}, {policy.jurisdiction}: {status}")
        for threshold in policy.thresholds:
            lines.append(f"  {'':<{width}}  - {threshold.id}: {threshold_text(threshold)} [{threshold.ref}]")
        if policy.variants:
            variants = ", ".join(f"{policy.id}@{v.id}" for v in policy.variants)
            lines.append(f"  {'':<{width}}  variants: {variants}")
    return "\n".join(lines)
