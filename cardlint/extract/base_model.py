"""The model a card's model was fine-tuned, distilled or continued from, as prose and spec lists name it.

A Hub link is the most precise name (`[Whisper large-v2](https://huggingface.co/openai/whisper-large-v2)` →
openai/whisper-large-v2); otherwise the capitalised name after the phrase (`built on Meta's LLaMA 7B model` →
LLaMA 7B). Phrases that name data rather than a model ("trained on", "fine-tuned on") are not read.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from cardlint.core.memo import SHORT_TEXT_CHARS
from cardlint.core.regex_store import compile_pattern
from cardlint.extract.layout import Block, Link
from cardlint.extract.model_names import (
    GENERIC_WORDS,
    PAPER_URL,
    VARIANT,
    hub_id,
    link_name,
    looks_like_model,
    names_a_checkpoint,
    names_other_model,
    plural_of_others,
    without_kind_noun,
)
from cardlint.extract.subject import normalise, subject_norms
from cardlint.types import Fact

_PHRASE = compile_pattern(
    r"(?:\b(?:fine[- ]?tuned|finetuned|instruction[- ]tuned|trained|distilled|resumed|continued|pruned"
    r"|initiali[sz]ed"
    r"|adapted)\s+(?:version\s+of|variant\s+of|checkpoint\s+of|from|with\s+the\s+weights\s+of)"
    r"|(?P<loose>\b(?:based|built|build)\s+(?:on|upon)(?:\s+top\s+of)?)"
    r"|\b(?:an?\s+)?expansion\s+of|\b(?:depth\s+)?up-?scal(?:es|ed|ing)\s+(?:of|from)"
    r"|\bscales(?:\s+up)?(?=\s+an?\s)"
    r"|\bcontinu(?:ed|al|ally|ing)\s+(?:pre-?)?train(?:ed|ing)?\s+(?:of|from)"
    r"|\b(?:pre-?)?train(?:ed|ing)\s+on\s+top\s+of"
    r"|(?P<start>\bstart(?:s|ed|ing)?\s+from)"
    r"|\bfine-?tuned\s+on(?:\s+top\s+of)?(?:\s+the)?(?=\s+pre-?trained\s)"
    r"|(?P<link_only>\bidentical\s+to)"
    r"|(?:^|(?<=[.:]\s))fine[- ]?tune(?=\s+(?!on\b|with\b|for\b|it\b|this\b|the\s+model\b))"
    r"|\bderived\s+from"
    r"|\b(?:fine[- ]?tuning|finetuning)\s+of"
    r"|\bfine-?tuning\s{0,2}(?:\([^()]{0,60}\)\s{0,2})?from"
    r"|\bdistilled\s+(?:version|variant)\s+of"
    r"|\bwe\s+fine-?tune"
    r"|\ba\s+fine-?tuned(?=\s+(?-i:[A-Z])))"
    r"\s{1,3}(?:the\s+|a\s+|an\s+)?",
    re.IGNORECASE,
)
_NAME = compile_pattern(
    r"(?:[A-Z][\w-]{0,30}'s\s+)?(?:(?:fine-?tuned|pre-?trained|pretrained|original|official)\s{1,3})?[`*_\"]{0,2}(?P<name>(?:[A-Z][\w.-]{0,60}|[\w.-]{1,40}/[\w.-]{1,80}|[a-z][\w.]{0,30}[-\d][\w.-]{0,40})"
    r"(?:\s+(?:\d[\w.-]{0,20}|[A-Z][\w.-]{0,30}|v\d[\w.-]{0,10})){0,2})"
)
# Words after a name that show it is not a model (an architecture, a data set, a document).
_NOT_A_MODEL_AFTER = compile_pattern(
    r"[\s\])]{0,3}(?:\w{1,60}\s)?(?:architecture|transformer|encoder|decoder|models\b|dataset|datasets|data\b|paper|card|approach|method|framework|library"
    r"|codebase|code\b|repo|and\s+(?:few|other|additional))",
    re.IGNORECASE,
)
_LINK_NOT_A_MODEL = compile_pattern(
    r"card|paper|blog|dataset|here|this link|report|family|series|collection", re.IGNORECASE
)


_USER_INSTRUCTIONS = compile_pattern(r"inference|you can|\byour?\b|users?\b|please|refer to", re.IGNORECASE)
_STOP_NAMES = {"the", "this", "these", "our", "we", "it", "that", "a", "an", "its", "their", "google", "meta"}
_CKPT = compile_pattern(r"\.(?:ckpt|safetensors|bin|pt|pth)$", re.IGNORECASE)


def _link_at(block: Block, start: int, stop: int) -> Link | None:
    """The first link starting in [start, stop) that points at a Hub model, else the first link there."""
    candidates = [link for link in block.links if start <= link.start < stop]
    for link in candidates:
        if hub_id(link.url):
            return link
    return None


# The labels of a `Base model: X` line, found cheaply: a block without digits is read only when it has one.
_BASE_LABEL = compile_pattern(
    r"\b(?:base|parent|foundation|pre-?trained)\s+model|\bbase\s+checkpoint|fine-?tuned\s+from|\bteacher\b",
    re.IGNORECASE,
)


def names_a_base(text: str) -> bool:
    """Whether the text has a phrase that may name a base model (a cheap test before the full reading)."""
    from cardlint.extract.lineage_phrases import lineage_cue_in

    return (
        _PHRASE.search(text) is not None
        or _NAME_BEFORE_VERB.search(text) is not None
        or _BASE_LABEL.search(text) is not None
        or lineage_cue_in(text)
    )


def may_name_a_base(sentence: str) -> bool:
    """Whether `base_models_in` can find anything in the sentence: every name it reads follows a match of
    one of the phrases `names_a_base` tests or of lineage_phrases' going-on-training cue. Pure in the text,
    so a short sentence seen before (a template's) is answered from memory."""
    if len(sentence) <= SHORT_TEXT_CHARS:
        return _remembered_may_name_a_base(sentence)
    return _may_name_a_base(sentence)


def _may_name_a_base(sentence: str) -> bool:
    from cardlint.extract.lineage_phrases import continues_training_cue_in

    return names_a_base(sentence) or continues_training_cue_in(sentence)


@functools.lru_cache(maxsize=8192)
def _remembered_may_name_a_base(sentence: str) -> bool:
    return _may_name_a_base(sentence)


def base_models_in(
    block: Block, offset: int, sentence: str, subject: str | None
) -> Iterator[tuple[str, int, int]]:
    """(name, start, end) of each base model the sentence names; positions are in the block's text. A
    sibling of the subject is named as the subject's repository names the family
    (`lineage_phrases.in_family_spelling`)."""
    from cardlint.extract.lineage_phrases import in_family_spelling

    for name, start, end in _base_models_in(block, offset, sentence, subject):
        yield in_family_spelling(name, subject), start, end


def _base_models_in(
    block: Block, offset: int, sentence: str, subject: str | None
) -> Iterator[tuple[str, int, int]]:
    # a model is never its own base; only the card's first name is sure to be the model itself (a title
    # such as "Model Card for Danish BERT" may name the base)
    own = subject_norms(subject)[:1]
    if _USER_INSTRUCTIONS.search(sentence):
        return
    yielded = False
    for named, start, end in _names_before_verb(sentence, own):
        yielded = True
        yield named, offset + start, offset + end
    for match in _PHRASE.finditer(sentence):
        after = match.end()
        before = sentence[: match.start()]
        if plural_of_others(before) or names_other_model(before, subject):
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
            name = link_name(link)
            begin, finish = link.start, link.end
        elif match.group("link_only"):
            continue
        elif (other := _plain_link_at(block, offset + after)) is not None:
            # "finetuned on the pretrained [Danish BERT](https://github.com/...)": the link text names it
            name = other.text.strip("`*_ ")
            begin, finish = other.start, other.end
            if _LINK_NOT_A_MODEL.search(name) or PAPER_URL.search(other.url) or not looks_like_model(name):
                continue
            if name.startswith((".", "/", "~")) or "huggingface.co/models?" in other.url:
                continue  # a local folder ("./checkpoint-500") or a Hub search page names no checkpoint
            if re.search(r"\b(?:models|checkpoints|weights)$", name, re.IGNORECASE):
                continue
            name = without_kind_noun(name)
            if match.group("loose") and not names_a_checkpoint(name):
                continue
        else:
            found = _NAME.match(sentence, after)
            if found is not None:
                name = found.group("name").strip(" .,;:`*_")
                begin, finish = offset + found.start("name"), offset + found.end("name")
                name = _CKPT.sub("", re.split(r"\.\s", name)[0])
                name = _CKPT.sub("", name.rstrip("."))
                if sentence[found.end("name") : found.end("name") + 1] == ",":
                    name = re.sub(r"\.\d{1,3}$", "", name)  # "v1-2`.225,000 steps": a number glued on
                if re.search(r"\s(?:model|models|architecture|weights|checkpoint)$", name, re.IGNORECASE):
                    name = name.rsplit(" ", 1)[0]
                if _NOT_A_MODEL_AFTER.match(sentence, found.end("name")) or not looks_like_model(name):
                    continue
                # "based on RoBERTa" names an architecture as often as weights: ask for a version or an id
                if match.group("start") and (
                    not re.search(r"\d|/|-", name) or re.match(r"(?:step|epoch|iter)", name, re.I)
                ):
                    continue  # "starting from step 1000" or "from scratch" names no model
                if match.group("loose") and not (
                    re.search(r"\d|/", name) or _SIZE_IN_BRACKETS.match(sentence, found.end("name"))
                ):
                    continue
        if not name or name.lower() in _STOP_NAMES or name.lower() in GENERIC_WORDS or len(name) < 2:
            continue
        if normalise(name.split("/")[-1]) in own:
            continue
        yielded = True
        yield name, begin, finish
    if not yielded:
        from cardlint.extract.lineage_phrases import lineage_bases

        yield from lineage_bases(block, offset, sentence, subject)


# "this model is a *bert-base-cased* model that was fine-tuned on ...", "using `pebble-8k` as the
# initialization": the base named before the verb; only id-like names (a digit, a hyphen or a slash).
_NAME_BEFORE_VERB = compile_pattern(
    r"\b(?:is|was)\s+an?\s+[`*_]{0,2}(?P<name>[\w./-]{2,80}?)[`*_]{0,2}\s+model\s+(?:that|which)\s+"
    r"(?:was|has\s+been|is)\s+(?:further\s+|then\s+)?(?:fine-?tuned|finetuned|trained|pre-?trained|adapted)\b"
    r"|\busing\s+[`*_]{0,2}(?P<init>[\w./-]{2,80}?)[`*_]{0,2}\s+as\s+(?:the\s+|its\s+|an?\s+)?"
    r"(?:initiali[sz]ation|starting\s+point|base\s+model|init)\b"
    # a title or a first sentence that starts with the base: "finch-base-cased – Finetuned for NER"
    r"|^\s{0,3}[`*_]{0,2}(?P<lead>[\w./-]{2,80}?)[`*_]{0,2}\s{1,3}(?:[-–—:]\s{1,3})?(?:fine-?tuned|finetuned)"
    r"\s+(?:on|for|with)\b",
    re.IGNORECASE,
)


def _names_before_verb(sentence: str, own: tuple[str, ...]) -> Iterator[tuple[str, int, int]]:
    for found in _NAME_BEFORE_VERB.finditer(sentence):
        group = next(key for key in ("name", "init", "lead") if found.group(key))
        name = found.group(group).strip("`*_ ")
        if (
            re.search(r"[\d/-]", name)
            and looks_like_model(name)
            and normalise(name.split("/")[-1]) not in own
        ):
            yield name, found.start(group), found.end(group)


_SIZE_IN_BRACKETS = compile_pattern(r"\s{0,2}\(\s{0,2}\d{1,4}(?:\.\d{1,3})?\s?[BMT]\s{0,2}\)")
_PLAIN_LINK_GAP = compile_pattern(r"(?:pre-?trained\s+|original\s+|the\s+){0,2}\[?$", re.IGNORECASE)


def _plain_link_at(block: Block, position: int) -> Link | None:
    """A link (to any site) whose text starts right at `position`, past words like "pretrained"."""
    for link in block.links:
        if position <= link.start <= position + 24 and _PLAIN_LINK_GAP.fullmatch(
            block.text[position : link.start]
        ):
            return link
    return None


def base_models_from_value(
    block: Block, start: int, end: int, subject: str | None = None
) -> list[tuple[str, int, int]]:
    """The base models a `Finetuned from: ...` value names: every linked Hub model ("Parent Models: [a](..)
    and [b](..)"), else the one id-like name it starts with, unless that is only the family the subject is
    named after ("Parent Model: T5" in the card of ke-t5-base)."""
    linked = [link for link in block.links if start <= link.start < end]
    hub_links = [(hub_id(link.url), link) for link in linked]
    found_links = [(name, link.start, link.end) for name, link in hub_links if name]
    if found_links:
        return found_links
    if linked:
        return []  # a link to a search page or a paper names no single model
    text = block.text[start:end]
    found = re.match(
        r"\s*\[?\s*[`*_]{0,2}([\w.-]{1,80}(?:/[\w.-]{1,80})?(?:\s(?:\d{1,4}(?:\.\d{1,3})?[BMKbmk]|v\d[\w.]{0,8}"
        r"|[Bb]ase|[Ll]arge|[Ss]mall|[Tt]iny|[Mm]ini|[Mm]edium|XXL|XL|xxl|xl)(?![\w-]))?)",
        text,
    )
    if found is None:
        return []
    name = _CKPT.sub("", found.group(1)).strip("_")
    if not name or name.lower() in _STOP_NAMES or not (looks_like_model(name) or re.search(r"[\d/-]", name)):
        return []
    from cardlint.extract.lineage_phrases import is_family_name

    if is_family_name(name, subject) or not (re.search(r"[\d/-]", name) or VARIANT.search(name)):
        return []  # "Parent Model: BART": a template's field filled with the architecture's family
    return [(name, start + found.start(1), start + found.start(1) + len(name))]


def without_refined_families(facts: list[Fact]) -> list[Fact]:
    """Drop a base named only by its family ("Parent Model: wav2vec": no digit, hyphen or slash) when the
    card also names a Hub id of that family ("Fine-tuned [org/wav2vec2-large-xlsr-53](...)"): the id is
    the checkpoint the model was trained from, the family line only its kind."""
    ids = [
        normalise(str(fact.value).split("/")[-1])
        for fact in facts
        if fact.kind == "base_model" and fact.subject is None and "/" in str(fact.value)
    ]
    if not ids:
        return facts

    def refined(fact: Fact) -> bool:
        if fact.kind != "base_model" or fact.subject is not None or re.search(r"[\d/-]", str(fact.value)):
            return False
        family = normalise(str(fact.value))
        return len(family) >= 3 and any(known.startswith(family) and known != family for known in ids)

    return [fact for fact in facts if not refined(fact)]
