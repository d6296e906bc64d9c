"""The many other ways a card says which model its model was trained from, beyond "fine-tuned version of".

Cards name their base with a noun ("a fine-tune of X", "the foundation model is X"), a verb ("initialized with
X", "further pre-trained from X", "we start with a pre-trained X", "distilled from X"), a role written after
the name ("using X as the teacher model", "X as the text encoder") or, in Chinese, 基于X / 在X基础上. Each
cue is read only when what it points at looks like one model's name: a Hub link, a link text, a span the
card marks up (emphasis or code), a Hub id, or an id-like word (a digit, a hyphen or a slash in it, so a
family name such as "BERT" is not taken for a checkpoint). Data sets, papers, the card's own model, a
comparison ("compared to X") and a user's recipe ("you can fine-tune X") are not bases.

`base_model.base_models_in` asks this module only when its own phrases found nothing in the sentence.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from cardlint.core.memo import last_by_identity
from cardlint.core.regex_store import compile_pattern
from cardlint.extract.layout import Block, Link, Spans
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
from cardlint.extract.subject import normalise, size_of, subject_names, subject_norms

# Words before the base's name. Each alternative is one family of phrasing; "with"/"on" follow only verbs
# whose object is a model ("initialized with", "built on top of"), never "trained with"/"trained on" (data).
_CUE_BEFORE = compile_pattern(
    r"\b(?:an?\s+|the\s+)?(?:fine[- ]?tune|finetune|re-?train|derivative|distillation|continuation)\s+of\b"
    r"|\b(?:initiali[sz](?:ed|ing)|warm[- ]?start(?:ed|ing)?|bootstrapp(?:ed|ing))"
    r"\s+(?:with|from|by|using|on)\b"
    r"|\b(?:further|continued|continual|continuing)\s+(?:pre-?)?train(?:ed|ing)?\s+(?:from|on\s+top\s+of)\b"
    r"|\bfurther\s+(?:pre-?)?train(?:ed|ing|s)?\b(?!\s+(?:on|with|for|in|using|from|to|by)\b)"
    r"|\b(?:fine[- ]?tuned|finetuned|trained|tuned|built|pre-?trained|developed)"
    r"(?:\s+(?:it|them|this\s+model|the\s+model))?\s+on\s+top\s+of\b"
    r"|\b(?:the|our|its)\s+(?:foundation|base|parent|backbone|teacher|starting|initial|underlying)"
    r"\s+(?:model|checkpoint|network|LM|point)(?:\s+(?:we|that\s+we)\s+(?:use|used|chose))?\s+(?:is|was)\b"
    r"|\bbased\s+(?:on\s+)?(?:our|the)\s+(?:pre-?trained\s+)?(?:model|checkpoint)\b"
    r"|\bstart(?:s|ed|ing)?\s+(?:with|from)\s+(?:an?\s+|the\s+|our\s+)?(?:pre-?trained|existing|released)\b"
    # "knowledge distillation from X" names a teacher whose outputs were learnt, not the weights started from
    r"|\b(?:distill(?:ed|ing)|(?<!knowledge\s)distillation)\s+(?:from|of)\b"
    r"|\bteacher\s+(?:model\s+)?(?:is|was)\b",
    re.IGNORECASE,
)
# A role written after the name, after a verb of use: "with [X](...) as a teacher model", "We used X as the
# text encoder", "taking `X` as the initialization".
_CUE_AFTER = compile_pattern(
    r"[`*_\s]{0,3}\bas\s+(?:an?|the|its|our)\s+(?:pre-?trained\s+)?(?:teacher\b|backbone\b"
    r"|(?:base|foundation|parent)\s+(?:model|checkpoint|network|LM)\b|starting\s+point|initiali[sz]ation"
    r"|init\b|(?:text|image|vision|audio|speech|language)\s+(?:encoder|decoder|backbone|tower)\b)",
    re.IGNORECASE,
)
# Nouns and verbs whose object is a base only when the card links it on the Hub: "an adaptation of [X](...)",
# "a checkpoint of [X](...)", "Fine-tuned [X](...) on ...". A plain name after them ("a version of BERT",
# "an implementation of the method") too often names a design, a paper or a family.
_LINK_CUE = compile_pattern(
    r"(?<!newer\s)(?<!latest\s)(?<!updated\s)(?<!improved\s)"
    r"\b(?:(?:re-?)?implementation|adaptation|version|checkpoint|variant|port|conversion)"
    r"\s+of\s+(?:the\s+|an?\s+)?(?:(?:pre-?trained|original|official)\s+)?"
    r"|^\s{0,3}[`*_]{0,2}fine[- ]?tuned\s+(?:from\s+)?(?:the\s+)?",
    re.IGNORECASE,
)
# "we further pre-train the publicly available MARBERT on ...", "we continue training mBERT on ...": the
# object of a verb that goes on training is the base, even a plain name, when data follows it ("on"/"with").
_GO_ON_TRAINING = compile_pattern(
    r"\b(?:we|they|I)\s+(?:then\s+|also\s+)?(?:further|continu(?:e|ed|ally))\s+(?:to\s+)?"
    r"(?:pre-?)?train(?:ing|ed)?\b",
    re.IGNORECASE,
)
_DATA_AFTER_OBJECT = compile_pattern(r"\s{1,3}(?:on|with|using|over)\b", re.IGNORECASE)
_USE_BEFORE_NAME = compile_pattern(
    r"\b(?:with|using|use[sd]?|tak(?:e|es|en|ing)|took|adopt\w{0,3}|cho(?:se|ose|sen)|employ\w{0,3}"
    r"|select\w{0,3}|pick\w{0,3}|load\w{0,3})\s+(?:the\s+)?$",
    re.IGNORECASE,
)
# 基于X ("based on X"), 在X(的)基础上 ("on the basis of X"); X is read as a Latin-script name.
_CUE_CJK = compile_pattern(r"基于|在(?=[^，。；\n]{1,120}?基础上)")
_CJK_BASIS_AFTER = compile_pattern(r"\s{0,2}(?:的)?(?:预训练)?(?:模型)?(?:的)?基础上")

# Words between the cue and the name: articles, owners ("Meta's"), and adjectives that are not the name.
_GAP = compile_pattern(
    r"(?:\s{0,3}(?:the|an?|our|its|their|this)\b)?"
    r"(?:\s{0,3}[A-Z][\w-]{0,30}'s\b)?"
    r"(?:\s{0,3}(?:pre-?trained|original|official|publicly\s+available|open-?source|existing|released"
    r"|multilingual|english)\b){0,2}\s{0,3}[\"'“]?",
    re.IGNORECASE,
)
# An id-like name in ASCII (CJK letters are word characters too): an optional owner, the name, and one
# trailing size or version word ("CodeGen-Multi 350M", "GPT-J 6B", "Finch 2").
_NAME = compile_pattern(
    r"(?:[A-Za-z0-9][A-Za-z0-9._-]{0,60}/)?[A-Za-z][A-Za-z0-9._-]{0,80}"
    r"(?:\s(?:\d{1,4}(?:\.\d{1,3})?[BMKbmk]?|v\d[\w.]{0,8}|base|large|small|tiny|mini|medium|xl|xxl))?"
    r"(?![A-Za-z0-9])",
    re.ASCII,
)
_NAME_BEFORE = compile_pattern(
    r"(?:[A-Za-z0-9][A-Za-z0-9._-]{0,60}/)?[A-Za-z][A-Za-z0-9._-]{0,80}"
    r"(?:\s(?:\d{1,4}(?:\.\d{1,3})?[BMKbmk]?|v\d[\w.]{0,8}))?$",
    re.ASCII,
)
_ID_LIKE = compile_pattern(r"[\d/-]")
# What follows the name when it names something else: data, a document, a design, software.
_NOT_A_MODEL_AFTER = compile_pattern(
    r"[\s\])`*\"']{0,3}(?:\w{1,40}\s)?(?:datasets?|data\b|corp(?:us|ora)|paper|architecture|framework"
    r"|library|method|approach|tokeni[sz]er|recipe|repo(?:sitory)?\b|codebase|scripts?\b|benchmark"
    r"|数据|框架|架构|结构|论文)|\s{0,2}[（(][^）)]{0,40}(?:架构|结构|architecture)",
    re.IGNORECASE,
)
_NOT_A_MODEL_LINK = compile_pattern(
    r"card|paper|blog|dataset|here|this link|report|family|series|collection", re.I
)
# Before the cue in its clause: the base named is someone else's point of reference, not the card's, or the
# clause speaks of a second artefact ("We have also further pre-trained a BERT model ...").
_COMPARISON = compile_pattern(
    r"\b(?:compar\w{0,6}|than|versus|vs\.?|outperform\w{0,3}|baselines?|unlike|against|instead\s+of"
    r"|rather\s+than|can|could|may|might|should|would|plan\w{0,3}|will|also)\b",
    re.IGNORECASE,
)
_CLAUSE_BREAK = compile_pattern(r"[.;:,]\s|\bwhile\b|\bwhereas\b|\bbut\b|[。；，]")


def lineage_cue_in(text: str) -> bool:
    """Whether the text has a lineage cue of this module (a cheap test before reading a paragraph)."""
    return bool(
        _CUE_BEFORE.search(text) or _CUE_AFTER.search(text) or _CUE_CJK.search(text) or _LINK_CUE.search(text)
    )


def continues_training_cue_in(text: str) -> bool:
    """Whether the text says its authors went on training ("we further pre-trained"), `lineage_bases`'s one
    cue that `lineage_cue_in` leaves out."""
    return _GO_ON_TRAINING.search(text) is not None


def lineage_bases(
    block: Block, offset: int, sentence: str, subject: str | None
) -> Iterator[tuple[str, int, int]]:
    """(name, start, end) of each base model a lineage cue of the sentence names; positions in the block."""
    for match in _CUE_BEFORE.finditer(sentence):
        if _clause_rules_out(sentence, match.start(), subject):
            continue
        found = _name_after(block, offset, sentence, match.end())
        if found is not None and _is_a_base(found[0], subject):
            yield found
    for match in _GO_ON_TRAINING.finditer(sentence):
        if _clause_rules_out(sentence, match.start(), subject):
            continue
        found = _object_of_training(block, offset, sentence, match.end())
        if found is not None and _is_a_base(found[0], subject):
            yield found
    for match in _LINK_CUE.finditer(sentence):
        link = _link_starting(block, offset + match.end(), offset + match.end() + 2)
        if link is None or not hub_id(link.url) or _clause_rules_out(sentence, match.start(), subject):
            continue
        found = _from_link(link)
        if found is not None and _is_a_base(found[0], subject):
            yield found
    for match in _CUE_AFTER.finditer(sentence):
        found = _name_before(block, offset, sentence, match.start())
        if found is None or not _USE_BEFORE_NAME.search(sentence, 0, found[1] - offset):
            continue
        if not _clause_rules_out(sentence, found[1] - offset, subject) and _is_a_base(found[0], subject):
            yield found
    for match in _CUE_CJK.finditer(sentence):
        found = _name_after(block, offset, sentence, match.end())
        if found is None or not _is_a_base(found[0], subject):
            continue
        if match.group() == "在" and not _CJK_BASIS_AFTER.match(sentence, found[2] - offset):
            continue
        yield found


def _clause_rules_out(sentence: str, position: int, subject: str | None) -> bool:
    """The clause before the cue compares, plans or hedges, or is about another model named before it; or
    the sentence before it speaks of other models."""
    starts = [match.end() for match in _CLAUSE_BREAK.finditer(sentence, 0, position)]
    clause = sentence[starts[-1] if starts else 0 : position]
    if plural_of_others(sentence[:position]):
        return True
    return bool(_COMPARISON.search(clause)) or names_other_model(clause, subject)


_ADJECTIVE_NAME = compile_pattern(r"-(?:pre-?)?trained$|-initiali[sz]ed$|-based$|-tuned$", re.IGNORECASE)


def _is_a_base(name: str, subject: str | None) -> bool:
    if len(name) < 2 or name.lower() in GENERIC_WORDS or not looks_like_model(name):
        return False
    if _ADJECTIVE_NAME.search(name):
        return False  # "initialized with ImageNet-pretrained weights": how the weights were made
    return normalise(name.split("/")[-1]) not in subject_norms(subject)[:1] and not is_family_name(
        name, subject
    )


def _name_after(
    block: Block,
    offset: int,
    sentence: str,
    position: int,
) -> tuple[str, int, int] | None:
    """The model name the words at `position` start with (past articles and adjectives), else None."""
    gap = _GAP.match(sentence, position)
    at = gap.end() if gap else position
    link = _link_starting(block, offset + position, offset + at + 2)
    if link is not None:
        return _from_link(link)
    marked = _marked_span_from(block, offset + at)
    if marked is not None:
        name = _clean(block.text[offset + at : marked])
        if _ID_LIKE.search(name) and not _NOT_A_MODEL_AFTER.match(block.text, marked):
            return name, offset + at, marked
    found = _NAME.match(sentence, at)
    if found is None or not _ID_LIKE.search(found.group()):
        return None  # 基于Transformer, "a fine-tune of BERT": a design or a family, not a checkpoint
    name = _clean(found.group())
    if _NOT_A_MODEL_AFTER.match(sentence, found.end()):
        return None
    return name, offset + found.start(), offset + found.start() + len(name)


def _object_of_training(
    block: Block, offset: int, sentence: str, position: int
) -> tuple[str, int, int] | None:
    """The name a verb of going on training takes as its object: any name the usual reading finds, or a
    capitalised one ("MARBERT", "mBERT") when data follows it, so "we further train it on ..." names none."""
    found = _name_after(block, offset, sentence, position)
    if found is not None:
        return found
    gap = _GAP.match(sentence, position)
    at = gap.end() if gap else position
    name = _NAME.match(sentence, at)
    if name is None or not _DATA_AFTER_OBJECT.match(sentence, name.end()):
        return None
    text = _clean(name.group())
    if not re.search(r"[A-Z]", text) or text.lower() in {"the", "it", "them", "our", "this"}:
        return None
    return text, offset + name.start(), offset + name.start() + len(text)


def _name_before(block: Block, offset: int, sentence: str, position: int) -> tuple[str, int, int] | None:
    """The model name that ends at `position` (a link, a marked span or an id-like word), else None."""
    link = _link_ending(block, offset + position)
    if link is not None:
        return _from_link(link)
    window = sentence[max(0, position - 120) : position].rstrip("`*_ ")
    found = _NAME_BEFORE.search(window)
    if found is None or not _ID_LIKE.search(found.group()):
        return None
    start = offset + max(0, position - 120) + found.start()
    name = _clean(found.group())
    return name, start, start + len(name)


def _link_starting(block: Block, first: int, last: int) -> Link | None:
    """The first link whose text starts in [first, last]: a link may hold the words the gap skips
    ("the [acme's finch-base](...)")."""
    links = block.links
    index = bisect.bisect_left(_link_starts(block), first)
    if index < len(links) and links[index].start <= last:
        return links[index]
    return None


def _link_ending(block: Block, position: int) -> Link | None:
    """The link whose text ends at `position`, past at most three characters of markup or spaces."""
    index = bisect.bisect_left(_link_starts(block), position) - 1
    if index < 0:
        return None
    link = block.links[index]
    if position - 3 <= link.end <= position and re.fullmatch(
        r"[`*_\s]{0,3}", block.text[link.end : position]
    ):
        return link
    return None


@last_by_identity
def _link_starts(block: Block) -> list[int]:
    """Where the block's links start (in order), kept for the block the sentences are read from, so each
    look-up is a binary search rather than a walk over every link of a long paragraph."""
    return [link.start for link in block.links]


def _from_link(link: Link) -> tuple[str, int, int] | None:
    """A Hub link names its repo; another link names a model by its text, unless it points at a paper."""
    text = _clean(link.text)
    if _NOT_A_MODEL_LINK.search(text) or "huggingface.co/datasets/" in link.url:
        return None
    if hub_id(link.url):
        name = link_name(link)
        return (name, link.start, link.end) if name else None
    if PAPER_URL.search(link.url) or len(text.split()) > 4:
        return None
    if not names_a_checkpoint(text):
        return None
    return text, link.start, link.end


def _marked_span_from(block: Block, position: int) -> int | None:
    """Where the emphasis or code span that starts at `position` ends, when the card marked one up there:
    cleaning removed characters just before `position` and again within 80 characters, on one line."""
    spans = block.spans
    run = bisect.bisect_left(spans.starts, position)
    if not 0 < run < len(spans.starts) - 1 or spans.starts[run] != position:
        return None
    stop = spans.starts[run + 1]
    if stop - position > 80 or not (_removed_before(spans, run) and _removed_before(spans, run + 1)):
        return None
    return stop


def _removed_before(spans: Spans, run: int) -> bool:
    """Run `run` continues the line of the run before it after a jump of 1-3 columns (markup removed)."""
    if spans.lines[run] != spans.lines[run - 1]:
        return False
    jump = spans.columns[run] - (spans.columns[run - 1] + spans.starts[run] - spans.starts[run - 1])
    return 1 <= jump <= 3


def _clean(name: str) -> str:
    """A name without markup, an owner's possessive ("Farahani's X") or a trailing kind noun."""
    name = name.strip(" `*_\"'“”.,;:()")
    name = re.sub(r"^[A-Z][\w-]{0,30}'s\s+", "", name)
    return without_kind_noun(name)


def is_family_name(name: str, subject: str | None) -> bool:
    """A bare family name ("T5", "GPT-J") that the card's model is named after, with a size or variant
    ("ke-t5-base", "GPT-J-6B-Skein"): the family, not the checkpoint the model was trained from."""
    if "/" in name or VARIANT.search(name) or size_of(name) is not None:
        return False
    family = normalise(name)
    for own in subject_names(subject)[:1]:
        words = [normalise(word) for word in re.split(r"[\s_.-]+", own)]
        joined = [
            "".join(words[start:stop])
            for start in range(len(words))
            for stop in range(start + 1, len(words) + 1)
        ]
        if family in joined and (VARIANT.search(own) or size_of(own) is not None):
            return True
    return False


# Lineage that goes on pre-training the base rather than fine-tuning it: the new run is a pre-training run.
_CONTINUES_PRE_TRAINING = compile_pattern(
    r"\bcontinu\w{0,5}\s+(?:the\s+)?(?:pre-?)?train\w{0,3}|\bfurther\s+(?:pre-?)?train\w{0,3}"
    r"|\bexpansion\s+of|\bup-?scal\w{0,4}|\binitiali[sz]\w{1,5}\b|\bwarm[- ]?start\w{0,3}|\bpruned\s+from"
    r"|\bpre-?train\w{0,3}\s+(?:with|from|on\s+top\s+of)\b|进一步(?:预)?训练|继续(?:预)?训练|增量预训练|二次预训练",
    re.IGNORECASE,
)
_FINE_TUNES = compile_pattern(
    r"fine[- ]?tun|finetun|instruction[- ]tun|\bSFT\b|\bRLHF\b|\bDPO\b|\bLoRA\b|微调|指令", re.IGNORECASE
)


def continues_pre_training(text: str) -> bool:
    """Whether the words that name a base say the card's run pre-trained it further ("an expansion of X,
    further trained on code", "initialized with X and further pre-trained") rather than fine-tuned it:
    figures that name no stage then belong to pre-training, as the labels file them."""
    return bool(_CONTINUES_PRE_TRAINING.search(text)) and not _FINE_TUNES.search(text)


def related_bases(block: Block, start: int, end: int, subject: str | None) -> list[tuple[str, int, int]]:
    """The Hub models a `Related Models: ...` value links that the card's model is named after
    ("[GPT-J 6B](.../EleutherAI/gpt-j-6B)" in the card of GPT-J-6B-Skein): its base. Siblings the value
    lists ("[yolov6s](...)" for yolov6n) are not."""
    own = subject_norms(subject)[:1]
    found = []
    for link in block.links:
        if not start <= link.start < end:
            continue
        name = hub_id(link.url)
        norm = normalise(name.split("/")[-1]) if name else ""
        if name and len(norm) >= 3 and any(mine.startswith(norm) and mine != norm for mine in own):
            found.append((name, link.start, link.end))
    return found


_TOKEN_BREAK = compile_pattern(r"[\s_-]+")


def in_family_spelling(name: str, subject: str | None) -> str:
    """A sibling's name written the way the card's repository names the family: the paper's "CodeGen-Multi
    350M" in the card of codegen-350M-mono is codegen-350M-multi. Only a name of the same words as the
    subject's but one, in another order, with a size or version among the shared words; else `name`."""
    if "/" in name or not subject:
        return name
    own = subject_names(subject)[:1]
    if not own:
        return name
    mine, theirs = _TOKEN_BREAK.split(own[0]), _TOKEN_BREAK.split(name)
    lower_mine, lower_theirs = [word.lower() for word in mine], [word.lower() for word in theirs]
    if len(mine) != len(theirs) or len(mine) < 3 or lower_mine == lower_theirs:
        return name
    only_mine = [word for word in lower_mine if word not in lower_theirs]
    only_theirs = [word for word in lower_theirs if word not in lower_mine]
    shared = [word for word in lower_mine if word in lower_theirs]
    if len(only_mine) != 1 or len(only_theirs) != 1 or not any(re.search(r"\d", word) for word in shared):
        return name
    index = lower_mine.index(only_mine[0])
    swapped = lower_mine[:index] + only_theirs + lower_mine[index + 1 :]
    if swapped == lower_theirs:
        return name  # the same order: the name already reads as the repository writes it
    word = theirs[lower_theirs.index(only_theirs[0])]
    word = word.lower() if mine[index].islower() else word
    separators = _TOKEN_BREAK.findall(own[0])
    parts = [*mine[:index], word, *mine[index + 1 :]]
    return "".join(part + (separators[i] if i < len(separators) else "") for i, part in enumerate(parts))
