"""Figures stated in sentences and in `Key: value` lines of the card body.

This module walks a card's blocks sentence by sentence and hands each sentence to its readers
(prose_quantities, prose_hardware, key_values, base models); across sentences it decides whose the figures
are (a model carried on from the previous sentence, a sibling named in a heading) and which add up to a
total. The rules are general (context words, stage words, section headings), never about one card:
inference hardware and user fine-tuning recipes are not training facts, data sizes in hours of audio are not
durations, and a FLOP/s rate is never a FLOP count.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import replace

from cardlint.card.document import Card
from cardlint.core.memo import SHORT_TEXT_CHARS
from cardlint.core.regex_store import compile_pattern
from cardlint.extract.base_model import base_models_in, may_name_a_base, names_a_base
from cardlint.extract.key_values import KEY_VALUE, key_value_facts
from cardlint.extract.layout import Block, Layout
from cardlint.extract.prose_context import (
    ProseContext,
    names_subject_before,
    prose_fact,
)
from cardlint.extract.prose_hardware import hardware_facts
from cardlint.extract.prose_quantities import quantity_facts, word_duration_facts
from cardlint.extract.sentences import sentences
from cardlint.extract.subject import (
    normalise,
    other_subject_name,
    size_of,
    sizes_agree,
    sizes_in,
    subject_norms,
    subject_size,
)
from cardlint.types import Fact

_NEGATIVE_HEADINGS = compile_pattern(
    r"inference|usage|how to|quick ?start|getting started|deploy|serving|install|requirement|quantiz|example"
    r"|demo|run(?:ning)? (?:the|locally)|speed(?!s?,?\s+sizes)|latency|memory|vram|limitation|bias|citation"
    r"|license|contact"
    r"|evaluation|benchmark|result|performance|use with|use the model|intended use|downstream|comparison"
    r"|compared|\bvs\b|versus",
    re.IGNORECASE,
)
_PLANNED = compile_pattern(
    r"\bplan(?:s|ned|ning)?\s+to\b|\bwe\s+will\s+(?:train|run|release)|\bwill\s+be\s+(?:trained|run)\b"
    r"|\bupcoming\b|\bin\s+the\s+future\b|\bfuture\s+(?:runs?|models?|versions?|experiments?)\b",
    re.IGNORECASE,
)


def prose_facts(card: Card, layout: Layout, *, path: str, subject: str | None) -> list[Fact]:
    """Facts from paragraphs, list items and `Key: value` lines (tables and code are read elsewhere)."""
    context = ProseContext(card, path, subject, subject_size(subject))
    facts: list[Fact] = []
    for block in layout.blocks:
        if not _has_digit(block.text) and not _has_words_of_interest(block.text):
            continue
        block_facts: list[Fact] = []
        carried: str | None = None
        for start, end in sentences(block.text):
            produced, carried = _carry_subject(
                context, block.text[start:end], list(_sentence_facts(context, block, start, end)), carried
            )
            block_facts.extend(produced)
            if len(produced) > 1:  # a sum needs two figures
                block_facts.extend(_stage_sums(block.text[start:end], produced, _JOINED, _SUMMED_KINDS[:2]))
        if not block_facts:
            continue  # most blocks state nothing: no heading to read, no sum to make
        sibling = sibling_in_headings(block.headings, subject)
        if sibling is not None:
            block_facts = [
                replace(fact, subject=sibling) if fact.subject is None else fact for fact in block_facts
            ]
        facts.extend(block_facts)
        if len(block_facts) > 1:
            facts.extend(_stage_sums(block.text, block_facts))
    return facts


_DIGIT = compile_pattern(r"\d")


def _has_digit(text: str) -> bool:
    """`any(ch.isdigit() for ch in text)` in one regex scan: \\d is Unicode's decimal digits, and isdigit()
    also accepts a few other digits (superscripts), which only non-ASCII text can hold."""
    return _DIGIT.search(text) is not None or (not text.isascii() and any(ch.isdigit() for ch in text))


COMPUTE_KINDS = frozenset(
    {
        "hardware_type", "hardware_count", "device_hours", "fine_tune_device_hours", "training_duration_days",
        "training_tokens", "fine_tune_tokens", "co2_tonnes", "energy_mwh", "training_flop",
    }
)  # fmt: skip
# The sentence speaks of the card's own run ("We trained ...", "this model was ...")
_OWN_MARKER = compile_pattern(r"\b(?:we|our|us|this\s+(?:model|checkpoint|version|work))\b|我们|本模型", re.I)


def _carry_subject(
    ctx: ProseContext, sentence: str, produced: list[Fact], carried: str | None
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


def _names_own_model(ctx: ProseContext, sentence: str) -> bool:
    """The sentence names the card's model, or its size ("Kite 8B was trained on ...")."""
    if names_subject_before(ctx, sentence, len(sentence)):
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


_ADDITIVE = compile_pattern(
    r"\badditional\b|\banother\b|\bfurther\b|\bplus\b|\bthen\b"
    r"|\b(?:phase|stage)\s+(?:2|two|II)\b|\bsecond\s+(?:phase|stage)\b",  # "In phase 1 ... In phase 2 ..."
    re.IGNORECASE,
)


# "2K GPU hours for SFT and 600 GPU hours for DPO": one sentence joining figures of one stage states a total
_JOINED = compile_pattern(r"\band\b|\bplus\b|\s\+\s|以及|和", re.IGNORECASE)
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


_INTEREST = compile_pattern(
    r"tpu|gpu|rdu|trillium|gaudi|trainium|fine-?tun|based on|built on|derived from|distill|from\b"
    r"|\bdays?\b|\bweeks?\b|\bmonths?\b",
    re.I,
)


def _has_words_of_interest(text: str) -> bool:
    if len(text) <= SHORT_TEXT_CHARS:
        return _remembered_interest(text)  # a template's paragraph comes back card after card
    return _INTEREST.search(text) is not None or names_a_base(text)


@functools.lru_cache(maxsize=4096)
def _remembered_interest(text: str) -> bool:
    return _INTEREST.search(text) is not None or names_a_base(text)


@functools.lru_cache(maxsize=1024)
def _negative_section(headings: tuple[str, ...]) -> bool:
    """Asked once per sentence, the same for every sentence of a block: remembered."""
    return any(_NEGATIVE_HEADINGS.search(title) for title in headings)


def _sentence_facts(ctx: ProseContext, block: Block, start: int, end: int) -> Iterator[Fact]:
    sentence = block.text[start:end]
    if not sentence.strip():
        return
    key_value = KEY_VALUE.match(sentence)
    if key_value and len(key_value.group("key").split()) <= 10:
        produced = list(key_value_facts(ctx, block, start, key_value))
        if produced:
            yield from produced
            return
    if _PLANNED.search(sentence):
        return  # "We plan to train a 7B model on 2T tokens": a plan, not a run
    negative_section = _negative_section(block.headings)
    yield from quantity_facts(ctx, block, start, sentence, negative_section)
    yield from hardware_facts(ctx, block, start, sentence, negative_section)
    yield from word_duration_facts(ctx, block, start, sentence)
    if not negative_section and may_name_a_base(sentence):
        for name, begin, finish in base_models_in(block, start, sentence, ctx.subject):
            yield prose_fact(ctx, block, "base_model", name, begin, finish)
            break
