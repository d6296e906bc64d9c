"""The rules catalogue (rules/rules.yaml): what each rule is called, how severe it is, and its docs.

Diagnostics are data: a check emits a code, and everything a user reads about that code comes from here.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass

from cardlint.core.resources import load_yaml_resource
from cardlint.types import Severity


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    family: str
    severity: Severity
    summary: str
    fix_safety: str
    instruments: tuple[str, ...]
    what: str
    why: str
    example: str
    fix: str

    def docs_markdown(self) -> str:
        """The rule's documentation in the ruff template: what it does, why it matters, example, fix."""
        instruments = ", ".join(self.instruments) if self.instruments else "none (good practice)"
        return (
            f"# {self.code} {self.name}\n\n"
            f"Severity: {self.severity.value}. Family: {self.family}. Fix: {self.fix_safety}. "
            f"Asked for by: {instruments}.\n\n"
            f"## What it does\n{self.what.strip()}\n\n"
            f"## Why it matters\n{self.why.strip()}\n\n"
            f"## Example\n{self.example.rstrip()}\n\n"
            f"## How to fix\n{self.fix.strip()}\n"
        )


@dataclass(frozen=True)
class Catalogue:
    rules: dict[str, Rule]  # by code, in code order

    def by_name(self, name: str) -> Rule | None:
        for rule in self.rules.values():
            if rule.name == name:
                return rule
        return None

    def lookup(self, code_or_name: str) -> Rule | None:
        return self.rules.get(code_or_name.upper()) or self.by_name(code_or_name.lower())

    def index_of(self, code: str) -> int:
        return list(self.rules).index(code)


@functools.cache
def load_catalogue() -> Catalogue:
    """Load (once per process) and index rules/rules.yaml."""
    document = load_yaml_resource("rules", "rules.yaml") or {}
    rules: dict[str, Rule] = {}
    for entry in sorted(document.get("rules") or [], key=lambda item: item["code"]):
        docs = entry.get("docs") or {}
        rules[entry["code"]] = Rule(
            code=entry["code"],
            name=entry["name"],
            family=entry["family"],
            severity=Severity(entry["severity"]),
            summary=entry["summary"],
            fix_safety=entry.get("fix_safety", "none"),
            instruments=tuple(entry.get("instruments") or ()),
            what=docs.get("what", ""),
            why=docs.get("why", ""),
            example=docs.get("example", ""),
            fix=docs.get("fix", ""),
        )
    return Catalogue(rules)


class SelectorError(ValueError):
    """A --select/--ignore value that names no rule."""


def resolve_selectors(selectors: Iterable[str], catalogue: Catalogue) -> set[str]:
    """Codes matched by selectors: `ALL`, a code, a code prefix (`CL1`, `CL30`), or a rule name."""
    codes: set[str] = set()
    for raw in selectors:
        selector = raw.strip()
        if not selector:
            continue
        if selector.upper() == "ALL":
            codes.update(catalogue.rules)
            continue
        rule = catalogue.lookup(selector)
        if rule is not None:
            codes.add(rule.code)
            continue
        prefixed = {code for code in catalogue.rules if code.startswith(selector.upper())}
        if not prefixed or not selector.upper().startswith("CL"):
            raise SelectorError(f"unknown rule selector '{selector}' (see `cardlint rules`)")
        codes.update(prefixed)
    return codes
