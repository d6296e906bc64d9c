"""Is a disclosure field in the card, left as a template placeholder, or missing, and where should it go?

One answer per finder (rules/disclosure-fields.yaml), shared by every policy that asks for the field, so two
instruments never disagree about whether a card states its licence.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from cardlint.core.memo import last_by_identity
from cardlint.core.regex_store import compile_pattern
from cardlint.policy.line_tests import EMPTY_WORDS as _EMPTY_WORDS
from cardlint.policy.line_tests import any_of as _any_of
from cardlint.policy.line_tests import residue as _residue
from cardlint.policy.line_tests import strip_placeholders as _strip_placeholders
from cardlint.policy.signals import placeholder_regex
from cardlint.types import Fact

if TYPE_CHECKING:
    from cardlint.card.document import Card
    from cardlint.policy.model import Finder, PartialForm

# A labelled line: `**Label:** value`, `**Label**: value`, `- Label: value`, `Label: value`, `**Label** x`.
_LABEL_LINE = compile_pattern(  # matched on the stripped line
    r"^(?:[-*+]|\d{1,2}[.)])?\s*(?:\*\*|__)?(?P<label>[A-Za-z(][^*_:|\n]{0,60}?)\s*"
    r"(?::\s*(?:\*\*|__)|(?:\*\*|__)\s*:?|:(?!//))\s*(?P<value>.*)$"
)
# A label-only line heading what follows (`**Training Data**`, `**Training Data:**`, `Data:`), fullmatched.
_PSEUDO_HEADING = compile_pattern(
    r"(?:\*\*|__)(?P<bold>[^*_\n]{1,60})(?:\*\*|__):?|(?P<plain>[A-Z][^*_:|\n]{0,40}):"
)
_TABLE_RULE = compile_pattern(r"\|?:?-{2,}:?(?:[ \t]*\|[ \t]*:?-{2,}:?)*[ \t]*\|?")
_HEADING = compile_pattern(r"^\s{0,3}#{1,6}\s")
_HTML_COMMENT = compile_pattern(r"<!--.*?-->", re.DOTALL)
_HTML_TAG = compile_pattern(r"<[^>\n]{0,200}>")


@dataclass(frozen=True)
class FieldState:
    disclosed: bool
    placeholder_line: int | None = None  # a template placeholder where the field should be
    place_line: int | None = None  # where the author should add it (a heading, or the front matter)
    evidence: str | None = None  # how it was found ("label 'Developed by' at line 24"), for explain and bench
    partial: PartialForm | None = None  # the part of the item the card states, when it states only part
    partial_line: int | None = None  # where that part is

    @property
    def state(self) -> str:
        """'disclosed', 'partial' (part of the item is there), 'placeholder' or 'missing'."""
        if self.disclosed:
            return "disclosed"
        if self.partial is not None:
            return "partial"
        return "missing" if self.placeholder_line is None else "placeholder"


@dataclass(frozen=True, slots=True)
class _Label:
    line: int
    label: str
    value: str
    in_table: bool = False


@dataclass(frozen=True, slots=True)
class _ColumnRow:
    """A table row under a header: each cell labelled by the header's, read only when a finder asks."""

    line: int
    header: tuple[str, ...]  # the same tuple for every row of one table
    text: str


def _column_labels(items: list[_Label | _ColumnRow], wanted: Callable[[str], bool]) -> Iterator[_Label]:
    """The labels of `items` in card order, a table row's only when one of its header cells is `wanted`."""
    header: tuple[str, ...] | None = None
    asks = False
    for item in items:
        if isinstance(item, _Label):
            yield item
            continue
        if item.header is not header:
            header, asks = item.header, any(h and wanted(h) for h in item.header)
        if asks:
            cells = _cells(item.text)
            yield from (_Label(item.line, h, c, True) for h, c in zip(item.header, cells, strict=False) if h)


@dataclass(frozen=True)
class _Block:
    """A heading, or a line that works as one (a bold label alone on its line), and the lines under it."""

    title: str
    line: int
    end_line: int


def _body_lines(card: Card) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """(file line, text) of the body outside fenced code with HTML comments blanked, and of the code."""
    fenced = False
    text = _HTML_COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), "\n".join(card.lines))
    lines = text.split("\n")
    prose: list[tuple[int, str]] = []
    code: list[tuple[int, str]] = []
    for index in range(card.body_start_line - 1, len(lines)):
        line = lines[index].rstrip("\r")
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            continue
        if fenced:
            code.append((index + 1, line))
        else:
            prose.append((index + 1, line))
    return prose, code


@dataclass(frozen=True)
class _Body:
    lines: list[tuple[int, str]]
    by_line: dict[int, str]
    prose: list[tuple[int, str]]  # (line, text) of what `text` joins
    text: str  # prose: no headings, no bare labels, placeholders cut out; for `text` patterns
    folded: str  # `text` case-folded as `re.IGNORECASE` folds ASCII letters, for literal pre-checks
    code: str  # fenced code, for `code` patterns
    labels: list[_Label | _ColumnRow]
    blocks: list[_Block]  # label-only lines that head content, as sections
    code_lines: list[tuple[int, str]] = field(default_factory=list)  # (line, text) of what `code` joins


@last_by_identity
def _body(card: Card) -> _Body:
    """The body split once per card (every finder reads it; a 400 KB card has 40 finders)."""
    lines, code = _body_lines(card)
    labels = _labels(lines)
    bare = {
        label.line
        for label in labels
        if isinstance(label, _Label) and not label.in_table and not _residue(label.value)
    }
    prose = [
        (number, cleaned)
        for number, line in lines
        if number not in bare and not _HEADING.match(line) and _residue(cleaned := _strip_placeholders(line))
    ]
    text = "\n".join(line for _, line in prose)
    body = _Body(
        lines,
        dict(lines),
        prose,
        text,
        text.translate(_SRE_FOLD).lower(),
        "\n".join(line for _, line in code),
        labels,
        _blocks(lines),
        code,
    )
    return body


def prose_by_line(card: Card) -> dict[int, str]:
    """The body's lines outside fenced code, HTML comments blanked, by file line (the template rules read
    what a reader of the rendered card sees)."""
    return _body(card).by_line


def _labels(lines: list[tuple[int, str]]) -> list[_Label | _ColumnRow]:
    """Every labelled value of the body: labelled lines, two-cell table rows, and table columns (the header
    cell labels each cell below it)."""
    found: list[_Label | _ColumnRow] = []
    header: tuple[str, ...] | None = None
    previous: tuple[int, str] | None = None
    for number, line in lines:
        stripped = line.strip()
        if (stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1) or (
            header is not None and stripped.startswith("|")
        ):
            if _TABLE_RULE.fullmatch(stripped):
                header = tuple(_cells(previous[1])) if previous is not None else None
            elif header is not None:
                found.append(_ColumnRow(number, header, line))
            elif len(cells := _cells(line)) == 2 and cells[0]:
                found.append(_Label(number, cells[0], cells[1], True))
            previous = (number, line)
            continue
        header, previous = None, (number, line)
        match = _LABEL_LINE.match(stripped)
        if match is not None:
            found.append(_Label(number, match.group("label").strip(), match.group("value").strip()))
    return found


def _cells(line: str) -> list[str]:
    inner = line.strip().strip("|")
    return [_HTML_TAG.sub("", cell).strip().strip("*_").strip() for cell in inner.split("|")]


def _blocks(lines: list[tuple[int, str]]) -> list[_Block]:
    """Label-only lines (`**Training Data**`) and the prose under them, up to the next heading or label."""
    blocks: list[_Block] = []
    open_title: tuple[str, int] | None = None
    last = 0
    for number, line in lines:
        last = number
        heading = _HEADING.match(line) is not None
        match = None if heading else _PSEUDO_HEADING.fullmatch(line.strip())
        if (heading or match) and open_title is not None:
            blocks.append(_Block(open_title[0], open_title[1], number - 1))
            open_title = None
        if match is not None:
            open_title = ((match.group("bold") or match.group("plain") or "").strip(" \t:"), number)
    if open_title is not None:
        blocks.append(_Block(open_title[0], open_title[1], last))
    return blocks


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
        return any(_filled(item) for item in (value.values() if isinstance(value, dict) else value))
    return True


def _is_placeholder(text: str) -> bool:
    return placeholder_regex().search(text) is not None


def _tags(metadata: Any) -> list[str]:
    """The Hub task, the tags and the tasks of the model-index results of a card, lower-cased."""
    if not isinstance(metadata, dict):
        return []
    items: list[Any] = []
    for key in ("pipeline_tag", "tags"):
        value = metadata.get(key)
        items.extend(value if isinstance(value, list) else [value])
    index = metadata.get("model-index")
    for entry in index if isinstance(index, list) else []:
        results = entry.get("results") if isinstance(entry, dict) else None
        for result in results if isinstance(results, list) else []:
            task = result.get("task") if isinstance(result, dict) else None
            items.append(task.get("type") if isinstance(task, dict) else None)
    return [item.strip().lower() for item in items if isinstance(item, str) and item.strip()]


def locate(finder: Finder, card: Card, facts: list[Fact]) -> FieldState:
    """Whether the card discloses what `finder` looks for, a placeholder in its place, and where it goes."""
    place_line = _place_line(finder, card)

    def found(evidence: str) -> FieldState:
        return FieldState(True, None, place_line, evidence)

    fact = next((f for f in facts if f.kind in finder.facts and f.subject is None), None)
    if fact is not None:
        return found(f"fact {fact.kind} at line {fact.location.line}")
    metadata = card.metadata
    path = next((p for p in finder.metadata if _filled(metadata_value(metadata, p))), None)
    if path is not None:
        return found(f"metadata `{path}`")
    if finder.tags:
        tag_patterns = [_pattern(p, re.IGNORECASE) for p in finder.tags]
        tag = next((t for t in _tags(metadata) if any(p.fullmatch(t) for p in tag_patterns)), None)
        if tag is not None:
            return found(f"tag `{tag}`")
    body = _body(card)
    placeholder: int | None = None
    part: tuple[PartialForm, int, str] | None = None  # a labelled line that gives only part of the item
    if finder.labels:
        labels = _any_of(finder.labels, re.IGNORECASE)
        for item in _column_labels(body.labels, labels):
            if not labels(item.label):
                continue
            if _residue(item.value):
                form = _partial_value(finder, item.value)
                if form is None:
                    return found(f"label '{item.label}' at line {item.line}")
                part = part or (form, item.line, f"label '{item.label}' at line {item.line}")
            elif _is_placeholder(item.value):
                placeholder = placeholder or item.line
    if finder.sections:
        sections = _any_of(finder.sections, re.IGNORECASE)
        for block in _all_blocks(card):
            if not sections(block.title):
                continue
            content = _content(body, block)
            if any(_residue(text) for _, text in content):
                return found(f"section '{block.title}' at line {block.line}")
            first = next((n for n, text in content if _is_placeholder(text)), None)
            if first is not None:
                placeholder = placeholder or first
    prose = _prose(body, card, finder)
    text_hit = next((p for p in finder.text if _in_text(p, prose)), None)
    if text_hit is not None:
        return found(f"text /{text_hit}/")
    code_hit = next((p for p in finder.code if _pattern(p, _TEXT_FLAGS).search(body.code)), None)
    if code_hit is not None:
        return found(f"code /{code_hit}/")
    if placeholder is None:
        part = part or _partial(finder, prose, body)
    if part is not None:
        form, line, evidence = part
        return FieldState(False, None, place_line, f"partial: {evidence}", form, line)
    return FieldState(False, placeholder, place_line)


def _partial_value(finder: Finder, value: str) -> PartialForm | None:
    """The partial form a labelled line's value gives ("trained between January and July 2023" under
    "Model Dates" dates the training, not the release), or None when the value states the item."""
    for form in finder.partial:
        if any(_pattern(p, _TEXT_FLAGS).search(value) for p in form.values):
            return form
    return None


def _partial(finder: Finder, prose: _Body, body: _Body) -> tuple[PartialForm, int, str] | None:
    """The first partial form of `finder` the card shows in prose or code, its line and how it was found."""
    for form in finder.partial:
        for pattern in form.text:
            line = _match_line(pattern, prose.text, prose.prose) if _in_text(pattern, prose) else None
            if line is not None:
                return form, line, f"text /{pattern}/ at line {line}"
        for pattern in form.code:
            line = _match_line(pattern, body.code, body.code_lines)
            if line is not None:
                return form, line, f"code /{pattern}/ at line {line}"
    return None


def _match_line(pattern: str, text: str, lines: list[tuple[int, str]]) -> int | None:
    """The file line of the first match of `pattern` in `text`, the newline-join of `lines`."""
    match = _pattern(pattern, _TEXT_FLAGS).search(text)
    if match is None:
        return None
    index = text.count("\n", 0, match.start())
    return lines[index][0] if index < len(lines) else None


def _content(body: _Body, block: _Block) -> list[tuple[int, str]]:
    """The lines a section holds: its own text before its first subheading, or, when it has none (a chapter
    heading over subsections), everything under it. A contact section that only holds a placeholder is not
    filled by the framework versions listed in a subsection below it."""
    lines = [(n, body.by_line.get(n, "")) for n in range(block.line + 1, block.end_line + 1)]
    own: list[tuple[int, str]] = []
    for number, text in lines:
        if _HEADING.match(text):
            break
        own.append((number, text))
    if any(_residue(text) or _is_placeholder(text) for _, text in own):
        return own
    return [(n, text) for n, text in lines if not _HEADING.match(text)]


def _prose(body: _Body, card: Card, finder: Finder) -> _Body:
    """The body a finder's text patterns read: without the sections it says describe something else (the sizes
    of evaluation sets under 'Evaluation' are not the training data's)."""
    if not finder.not_under:
        return body
    patterns = [_pattern(p, re.IGNORECASE) for p in finder.not_under]
    skipped: set[int] = set()
    for section in card.sections:
        if any(p.search(section.title) for p in patterns):
            skipped.update(range(section.line, section.end_line + 1))
    if not skipped:
        return body
    prose = [(number, line) for number, line in body.prose if number not in skipped]
    text = "\n".join(line for _, line in prose)
    return replace(body, prose=prose, text=text, folded=text.translate(_SRE_FOLD).lower())


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
    return compile_pattern(pattern, flags)


@last_by_identity
def _section_lines(card: Card) -> dict[str, int | None]:
    """The first heading each `place` pattern finds, filled as finders ask (finders share patterns)."""
    return {}


@last_by_identity
def _all_blocks(card: Card) -> list[_Block]:
    """The card's sections, then the label-only lines that head content: what `sections` patterns read."""
    return [_Block(s.title, s.line, s.end_line) for s in card.sections] + _body(card).blocks


def _place_line(finder: Finder, card: Card) -> int | None:
    if finder.place_pattern:
        lines = _section_lines(card)
        if finder.place_pattern not in lines:
            pattern = _pattern(finder.place_pattern, re.IGNORECASE)
            lines[finder.place_pattern] = next(
                (section.line for section in card.sections if pattern.search(section.title)), None
            )
        line = lines[finder.place_pattern]
        if line is not None:
            return line
    if finder.place_metadata and card.front_matter is not None:
        return card.front_matter.start_line
    return None


# ---------------------------------------------------------------- precision

_NUMBER = compile_pattern(r"\d[\d,_' \u00a0\u202f]*(?:\.\d+)?")


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
