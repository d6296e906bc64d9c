"""Figures stated in sentences and in `Key: value` lines of the card body.

Every number is read by the quantity parser; this module decides what it is a figure of, from its unit, the
words around it and the section it sits in. The rules are general (context words, stage words, section
headings), never about one card: inference hardware and user fine-tuning recipes are not training facts, data
sizes in hours of audio are not durations, and a FLOP/s rate is never a FLOP count.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from cardlint.card.document import Card
from cardlint.extract.base_model import base_models_from_value, base_models_in, names_a_base
from cardlint.extract.device_counts import (
    bare_name_count,
    capability,
    device_count,
    generic_count,
    generic_devices,
    listed_devices,
)
from cardlint.extract.hardware_names import find_hardware
from cardlint.extract.key_labels import english_key
from cardlint.extract.kinds import DATASET_SIZE, make_fact
from cardlint.extract.layout import Block, Layout
from cardlint.extract.lineage_phrases import related_bases
from cardlint.extract.quantities import Quantity, find_quantities, find_word_durations, label_scale
from cardlint.extract.stages import hours_by_stage
from cardlint.extract.subject import (
    figure_subject,
    normalise,
    other_subject_name,
    size_of,
    sizes_agree,
    sizes_in,
    subject_norms,
    subject_size,
)
from cardlint.types import Fact

_SENTENCE_END = re.compile(
    r"(?<=[.!?;])\s+(?=[A-Z\[(\"'])|\n(?=\s{0,8}(?:>\s?){0,4}(?:[-*+]|\d{1,3}[.)])\s)|\n\s*\n"
)

_STAGE = re.compile(
    r"(?P<ft>after\s+(?:the\s+)?pre-?training|subsequent\s+(?:training\s+)?stages?|post-?train\w*|fine-?tun\w*"
    r"|finetun\w*|instruction[- ]tun\w*|\bSFT\b|\bRLHF\b|\bDPO\b|\bQ?LoRA\b|supervised|alignment"
    r"|微调|指令|对齐)"
    r"|(?P<pt>(?:continued\s+)?(?:pre-?train\w*|pretrain\w*)(?!\w)(?!\s+(?:models?|checkpoints?|weights)\b)"
    r"|from\s+scratch|预训练)",  # "our pretrained model X" names a base, not the stage a figure is of
    re.IGNORECASE,
)
_TRAINING = re.compile(
    r"train|fine-?tun|compute|hardware|cluster|gpu[- ]hours|spent|\bused\b|utili[sz]|provided|research cloud"
    r"|\bTRC\b|\bTFRC\b|programme|sponsor|supercomputer|\bGPUs:|epochs?|训练|算力",
    re.IGNORECASE,
)
_NEGATIVE_HEADINGS = re.compile(
    r"inference|usage|how to|quick ?start|getting started|deploy|serving|install|requirement|quantiz|example"
    r"|demo|run(?:ning)? (?:the|locally)|speed(?!s?,?\s+sizes)|latency|memory|vram|limitation|bias|citation"
    r"|license|contact"
    r"|evaluation|benchmark|result|performance|use with|use the model|intended use|downstream|comparison"
    r"|compared|\bvs\b|versus",
    re.IGNORECASE,
)
_PLANNED = re.compile(
    r"\bplan(?:s|ned|ning)?\s+to\b|\bwe\s+will\s+(?:train|run|release)|\bwill\s+be\s+(?:trained|run)\b"
    r"|\bupcoming\b|\bin\s+the\s+future\b|\bfuture\s+(?:runs?|models?|versions?|experiments?)\b",
    re.IGNORECASE,
)
# "4 weeks working on this project", "two weeks experimenting": time a person spent, not the run's length
_PERSON_TIME_AFTER = re.compile(
    r"\s{0,3}(?:of\s+)?(?:\w+\s+){0,2}?(?:working|on\s+(?:this|the)\s+project|experiment\w*|research\w*"
    r"|develop\w*|writing|collecting|labell?ing|captioning|curating|tinkering)\b",
    re.IGNORECASE,
)
_DATA_HOURS = re.compile(
    r"^\s{0,3}(?:of\s+)?(?:\w+\s+){0,2}(?:audio|speech|recordings?|transcri\w*|video|labell?ed|unlabell?ed|"
    r"voice|data|multilingual|english|pseudo-labell?ed)",
    re.IGNORECASE,
)
_NOT_TRAINING_TOKENS_BEFORE = re.compile(
    r"context|sequence|window|length|max(?:imum)?|prompt|vocab|batch|limit|input|output|every|image|per\b"
    r"|first|warm-?up|ramp|decay|schedule|last",
    re.IGNORECASE,
)
# "a dataset containing over 1.2 trillion tokens": the figure right after such words is a data size.
_DATA_SIZE_BEFORE = re.compile(
    r"(?:contain\w*|consist\w*\s+of|compris\w*|dataset\s+of|corpus\s+of|totall?ing)\s+"
    r"(?:over|about|approximately|around|roughly|~|more\s+than|nearly)?\s*$",
    re.IGNORECASE,
)
_NOT_TRAINING_TOKENS_AFTER = re.compile(
    r"^\W{0,3}(?:per\s|/\s*s(?:ec)?\b|/|each\b|of\s+context|context|window|limit|long\b|in\s+length)",
    re.IGNORECASE,
)
_DATASET_WORDS = re.compile(
    r"dataset|corpus|contain|consist|comprise|collection|tokeni[sz]ed|\bdump\b|\btexts\b|articles|documents",
    re.IGNORECASE,
)
# "a 100B-token corpus", "1000亿token中文语料": the figure sizes the corpus it describes
_CORPUS_AFTER = re.compile(
    r"\s{0,2}(?:[A-Za-z-]{1,20}\s){0,2}?(?:corpus|corpora|dataset)\b|[\u4e00-\u9fff]{0,4}(?:语料|数据)", re.I
)
_TRAIN_IN_HEADING = re.compile(r"train|训练", re.IGNORECASE)


@functools.lru_cache(maxsize=1024)
def _training_data_section(headings: tuple[str, ...]) -> bool:
    """A section about the training data ("Training Data", "Pre-training corpus"), at any level."""
    return any(_TRAIN_IN_HEADING.search(title) and _DATA_HEADING.search(title) for title in headings)


_TRAIN_VERB = re.compile(r"\btrain(?:ed|ing)?\b|pre-?train|\bsaw\b|\bseen\b|processed", re.IGNORECASE)
_DURATION_CONTEXT = re.compile(
    r"train|took|\bfor\b|time|duration|lasted|over|spent|run|训练|用时|耗时|历时", re.I
)
_RUN_LENGTH_BEFORE = re.compile(
    r"\b(?:took|takes|lasted|spent|in|for|time(?:\s+(?:is|was|of))?)\s{1,2}(?:about|around|approximately|roughly|~)?\s{0,2}$",
    re.IGNORECASE,
)
_HARDWARE_FOLLOWS = re.compile(r"\s{0,2}(?:on|with|using)\s+(?:\d{1,6}\s?[x×]?\s?)?\S", re.IGNORECASE)
_PER_FOLLOWS = re.compile(r"^\s{0,2}(?:/|per\b)", re.IGNORECASE)
_ACTIVE_AFTER = re.compile(
    r"^\s{0,2}(?:of\s+)?(?:activated|active)\b|^\s{0,2}(?:parameters\s+)?(?:are|is|being)\s+(?:activated|active)\b",
    re.IGNORECASE,
)
# "activate only 3.9B parameters", "activating 21B of them": the verb before the figure makes it active.
_ACTIVE_BEFORE = re.compile(
    r"\bactivat(?:e|es|ed|ing)\s+(?:only\s+|just\s+|about\s+|approximately\s+|around\s+|~\s?)?$", re.I
)
_MODEL_AFTER = re.compile(
    r"^[\s-]{0,2}(?:(?:[A-Z][\w.-]{0,30}|base|chat|instruct|dense|parameter|param)\s){0,2}"
    r"(?:model|LLM|language model|version|variant|network|transformer|checkpoint)s?\b",
)
_SIZE_BEFORE = re.compile(r"\b(?:model|parameter)\s+size\s{0,2}(?:of|is|:|=)?\s{0,2}[(\[]?\s{0,2}$", re.I)
_BASE_CONTEXT = re.compile(
    r"fine-?tun\w*\s+(?:of|from|on)|finetuning of|based on|built (?:on|upon)|derived from|distilled from|"
    r"initiali[sz]ed (?:from|with)|compared (?:to|with)|than|\bvs\.?|like|such as|outperform",
    re.IGNORECASE,
)
_POSSESSIVE_BEFORE = re.compile(r"\w's\s{1,2}$")
# `Key: value` lines (model-card templates, spec lists): what each key reports.
_KEY_VALUE = re.compile(
    r"^\s{0,8}(?:[-*+]\s{1,4}|\d{1,2}[.)]\s{1,4})?(?P<key>[^:：\n]{2,90}?)\s{0,3}[:：]\s{0,4}(?P<value>\S.*)$"
)
_KEYS: list[tuple[str, re.Pattern[str]]] = [
    (
        "skip",
        re.compile(
            r"non-?embedding|trainable|batch|vocab|hidden|embedding|context|sequence|layers?\b|heads", re.I
        ),
    ),
    ("active_parameters", re.compile(r"activ\w*\s+param|^activ(?:e|ated)$", re.I)),
    ("parameters", re.compile(r"param|model size|number of weights|^size$", re.I)),
    ("tokens", re.compile(r"tokens", re.I)),
    (
        "device_hours",
        re.compile(
            r"hours used|gpu[- ]hours|compute hours|device[- ]hours|accelerator hours|tpu hours|gpu[- ]time",
            re.I,
        ),
    ),
    ("duration", re.compile(r"training (?:time|duration)|time to train|wall[- ]?clock|duration", re.I)),
    ("training_flop", re.compile(r"flops?\b|training compute|compute \(flop", re.I)),
    ("co2", re.compile(r"carbon|co2|emission", re.I)),
    ("energy", re.compile(r"energy", re.I)),
    (
        "hardware_count",
        re.compile(r"device[_ ]count|num[_ ](?:devices|gpus)|^n[_ ]gpus?$|number of (?:gpus|devices)", re.I),
    ),
    (
        "hardware",
        re.compile(
            r"hardware|^gpus?$|^tpus?$|accelerators?|^compute$|infrastructure|(?:^|_)devices?$|^gpu type",
            re.I,
        ),
    ),
    ("related_models", re.compile(r"^related models?$", re.I)),
    (
        "base_model",
        re.compile(
            r"fine-?tuned from|finetuned from|base model|parent model|initiali[sz]ed from|base checkpoint"
            r"|^teacher(?:\s+model)?$"
            r"|^(?:model\s+)?fine-?tuned$|^pre-?trained model$|foundation model"
            r"|starting (?:point|checkpoint)",
            re.I,
        ),
    ),
]
_NO_INFO = re.compile(r"more information needed|^\s*(?:n/?a|none|unknown|-|tbd|\?)\s*$|\[more", re.IGNORECASE)
_KEY_UNIT = re.compile(
    r"\(\s{0,2}(?:in\s+)?(?P<unit>grams?|g|kg|kilograms?|tons?|tonnes?|t|tco2e?q?|lbs?)\s{0,2}\)", re.I
)
_GRAMS_UNITS = {"g": 1e-6, "gram": 1e-6, "grams": 1e-6, "kg": 1e-3, "kilogram": 1e-3, "kilograms": 1e-3,
                "lb": 0.000453592,
                "lbs": 0.000453592}  # fmt: skip
_HOUR_UNIT = re.compile(r"h|小时|时|時間|시간|min|分", re.IGNORECASE)
_PARENTHESES = re.compile(r"\(([^()\n]{1,40})\)")


def _restated_as_wall_clock(value_text: str, hours: float) -> bool:
    """True when the value repeats its hours as days/weeks in brackets, which only wall-clock time does."""
    for match in _PARENTHESES.finditer(value_text):
        restated = next(find_quantities(match.group(1)), None)
        if (
            restated is not None
            and restated.dimension == "duration"
            and restated.unit_text[:1].lower() != "h"
            and abs(restated.value * 24 - hours) <= max(1.0, 0.05 * hours)
        ):
            return True
    return False


STAGE_UNSTATED = "stage unstated"  # the sentence says neither pre-training nor fine-tuning
CUMULATIVE = "cumulative"  # the sentence sums over something (a family of models, all runs)
_CUMULATIVE_WORDS = re.compile(
    r"cumulative|in aggregate|combined|\btotal\b|all (?:the )?models", re.IGNORECASE
)


def _cumulative(sentence: str) -> str | None:
    return CUMULATIVE if _CUMULATIVE_WORDS.search(sentence) else None


def _notes(*notes: str | None) -> str | None:
    kept = [note for note in notes if note]
    return "; ".join(kept) if kept else None


@dataclass
class _Context:
    card: Card
    path: str
    subject: str | None
    subject_size: float | None


def prose_facts(card: Card, layout: Layout, *, path: str, subject: str | None) -> list[Fact]:
    """Facts from paragraphs, list items and `Key: value` lines (tables and code are read elsewhere)."""
    context = _Context(card, path, subject, subject_size(subject))
    facts: list[Fact] = []
    for block in layout.blocks:
        if not any(ch.isdigit() for ch in block.text) and not _has_words_of_interest(block.text):
            continue
        block_facts: list[Fact] = []
        carried: str | None = None
        for start, end in sentences(block.text):
            produced, carried = _carry_subject(
                context, block.text[start:end], list(_sentence_facts(context, block, start, end)), carried
            )
            block_facts.extend(produced)
            block_facts.extend(_stage_sums(block.text[start:end], produced, _JOINED, _SUMMED_KINDS[:2]))
        sibling = sibling_in_headings(block.headings, subject)
        if sibling is not None:
            block_facts = [
                replace(fact, subject=sibling) if fact.subject is None else fact for fact in block_facts
            ]
        facts.extend(block_facts)
        facts.extend(_stage_sums(block.text, block_facts))
    return facts


COMPUTE_KINDS = frozenset(
    {
        "hardware_type", "hardware_count", "device_hours", "fine_tune_device_hours", "training_duration_days",
        "training_tokens", "fine_tune_tokens", "co2_tonnes", "energy_mwh", "training_flop",
    }
)  # fmt: skip
# The sentence speaks of the card's own run ("We trained ...", "this model was ...")
_OWN_MARKER = re.compile(r"\b(?:we|our|us|this\s+(?:model|checkpoint|version|work))\b|我们|本模型", re.I)


def _carry_subject(
    ctx: _Context, sentence: str, produced: list[Fact], carried: str | None
) -> tuple[list[Fact], str | None]:
    """ "The 175B model was trained on 992 A100s. The training duration was ~33 days": a sentence that goes on
    about the run the previous one gave to another model, without a word for the card's own model, keeps that
    model. Returns the sentence's facts and the model carried on to the next sentence."""
    own = [fact for fact in produced if fact.subject is None and fact.kind in COMPUTE_KINDS]
    others = {fact.subject for fact in produced if fact.subject is not None and fact.kind in COMPUTE_KINDS}
    if others:
        return produced, others.pop() if len(others) == 1 and not own else None
    if not own:
        return produced, carried
    if carried is None or _OWN_MARKER.search(sentence) or _names_own_model(ctx, sentence):
        return produced, None
    own_ids = {id(fact) for fact in own}
    moved = [replace(fact, subject=carried) if id(fact) in own_ids else fact for fact in produced]
    return moved, carried


def _names_own_model(ctx: _Context, sentence: str) -> bool:
    """The sentence names the card's model, or its size ("Kite 8B was trained on ...")."""
    if _names_subject_before(ctx, sentence, len(sentence)):
        return True
    own_size = ctx.subject_size
    return own_size is not None and any(sizes_agree(size, own_size) for size, _s, _e in sizes_in(sentence))


_VARIANT_WORDS = {
    "mini", "mega", "small", "large", "xl", "xxl", "tiny", "medium", "lite", "pro", "plus", "max", "ultra",
    "turbo",
}  # fmt: skip


_MAX_NAME_HEADING_WORDS = (
    8  # a longer heading is a sentence ("Use v4 models, not v4b, unless ..."), not a name
)


def sibling_in_headings(headings: tuple[str, ...], subject: str | None) -> str | None:
    """The name of another member of the subject's family when a section heading names one ("DALL·E Mega
    Estimated Emissions" in the DALL·E Mini card), else None."""
    if not subject or not headings:
        return None
    name = subject.split("/")[-1]
    tokens = [normalise(token) for token in re.split(r"[-_. ]+", name) if normalise(token)]
    if not tokens or len(tokens[0]) < 3:
        return None
    family, own = tokens[0], normalise(name)
    own_size = subject_size(subject)
    # names as specific as the first one (a bare family title like `# Llama 2` would match every sibling)
    own_names = [alias for alias in subject_norms(subject) if len(alias) >= len(own)]
    for title in reversed(headings):
        flat = normalise(title)
        if family not in flat or any(name in flat for name in own_names):
            continue
        if len(title.split()) > _MAX_NAME_HEADING_WORDS:
            continue
        words = {normalise(word) for word in re.split(r"[\s\-_.·:]+", title)}
        variant = (words & _VARIANT_WORDS) - set(tokens)
        sizes = [size for size in (size_of(word) for word in title.split()) if size is not None]
        other_size = own_size is not None and sizes and not any(sizes_agree(size, own_size) for size in sizes)
        if variant or other_size:
            return other_subject_name(title)
    return None


_ADDITIVE = re.compile(
    r"\badditional\b|\banother\b|\bfurther\b|\bplus\b|\bthen\b"
    r"|\b(?:phase|stage)\s+(?:2|two|II)\b|\bsecond\s+(?:phase|stage)\b",  # "In phase 1 ... In phase 2 ..."
    re.IGNORECASE,
)


# "2K GPU hours for SFT and 600 GPU hours for DPO": one sentence joining figures of one stage states a total
_JOINED = re.compile(r"\band\b|\bplus\b|\s\+\s|以及|和", re.IGNORECASE)
_SUMMED_KINDS = ("device_hours", "fine_tune_device_hours", "training_tokens", "fine_tune_tokens")


def _stage_sums(
    text: str,
    facts: list[Fact],
    additive: re.Pattern[str] = _ADDITIVE,
    kinds: tuple[str, ...] = _SUMMED_KINDS,
) -> Iterator[Fact]:
    """A paragraph that adds stages up ("10 GPU hours ..., while 60 ... An additional 100 ...") implies a
    total; so does one sentence joining device-hours of one stage with "and"."""
    if not additive.search(text):
        return
    for kind in kinds:
        parts = [fact for fact in facts if fact.kind == kind and fact.subject is None and not fact.derived]
        values = [float(fact.value) for fact in parts]
        if len(parts) < 2 or len(set(values)) < len(values):
            continue
        first = parts[0]
        total = "sum of " + " + ".join(f"{value:g}" for value in values)
        yield replace(
            first, value=sum(values), derived=True, note=f"{first.note}; {total}" if first.note else total
        )


_INTEREST = re.compile(
    r"tpu|gpu|rdu|trillium|gaudi|trainium|fine-?tun|based on|built on|derived from|distill|from\b"
    r"|\bdays?\b|\bweeks?\b|\bmonths?\b",
    re.I,
)


def _has_words_of_interest(text: str) -> bool:
    return _INTEREST.search(text) is not None or names_a_base(text)


_MAX_SENTENCE = 1000  # longer runs without a full stop are cut, so context look-ups stay bounded
_BREAK = re.compile(r"[,;]\s|\s")


def sentences(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each sentence of a block's text, at most _MAX_SENTENCE characters long."""
    start = 0
    for match in _SENTENCE_END.finditer(text):
        yield from _bounded(text, start, match.start())
        start = match.end()
    yield from _bounded(text, start, len(text))


def _bounded(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while end - start > _MAX_SENTENCE:
        cut = _BREAK.search(text, start + _MAX_SENTENCE * 4 // 5, start + _MAX_SENTENCE)
        stop = cut.end() if cut else start + _MAX_SENTENCE
        yield start, stop
        start = stop
    yield start, end


@functools.lru_cache(maxsize=1024)
def _negative_section(headings: tuple[str, ...]) -> bool:
    """Asked once per sentence, the same for every sentence of a block: remembered."""
    return any(_NEGATIVE_HEADINGS.search(title) for title in headings)


def _sentence_facts(ctx: _Context, block: Block, start: int, end: int) -> Iterator[Fact]:
    sentence = block.text[start:end]
    if not sentence.strip():
        return
    key_value = _KEY_VALUE.match(sentence)
    if key_value and len(key_value.group("key").split()) <= 10:
        produced = list(_key_value_facts(ctx, block, start, key_value))
        if produced:
            yield from produced
            return
    if _PLANNED.search(sentence):
        return  # "We plan to train a 7B model on 2T tokens": a plan, not a run
    negative_section = _negative_section(block.headings)
    yield from _quantity_facts(ctx, block, start, sentence, negative_section)
    yield from _hardware_facts(ctx, block, start, sentence, negative_section)
    yield from _word_duration_facts(ctx, block, start, sentence)
    if not negative_section:
        for name, begin, finish in base_models_in(block, start, sentence, ctx.subject):
            yield _fact(ctx, block, "base_model", name, begin, finish)
            break


def _fact(
    ctx: _Context, block: Block, kind: str, value: float | str, begin: int, finish: int, **flags: Any
) -> Fact:
    line, column = block.where(begin)
    return make_fact(
        kind,
        value,
        path=ctx.path,
        line=line,
        column=column,
        origin=block.origin if block.origin != "prose" else "prose",
        quote=block.quote(ctx.card, begin, finish),
        **flags,
    )


@functools.lru_cache(maxsize=64)
def stage_marks(sentence: str) -> tuple[list[int], list[str]]:
    """Where the sentence's stage words start and which stage each names: found once per sentence, not
    once per figure (a sentence holds many figures, up to _MAX_SENTENCE characters)."""
    starts: list[int] = []
    stages: list[str] = []
    for match in _STAGE.finditer(sentence):
        starts.append(match.start())
        stages.append("ft" if match.group("ft") else "pt")
    return starts, stages


def stage_of(sentence: str, position: int, headings: tuple[str, ...]) -> str:
    """'ft' or 'pt': the stage word nearest before the figure, else the nearest after, else the headings."""
    starts, stages = stage_marks(sentence)
    if starts:
        index = bisect.bisect_left(starts, position)
        return stages[index - 1] if index > 0 else stages[0]
    for title in reversed(headings):
        found = _STAGE.search(title)
        if found:
            return "ft" if found.group("ft") else "pt"
    return "unstated"


def _flags(quantity: Quantity) -> dict[str, Any]:
    return {
        "derived": quantity.parts > 1,
        "approximate": quantity.approximate,
        "lower_bound": quantity.lower_bound,
        "ambiguous": quantity.ambiguous,
    }


def _other_subject(ctx: _Context, sentence: str, position: int, value: float | None) -> str | None:
    """None when a figure in this sentence is about the card's model, else a name for the model it is
    about (one decision for every origin: see subject.figure_subject)."""
    return figure_subject(ctx.subject, sentence, position, value)


_LOCAL_BREAK = re.compile(r"\bin\s+total\b|\btotal\s+of\b|\(\s{0,2}total\b|,\s{0,2}total\b", re.IGNORECASE)


def _local_before(before: str) -> str:
    """The words before a figure back to the nearest "in total": "a batch size of 64 (in total 33B tokens)"
    describes the 33B by "in total", not by "batch"; "a batch of 2M (2,097,152 tokens)" stays a batch."""
    ends = [match.end() for match in _LOCAL_BREAK.finditer(before)]
    return before[ends[-1] :] if ends else before


_WORD = re.compile(r"[\w.-]{3,}")


def _names_subject_before(ctx: _Context, sentence: str, position: int) -> bool:
    """The sentence names the card's model before the figure ("Aria has 25.3B total parameters")."""
    if not ctx.subject:
        return False
    own = set(subject_norms(ctx.subject))
    return any(normalise(word) in own for word in _WORD.findall(sentence[:position]))


def _quantity_facts(
    ctx: _Context, block: Block, offset: int, sentence: str, negative: bool
) -> Iterator[Fact]:
    for quantity in find_quantities(sentence):
        before = sentence[max(0, quantity.start - 40) : quantity.start]
        after = sentence[quantity.end : quantity.end + 60]
        begin, finish = offset + quantity.start, offset + quantity.end
        dimension = quantity.dimension
        flags = _flags(quantity)
        if dimension == "parameters" or (
            dimension == "count" and quantity.magnitude and _ACTIVE_AFTER.match(after)
        ):
            if quantity.upper_bound:
                continue  # "the best model under 5B parameters" names a class, not a count
            unit = quantity.unit_text.lower()
            if (
                "trainable" in unit
                or "non-embedding" in unit
                or re.search(r"trainable|non-embedding", before, re.I)
            ):
                continue
            if quantity.value < 1e5 or (
                negative
                and ctx.subject_size is None
                and not _names_subject_before(ctx, sentence, quantity.start)
            ):
                continue
            active = "activ" in unit or bool(_ACTIVE_AFTER.match(after) or _ACTIVE_BEFORE.search(before))
            kind = "active_parameters" if active else "parameters"
            subject = None if active else _other_subject(ctx, sentence, quantity.start, quantity.value)
            yield _fact(ctx, block, kind, quantity.value, begin, finish, subject=subject, **flags)
        elif dimension == "count" and quantity.magnitude and _SIZE_BEFORE.search(before):
            # "an extremely small model size (0.4B)", "model size: 1.3B"
            if not 1e6 <= quantity.value <= 1e13 or quantity.upper_bound:
                continue
            subject = _other_subject(ctx, sentence, quantity.start, quantity.value)
            yield _fact(ctx, block, "parameters", quantity.value, begin, finish, subject=subject, **flags)
        elif dimension == "count" and quantity.magnitude and _MODEL_AFTER.match(after):
            if quantity.value < 1e7 or quantity.value > 1e13 or (negative and ctx.subject_size is None):
                continue
            if _POSSESSIVE_BEFORE.search(before) or _BASE_CONTEXT.search(sentence):
                continue
            if ctx.subject_size is None or not sizes_agree(quantity.value, ctx.subject_size):
                continue
            yield _fact(ctx, block, "parameters", quantity.value, begin, finish, **flags)
        elif dimension == "tokens":
            if quantity.value < 1e6 or _NOT_TRAINING_TOKENS_BEFORE.search(_local_before(before)):
                continue
            if _NOT_TRAINING_TOKENS_AFTER.match(after):
                continue
            # "## Training data ... The data consists of 71.7B tokens": the size of the training data
            training_data = bool(_DATA_SIZE_BEFORE.search(before)) and _training_data_section(block.headings)
            if _DATASET_WORDS.search(sentence) and not _TRAIN_VERB.search(sentence) and not training_data:
                continue
            # "trained on X, a dataset containing ~300B tokens": the data's size, a stand-in for tokens seen
            sized = bool(_DATA_SIZE_BEFORE.search(before) and _DATASET_WORDS.search(before))
            data_size = training_data or sized or bool(_CORPUS_AFTER.match(after))
            stage = stage_of(sentence, quantity.start, block.headings)
            kind = "fine_tune_tokens" if stage == "ft" else "training_tokens"
            subject = _other_subject(ctx, sentence, quantity.start, None)
            note = _notes(
                STAGE_UNSTATED if stage == "unstated" else None, DATASET_SIZE if data_size else None
            )
            yield _fact(ctx, block, kind, quantity.value, begin, finish, subject=subject, note=note, **flags)
        elif dimension == "device_hours":
            if _PER_FOLLOWS.match(after) or quantity.value <= 0:
                continue
            stage = stage_of(sentence, quantity.start, block.headings)
            kind = "fine_tune_device_hours" if stage == "ft" else "device_hours"
            subject = _other_subject(ctx, sentence, quantity.start, None)
            note = _notes(STAGE_UNSTATED if stage == "unstated" else None, _cumulative(sentence))
            yield _fact(ctx, block, kind, quantity.value, begin, finish, subject=subject, note=note, **flags)
            for mention in find_hardware(quantity.text):
                yield _fact(ctx, block, "hardware_type", mention.hardware_id, begin, finish, subject=subject)
        elif dimension == "duration":
            if negative or _DATA_HOURS.match(after) or _USER_RECIPE.search(sentence):
                continue
            if _PERSON_TIME_AFTER.match(after):
                continue
            if not _TRAINING.search(sentence) and not training_context(block, offset):
                continue
            if quantity.value > 3650 or quantity.value <= 0:
                continue
            if quantity.unit_text.lower() in ("d", "h") and not (
                _RUN_LENGTH_BEFORE.search(before) or _HARDWARE_FOLLOWS.match(after)
            ):
                continue  # a bare "h" or "d" counts as time only where the words say the run took it
            if re.search(r"\b(?:ago|every|per|each|later|after|before|epoch)\s*$", before, re.I):
                continue
            if re.match(r"\s{0,2}(?:a|per|each|every)\s+(?:day|week|night)\b", after, re.I):
                continue  # "8 hours a day": a rate
            if not _DURATION_CONTEXT.search(before + after) and not _HARDWARE_FOLLOWS.match(after):
                continue
            yield _fact(ctx, block, "training_duration_days", quantity.value, begin, finish, **flags)
        elif dimension == "flop":
            if quantity.value < 1e15 or _PER_FOLLOWS.match(after):
                continue
            yield _fact(ctx, block, "training_flop", quantity.value, begin, finish, **flags)
        elif dimension == "energy":
            if _PER_FOLLOWS.match(after) or before.rstrip().endswith("/") or quantity.value <= 0:
                continue
            yield _fact(ctx, block, "energy_mwh", quantity.value, begin, finish, **flags)
        elif dimension == "power":
            if not 10 <= quantity.value <= 2000 or not re.search(
                r"TDP|power|watt|consum|per (?:gpu|device|chip)", sentence, re.I
            ):
                continue
            yield _fact(ctx, block, "power_watts_per_device", quantity.value, begin, finish, **flags)
        elif dimension == "co2" or (
            dimension == "mass" and re.search(r"co2|carbon|emission", sentence, re.IGNORECASE)
        ):
            if _PER_FOLLOWS.match(after) or quantity.value <= 0:
                continue
            subject = _other_subject(ctx, sentence, quantity.start, None)
            note = _cumulative(sentence)
            yield _fact(
                ctx, block, "co2_tonnes", quantity.value, begin, finish, subject=subject, note=note, **flags
            )


def _hardware_facts(
    ctx: _Context, block: Block, offset: int, sentence: str, negative: bool
) -> Iterator[Fact]:
    mentions = list(find_hardware(sentence))
    named = bool(mentions)
    if not named:
        mentions = list(generic_devices(sentence))  # "trained on 8 GPUs": a count without a type
    if not mentions or negative or _USER_RECIPE.search(sentence):
        return
    counted_until = -1  # "112 A800 servers, each with 8 A800 GPUs": the second name is already counted
    for mention in mentions:
        if _HOURS_AFTER_DEVICE.match(sentence, mention.end):
            continue  # "5000 A100-hours", "2.788M H800 GPU hours": reported with the device-hours figure
        if not _trained_on(sentence, mention.start, mention.end, training_context(block, offset)):
            continue
        if named and capability(sentence, mention):
            continue
        begin, finish = offset + mention.start, offset + mention.end
        subject = _other_subject(ctx, sentence, mention.start, None)
        if named:
            yield _fact(ctx, block, "hardware_type", mention.hardware_id, begin, finish, subject=subject)
        count = device_count(sentence, mention) if named else generic_count(sentence, mention)
        if count is not None and count.start >= counted_until:
            counted_until = count.end
            yield _fact(
                ctx,
                block,
                "hardware_count",
                float(count.value),
                offset + count.start,
                finish,
                subject=subject,
                note=count.note,
            )


_HOURS_AFTER_DEVICE = re.compile(
    r"[\s-]{0,2}(?:(?:GPU|TPU|chip|accelerator)s?[\s-]{0,2})?(?:hours?|hrs?)\b", re.I
)


# Cues around an accelerator name; inference phrases come first so "must be used" is not read as "used".
_CUES = re.compile(
    r"(?P<inference>must be used|or (?:above|higher|newer)|inference|\binfer\b|deploy\w*|serving|\bserve\b"
    r"|to run\b|runs (?:on|in|with)|can run|running (?:on|it|locally)|latency|throughput|quantiz\w*"
    r"|\bint[48]\b|minimum|requirements?|requires?|required|load the model|consumer[- ]grade|benchmark\w*"
    r"|memory usage|\btested\b|\btesting\b|fits? (?:in|into|on)\b|推理|部署|显存)"
    r"|(?P<training>train\w*|pre-?train\w*|fine-?tun\w*|\bcompute\b|hardware|cluster|gpu[- ]hours|spent"
    r"|\bused\b"
    r"|utili[sz]\w*|provided|research cloud|\bTRC\b|\bTFRC\b|programme|sponsor\w*|supercomputer|epochs?"
    r"|\bGPUs:|训练|算力)",
    re.IGNORECASE,
)
# Sentences that tell readers what they can do with the model are never about how it was trained.
# ("thanks to the support of a programme" is a sponsor, not a feature)
_USER_RECIPE = re.compile(
    r"you can|your own|\busers?\b|we (?:now )?support|\bsupports?\b(?!\s+(?:of|from|by)\b)", re.IGNORECASE
)


# A sentence without a cue of its own ("Learned about 30 days on 2 A6000") is read in the light of its section
_TRAINING_HEADING = re.compile(r"train|hardware|compute|infrastructure|训练", re.IGNORECASE)
_DATA_HEADING = re.compile(r"\bdata|corpus|dataset", re.IGNORECASE)


@functools.lru_cache(maxsize=1024)
def training_section(headings: tuple[str, ...]) -> bool:
    """Whether the nearest heading that says anything about training is about the run (not its data)."""
    for title in reversed(headings):
        if _TRAINING_HEADING.search(title):
            return not _DATA_HEADING.search(title)
    return False


def training_context(block: Block, offset: int) -> bool:
    """For a sentence without a cue of its own: the last cue earlier in its paragraph ("... to be pre-trained
    on PubMed. We use 32 A100 GPUs for about 7 days."), else the section it sits in."""
    last = None
    for match in _CUES.finditer(block.text, max(0, offset - 300), offset):
        last = match
    if last is not None:
        return last.group("training") is not None
    return training_section(block.headings)


def _trained_on(sentence: str, start: int, end: int, context: bool) -> bool:
    """The cue nearest before the accelerator name decides (training or inference); without one, the nearest
    cue after it; without either, the sentence's cues (all of them training ones); without any cue, the
    `context` of the sentence (`training_context`)."""
    before = None
    for match in _CUES.finditer(sentence, max(0, start - 150), start):
        before = match
    if before is not None:
        return before.group("training") is not None
    after = _CUES.search(sentence, end, min(len(sentence), end + 80))
    if after is not None:
        return after.group("training") is not None
    cues = list(_CUES.finditer(sentence))
    if not cues:
        return context
    return all(match.group("training") for match in cues)


def _word_duration_facts(ctx: _Context, block: Block, offset: int, sentence: str) -> Iterator[Fact]:
    if not re.search(r"train", sentence, re.IGNORECASE) and not training_context(block, offset):
        return
    if _USER_RECIPE.search(sentence):
        return  # "you should be able to train your own ... in less than a day"
    for quantity in find_word_durations(sentence):
        before = sentence[max(0, quantity.start - 30) : quantity.start]
        if not re.search(r"took|for|over|in|lasted|about|roughly|approximately|around|~", before, re.I):
            continue
        if re.search(r"(?:hours?|times?|steps?|epochs?)\s*$", before, re.I):
            continue  # "8 hours a day": a rate, not the run's length
        if _PERSON_TIME_AFTER.match(sentence, quantity.end):
            continue
        if re.match(r"\s{0,2}(?:a|per|each|every)\s+(?:day|week|night)\b", sentence[quantity.end :], re.I):
            continue
        begin, finish = offset + quantity.start, offset + quantity.end
        approximate = quantity.approximate or bool(re.search(r"roughly|about|around|~", before, re.I))
        yield _fact(
            ctx, block, "training_duration_days", quantity.value, begin, finish, approximate=approximate
        )


def _key_value_facts(ctx: _Context, block: Block, offset: int, match: re.Match[str]) -> Iterator[Fact]:
    key = english_key(match.group("key").strip().strip("*_ ").lower())
    value_text = match.group("value")
    value_start = offset + match.start("value")
    if _NO_INFO.search(value_text):
        return
    kind = None
    for name, pattern in _KEYS:
        if pattern.search(key):
            kind = name
            break
    if kind is None or kind == "skip":
        return
    quantities = list(find_quantities(value_text))
    if not quantities and kind in ("device_hours", "duration"):
        quantities = list(find_word_durations(value_text))  # "Hours used: Two days."
    first = quantities[0] if quantities else None
    if kind == "training_flop" and any(quantity.dimension == "device_hours" for quantity in quantities):
        kind = "device_hours"  # "Training compute: 147K H100 hours": the value's unit says what it is

    def at(quantity: Quantity) -> tuple[int, int]:
        return value_start + quantity.start, value_start + quantity.end

    scale = label_scale(key) if first is not None and not first.magnitude else None
    if scale is not None and first is not None and kind in ("parameters", "active_parameters", "tokens"):
        first = replace(first, value=first.value * scale, magnitude=True)  # "Params (M): 66.3"
    if kind in ("parameters", "active_parameters"):
        if first is None or first.dimension not in ("count", "parameters") or first.value < 1e5:
            return
        value = first.value
        if not first.magnitude and first.dimension == "count" and first.value < 1e5:
            return
        subject = None if kind == "active_parameters" else _other_subject(ctx, value_text, first.start, value)
        yield _fact(ctx, block, kind, value, *at(first), subject=subject, **_flags(first))
    elif kind == "tokens":
        if first is None or first.dimension not in ("count", "tokens") or first.value < 1e6:
            return
        if re.search(r"context|sequence|per|batch|max", key):
            return
        stage = "ft" if _STAGE.search(key) and _STAGE.search(key).group("ft") else "pt"  # type: ignore[union-attr]
        kind_name = "fine_tune_tokens" if stage == "ft" else "training_tokens"
        yield _fact(ctx, block, kind_name, first.value, *at(first), **_flags(first))
    elif kind == "device_hours":
        parts = hours_by_stage(value_text, block.headings)
        for part in parts:
            flags = {**_flags(part.first), "derived": part.derived or part.first.parts > 1}
            note = _notes(part.note, _cumulative(value_text))
            yield _fact(ctx, block, part.kind, part.value, *at(part.first), note=note, **flags)
        if parts:
            return
        if first is None or first.dimension not in ("count", "device_hours", "duration"):
            return
        hours = first.value * 24 if first.dimension == "duration" else first.value
        if first.dimension == "duration" and not _HOUR_UNIT.match(first.unit_text):
            # "Hours used: Two days", "3 weeks": a calendar span is wall-clock time; device-hours follow
            # from it and a device count (derived.py)
            yield _fact(ctx, block, "training_duration_days", first.value, *at(first), **_flags(first))
            return
        if _restated_as_wall_clock(value_text, hours):
            # "72 (3 days)", "336 hours (2 weeks)": the hours are wall-clock time, not device-hours
            yield _fact(ctx, block, "training_duration_days", hours / 24, *at(first), **_flags(first))
            return
        yield _fact(
            ctx, block, "device_hours", hours, *at(first), note=_cumulative(value_text), **_flags(first)
        )
    elif kind == "duration":
        if first is None or first.dimension != "duration":
            return
        yield _fact(ctx, block, "training_duration_days", first.value, *at(first), **_flags(first))
        yield from _value_hardware(
            ctx, block, value_start, value_text
        )  # "Training time: 12 hours on 2x A100"
    elif kind == "training_flop":
        if first is None or first.dimension not in ("count", "flop") or first.value < 1e15:
            return
        yield _fact(ctx, block, "training_flop", first.value, *at(first), **_flags(first))
    elif kind == "co2":
        if first is None:
            return
        if first.dimension in ("co2", "mass"):
            tonnes = first.value
        elif first.dimension == "count":
            unit = _KEY_UNIT.search(key)
            if unit is None:
                return
            tonnes = first.value * _GRAMS_UNITS.get(unit.group("unit").lower(), 1.0)
        else:
            return
        yield _fact(
            ctx, block, "co2_tonnes", tonnes, *at(first), note=_cumulative(value_text), **_flags(first)
        )
    elif kind == "energy":
        if first is None or first.dimension != "energy":
            return
        yield _fact(ctx, block, "energy_mwh", first.value, *at(first), **_flags(first))
    elif kind == "hardware":
        yield from _value_hardware(ctx, block, value_start, value_text)
    elif kind == "hardware_count":
        if first is not None and first.dimension == "count" and not first.magnitude and first.value >= 1:
            yield _fact(ctx, block, "hardware_count", first.value, *at(first))
    elif kind == "related_models":
        for name, begin, finish in related_bases(
            block, value_start, offset + match.end("value"), ctx.subject
        ):
            yield _fact(ctx, block, "base_model", name, begin, finish)
    elif kind == "base_model":
        for name, begin, finish in base_models_from_value(
            block, value_start, offset + match.end("value"), ctx.subject
        ):
            yield _fact(ctx, block, "base_model", name, begin, finish)


def _value_hardware(ctx: _Context, block: Block, value_start: int, value_text: str) -> Iterator[Fact]:
    """The accelerator a `Key: value` line's value names first, and its count (stated, or a list of names)."""
    mentions = list(find_hardware(value_text))
    if not mentions:
        return
    mention = mentions[0]
    begin, finish = value_start + mention.start, value_start + mention.end
    yield _fact(ctx, block, "hardware_type", mention.hardware_id, begin, finish)
    count = device_count(value_text, mention)
    if count is not None:
        start = value_start + count.start
        yield _fact(ctx, block, "hardware_count", float(count.value), start, finish, note=count.note)
        return
    line_end = block.text.find("\n", value_start)  # a list of names may hold "; " sentence breaks
    listed = listed_devices(block.text[value_start : line_end if line_end >= 0 else len(block.text)])
    if listed is not None:
        yield _fact(ctx, block, "hardware_count", float(listed), begin, finish, note="devices listed")
        return
    bare = bare_name_count(value_text, mention)
    if bare is not None:
        yield _fact(ctx, block, "hardware_count", 1.0, begin, finish, note=bare.note)


def key_value_block_facts(card: Card, block: Block, *, path: str, subject: str | None) -> list[Fact]:
    """Facts of a prepared `key: value` block (a row of a two-column table)."""
    context = _Context(card, path, subject, subject_size(subject))
    match = _KEY_VALUE.match(block.text)
    if match is None:
        return []
    return list(_key_value_facts(context, block, 0, match))
