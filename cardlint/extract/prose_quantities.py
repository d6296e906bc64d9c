"""Figures a sentence states with a unit (parameters, tokens, device-hours, durations, FLOP, energy, CO2) and
durations in words: the unit says the dimension, the words around the figure say whether it is of the
card's training run."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from cardlint.core.regex_store import compile_pattern
from cardlint.extract.hardware_names import find_hardware
from cardlint.extract.kinds import DATASET_SIZE
from cardlint.extract.layout import Block
from cardlint.extract.prose_context import (
    STAGE_UNSTATED,
    ProseContext,
    cumulative_note,
    join_notes,
    local_before,
    names_subject_before,
    other_subject,
    prose_fact,
    quantity_flags,
)
from cardlint.extract.quantities import find_quantities, find_word_durations
from cardlint.extract.sentences import stage_of
from cardlint.extract.subject import (
    sizes_agree,
)
from cardlint.extract.training_cues import DATA_HEADING, USER_RECIPE, training_context
from cardlint.types import Fact

_TRAINING = compile_pattern(
    r"train|fine-?tun|compute|hardware|cluster|gpu[- ]hours|spent|\bused\b|utili[sz]|provided|research cloud"
    r"|\bTRC\b|\bTFRC\b|programme|sponsor|supercomputer|\bGPUs:|epochs?|训练|算力",
    re.IGNORECASE,
)


# "4 weeks working on this project", "two weeks experimenting": time a person spent, not the run's length
_PERSON_TIME_AFTER = compile_pattern(
    r"\s{0,3}(?:of\s+)?(?:\b\w+\s+){0,2}?(?:working|on\s+(?:this|the)\s+project|experiment\w*|research\w*"
    r"|develop\w*|writing|collecting|labell?ing|captioning|curating|tinkering)\b",
    re.IGNORECASE,
)


_DATA_HOURS = compile_pattern(
    r"^\s{0,3}(?:of\s+)?(?:\w+\s+){0,2}(?:audio|speech|recordings?|transcri\w*|video|labell?ed|unlabell?ed|"
    r"voice|data|multilingual|english|pseudo-labell?ed)",
    re.IGNORECASE,
)


_NOT_TRAINING_TOKENS_BEFORE = compile_pattern(
    r"context|sequence|window|length|max(?:imum)?|prompt|vocab|batch|limit|input|output|every|image|per\b"
    r"|first|warm-?up|ramp|decay|schedule|last",
    re.IGNORECASE,
)


# "a dataset containing over 1.2 trillion tokens": the figure right after such words is a data size.
_DATA_SIZE_BEFORE = compile_pattern(
    r"(?:contain\w*|consist\w*\s+of|compris\w*|dataset\s+of|corpus\s+of|totall?ing)\s+"
    r"(?:over|about|approximately|around|roughly|~|more\s+than|nearly)?\s*$",
    re.IGNORECASE,
)


_NOT_TRAINING_TOKENS_AFTER = compile_pattern(
    r"^\W{0,3}(?:per\s|/\s*s(?:ec)?\b|/|each\b|of\s+context|context|window|limit|long\b|in\s+length)",
    re.IGNORECASE,
)


_DATASET_WORDS = compile_pattern(
    r"dataset|corpus|contain|consist|comprise|collection|tokeni[sz]ed|\bdump\b|\btexts\b|articles|documents",
    re.IGNORECASE,
)


# "a 100B-token corpus", "1000亿token中文语料": the figure sizes the corpus it describes
_CORPUS_AFTER = compile_pattern(
    r"\s{0,2}(?:[A-Za-z-]{1,20}\s){0,2}?(?:corpus|corpora|dataset)\b|[\u4e00-\u9fff]{0,4}(?:语料|数据)", re.I
)


_TRAIN_IN_HEADING = compile_pattern(r"train|训练", re.IGNORECASE)


@functools.lru_cache(maxsize=1024)
def _training_data_section(headings: tuple[str, ...]) -> bool:
    """A section about the training data ("Training Data", "Pre-training corpus"), at any level."""
    return any(_TRAIN_IN_HEADING.search(title) and DATA_HEADING.search(title) for title in headings)


_TRAIN_VERB = compile_pattern(r"\btrain(?:ed|ing)?\b|pre-?train|\bsaw\b|\bseen\b|processed", re.IGNORECASE)


_DURATION_CONTEXT = compile_pattern(
    r"train|took|\bfor\b|time|duration|lasted|over|spent|run|训练|用时|耗时|历时", re.I
)


_RUN_LENGTH_BEFORE = compile_pattern(
    r"\b(?:took|takes|lasted|spent|in|for|time(?:\s+(?:is|was|of))?)\s{1,2}(?:about|around|approximately|roughly|~)?\s{0,2}$",
    re.IGNORECASE,
)


_HARDWARE_FOLLOWS = compile_pattern(r"\s{0,2}(?:on|with|using)\s+(?:\d{1,6}\s?[x×]?\s?)?\S", re.IGNORECASE)


_PER_FOLLOWS = compile_pattern(r"^\s{0,2}(?:/|per\b)", re.IGNORECASE)


_ACTIVE_AFTER = compile_pattern(
    r"^\s{0,2}(?:of\s+)?(?:activated|active)\b|^\s{0,2}(?:parameters\s+)?(?:are|is|being)\s+(?:activated|active)\b",
    re.IGNORECASE,
)


# "activate only 3.9B parameters", "activating 21B of them": the verb before the figure makes it active.
_ACTIVE_BEFORE = compile_pattern(
    r"\bactivat(?:e|es|ed|ing)\s+(?:only\s+|just\s+|about\s+|approximately\s+|around\s+|~\s?)?$", re.I
)


_MODEL_AFTER = compile_pattern(
    r"^[\s-]{0,2}(?:(?:[A-Z][\w.-]{0,30}|base|chat|instruct|dense|parameter|param)\s){0,2}"
    r"(?:model|LLM|language model|version|variant|network|transformer|checkpoint)s?\b",
)


_SIZE_BEFORE = compile_pattern(
    r"\b(?:model|parameter)\s+size\s{0,2}(?:of|is|:|=)?\s{0,2}[(\[]?\s{0,2}$", re.I
)


_BASE_CONTEXT = compile_pattern(
    r"fine-?tun\w*\s+(?:of|from|on)|finetuning of|based on|built (?:on|upon)|derived from|distilled from|"
    r"initiali[sz]ed (?:from|with)|compared (?:to|with)|than|\bvs\.?|like|such as|outperform",
    re.IGNORECASE,
)


_POSSESSIVE_BEFORE = compile_pattern(r"\w's\s{1,2}$")


def quantity_facts(
    ctx: ProseContext, block: Block, offset: int, sentence: str, negative: bool
) -> Iterator[Fact]:
    for quantity in find_quantities(sentence):
        before = sentence[max(0, quantity.start - 40) : quantity.start]
        after = sentence[quantity.end : quantity.end + 60]
        begin, finish = offset + quantity.start, offset + quantity.end
        dimension = quantity.dimension
        flags = quantity_flags(quantity)
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
                and not names_subject_before(ctx, sentence, quantity.start)
            ):
                continue
            active = "activ" in unit or bool(_ACTIVE_AFTER.match(after) or _ACTIVE_BEFORE.search(before))
            kind = "active_parameters" if active else "parameters"
            subject = None if active else other_subject(ctx, sentence, quantity.start, quantity.value)
            yield prose_fact(ctx, block, kind, quantity.value, begin, finish, subject=subject, **flags)
        elif dimension == "count" and quantity.magnitude and _SIZE_BEFORE.search(before):
            # "an extremely small model size (0.4B)", "model size: 1.3B"
            if not 1e6 <= quantity.value <= 1e13 or quantity.upper_bound:
                continue
            subject = other_subject(ctx, sentence, quantity.start, quantity.value)
            yield prose_fact(
                ctx, block, "parameters", quantity.value, begin, finish, subject=subject, **flags
            )
        elif dimension == "count" and quantity.magnitude and _MODEL_AFTER.match(after):
            if quantity.value < 1e7 or quantity.value > 1e13 or (negative and ctx.subject_size is None):
                continue
            if _POSSESSIVE_BEFORE.search(before) or _BASE_CONTEXT.search(sentence):
                continue
            if ctx.subject_size is None or not sizes_agree(quantity.value, ctx.subject_size):
                continue
            yield prose_fact(ctx, block, "parameters", quantity.value, begin, finish, **flags)
        elif dimension == "tokens":
            if quantity.value < 1e6 or _NOT_TRAINING_TOKENS_BEFORE.search(local_before(before)):
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
            subject = other_subject(ctx, sentence, quantity.start, None)
            note = join_notes(
                STAGE_UNSTATED if stage == "unstated" else None, DATASET_SIZE if data_size else None
            )
            yield prose_fact(
                ctx, block, kind, quantity.value, begin, finish, subject=subject, note=note, **flags
            )
        elif dimension == "device_hours":
            if _PER_FOLLOWS.match(after) or quantity.value <= 0:
                continue
            stage = stage_of(sentence, quantity.start, block.headings)
            kind = "fine_tune_device_hours" if stage == "ft" else "device_hours"
            subject = other_subject(ctx, sentence, quantity.start, None)
            note = join_notes(STAGE_UNSTATED if stage == "unstated" else None, cumulative_note(sentence))
            yield prose_fact(
                ctx, block, kind, quantity.value, begin, finish, subject=subject, note=note, **flags
            )
            for mention in find_hardware(quantity.text):
                yield prose_fact(
                    ctx, block, "hardware_type", mention.hardware_id, begin, finish, subject=subject
                )
        elif dimension == "duration":
            if negative or _DATA_HOURS.match(after) or USER_RECIPE.search(sentence):
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
            yield prose_fact(ctx, block, "training_duration_days", quantity.value, begin, finish, **flags)
        elif dimension == "flop":
            if quantity.value < 1e15 or _PER_FOLLOWS.match(after):
                continue
            yield prose_fact(ctx, block, "training_flop", quantity.value, begin, finish, **flags)
        elif dimension == "energy":
            if _PER_FOLLOWS.match(after) or before.rstrip().endswith("/") or quantity.value <= 0:
                continue
            yield prose_fact(ctx, block, "energy_mwh", quantity.value, begin, finish, **flags)
        elif dimension == "power":
            if not 10 <= quantity.value <= 2000 or not re.search(
                r"TDP|power|watt|consum|per (?:gpu|device|chip)", sentence, re.I
            ):
                continue
            yield prose_fact(ctx, block, "power_watts_per_device", quantity.value, begin, finish, **flags)
        elif dimension == "co2" or (
            dimension == "mass" and re.search(r"co2|carbon|emission", sentence, re.IGNORECASE)
        ):
            if _PER_FOLLOWS.match(after) or quantity.value <= 0:
                continue
            subject = other_subject(ctx, sentence, quantity.start, None)
            note = cumulative_note(sentence)
            yield prose_fact(
                ctx, block, "co2_tonnes", quantity.value, begin, finish, subject=subject, note=note, **flags
            )


def word_duration_facts(ctx: ProseContext, block: Block, offset: int, sentence: str) -> Iterator[Fact]:
    if not re.search(r"train", sentence, re.IGNORECASE) and not training_context(block, offset):
        return
    if USER_RECIPE.search(sentence):
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
        yield prose_fact(
            ctx, block, "training_duration_days", quantity.value, begin, finish, approximate=approximate
        )
