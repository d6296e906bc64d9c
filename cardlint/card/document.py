"""Turn a card's raw bytes into front matter (YAML data with positions) and a Markdown body (tokens,
sections).

The splitting follows the Hub: metadata exists only when the first non-blank line is `---` and a later line is
`---` (trailing spaces allowed); YAML uses 1.1 semantics through PyYAML's safe loader, so `language: no`
becomes False here exactly as it does on the Hub. Positions are 1-based file lines and columns so findings
point where an editor does.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

import yaml
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from cardlint.core.limits import DEFAULT_LIMITS, Limits

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token


class _LimitExceeded(yaml.YAMLError):
    def __init__(self, message: str, mark: Any) -> None:
        super().__init__(message)
        self.message = message
        self.mark = mark


_SURROGATE = re.compile("[\ud800-\udfff]")


class _Bounds:
    """Depth and alias counts bounded while composing, so a hostile card fails before anything is expanded."""

    max_depth = DEFAULT_LIMITS.max_yaml_depth
    max_aliases = DEFAULT_LIMITS.max_yaml_aliases
    _depth = 0
    _aliases = 0
    _nodes = 0  # nodes composed (aliases not counted)

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):  # type: ignore[attr-defined]
            self._aliases += 1
            if self._aliases > self.max_aliases:
                raise _LimitExceeded(
                    f"YAML uses more than {self.max_aliases} aliases",
                    self.peek_event().start_mark,  # type: ignore[attr-defined]
                )
            return super().compose_node(parent, index)  # type: ignore[misc]
        self._depth += 1
        self._nodes += 1
        if self._depth > self.max_depth:
            raise _LimitExceeded(
                f"YAML nested deeper than {self.max_depth} levels",
                self.peek_event().start_mark,  # type: ignore[attr-defined]
            )
        try:
            node = super().compose_node(parent, index)  # type: ignore[misc]
        finally:
            self._depth -= 1
        if getattr(node, "style", None) == '"' and _SURROGATE.search(node.value):
            # "\ud800" is a valid YAML escape but no text: it could be neither printed nor written back
            node.value = _SURROGATE.sub("\ufffd", node.value)
        return node


class _BoundedLoader(_Bounds, yaml.SafeLoader):
    """PyYAML's pure safe loader (the Hub's own parser; libyaml accepts TABs that it rejects), bounded."""


_CParser: Any = getattr(getattr(yaml, "cyaml", None), "CParser", None)  # None: PyYAML without libyaml

_USE_PURE_LOADER: Any = object()
# What the pure reader refuses, and line breaks other than \n and \r\n (marks are mapped by counting \n).
_NON_PRINTABLE = yaml.reader.Reader.NON_PRINTABLE
_ODD_BREAKS = re.compile("[\x85\u2028\u2029]|\r(?!\n)")


def _fast_node(text: str, limits: Limits) -> Any:
    """The node graph composed from libyaml's events (about 10x faster), or _USE_PURE_LOADER.

    Only the events come from libyaml; composing, tag resolution, bounds and everything after are the pure
    loader's own code. libyaml differs from the pure scanner on TABs and (in wording) on errors, and its
    reader accepts characters the pure reader refuses, so a text with a TAB, a non-printable character, an
    unusual line break or an anchor (aliases are the bounded loader's business), and any text libyaml
    fails on, goes to the pure loader, which then also gives the exact error. bench/perf_yaml_equivalence.py
    compares both on every corpus card; tests/test_perf_yaml.py on hand-written cases.
    """
    if (
        _CParser is None
        or "\t" in text
        or "&" in text
        or _NON_PRINTABLE.search(text)
        or _ODD_BREAKS.search(text)
    ):
        return _USE_PURE_LOADER
    loader = _FastLoader(text)
    loader.max_depth = limits.max_yaml_depth
    loader.max_aliases = limits.max_yaml_aliases
    try:
        node = loader.get_single_node()
    except (yaml.YAMLError, RecursionError, ValueError):
        return _USE_PURE_LOADER
    finally:
        loader.dispose()
    if node is not None:
        # no anchors, so no aliases: the graph is a tree of this many nodes (saves _expanded_size's walk)
        node.tree_size = loader._nodes  # type: ignore[attr-defined]
    return node


if _CParser is not None:

    class _FastLoader(_Bounds, yaml.composer.Composer, _CParser, SafeConstructor, Resolver):
        def __init__(self, stream: str) -> None:
            _CParser.__init__(self, stream)
            yaml.composer.Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)
            # libyaml ends an unterminated last line with a virtual line break; the pure scanner does not, so
            # marks at the very end (an empty last value, the end of the last block) sit one line lower.
            self._last_line = stream.count("\n")
            self._last_column = len(stream) - (stream.rfind("\n") + 1)

        def _pure_marks(self, node: Any) -> Any:
            if node.start_mark.line > self._last_line:
                node.start_mark = self._end_mark()
            if node.end_mark.line > self._last_line:
                node.end_mark = self._end_mark()
            return node

        def _end_mark(self) -> yaml.Mark:
            return yaml.Mark("", 0, self._last_line, self._last_column, None, None)  # type: ignore[arg-type]

        def compose_scalar_node(self, anchor: Any) -> Any:
            node = super().compose_scalar_node(anchor)
            if node.style == "":  # libyaml's plain style; the pure parser says None
                node.style = None
            return self._pure_marks(node)

        def compose_sequence_node(self, anchor: Any) -> Any:
            return self._pure_marks(super().compose_sequence_node(anchor))

        def compose_mapping_node(self, anchor: Any) -> Any:
            return self._pure_marks(super().compose_mapping_node(anchor))


Path_ = tuple[str | int, ...]

_BOOL_WORDS = {"true", "false"}


_LONE_CR = re.compile(r"\r(?!\n)")


@dataclass(frozen=True)
class YamlProblem:
    """A YAML error with its file position (1-based)."""

    message: str
    line: int
    column: int


class NodeMark(NamedTuple):
    """Where a key and its value sit in the file (1-based). A named tuple: one is made per YAML node, and a
    frozen dataclass took three times as long to build."""

    key_line: int
    key_column: int
    value_line: int
    value_column: int
    value_end_line: int


@dataclass(frozen=True)
class DuplicateKey:
    path: Path_
    line: int
    column: int
    first_line: int


@dataclass(frozen=True)
class Yaml11Surprise:
    """A plain scalar that YAML 1.1 turns into something other than the string it looks like."""

    path: Path_
    raw: str
    value: Any
    kind: str  # bool | int | float | timestamp | str (a number YAML 1.1 reads as a string)
    line: int
    column: int


@dataclass
class FrontMatter:
    text: str
    start_line: int  # file line of the first YAML line (the line after the opening ---)
    end_line: int | None  # file line of the closing ---, None when never closed
    data: Any = None
    error: YamlProblem | None = None
    marks: dict[Path_, NodeMark] = field(default_factory=dict)
    duplicates: list[DuplicateKey] = field(default_factory=list)
    surprises: list[Yaml11Surprise] = field(default_factory=list)
    opening_exact: bool = True  # False when the opening `---` has trailing spaces: the Hub then sees no block

    @property
    def closed(self) -> bool:
        return self.end_line is not None

    def line_of(self, path: Path_, *, value: bool = False) -> int:
        """The file line of a key (or its value); falls back to the nearest known ancestor, then the block."""
        for depth in range(len(path), 0, -1):
            mark = self.marks.get(path[:depth])
            if mark is not None:
                return mark.value_line if value else mark.key_line
        return self.start_line

    def column_of(self, path: Path_, *, value: bool = False) -> int:
        mark = self.marks.get(path)
        if mark is None:
            return 1
        return mark.value_column if value else mark.key_column


@dataclass(frozen=True)
class Section:
    title: str
    level: int
    line: int  # file line of the heading
    end_line: int  # last file line before the next heading of the same or higher level


@dataclass
class Card:
    """A parsed card. `lines` are the raw file lines split on \\n (a CRLF card keeps its \\r)."""

    path: str
    text: str
    lines: list[str]
    front_matter: FrontMatter | None
    has_front_matter_opening: bool
    body_start_line: int  # file line where the Markdown body begins
    encoding_problem: str | None = None
    limits: Limits = DEFAULT_LIMITS

    @property
    def metadata(self) -> dict[str, Any]:
        """The front matter as a mapping ({} when absent, unclosed, broken or not a mapping)."""
        fm = self.front_matter
        if fm is None or not fm.closed or fm.error is not None or not isinstance(fm.data, dict):
            return {}
        return fm.data

    @property
    def body(self) -> str:
        return "\n".join(self.lines[self.body_start_line - 1 :])

    @functools.cached_property
    def tokens(self) -> list[Token]:
        """markdown-it block tokens of the body; `token.map` is already shifted to 0-based *file* lines.

        Inline tokens keep their raw `content` but have no `children` (see `_markdown_parser`)."""
        # markdown-it breaks lines at a lone CR too; cardlint's lines split on LF only, so a lone CR is read
        # as a space here to keep token lines and file lines the same.
        body = self.body
        if "\r" in body:
            body = _LONE_CR.sub(" ", body)
        tokens = _markdown_parser().parse(body)
        offset = self.body_start_line - 1
        for token in _walk(tokens):
            if token.map is not None:
                token.map = [token.map[0] + offset, token.map[1] + offset]
        return tokens

    @functools.cached_property
    def sections(self) -> list[Section]:
        headings: list[tuple[str, int, int]] = []
        tokens = self.tokens
        for index, token in enumerate(tokens):
            if token.type == "heading_open" and token.map is not None:
                inline = tokens[index + 1] if index + 1 < len(tokens) else None
                title = inline.content.strip() if inline is not None else ""
                headings.append((title, int(token.tag[1:]), token.map[0] + 1))
        # one pass with a stack of open headings: a heading closes every open one of its level or deeper
        # (scanning ahead from each heading was quadratic on a card of thousands of headings)
        ends = [len(self.lines)] * len(headings)
        open_positions: list[int] = []
        for position, (_title, level, line) in enumerate(headings):
            while open_positions and headings[open_positions[-1]][1] >= level:
                ends[open_positions.pop()] = line - 1
            open_positions.append(position)
        return [
            Section(title, level, line, ends[index]) for index, (title, level, line) in enumerate(headings)
        ]

    def section_text(self, section: Section) -> str:
        return "\n".join(self.lines[section.line : section.end_line])

    def find_sections(self, pattern: str) -> list[Section]:
        """Sections whose heading matches `pattern` (a case-insensitive regex)."""
        regex = re.compile(pattern, re.IGNORECASE)
        return [s for s in self.sections if regex.search(s.title)]


def _walk(tokens: list[Token]) -> Iterator[Token]:
    for token in tokens:
        yield token
        if token.children:
            yield from _walk(token.children)


class CardReadError(Exception):
    """The bytes are not a text card at all (binary, too large); the message says why in one line."""


def decode(raw: bytes, limits: Limits = DEFAULT_LIMITS) -> tuple[str, str | None]:
    """Bytes to text. Returns the text and a description of any encoding problem that was repaired."""
    if len(raw) > limits.max_card_bytes:
        raise CardReadError(f"file is {len(raw):,} bytes, over the {limits.max_card_bytes:,}-byte limit")
    if len(raw) > limits.max_parsed_bytes:
        raise CardReadError(
            f"{len(raw):,} bytes, over the {limits.max_parsed_bytes:,}-byte limit of cards parsed and "
            "checked (limits.max_parsed_bytes); nothing in it was read"
        )
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), None
        except UnicodeDecodeError as exc:
            return raw.decode("utf-16", errors="replace"), f"invalid UTF-16 at byte {exc.start}"
    if b"\x00" in raw[:8192]:
        raise CardReadError("binary file (contains NUL bytes), not a text model card")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        return raw.decode("utf-8", errors="replace"), f"invalid UTF-8 at byte offset {exc.start}"


def parse_card(text: str, path: str = "<card>", *, limits: Limits = DEFAULT_LIMITS) -> Card:
    """Split and parse a card's text. Never raises for any text input."""
    text = text.removeprefix("\ufeff")
    lines = text.split("\n")
    first = _opening_index(lines)
    if first is None:
        return Card(path, text, lines, None, False, 1, limits=limits)
    end_index = _closing_index(lines, first)
    if end_index is None:
        fm = FrontMatter("\n".join(lines[first + 1 :]), start_line=first + 2, end_line=None)
        fm.opening_exact = lines[first].rstrip("\r").lstrip() == "---"
        return Card(path, text, lines, fm, True, 1, limits=limits)
    yaml_text = "\n".join(line.rstrip("\r") for line in lines[first + 1 : end_index])
    fm = FrontMatter(yaml_text, start_line=first + 2, end_line=end_index + 1)
    fm.opening_exact = lines[first].rstrip("\r").lstrip() == "---"
    _load_front_matter(fm, limits)
    return Card(path, text, lines, fm, True, end_index + 2, limits=limits)


def _opening_index(lines: list[str]) -> int | None:
    """The index of the opening `---`: the first line that is not blank, as in the Hub's regex. Trailing
    spaces are tolerated here (the author meant a block) but recorded, because the Hub then sees none."""
    for index, line in enumerate(lines):
        if line.strip():
            return index if line.strip() == "---" else None
    return None


def _closing_index(lines: list[str], first: int) -> int | None:
    """The closing `---`. The Hub's regex needs a line break before it that the opening did not consume, so a
    `---` right after the opening starts the YAML (a document marker) unless nothing else closes the block;
    then the block is simply empty."""
    for index in range(first + 2, len(lines)):
        closing = _LAST_CLOSING if index == len(lines) - 1 else _CLOSING
        if closing.fullmatch(lines[index]):
            return index
    if first + 1 < len(lines):
        closing = _LAST_CLOSING if first + 1 == len(lines) - 1 else _CLOSING
        if closing.fullmatch(lines[first + 1]):
            return first + 1
    return None


@functools.cache
def _markdown_parser() -> MarkdownIt:
    """One parser per process: building it (rule chains, regexes) cost as much as parsing a short card.

    Block structure only: nothing in cardlint reads the inline children (emphasis, links) of a token, and
    skipping the inline pass takes a third off the parse. The block tokens are the same either way (checked
    on every corpus card; tests/test_perf_markdown.py)."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True}).enable("table").disable("inline")


# The Hub closes the block at `---` in column 1, then optional spaces or tabs, then CRLF, LF or the end of the
# file: a line ending in `\r\r\n` (seen in real cards) does not close it.
_CLOSING = re.compile(r"---[ \t]*\r?")
_LAST_CLOSING = re.compile(r"---[ \t]*")


def _load_front_matter(fm: FrontMatter, limits: Limits, *, salvage: bool = True) -> None:
    if len(fm.text.encode("utf-8", errors="replace")) > limits.max_front_matter_bytes:
        fm.error = YamlProblem(
            f"front matter is larger than the {limits.max_front_matter_bytes:,}-byte limit", fm.start_line, 1
        )
        return
    offset = fm.start_line - 1
    node = _fast_node(fm.text, limits)
    if node is not _USE_PURE_LOADER:
        _finish_front_matter(fm, node, limits, offset)
        return
    try:
        loader = _BoundedLoader(fm.text)  # the reader rejects control characters right here
    except yaml.reader.ReaderError as exc:
        fm.error = _reader_problem(exc, fm.text, offset)
        return
    loader.max_depth = limits.max_yaml_depth
    loader.max_aliases = limits.max_yaml_aliases
    try:
        node = loader.get_single_node()
    except _LimitExceeded as exc:
        fm.error = YamlProblem(exc.message, exc.mark.line + 1 + offset, exc.mark.column + 1)
        return
    except yaml.MarkedYAMLError as exc:
        fm.error = _problem_from(exc, offset)
        if salvage:
            _salvage_surprises(fm, limits)
        return
    except yaml.YAMLError as exc:
        fm.error = YamlProblem(str(exc).splitlines()[0], fm.start_line, 1)
        return
    except RecursionError:
        fm.error = YamlProblem("YAML nested too deeply to read", fm.start_line, 1)
        return
    finally:
        loader.dispose()
    _finish_front_matter(fm, node, limits, offset)


def _finish_front_matter(fm: FrontMatter, node: yaml.Node | None, limits: Limits, offset: int) -> None:
    """Data, marks, duplicates and surprises from the composed node graph, whichever parser built it."""
    if node is None:
        fm.data = None
        return
    expanded = getattr(node, "tree_size", None) or _expanded_size(node)
    if expanded is None:
        fm.error = YamlProblem(
            "YAML alias refers to its own enclosing node (a recursive structure)", fm.start_line, 1
        )
        return
    if expanded > limits.max_yaml_nodes:
        fm.error = YamlProblem(
            f"YAML expands to more than {limits.max_yaml_nodes:,} nodes through aliases (an alias bomb?)",
            node.start_mark.line + 1 + offset,
            1,
        )
        return
    _collect_marks(node, (), fm, offset)
    constructor = yaml.SafeLoader("")
    try:
        fm.data = constructor.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        fm.error = _problem_from(exc, offset)
    except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
        fm.error = YamlProblem(f"YAML value cannot be read: {exc}", fm.start_line, 1)
    finally:
        constructor.dispose()


def _salvage_surprises(fm: FrontMatter, limits: Limits) -> None:
    """After a syntax error, read the lines before it on their own and keep only the YAML 1.1 surprises found
    there: a card with a stray TAB at line 24 should still hear that `- no` at line 3 is a boolean.
    Data and marks stay empty, since the block as a whole is unreadable."""
    if fm.error is None:
        return
    prefix_lines = fm.error.line - fm.start_line
    if prefix_lines <= 0:
        return
    scratch = FrontMatter("\n".join(fm.text.split("\n")[:prefix_lines]), fm.start_line, fm.end_line)
    _load_front_matter(scratch, limits, salvage=False)  # once only: nested salvages made this quadratic
    if scratch.error is None:
        fm.surprises = scratch.surprises


def _reader_problem(exc: yaml.reader.ReaderError, text: str, offset: int) -> YamlProblem:
    """A character YAML does not allow (a control character): its file line and column."""
    before = text[: exc.position]
    line = before.count("\n")
    column = exc.position - (before.rfind("\n") + 1)
    return YamlProblem(
        f"character U+{exc.character:04X} is not allowed in YAML", line + 1 + offset, column + 1
    )


def _problem_from(exc: yaml.MarkedYAMLError, offset: int) -> YamlProblem:
    mark = exc.problem_mark or exc.context_mark
    message = " ".join(part for part in (exc.context, exc.problem) if part) or str(exc)
    if mark is None:
        return YamlProblem(message, offset + 1, 1)
    return YamlProblem(message, mark.line + 1 + offset, mark.column + 1)


def _expanded_size(root: yaml.Node) -> int | None:
    """Node count with every alias expanded, computed on the shared graph in linear time.

    None when an alias points back at one of its own ancestors (`&a [*a]`): such a graph expands forever,
    and PyYAML would build a self-containing object that later stages could walk without end.
    """
    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if children_done:
            on_path.discard(id(node))
            sizes[id(node)] = 1 + sum(sizes[id(child)] for child in _children(node))
            continue
        if id(node) in sizes:
            continue
        children = _children(node)
        on_path.add(id(node))
        stack.append((node, True))
        for child in children:
            if id(child) in on_path:
                return None
            if id(child) not in sizes:
                stack.append((child, False))
    return sizes[id(root)]


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


_SURPRISE_TAGS = {
    "tag:yaml.org,2002:bool": "bool",
    "tag:yaml.org,2002:int": "int",
    "tag:yaml.org,2002:float": "float",
    "tag:yaml.org,2002:timestamp": "timestamp",
}


_STR_TAG = "tag:yaml.org,2002:str"
_SAME_NUMBER_IN_YAML12 = re.compile(
    r"[-+]?(0|[1-9][0-9]*)(\.[0-9]*)?([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)"
)
# A plain scalar YAML 1.2's core schema reads as a number (YAML 1.1 needs a dot and a signed exponent).
_YAML12_NUMBER = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")


def _collect_marks(node: yaml.Node, path: Path_, fm: FrontMatter, offset: int) -> None:
    """Record positions, duplicate keys and YAML 1.1 surprises; the graph is bounded by the limits above."""
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, Path_]] = [(node, path)]
    while stack:
        current, current_path = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, yaml.MappingNode):
            first_seen: dict[Any, int] = {}
            for key_node, value_node in current.value:
                key: Any = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(id(key_node))
                child_path = (*current_path, key)
                key_line = key_node.start_mark.line + 1 + offset
                if key in first_seen:
                    fm.duplicates.append(
                        DuplicateKey(child_path, key_line, key_node.start_mark.column + 1, first_seen[key])
                    )
                else:
                    first_seen[key] = key_line
                fm.marks[child_path] = NodeMark(
                    key_line,
                    key_node.start_mark.column + 1,
                    value_node.start_mark.line + 1 + offset,
                    value_node.start_mark.column + 1,
                    value_node.end_mark.line + 1 + offset,
                )
                stack.append((value_node, child_path))
        elif isinstance(current, yaml.SequenceNode):
            for index, item in enumerate(current.value):
                child_path = (*current_path, index)
                line = item.start_mark.line + 1 + offset
                column = item.start_mark.column + 1
                fm.marks[child_path] = NodeMark(line, column, line, column, item.end_mark.line + 1 + offset)
                stack.append((item, child_path))
        elif isinstance(current, yaml.ScalarNode) and current.style is None:
            if current.tag == _STR_TAG and _YAML12_NUMBER.fullmatch(current.value):
                # `1e25` or `3.8e25`: a number to YAML 1.2 and to a reader, a string to YAML 1.1
                fm.surprises.append(
                    Yaml11Surprise(
                        current_path,
                        current.value,
                        current.value,
                        "str",
                        current.start_mark.line + 1 + offset,
                        current.start_mark.column + 1,
                    )
                )
                continue
            kind = _SURPRISE_TAGS.get(current.tag)
            if kind is None or (kind == "bool" and current.value.lower() in _BOOL_WORDS):
                continue
            if kind in ("int", "float") and _SAME_NUMBER_IN_YAML12.fullmatch(current.value):
                continue  # an ordinary number (or .inf/.nan) that reads the same in YAML 1.2
            fm.surprises.append(
                Yaml11Surprise(
                    current_path,
                    current.value,
                    _construct_scalar(current),
                    kind,
                    current.start_mark.line + 1 + offset,
                    current.start_mark.column + 1,
                )
            )
    fm.duplicates.sort(key=lambda item: (item.line, item.column))
    fm.surprises.sort(key=lambda item: (item.line, item.column))


def _construct_scalar(node: yaml.ScalarNode) -> Any:
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_object(node)
    except (yaml.YAMLError, ValueError, OverflowError):
        return node.value
    finally:
        loader.dispose()
