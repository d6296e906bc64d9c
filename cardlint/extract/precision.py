"""The numeric precision a card says its model was trained in ("an FP8 mixed precision training framework",
"trained in bfloat16"), as `training_precision` facts.

The hardware method needs it: a chip's FP8 peak is twice its BF16 peak, and a pure FP32 run on a GPU uses
no tensor cores at all. Only sentences about training count: the dtype a card loads the weights in for
inference (`torch_dtype=torch.bfloat16`, "-bf16" in a repository name) says nothing about training.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from cardlint.card.document import Card
from cardlint.core.regex_store import compile_pattern
from cardlint.extract.kinds import make_fact
from cardlint.extract.layout import Layout
from cardlint.types import Fact

# Longest spellings first so "bfloat16" is not read as "float16".
_PRECISION = compile_pattern(
    r"(?<![\w.])(?P<word>fp8|float8|e4m3|bf16|bfloat16|bfloat-16|fp16|float16|half[- ]precision|fp32|float32"
    r"|full[- ]precision|single[- ]precision|tf32|native amp|mixed[- _]precision)(?![\w])",
    re.IGNORECASE,
)
_WORDS = {
    "fp8": "fp8", "float8": "fp8", "e4m3": "fp8", "bf16": "bf16", "bfloat16": "bf16", "bfloat-16": "bf16",
    "fp16": "fp16", "float16": "fp16", "half precision": "fp16", "half-precision": "fp16", "fp32": "fp32",
    "float32": "fp32", "full precision": "fp32", "full-precision": "fp32", "single precision": "fp32",
    "single-precision": "fp32", "tf32": "tf32", "native amp": "fp16",
}  # fmt: skip
_TRAINING = compile_pattern(r"(?<![a-z])(?:pre-?)?train(?:ed|ing)\b", re.IGNORECASE)
_NOT_TRAINING = compile_pattern(
    r"inference|\bload|torch_dtype|quantiz|\bserv|deploy|gguf|\bawq\b|\bgptq\b|download|checkpoint"
    r"|weights are|make sure|keep (?:the|your)|recommend|should be|we suggest",
    re.IGNORECASE,
)
_SENTENCE = compile_pattern(r"[^.!?\n]*(?:[.!?](?=\s|$)|$)")


def precision_facts(card: Card, layout: Layout, *, path: str) -> list[Fact]:
    """One fact per sentence that states a training precision (its first precision word)."""
    return list(_facts(card, layout, path))


def _facts(card: Card, layout: Layout, path: str) -> Iterator[Fact]:
    for block in layout.blocks:
        if block.origin != "prose" or not _PRECISION.search(block.text):
            continue
        for sentence in _SENTENCE.finditer(block.text):
            text = sentence.group()
            if not _TRAINING.search(text) or _NOT_TRAINING.search(text):
                continue
            precise = [
                m for m in _PRECISION.finditer(text) if not m.group("word").lower().startswith("mixed")
            ]
            match = precise[0] if precise else _PRECISION.search(text)
            if match is None:
                continue
            word = match.group("word").lower().replace("_", " ")
            start = sentence.start() + match.start()
            line, column = block.where(start)
            yield make_fact(
                "training_precision",
                _WORDS.get(word, "mixed"),
                path=path,
                line=line,
                column=column,
                origin="prose",
                quote=block.quote(card, start, sentence.start() + match.end()),
            )
