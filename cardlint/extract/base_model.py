"""The model a card's model was fine-tuned, distilled or continued from, as prose and spec lists name it.

A Hub link is the most precise name (`[Whisper large-v2](https://huggingface.co/openai/whisper-large-v2)` →
openai/whisper-large-v2); otherwise the capitalised name after the phrase (`built on Meta's LLaMA 7B model` →
LLaMA 7B). Phrases that name data rather than a model ("trained on", "fine-tuned on") are not read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from cardlint.extract.layout import Block, Link
from cardlint.extract.subject import normalise

_PHRASE = re.compile(
    r"(?:\b(?:fine[- ]?tuned|finetuned|instruction[- ]tuned|trained|distilled|resumed|continued|initiali[sz]ed"
    r"|adapted|converted|quantized|merged)\s+(?:version\s+of|variant\s+of|checkpoint\s+of|from|with\s+the\s+weights\s+of)"
    r"|\b(?:based|built)\s+(?:on|upon)(?:\s+top\s+of)?"
    r"|\bderived\s+from"
    r"|\b(?:fine[- ]?tuning|finetuning)\s+of"
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
    r"(?:[A-Z][\w-]{0,30}'s\s+)?(?P<name>(?:[A-Z][\w.-]{0,60}|[\w.-]{1,40}/[\w.-]{1,80}|[a-z][\w.]{0,30}[-\d][\w.-]{0,40})"
    r"(?:\s+(?:\d[\w.-]{0,20}|[A-Z][\w.-]{0,30}|v\d[\w.]{0,10})){0,2})"
)
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


def base_models_in(block: Block, offset: int, sentence: str, subject: str | None) -> Iterator[tuple[str, int, int]]:
    """(name, start, end) of each base model the sentence names; positions are in the block's text."""
    own = normalise(subject.split("/")[-1]) if subject else None
    for match in _PHRASE.finditer(sentence):
        after = match.end()
        link = _link_at(block, offset + after, offset + after + 90)
        name: str | None = None
        begin = finish = 0
        if link is not None:
            name = hub_id(link.url)
            begin, finish = link.start, link.end
        else:
            found = _NAME.match(sentence, after)
            if found is not None:
                name = found.group("name").strip(" .,;:")
                begin, finish = offset + found.start("name"), offset + found.end("name")
                name = _CKPT.sub("", name)
                if re.search(r"\s(?:model|models|architecture|weights|checkpoint)$", name, re.IGNORECASE):
                    name = name.rsplit(" ", 1)[0]
        if not name or name.lower() in _STOP_NAMES or len(name) < 2:
            continue
        if own and normalise(name.split("/")[-1]) == own:
            continue
        yield name, begin, finish


def base_model_from_value(block: Block, start: int, end: int) -> tuple[str, int, int] | None:
    """The base model a `Finetuned from: ...` value names."""
    link = _link_at(block, start, end)
    if link is not None:
        name = hub_id(link.url)
        if name:
            return name, link.start, link.end
    text = block.text[start:end]
    found = re.match(r"\s*\[?\s*([\w.-]{1,80}(?:/[\w.-]{1,80})?)", text)
    if found is None:
        return None
    name = _CKPT.sub("", found.group(1))
    if not name or name.lower() in _STOP_NAMES:
        return None
    return name, start + found.start(1), start + found.end(1)
