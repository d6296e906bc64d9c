"""The size a model's name states (`Pebble-7B`), reported as a `parameters` fact flagged `from_name`.

Many cards give no parameter count at all but are named for their size; the estimate still needs N, so the
nominal size is a fact of its own kind of certainty: flagged, never mixed up with a stated count, and only
reported when the card itself states no count for its model.
"""

from __future__ import annotations

from typing import Any

from cardlint.card.document import Card
from cardlint.core.regex_store import compile_pattern
from cardlint.extract.kinds import make_fact
from cardlint.extract.subject import size_of, sizes_agree, subject_names, subject_size
from cardlint.types import Fact

# An adapter's name carries its base model's size, not its own (`saiga_mistral_7b_lora`).
_ADAPTER_WORDS = {"lora", "qlora", "adapter", "adapters", "peft"}
# A reinforcement-learning agent's name counts frames or steps (`atari_2B_...` ran 2B frames).
_NO_SIZE_TAGS = {"reinforcement-learning", "deep-reinforcement-learning"}
_NAME_WORD = compile_pattern(r"[A-Za-z]+")


def name_size_fact(card: Card, subject: str | None, facts: list[Fact], *, path: str) -> Fact | None:
    """A `from_name` parameters fact with the size the subject's names state (`subject_size`), placed where
    the card first writes such a name, when no figure of the card states the model's parameter count."""
    if any(fact.kind == "parameters" and fact.subject is None for fact in facts):
        return None
    size = subject_size(subject)
    if size is None or not _names_own_size(card.metadata, subject_names(subject)):
        return None
    if any(_base_of_size(fact, size) for fact in facts):
        return None  # `wav2vec2-xls-r-300m-urdu` from `xls-r-300m`: the size names the base model
    for name in subject_names(subject):
        named = size_of(name)
        if named is None or not sizes_agree(named, size):
            continue
        line, column, origin, quote = _where_named(card, name)
        return make_fact(
            "parameters",
            size,
            path=path,
            line=line,
            column=column,
            origin=origin,
            quote=quote,
            from_name=True,
            note=f"nominal size from the model's name {name!r}",
        )
    return None


def _where_named(card: Card, name: str) -> tuple[int | None, int | None, str, str]:
    """The first line that writes the name (line, column, origin, quote); the name alone when none does
    (a folder or repo name the card never repeats)."""
    wanted = name.lower()
    front_end = (card.front_matter.end_line or 0) if card.front_matter is not None else 0
    for number, text in enumerate(card.lines, start=1):
        column = text.lower().find(wanted)
        if column < 0:
            continue
        origin = "yaml" if number <= front_end else "prose"
        quote = text.strip() if len(text.strip()) <= 80 else text[column : column + 80]
        return number, column + 1, origin, quote
    return None, None, "name", name  # only the repo or folder name says it


def _base_of_size(fact: Fact, size: float) -> bool:
    """The card's base model, when its own name states the same size."""
    if fact.kind != "base_model" or fact.subject is not None or not isinstance(fact.value, str):
        return False
    base_size = size_of(fact.value.split("/")[-1])
    return base_size is not None and sizes_agree(base_size, size)


def _names_own_size(metadata: dict[str, Any], names: tuple[str, ...]) -> bool:
    """False for cards whose name states someone else's size or no size at all: adapters, RL agents."""
    if str(metadata.get("library_name", "")).lower() == "peft":
        return False
    tags = metadata.get("tags")
    if isinstance(tags, list) and {str(tag).lower() for tag in tags} & _NO_SIZE_TAGS:
        return False
    if isinstance(metadata.get("pipeline_tag"), str) and metadata["pipeline_tag"].lower() in _NO_SIZE_TAGS:
        return False
    words = {word.lower() for name in names for word in _NAME_WORD.findall(name)}
    return not words & _ADAPTER_WORDS
