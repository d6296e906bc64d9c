"""Front matter read from YAML: the data with every key's position, duplicate keys and YAML 1.1 surprises.

YAML uses 1.1 semantics through PyYAML's safe loader, so `language: no` becomes False here exactly as it
does on the Hub. The node graph is bounded (size, recursion, aliases) before anything is constructed, so a
hostile block fails with a finding instead of expanding. Positions are 1-based file lines and columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

import yaml

from cardlint.card.yaml_loader import _USE_PURE_LOADER, _BoundedLoader, _fast_node, _LimitExceeded
from cardlint.core.limits import Limits
from cardlint.core.regex_store import compile_pattern

Path_ = tuple[str | int, ...]

_BOOL_WORDS = {"true", "false"}


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
_SAME_NUMBER_IN_YAML12 = compile_pattern(
    r"[-+]?(0|[1-9][0-9]*)(\.[0-9]*)?([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)"
)
# A plain scalar YAML 1.2's core schema reads as a number (YAML 1.1 needs a dot and a signed exponent).
_YAML12_NUMBER = compile_pattern(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")


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
