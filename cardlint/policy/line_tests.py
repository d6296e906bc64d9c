"""Pure tests of one short text that the disclosure finders ask again and again: is it only a placeholder,
what is left once template punctuation is gone, does any of a finder's patterns match it.

Bulk cards are mostly the Hub's templates, so the same lines ("[More Information Needed]", "- **Model
type:**") come back card after card; answers for short lines are remembered per process, in bounded caches.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from cardlint.core.regex_store import compile_pattern
from cardlint.policy.signals import placeholder_regex

_BOLD_LABEL = compile_pattern(r"\*\*[^*]{1,80}\*\*\s*:?")
_PUNCTUATION = compile_pattern(r"[\s#>*_|:\-`]+")
EMPTY_WORDS = {"", "unknown", "none", "n/a", "na", "tbd", "todo", "null", "-", "--"}
_REMEMBERED_CHARS = 200  # a longer line is rarely repeated, and the caches stay small
_BACKREFERENCE = compile_pattern(r"\\[1-9]|\(\?P=")


def residue(text: str) -> str:
    """What is left of a line once placeholders, bold labels and Markdown punctuation are removed."""
    return _remembered_residue(text) if len(text) <= _REMEMBERED_CHARS else _residue(text)


def strip_placeholders(text: str) -> str:
    """The line with each placeholder replaced by a space."""
    if len(text) <= _REMEMBERED_CHARS:
        return _remembered_strip(text)
    return placeholder_regex().sub(" ", text)


def _residue(text: str) -> str:
    text = placeholder_regex().sub("", text)
    text = _BOLD_LABEL.sub("", text)
    text = _PUNCTUATION.sub("", text)
    return "" if text.lower() in EMPTY_WORDS else text


@functools.lru_cache(maxsize=8192)
def _remembered_residue(text: str) -> str:
    return _residue(text)


@functools.lru_cache(maxsize=8192)
def _remembered_strip(text: str) -> str:
    return placeholder_regex().sub(" ", text)


@functools.cache
def any_of(patterns: tuple[str, ...], flags: int) -> Callable[[str], bool]:
    """`any(p.search(s) for p in patterns)` scanning `s` once, the patterns joined into one alternation;
    patterns the join would break (a numbered backreference, a global flag) are tested one by one."""
    try:
        if any(_BACKREFERENCE.search(p) for p in patterns):
            raise re.error("backreference")
        joined = compile_pattern("|".join(f"(?:{p})" for p in patterns), flags)
    except re.error:
        compiled = [compile_pattern(p, flags) for p in patterns]
        return lambda text: any(p.search(text) for p in compiled)
    return lambda text: joined.search(text) is not None
