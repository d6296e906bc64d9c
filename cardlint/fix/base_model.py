"""Declare `base_model` for a fine-tune whose text names its base by Hub repo id but whose metadata does not.

Unsafe by nature: the link comes from prose ("fine-tuned from org/name"), and a wrong lineage changes which
compute tests apply. It is written only when every repo id the card gives for its own base is the same one,
and only if the metadata schema accepts it as a repo id.
"""

from __future__ import annotations

from collections.abc import Callable

from cardlint.card.document import Card, parse_card
from cardlint.core.regex_store import compile_pattern
from cardlint.fix.disclosure import yaml_scalar
from cardlint.fix.edits import EditRefused, editable_card, insert_top_level
from cardlint.fix.mechanical import Change
from cardlint.types import Estimate, Fact

Analysis = Callable[[str, str], tuple[list[Fact], "Estimate | None"]]

RULE = "base-model-undeclared"
# the lookbehind keeps a search linear (without it each letter of a long word restarts the scan)
_REPO_ID = compile_pattern(r"(?<![A-Za-z0-9._-])[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*")


def named_base_model(facts: list[Fact]) -> str | None:
    """The one repo id the card names as its own base model, or None (none, or several different ones)."""
    ids = {
        str(fact.value)
        for fact in facts
        if fact.kind == "base_model" and fact.subject is None and _REPO_ID.fullmatch(str(fact.value))
    }
    return ids.pop() if len(ids) == 1 else None


def fix_base_model(text: str, path: str, analyse: Analysis, *, unsafe: bool) -> list[Change]:
    try:
        card = editable_card(text)
    except EditRefused:
        return []
    if card.metadata.get("base_model") or "base_model" in card.metadata:
        return []
    facts, _estimate = analyse(text, path)
    from cardlint.policy.signals import looks_fine_tuned

    base = named_base_model(facts)
    if base is None or not looks_fine_tuned(card, facts):
        return []
    message = f"declared `base_model: {base}`, the repo id the card names as its base"
    if not unsafe:
        return [Change(RULE, "unsafe", message, None, text, applied=False)]
    try:
        new_text = insert_top_level(text, [f"base_model: {yaml_scalar('base_model', base)}"])
    except EditRefused:
        return []
    new_card = parse_card(new_text)
    if not _valid(new_card):
        return []
    fm = new_card.front_matter
    line = fm.line_of(("base_model",)) if fm is not None else None
    return [Change(RULE, "unsafe", message, line, new_text)]


def _valid(card: Card) -> bool:
    from cardlint.card.validation import validate_metadata

    return card.metadata.get("base_model") is not None and not any(
        problem.path[:1] == ("base_model",) for problem in validate_metadata(card)
    )
