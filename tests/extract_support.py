"""What the extraction tests share: a card we wrote through the real extractor, and the card's own figures."""

from __future__ import annotations

from cardlint.card.document import parse_card
from cardlint.extract import extract_facts
from cardlint.extract.subject import card_subject
from cardlint.types import Fact


def facts_of(text: str, repo_id: str = "example/Wren-1B", path: str = "README.md") -> list[Fact]:
    """The facts of `text` read as the card of `repo_id` at `path`."""
    card = parse_card(text, path)
    return extract_facts(card, path=path, subject=card_subject(card, repo_id=repo_id))


def own(facts: list[Fact], kind: str) -> list[float | str]:
    """Values of one kind that belong to the card's own model (subject None)."""
    return [fact.value for fact in facts if fact.kind == kind and fact.subject is None]
