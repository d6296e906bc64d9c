"""The base model a card's title names: "# finch-base-cased – Finetuned for NER".

Many auto-generated cards say nothing of their base but in the H1 title, written as the base's id followed
by "fine-tuned on/for". Only the first H1 is read, only in that form (`base_model.base_models_in` decides
what counts as a base: an id-like name that is not the card's own), and only when no other part of the
card names a base.
"""

from __future__ import annotations

from cardlint.card.document import Card
from cardlint.extract.base_model import base_models_in
from cardlint.extract.kinds import make_fact
from cardlint.extract.layout import clean_text
from cardlint.types import Fact


def title_base_fact(card: Card, subject: str | None, facts: list[Fact], *, path: str) -> Fact | None:
    """A base_model fact from the first H1 title, when the facts so far name none for the card's model."""
    if any(fact.kind == "base_model" and fact.subject is None for fact in facts):
        return None
    title = next((section for section in card.sections if section.level == 1), None)
    if title is None or not 0 < title.line <= len(card.lines):
        return None
    raw = card.lines[title.line - 1].rstrip("\r")
    column = len(raw) - len(raw.lstrip(" #")) + 1
    block = clean_text(raw[column - 1 :], title.line, column)
    for name, start, end in base_models_in(block, 0, block.text, subject):
        if not block.text.lstrip(" `*_").startswith(block.text[start:end]):
            continue  # only the form that opens with the base: other phrases are read from the prose
        line, where = block.where(start)
        return make_fact(
            "base_model", name, path=path, line=line, column=where, origin="prose", quote=raw.strip()[:80]
        )
    return None
