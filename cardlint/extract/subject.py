"""Which model a card is about, and whether a table row or sentence names that model or another one.

Family cards (Llama, Pythia, Whisper) describe several sizes at once; a figure counts for the card's own model
only when its row or sentence points at that model. Names are compared loosely because cards write the same
model as `Llama 3.1 8B`, `8B` and `Meta-Llama-3.1-8B`.
"""

from __future__ import annotations

import re

from cardlint.card import Card

_SIZE = re.compile(r"(?<![A-Za-z0-9.])(\d{1,4}(?:\.\d{1,3})?)\s?([bBmMkKtT])(?![A-Za-z0-9])")
_SIZE_SCALE = {"k": 1e3, "m": 1e6, "b": 1e9, "t": 1e12}
_NORM = re.compile(r"[^a-z0-9]+")
_PAREN = re.compile(r"\([^()]{0,80}\)")
_TITLE = re.compile(r"^\s{0,3}#\s+(.{1,200}?)\s*#*\s*$")
_GENERIC_WORDS = {"model", "models", "the", "base", "and", "of", "version", "checkpoint", "size"}


def card_subject(card: Card, *, repo_id: str | None = None, folder_name: str | None = None) -> str | None:
    """The card's model: repo id, then model_name / model-index name, then folder, then the first title."""
    if repo_id:
        return repo_id
    metadata = card.metadata
    for key in ("model_name", "model-name"):
        value = metadata.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    index = metadata.get("model-index")
    if isinstance(index, list) and index and isinstance(index[0], dict):
        name = index[0].get("name")
        if isinstance(name, str) and name.strip():
            return name.strip()
    if folder_name and folder_name.strip() not in (".", "", "/"):
        return folder_name.strip()
    return _title(card)


def _title(card: Card) -> str | None:
    for section in card.sections:
        if section.level == 1 and section.title:
            return section.title
    for section in card.sections:
        if section.title:
            return section.title
    return None


def size_of(name: str | None) -> float | None:
    """The parameter size a model name states (`Llama-3.1-8B` → 8e9), or None."""
    if not name:
        return None
    sizes = [
        float(match.group(1)) * _SIZE_SCALE[match.group(2).lower()]
        for match in _SIZE.finditer(name)
        if match.group(2).lower() in ("b", "m") or match.group(2) in ("T",)
    ]
    sizes = [size for size in sizes if size >= 1e6]
    return sizes[-1] if sizes else None


def sizes_in(text: str) -> list[tuple[float, int, int]]:
    """Model sizes written as `8B` / `70B` / `1.3B` in a sentence: (value, start, end)."""
    found = []
    for match in _SIZE.finditer(text):
        if match.group(2) not in ("B", "b"):
            continue
        found.append((float(match.group(1)) * 1e9, match.start(), match.end()))
    return found


def sizes_agree(a: float, b: float) -> bool:
    """Nominal sizes agree when they round to each other (1B vs 1.23B, 12B vs 11.85B, not 7B vs 8B)."""
    low, high = sorted((a, b))
    return low > 0 and high / low <= 1.26


def normalise(name: str) -> str:
    return _NORM.sub("", name.lower())


def row_score(label: str, row_size: float | None, subject: str | None) -> float:
    """How well a table row (its label cell and size) names the subject; 0 when it names another model."""
    if not subject:
        return 0.0
    label = _PAREN.sub(" ", label).strip()
    if re.fullmatch(r"[\w.-]{1,96}/[\w.-]{1,96}", label):
        label = label.split("/")[-1]
    if not label and row_size is None:
        return 0.0
    if normalise(label) in ("total", "sum", "overall", "all"):
        return 0.0
    subject_norm = normalise(subject.split("/")[-1])
    subject_size = size_of(subject.split("/")[-1])
    label_size = row_size if row_size is not None else size_of(label)
    size_bonus = 0.0
    if subject_size is not None and label_size is not None:
        if not sizes_agree(subject_size, label_size):
            return 0.0
        size_bonus = 2.0
    words = [normalise(word) for word in re.split(r"[\s_/|,:-]+", _SIZE.sub(" ", label))]
    words = [word for word in words if word and word not in _GENERIC_WORDS]
    if not words:
        return size_bonus
    matched = [word for word in words if word in subject_norm]
    fraction = len(matched) / len(words)
    if fraction < 0.5 or (fraction < 1 and not size_bonus):
        return 0.0
    return size_bonus + fraction + 0.01 * sum(len(word) for word in matched)


def other_subject_name(label: str) -> str:
    """A readable name for another model's row or mention."""
    text = re.sub(r"\s+", " ", label).strip()
    return text[:80] or "other model"
