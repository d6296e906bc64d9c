"""CL1xx structure rules: is there a card, is its front matter where the Hub looks for it, does the YAML read
the way its author meant, and did the template's placeholders get filled in.

The front-matter rules mirror the Hub: metadata exists only in a block that opens with `---` and is closed by
a line `---`; anything else is silently ignored there, which is exactly why it deserves a finding here.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass

from cardlint.card.document import Card, Section
from cardlint.card.validation import dotted, expects_boolean, known_keys
from cardlint.card.yaml_nodes import Yaml11Surprise
from cardlint.checks import CheckContext, check, finding
from cardlint.core.regex_store import compile_pattern
from cardlint.policy.fields import prose_by_line
from cardlint.policy.signals import placeholder_regex
from cardlint.types import Finding

EMPTY_CARD = "CL103"
NO_FRONT_MATTER = "CL104"
UNCLOSED_FRONT_MATTER = "CL105"
YAML_SYNTAX_ERROR = "CL106"
FRONT_MATTER_NOT_MAPPING = "CL107"
DUPLICATE_KEY = "CL108"
YAML11_BOOLEAN = "CL109"
YAML11_NUMBER = "CL110"
YAML11_TIMESTAMP = "CL111"
TEMPLATE_PLACEHOLDER = "CL120"


@check(EMPTY_CARD)
def empty_card(ctx: CheckContext) -> Iterator[Finding]:
    """A card with no text, or with metadata and nothing after it."""
    card = ctx.card
    if not card.text.strip():
        yield finding(EMPTY_CARD, "the card is empty: no metadata and no description", ctx.at(1, 1))
        return
    fm = card.front_matter
    if fm is None or not fm.closed:
        return
    body = card.lines[card.body_start_line - 1 :]
    if not any(line.strip() for line in body):
        yield finding(
            EMPTY_CARD,
            "the card has metadata but no text: nothing describes the model, its training or its limits",
            ctx.at(fm.end_line, 1),
        )


@check(NO_FRONT_MATTER)
def no_front_matter(ctx: CheckContext) -> Iterator[Finding]:
    """No metadata block the Hub can see: none, an empty one, or one whose opening line the Hub skips."""
    card = ctx.card
    if not card.text.strip():
        return  # the empty-card rule says it better
    fm = card.front_matter
    if fm is None:
        message = (
            "no YAML front matter: the Hub shows no license, task, languages or base model for this card"
        )
        yield finding(NO_FRONT_MATTER, message, ctx.at(1, 1))
        return
    opening_line = fm.start_line - 1
    if not fm.opening_exact:
        text = card.lines[opening_line - 1].rstrip("\r")
        message = "the opening `---` has spaces after it on its line, so the Hub does not read the metadata"
        yield finding(NO_FRONT_MATTER, message, ctx.at(opening_line, len(text.rstrip()) + 1), fix="---")
    elif fm.closed and fm.error is None and fm.data is None:
        yield finding(
            NO_FRONT_MATTER, "the front matter is empty: the card has no metadata", ctx.at(opening_line, 1)
        )


@check(UNCLOSED_FRONT_MATTER)
def unclosed_front_matter(ctx: CheckContext) -> Iterator[Finding]:
    fm = ctx.card.front_matter
    if fm is None or fm.closed:
        return
    message = "the front matter is never closed by a line `---`, so the Hub ignores all of its metadata"
    near = _near_closing_line(ctx.card, fm.start_line)
    if near is not None:
        message += f"; {near}"
    yield finding(UNCLOSED_FRONT_MATTER, message, ctx.at(fm.start_line - 1, 1))


def _near_closing_line(card: Card, start_line: int) -> str | None:
    """Where the author probably meant to close the block: a `---` with stray characters after it, or a `---`
    glued to the end of another line."""
    for index in range(start_line - 1, len(card.lines)):
        line = card.lines[index]
        if line.strip() == "---":
            stray = repr(line.lstrip()[3:])
            return (
                f"line {index + 1} holds `---` followed by {stray}, which the Hub does not accept as the end"
            )
        text = line.rstrip()
        if text.endswith("---") and not text.lstrip().startswith("-"):
            return f"line {index + 1} ends with `---`, which must stand on a line of its own"
    return None


@check(YAML_SYNTAX_ERROR)
def yaml_syntax_error(ctx: CheckContext) -> Iterator[Finding]:
    fm = ctx.card.front_matter
    if fm is None or not fm.closed or fm.error is None:
        return
    problem = fm.error
    message = f"the front matter is not valid YAML ({problem.message}); the Hub rejects or ignores it"
    message += _tab_hint(ctx.card, problem.line, problem.column)
    yield finding(YAML_SYNTAX_ERROR, message, ctx.at(problem.line, problem.column))


def _tab_hint(card: Card, line: int, column: int) -> str:
    """TABs are the commonest cause; say whether the one at fault indents the line or trails after text."""
    if not 0 < line <= len(card.lines) or "\t" not in card.lines[line - 1]:
        return ""
    text = card.lines[line - 1].rstrip("\r")
    before = text[: max(column - 1, 0)]
    if before.strip() and not text[column - 1 :].strip():
        return "; remove the TAB character at the end of the line"
    return "; YAML does not allow TAB characters for indentation, use spaces"


@check(FRONT_MATTER_NOT_MAPPING)
def front_matter_not_mapping(ctx: CheckContext) -> Iterator[Finding]:
    fm = ctx.card.front_matter
    if fm is None or not fm.closed or fm.error is not None or fm.data is None or isinstance(fm.data, dict):
        return
    kind = "a list" if isinstance(fm.data, list) else "a single value"
    message = f"the front matter is {kind}, not a mapping of keys such as `license:`; the Hub cannot use it"
    yield finding(FRONT_MATTER_NOT_MAPPING, message, ctx.at(fm.start_line, 1))


@check(DUPLICATE_KEY)
def duplicate_key(ctx: CheckContext) -> Iterator[Finding]:
    fm = ctx.card.front_matter
    if fm is None or not fm.closed or fm.error is not None:
        return
    for duplicate in fm.duplicates:
        name = dotted(duplicate.path)
        message = (
            f"`{name}` is defined again (first at line {duplicate.first_line}); PyYAML keeps only the last "
            "value and stricter parsers reject the file"
        )
        yield finding(
            DUPLICATE_KEY,
            message,
            ctx.at(duplicate.line, duplicate.column),
            related=[ctx.at(duplicate.first_line, 1)],
        )


def _string_keys() -> frozenset[str]:
    """Documented top-level keys: below them the schema says where true/false belongs, and anywhere else a
    YAML 1.1 boolean is an accident. Gating forms (extra_gated_*) hold free-form answers; unknown keys too."""
    return frozenset(key for key in known_keys() if not key.startswith("extra_gated"))


@check(YAML11_BOOLEAN, YAML11_NUMBER, YAML11_TIMESTAMP)
def yaml11_surprises(ctx: CheckContext) -> Iterator[Finding]:
    """Plain scalars that YAML 1.1 (PyYAML, huggingface_hub) reads as something other than they look; after a
    syntax error, those in the lines before it (the parser salvages them)."""
    fm = ctx.card.front_matter
    if fm is None or not fm.closed:
        return
    string_keys = _string_keys()
    for surprise in fm.surprises:
        item = _surprise_finding(surprise, string_keys, ctx)
        if item is not None:
            yield item


def _surprise_finding(
    surprise: Yaml11Surprise, string_keys: frozenset[str], ctx: CheckContext
) -> Finding | None:
    where = dotted(surprise.path)
    location = ctx.at(surprise.line, surprise.column)
    raw = surprise.raw
    if surprise.kind == "bool":
        top = surprise.path[0] if surprise.path else None
        if top not in string_keys or expects_boolean(surprise.path):
            return None
        value = str(surprise.value).lower()
        message = f"`{raw}` in `{where}` is read as the boolean {value} by YAML 1.1 (PyYAML, huggingface_hub)"
        if top == "language" and raw.lower() == "no":
            message += '; for Norwegian write "no" in quotes (or nb / nn)'
        else:
            message += f'; quote it: "{raw}"'
        return finding(YAML11_BOOLEAN, message, location, fix=f'"{raw}"')
    if surprise.kind == "str":
        fixed = _signed_exponent(raw)
        message = (
            f"`{raw}` in `{where}` is text, not a number, to YAML 1.1 (PyYAML, huggingface_hub), which needs "
            f"a dot and a signed exponent; write {fixed}"
        )
        return finding(YAML11_NUMBER, message, location, fix=fixed)
    if surprise.kind in ("int", "float"):
        message = (
            f"`{raw}` in `{where}` is read as the number {surprise.value!r} by YAML 1.1 but differently by "
            f"YAML 1.2 parsers; write {surprise.value!r}, or quote it if you mean text"
        )
        return finding(YAML11_NUMBER, message, location, fix=repr(surprise.value))
    if surprise.kind == "timestamp":
        message = (
            f'`{raw}` in `{where}` is read as a date/time object by YAML 1.1, not as text; quote it: "{raw}"'
        )
        return finding(YAML11_TIMESTAMP, message, location, fix=f'"{raw}"')
    return None


def _signed_exponent(raw: str) -> str:
    """`3.8e25` -> `3.8e+25`, `1e25` -> `1.0e+25`: the spelling YAML 1.1 and 1.2 both read as a float."""
    match = re.fullmatch(r"([-+]?)([0-9]*)(?:\.([0-9]*))?(?:[eE]([-+]?)([0-9]+))?", raw)
    if match is None:
        return raw
    sign, whole, fraction, exp_sign, exponent = match.groups()
    mantissa = f"{whole or '0'}.{fraction or '0'}"
    if exponent is None:
        return f"{sign}{mantissa}"
    return f"{sign}{mantissa}e{exp_sign or '+'}{exponent}"


# --- template placeholders -------------------------------------------------------------------------------

# Sections whose content the compute, data and documentation duties rely on; a placeholder left in a citation
# or glossary section is untidy but hides nothing a reader needs.
_SECTIONS_THAT_MATTER = compile_pattern(
    r"model details|model description|model type|training|hyperparameter|speeds|compute|hardware|"
    r"infrastructure|environmental|carbon|emission|technical spec|architecture|evaluation|results|testing|"
    r"uses|out-of-scope|bias|risk|limitation|get started|how to use|contact|introduction",
    re.IGNORECASE,
)
_FIELD_LABEL = compile_pattern(r"\*\*([^*]{1,60}?):?\*\*|^\s*[-*+]\s+([A-Z][^:*\n]{0,40}):")
_HEADING_LINE = compile_pattern(r"^\s{0,3}#{1,6}\s")
_NONE_DATASET = compile_pattern(r"\bthe None dataset\b|\[None\]\(", re.IGNORECASE)
INTRODUCTION = "introduction"


@dataclass(frozen=True)
class _Gap:
    line: int
    column: int
    name: str  # what to fill in: the field's label, or the section's title
    empty: bool  # a section holding nothing but the template's comments


@check(TEMPLATE_PLACEHOLDER)
def template_placeholder(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per chapter (top heading below the title) whose sections that matter still hold the
    template: a placeholder (`[More Information Needed]` in any casing, the Trainer's "More information
    needed" and "the None dataset") or nothing but the template's HTML comments. An untouched template gives
    a handful of findings that name what to fill in, not twenty."""
    card = ctx.card
    if not card.sections:
        return  # a card without headings is no template; CL103 speaks for an empty one
    prose = prose_by_line(card)
    title = _title_section(card)
    outline = _Outline.of(card, title)
    by_chapter: dict[str, list[_Gap]] = {}
    for gap in [*_placeholders(card, prose, outline), *_empty_sections(card, prose, title)]:
        chain = outline.chain_at(gap.line)
        if chain and not any(_SECTIONS_THAT_MATTER.search(section.title) for section in chain):
            continue
        by_chapter.setdefault(chain[0].title if chain else INTRODUCTION, []).append(gap)
    lone = {chapter: gaps for chapter, gaps in by_chapter.items() if _only_itself(chapter, gaps)}
    if len(lone) > 1:
        yield _lone_sections(ctx, lone)
        by_chapter = {chapter: gaps for chapter, gaps in by_chapter.items() if chapter not in lone}
    for chapter, gaps in by_chapter.items():
        gaps.sort(key=lambda gap: gap.line)
        names = list(dict.fromkeys(gap.name for gap in gaps))
        shown = _listing(
            [f"'{name}'" for name in names[:4]] + ([f"{len(names) - 4} more"] if len(names) > 4 else [])
        )
        where = "the introduction" if chapter == INTRODUCTION else f"'{chapter}'"
        if all(gap.empty for gap in gaps) and names == [chapter]:
            message = f"{where} holds only the template's comment: fill it in, or delete the section"
        elif all(gap.empty for gap in gaps):
            message = f"{where} is still the empty template: fill in {shown}"
        else:
            count = sum(not gap.empty for gap in gaps)
            message = (
                f"{where} still holds {count} template placeholder{'s' if count > 1 else ''}: fill in {shown}"
            )
        yield finding(TEMPLATE_PLACEHOLDER, message, ctx.at(gaps[0].line, gaps[0].column), fields=names)


def _only_itself(chapter: str, gaps: list[_Gap]) -> bool:
    """A chapter whose one gap is its own text (a Trainer card's 'Model description: More information
    needed'), not fields inside it."""
    return all(gap.name == chapter for gap in gaps)


def _lone_sections(ctx: CheckContext, lone: dict[str, list[_Gap]]) -> Finding:
    """One finding for several sections that each hold nothing but the template's placeholder or comment."""
    first = min((gap for gaps in lone.values() for gap in gaps), key=lambda gap: gap.line)
    names = list(lone)
    shown = _listing(
        [f"'{name}'" for name in names[:6]] + ([f"{len(names) - 6} more"] if len(names) > 6 else [])
    )
    return finding(
        TEMPLATE_PLACEHOLDER,
        f"{len(names)} sections still hold only the template's placeholder or comment: fill in {shown}",
        ctx.at(first.line, first.column),
        fields=names,
    )


def _listing(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


@dataclass(frozen=True)
class _Outline:
    """Each section's chain of enclosing sections (outermost first, the title left out), built in one pass
    so that finding a line's chapter costs a binary search, not a walk over every section."""

    starts: list[int]
    chains: list[tuple[Section, ...]]

    @staticmethod
    def of(card: Card, title: Section | None) -> _Outline:
        stack: list[Section] = []
        chains: list[tuple[Section, ...]] = []
        for section in card.sections:
            while stack and stack[-1].level >= section.level:
                stack.pop()
            stack.append(section)
            chains.append(tuple(s for s in stack if s != title))
        return _Outline([section.line for section in card.sections], chains)

    def chain_at(self, line: int) -> tuple[Section, ...]:
        index = bisect.bisect_right(self.starts, line) - 1
        return self.chains[index] if index >= 0 else ()


def _placeholders(card: Card, prose: dict[int, str], outline: _Outline) -> Iterator[_Gap]:
    """Each placeholder outside code blocks, headings and HTML comments, named by its label or section."""
    pattern = placeholder_regex()
    for number, text in prose.items():
        match = pattern.search(text)
        if match is None or _HEADING_LINE.match(text) or match.group(0).lower() == "[optional]":
            continue
        label = _FIELD_LABEL.search(text[: match.start()])
        if label is not None:
            name = _plain_title(label.group(1) or label.group(2))
        elif _NONE_DATASET.search(text):
            name = "the dataset it was trained on (the card says None)"
        else:
            chain = outline.chain_at(number)
            name = _plain_title(chain[-1].title) if chain else INTRODUCTION
        yield _Gap(number, match.start() + 1, name, empty=False)


def _empty_sections(card: Card, prose: dict[int, str], title: Section | None) -> Iterator[_Gap]:
    """Sections whose own text (before any subsection) is only the template's HTML comments, the mark of the
    Hub's template and of `cardlint init`: what the comment asks for was never written."""
    for index, section in enumerate(card.sections):
        if section == title:
            continue
        following = card.sections[index + 1] if index + 1 < len(card.sections) else None
        has_children = following is not None and following.level > section.level
        own_end = following.line - 1 if has_children and following is not None else section.end_line
        lines = range(section.line + 1, own_end + 1)
        if any(prose.get(number, "").strip() for number in lines):
            continue
        if any(number not in prose for number in lines):
            continue  # a code block: an example, not a gap
        if not any("<!--" in card.lines[number - 1] for number in lines):
            continue  # an empty heading in a hand-written card, or a chapter over its subsections
        yield _Gap(section.line, 1, _plain_title(section.title), empty=True)


def _plain_title(title: str) -> str:
    return re.sub(r"\s*\[optional\]\s*$", "", title, flags=re.IGNORECASE).strip()


def _title_section(card: Card) -> Section | None:
    """The card's title: its only level-1 heading when it has exactly one (then chapters are level 2)."""
    top = [section for section in card.sections if section.level == 1]
    return top[0] if len(top) == 1 else None
