"""Does a string name a model checkpoint (not a family, a paper, data or the card's own model)? The tests
that base_model.py and lineage_phrases.py share."""

from __future__ import annotations

import re

from cardlint.core.regex_store import compile_pattern
from cardlint.extract.layout import Link
from cardlint.extract.subject import names_own_model, normalise

_HF_MODEL_URL = compile_pattern(
    r"huggingface\.co/(?!datasets/|spaces/|docs/|blog/|papers/|models\?|join|login|settings|organizations/)"
    r"([A-Za-z0-9][\w.-]{0,95}(?:/[A-Za-z0-9][\w.-]{0,95})?)"
)


GENERIC_WORDS = {
    "pre-trained", "pretrained", "open-source", "fine-tuned", "state-of-the-art", "large-scale",
    "high-quality",
    "well-known", "multi-task", "multi-stage", "in-house", "off-the-shelf", "scratch",
}  # fmt: skip


_PLURAL_BEFORE = compile_pattern(r"\b(?:models|checkpoints|variants|versions|applications)\b", re.IGNORECASE)


_WE_RELEASE = compile_pattern(
    r"\bwe\s+(?:\w+\s+)?(?:publish|release|provide|present|introduce|share|open-?source)", re.IGNORECASE
)


# A trailing word that names what kind of thing the base is, kept out of its name ("kl-f8 autoencoder").
_TRAILING_NOUN = compile_pattern(
    # the look-behind starts a try only where a run of separators starts: linear under finditer too
    r"(?<![\s_-])[\s_-]+(?:model|checkpoint|weights|autoencoder|encoder|decoder|network|student|teacher|backbone)$",
    re.IGNORECASE,
)


def without_kind_noun(name: str) -> str:
    """The name without a trailing word for what kind of thing it is ("kl-f8 autoencoder" -> "kl-f8")."""
    return _TRAILING_NOUN.sub("", name)


VARIANT = compile_pattern(
    r"(?<![a-z])(?:base|large|small|tiny|mini|medium|xl|xxl|cased|uncased|v\d|(?<!\d)\d+(?:\.\d+)?[bmk])(?![a-z])",
    re.IGNORECASE,
)


def names_a_checkpoint(text: str) -> bool:
    """A link off the Hub names a project as often as weights: "[GPT-J](github.com/...)" or "[T5](...)" is
    a family, "[finch-f8](...)" or "[Danish BERT base](...)" one checkpoint (a digit past a two-character
    name, a slash or a variant word)."""
    return bool(re.search(r"\d|/", text) and len(normalise(text)) > 2) or bool(VARIANT.search(text))


def plural_of_others(before: str) -> bool:
    """The words before a lineage phrase speak of other models ("Other checkpoints fine-tuned from X"),
    unless the card releases them as its own ("We publish two versions, fine-tuned from X")."""
    plural = _PLURAL_BEFORE.search(before)
    return plural is not None and _WE_RELEASE.search(before, 0, plural.start()) is None


# bounded prefixes: unbounded ones rescan a long word from each of its letters (quadratic)
_MODEL_LIKE = compile_pattern(r"[A-Z][\w.]{0,100}-[\w.-]+|[A-Za-z]{1,100}\d[\w.-]*")


def hub_id(url: str) -> str | None:
    match = _HF_MODEL_URL.search(url)
    if match is None:
        return None
    return match.group(1).rstrip(".")


PAPER_URL = compile_pattern(r"arxiv\.org|doi\.org|aclanthology|aclweb|openreview|\.pdf\b", re.IGNORECASE)


_MODEL_WORDS = compile_pattern(
    r"\d|base|large|small|tiny|medium|mini|xl|cased|bert|gpt|t5|bart|llama|whisper", re.I
)


_GENERIC_FIRST = {
    "language",
    "model",
    "neural",
    "transformer",
    "deep",
    "large",
    "pre-trained",
    "pretrained",
    "code",
}


def looks_like_model(name: str) -> bool:
    """Capitalised or id-like names; lowercase words only with a size, a version or a model word in them."""
    first = name.split()[0].lower()
    if first in _GENERIC_FIRST or first in GENERIC_WORDS:
        return False
    if name[0].islower() and "/" not in name:
        return bool(_MODEL_WORDS.search(name))
    return True


def link_name(link: Link) -> str | None:
    """A link text that is itself a repo id wins over the URL (links get mistyped); else the URL's id."""
    text = link.text.strip().strip("`")
    if re.fullmatch(r"[A-Za-z0-9][\w.-]{0,95}/[A-Za-z0-9][\w.-]{0,95}", text):
        return text
    return hub_id(link.url)


def names_other_model(before: str, subject: str | None) -> bool:
    """The sentence is about another model when, before the phrase, it names models and never the subject."""
    if not subject or _WE_RELEASE.search(before):
        return False  # "We publish two kl-f8 versions, finetuned from ...": what the card releases is its own
    generic = {normalise(word) for word in GENERIC_WORDS}
    names = [token for token in _MODEL_LIKE.findall(before) if normalise(token) not in generic | {""}]
    if not names:
        return False
    return not any(names_own_model(name, subject) for name in names)
