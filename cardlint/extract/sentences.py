"""Sentence boundaries and the stage words in them (pre-training or fine-tuning): the lowest layer of prose
reading, shared by prose.py, stages.py and derived.py so neither imports the other back."""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator

from cardlint.core.regex_store import compile_pattern

_SENTENCE_END = compile_pattern(
    r"(?<=[.!?;])\s+(?=[A-Z\[(\"'])|\n(?=\s{0,8}(?:>\s?){0,4}(?:[-*+]|\d{1,3}[.)])\s)|\n\s*\n"
)


STAGE_WORDS = compile_pattern(
    r"(?P<ft>after\s+(?:the\s+)?pre-?training|subsequent\s+(?:training\s+)?stages?|post-?train\w*|fine-?tun\w*"
    r"|finetun\w*|instruction[- ]tun\w*|\bSFT\b|\bRLHF\b|\bDPO\b|\bQ?LoRA\b|supervised|alignment"
    r"|微调|指令|对齐)"
    r"|(?P<pt>(?:continued\s+)?(?:pre-?train\w*|pretrain\w*)(?!\w)(?!\s+(?:models?|checkpoints?|weights)\b)"
    r"|from\s+scratch|预训练)",  # "our pretrained model X" names a base, not the stage a figure is of
    re.IGNORECASE,
)


_MAX_SENTENCE = 1000  # longer runs without a full stop are cut, so context look-ups stay bounded


_BREAK = compile_pattern(r"[,;]\s|\s")


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


@functools.lru_cache(maxsize=64)
def stage_marks(sentence: str) -> tuple[list[int], list[str]]:
    """Where the sentence's stage words start and which stage each names: found once per sentence, not
    once per figure (a sentence holds many figures, up to _MAX_SENTENCE characters)."""
    starts: list[int] = []
    stages: list[str] = []
    for match in STAGE_WORDS.finditer(sentence):
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
        found = STAGE_WORDS.search(title)
        if found:
            return "ft" if found.group("ft") else "pt"
    return "unstated"
