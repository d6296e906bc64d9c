"""docs/rules.md, generated from the catalogue so the SARIF help links and `cardlint explain` never drift.

Regenerate with `python -m cardlint.config.rules_doc > docs/rules.md`; a test fails when the file is stale.
"""

from __future__ import annotations

from cardlint.config.catalogue import Catalogue, load_catalogue


def render_rules_markdown(catalogue: Catalogue) -> str:
    parts = [
        "# cardlint rules\n",
        "Generated from `rules/rules.yaml` by `python -m cardlint.config.rules_doc`; do not edit by hand.\n",
        "| code | name | severity | summary |",
        "|---|---|---|---|",
    ]
    for rule in catalogue.rules.values():
        anchor = f"{rule.code.lower()}-{rule.name}"
        summary = rule.summary.replace("|", "\\|")
        parts.append(f"| [{rule.code}](#{anchor}) | {rule.name} | {rule.severity.value} | {summary} |")
    parts.append("")
    for rule in catalogue.rules.values():
        doc = rule.docs_markdown().replace("\n## ", "\n### ").replace(f"# {rule.code}", f"## {rule.code}", 1)
        parts.append(doc)
    return "\n".join(parts)


if __name__ == "__main__":
    print(render_rules_markdown(load_catalogue()), end="")
