"""The model a card's model was fine-tuned, distilled or continued from, as prose and spec lists name it.

A Hub link is the most precise name (`[Whisper large-v2](https://huggingface.co/openai/whisper-large-v2)` →
openai/whisper-large-v2); otherwise the capitalised name after the phrase (`built on Meta's LLaMA 7B model` →
LLaMA 7B). Phrases that name data rather than a model ("trained on", "fine-tuned on") are not read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from cardlint.extract.layout import Block, Link
from cardlint.extract.subject import names_own_model, normalise, subject_norms

_PHRASE = re.compile(
    r"(?:\b(?:fine[- ]?tuned|finetuned|instruction[- ]tuned|trained|distilled|resumed|continued"
    r"|initiali[sz]ed"
    r"|adapted)\s+(?:version\s+of|variant\s+of|checkpoint\s+of|from|with\s+the\s+weights\s+of)"
    r"|(?P<loose>\b(?:based|built)\s+(?:on|upon)(?:\s+top\s+of)?)"
    r"|\bderived\s+from"
    r"|\b(?:fine[- ]?tuning|finetuning)\s+of"
    r"|\bfine-?tuning\s{0,2}(?:\([^()]{0,60}\)\s{0,2})?from"
    r"|\bdistilled\s+(?:version|variant)\s+of"
    r"|\bwe\s+fine-?tune"
    r"|\ba\s+fine-?tuned(?=\s+[A-Z]))"
    r"\s{1,3}(?:the\s+|a\s+|an\s+)?",
    re.IGNORECASE,
)
_HF_MODEL_URL = re.compile(
    r"huggingface\.co/(?!datasets/|spaces/|docs/|blog/|papers/|models\?|join|login|settings|organizations/)"
    r"([A-Za-z0-9][\w.-]{0,95}(?:/[A-Za-z0-9][\w.-]{0,95})?)"
)
_NAME = re.compile(
    r"(?:[A-Z][\w-]{0,30}'s\s+)?(?:(?:fine-?tuned|pre-?trained|pretrained|original|official)\s{1,3})?(?P<name>(?:[A-Z][\w.-]{0,60}|[\w.-]{1,40}/[\w.-]{1,80}|[a-z][\w.]{0,30}[-\d][\w.-]{0,40})"
    r"(?:\s+(?:\d[\w.-]{0,20}|[A-Z][\w.-]{0,30}|v\d[\w.-]{0,10})){0,2})"
)
# Words after a name that show it is not a model (an architecture, a data set, a document).
_NOT_A_MODEL_AFTER = re.compile(
    r"[\s\])]{0,3}(?:\w{1,60}\s)?(?:architecture|transformer|encoder|decoder|models\b|dataset|datasets|data\b|paper|card|approach|method|framework|library"
    r"|codebase|code\b|repo|and\s+(?:few|other|additional))",
    re.IGNORECASE,
)
_LINK_NOT_A_MODEL = re.compile(r"card|paper|blog|dataset|here|this link|report", re.IGNORECASE)
_GENERIC_WORDS = {
    "pre-trained", "pretrained", "open-source", "fine-tuned", "state-of-the-art", "large-scale",
    "high-quality",
    "well-known", "multi-task", "multi-stage", "in-house", "off-the-shelf", "scratch",
}  # fmt: skip
_PLURAL_BEFORE = re.compile(r"\b(?:models|checkpoints|variants|versions|applications)\b", re.IGNORECASE)
# bounded prefixes: unbounded ones rescan a long word from each of its letters (quadratic)
_MODEL_LIKE = re.compile(r"[A-Z][\w.]{0,100}-[\w.-]+|[A-Za-z]{1,100}\d[\w.-]*")
_USER_INSTRUCTIONS = re.compile(r"inference|you can|\byour?\b|users?\b|please|refer to", re.IGNORECASE)
_STOP_NAMES = {"the", "this", "these", "our", "we", "it", "that", "a", "an", "its", "their", "google", "meta"}
_CKPT = re.compile(r"\.(?:ckpt|safetensors|bin|pt|pth)$", re.IGNORECASE)


def hub_id(url: str) -> str | None:
    match = _HF_MODEL_URL.search(url)
    if match is None:
        return None
    return match.group(1).rstrip(".")


def _link_at(block: Block, start: int, stop: int) -> Link | None:
    """The first link starting in [start, stop) that points at a Hub model, else the first link there."""
    candidates = [link for link in block.links if start <= link.start < stop]
    for link in candidates:
        if hub_id(link.url):
            return link
    return None


def base_models_in(
    block: Block, offset: int, sentence: str, subject: str | None
) -> Iterator[tuple[str, int, int]]:
    """(name, start, end) of each base model the sentence names; positions are in the block's text."""
    own = subject_norms(subject)
    if _USER_INSTRUCTIONS.search(sentence):
        return
    for match in _PHRASE.finditer(sentence):
        after = match.end()
        before = sentence[: match.start()]
        if _PLURAL_BEFORE.search(before) or _names_other_model(before, subject):
            continue
        link = _link_at(block, offset + after, offset + after + 90)
        name: str | None = None
        begin = finish = 0
        if link is not None:
            between = block.text[offset + after : link.start]
            if re.search(r"models\b|\bdatasets?\b", between, re.IGNORECASE) or _LINK_NOT_A_MODEL.search(
                link.text
            ):
                continue
            name = _link_name(link)
            begin, finish = link.start, link.end
        else:
            found = _NAME.match(sentence, after)
            if found is not None:
                name = found.group("name").strip(" .,;:")
                begin, finish = offset + found.start("name"), offset + found.end("name")
                name = _CKPT.sub("", re.split(r"\.\s", name)[0])
                name = _CKPT.sub("", name.rstrip("."))
                if sentence[found.end("name") : found.end("name") + 1] == ",":
                    name = re.sub(r"\.\d{1,3}$", "", name)  # "v1-2`.225,000 steps": a number glued on
                if re.search(r"\s(?:model|models|architecture|weights|checkpoint)$", name, re.IGNORECASE):
                    name = name.rsplit(" ", 1)[0]
                if _NOT_A_MODEL_AFTER.match(sentence, found.end("name")) or not _looks_like_model(name):
                    continue
                # "based on RoBERTa" names an architecture as often as weights: ask for a version or an id
                if match.group("loose") and not re.search(r"\d|/", name):
                    continue
        if not name or name.lower() in _STOP_NAMES or name.lower() in _GENERIC_WORDS or len(name) < 2:
            continue
        if normalise(name.split("/")[-1]) in own:
            continue
        yield name, begin, finish


_MODEL_WORDS = re.compile(
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


def _looks_like_model(name: str) -> bool:
    """Capitalised or id-like names; lowercase words only with a size, a version or a model word in them."""
    first = name.split()[0].lower()
    if first in _GENERIC_FIRST or first in _GENERIC_WORDS:
        return False
    if name[0].islower() and "/" not in name:
        return bool(_MODEL_WORDS.search(name))
    return True


def _link_name(link: Link) -> str | None:
    """A link text that is itself a repo id wins over the URL (links get mistyped); else the URL's id."""
    text = link.text.strip().strip("`")
    if re.fullmatch(r"[A-Za-z0-9][\w.-]{0,95}/[A-Za-z0-9][\w.-]{0,95}", text):
        return text
    return hub_id(link.url)


def _names_other_model(before: str, subject: str | None) -> bool:
    """The sentence is about another model when, before the phrase, it names models and never the subject."""
    if not subject:
        return False
    generic = {normalise(word) for word in _GENERIC_WORDS}
    names = [token for token in _MODEL_LIKE.findall(before) if normalise(token) not in generic | {""}]
    if not names:
        return False
    return not any(names_own_model(name, subject) for name in names)


def base_model_from_value(block: Block, start: int, end: int) -> tuple[str, int, int] | None:
    """The base model a `Finetuned from: ...` value names (None when it names several parents)."""
    if sum(1 for link in block.links if start <= link.start < end and hub_id(link.url)) > 1:
        return None
    link = _link_at(block, start, end)
    if link is not None:
        name = hub_id(link.url)
        if name:
            return name, link.start, link.end
    if any(start <= other.start < end for other in block.links):
        return None  # a link to a search page or a paper names no single model
    text = block.text[start:end]
    found = re.match(r"\s*\[?\s*([\w.-]{1,80}(?:/[\w.-]{1,80})?)", text)
    if found is None:
        return None
    name = _CKPT.sub("", found.group(1))
    if not name or name.lower() in _STOP_NAMES:
        return None
    return name, start + found.start(1), start + found.end(1)
