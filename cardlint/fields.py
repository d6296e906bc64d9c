"""Is a disclosure field in the card, left as a template placeholder, or missing, and where should it go?

One answer per finder (rules/disclosure-fields.yaml), shared by every policy that asks for the field, so two
instruments never disagree about whether a card states its licence.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cardlint.signals import placeholder_regex
from cardlint.types import Fact

if TYPE_CHECKING:
    from cardlint.card import Card
    from cardlint.policy.model import Finder

_LABEL_LINE = re.compile(r"^\s*(?:[-*+]\s*)?\*\*(?P<label>[^*]{1,80}?)\s*:?\s*\*\*\s*:?\s*(?P<value>.*)$")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_BOLD_LABEL = re.compile(r"\*\*[^*]{1,80}\*\*\s*:?")
_EMPTY_WORDS = {"", "unknown", "none", "n/a", "na", "tbd", "todo", "null"}


@dataclass(frozen=True)
class FieldState:
    disclosed: bool
    placeholder_line: int | None = None  # a template placeholder where the field should be
    place_line: int | None = None  # where the author should add it (a heading, or the front matter)


def _body_lines(card: Card) -> Iterator[tuple[int, str]]:
    """(file line, text) of the body outside fenced code; HTML comments blanked."""
    fenced = False
    text = _HTML_COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), "\n".join(card.lines))
    lines = text.split("\n")
    for index in range(card.body_start_line - 1, len(lines)):
        line = lines[index].rstrip("\r")
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            continue
        if not fenced:
            yield index + 1, line


@dataclass(frozen=True)
class _Body:
    lines: list[tuple[int, str]]
    by_line: dict[int, str]
    text: str  # lines that are not only a placeholder, joined
    folded: str  # `text` case-folded as `re.IGNORECASE` folds ASCII letters, for literal pre-checks


_LAST_BODY: tuple[Card, _Body] | None = None


def _body(card: Card) -> _Body:
    """The body split once per card (every finder reads it; a 400 KB card has 40 finders)."""
    global _LAST_BODY
    cached = _LAST_BODY
    if cached is not None and cached[0] is card:
        return cached[1]
    lines = list(_body_lines(card))
    text = "\n".join(line for _, line in lines if not _is_placeholder(line) or _residue(line))
    body = _Body(lines, dict(lines), text, text.translate(_SRE_FOLD).lower())
    _LAST_BODY = (card, body)
    return body


def metadata_value(metadata: Any, dotted: str) -> Any:
    current = metadata
    for part in dotted.split("."):
        if not isinstance(current, dict) or part not in current:
            return None
        current = current[part]
    return current


def _filled(value: Any) -> bool:
    if value is None or value is False:
        return False
    if isinstance(value, str):
        return value.strip().lower() not in _EMPTY_WORDS and not placeholder_regex().fullmatch(value.strip())
    if isinstance(value, (list, dict)):
        return bool(value)
    return True


def _is_placeholder(text: str) -> bool:
    return placeholder_regex().search(text) is not None


def _residue(text: str) -> str:
    """What is left of a line once placeholders, bold labels and Markdown punctuation are removed."""
    text = placeholder_regex().sub("", text)
    text = _BOLD_LABEL.sub("", text)
    return re.sub(r"[\s#>*_|:\-`]+", "", text)


def locate(finder: Finder, card: Card, facts: list[Fact]) -> FieldState:
    """Whether the card discloses what `finder` looks for, a placeholder in its place, and where it goes."""
    place_line = _place_line(finder, card)
    if any(f.kind in finder.facts and f.subject is None for f in facts):
        return FieldState(True, None, place_line)
    metadata = card.metadata
    if any(_filled(metadata_value(metadata, path)) for path in finder.metadata):
        return FieldState(True, None, place_line)
    body = _body(card)
    placeholder: int | None = None
    if finder.labels:
        label_patterns = [_pattern(p, re.IGNORECASE) for p in finder.labels]
        for number, line in body.lines:
            match = _LABEL_LINE.match(line)
            if match is None or not any(p.search(match.group("label")) for p in label_patterns):
                continue
            value = match.group("value").strip()
            if _is_placeholder(value):
                placeholder = placeholder or number
            elif _residue(value):
                return FieldState(True, None, place_line)
    if finder.sections:
        for section in card.sections:
            if not any(_pattern(p, re.IGNORECASE).search(section.title) for p in finder.sections):
                continue
            content = [(n, body.by_line.get(n, "")) for n in range(section.line + 1, section.end_line + 1)]
            content = [(n, text) for n, text in content if not text.lstrip().startswith("#")]
            if any(_residue(text) for _, text in content):
                return FieldState(True, None, place_line)
            first = next((n for n, text in content if _is_placeholder(text)), None)
            if first is not None:
                placeholder = placeholder or first
    if finder.text and any(_in_text(p, body) for p in finder.text):
        return FieldState(True, None, place_line)
    return FieldState(False, placeholder, place_line)


# The only non-ASCII characters `re.IGNORECASE` matches to ASCII letters (İ ı ſ K); lower() maps the rest.
_SRE_FOLD = {0x130: "i", 0x131: "i", 0x17F: "s", 0x212A: "k"}
_TEXT_FLAGS = re.IGNORECASE | re.MULTILINE


def _in_text(pattern: str, body: _Body) -> bool:
    """Whether a finder's text pattern matches the body. Most patterns need one of a few literal words that
    most cards lack, and substring tests rule those out far faster than a case-insensitive regex scan."""
    needed = required_literals(pattern)
    if needed and not any(literal in body.folded for literal in needed):
        return False
    return _pattern(pattern, _TEXT_FLAGS).search(body.text) is not None


@functools.cache
def required_literals(pattern: str) -> tuple[str, ...]:
    """Lower-cased ASCII strings of which every match of `pattern` contains at least one (() when nothing
    is certain), read from the regex's parse tree: a run of literals, or one run from each alternative."""
    try:
        from re import _parser as sre_parse  # type: ignore[attr-defined]
    except ImportError:  # Python 3.10
        import sre_parse
    try:
        items = sre_parse.parse(pattern, _TEXT_FLAGS)
    except Exception:  # an unparsable pattern simply gets no pre-check
        return ()
    return _required(items, sre_parse)


def _required(items: Any, sre_parse: Any) -> tuple[str, ...]:
    best: tuple[str, ...] = ()
    run = ""
    for opcode, argument in items:
        candidate: tuple[str, ...] = ()
        if opcode is sre_parse.LITERAL and argument < 128:
            run += chr(argument).lower()
            candidate = (run,)
        else:
            run = ""
            if opcode is sre_parse.SUBPATTERN:
                candidate = _required(argument[-1], sre_parse)
            elif opcode is sre_parse.MAX_REPEAT or opcode is sre_parse.MIN_REPEAT:
                candidate = _required(argument[2], sre_parse) if argument[0] >= 1 else ()
            elif opcode is sre_parse.BRANCH:
                alternatives = [_required(alternative, sre_parse) for alternative in argument[1]]
                if all(alternatives):
                    candidate = tuple(sorted({literal for options in alternatives for literal in options}))
        if _strength(candidate) > _strength(best):
            best = candidate
    return best


def _strength(literals: tuple[str, ...]) -> int:
    return min((len(literal) for literal in literals), default=0)


@functools.cache
def _pattern(pattern: str, flags: int) -> re.Pattern[str]:
    """Finder patterns compiled once per process (`re`'s cache lookup on each call was a hot spot)."""
    return re.compile(pattern, flags)


def _place_line(finder: Finder, card: Card) -> int | None:
    if finder.place_pattern:
        for section in card.sections:
            if _pattern(finder.place_pattern, re.IGNORECASE).search(section.title):
                return section.line
    if finder.place_metadata and card.front_matter is not None:
        return card.front_matter.start_line
    return None


# ---------------------------------------------------------------- precision

_NUMBER = re.compile(r"\d[\d,_' \u00a0\u202f]*(?:\.\d+)?")


def _mantissa_digits(value: float) -> str:
    mantissa = f"{abs(value):.12e}".split("e")[0].replace(".", "")
    return mantissa.rstrip("0") or "0"


def significant_figures(fact: Fact) -> int:
    """Significant figures the card wrote for a number (3.8e25 -> 2, 4e25 -> 1, 3.80e25 -> 3)."""
    if not isinstance(fact.value, (int, float)) or fact.value == 0:
        return 0
    wanted = _mantissa_digits(float(fact.value))
    for token in _NUMBER.findall(fact.quote or ""):
        cleaned = re.sub(r"[,_' \u00a0\u202f]", "", token).strip()
        if "." in cleaned:
            digits = cleaned.replace(".", "").lstrip("0")
            count = len(digits)
        else:
            digits = cleaned.lstrip("0")
            count = len(digits.rstrip("0")) or 1
        if digits and (digits.rstrip("0") or "0") == wanted:
            return max(count, 1)
    return len(wanted)
