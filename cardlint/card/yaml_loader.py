"""PyYAML loaders for front matter, bounded in depth and aliases, with a libyaml fast path.

The pure safe loader is the Hub's own parser and the reference; libyaml only supplies events when the text
cannot tell the two apart (no TAB, anchor, non-printable character or odd line break), which makes an
ordinary card's front matter about ten times faster to compose. Kept apart from the card model so the
parser quirks live in one place.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from cardlint.core.limits import DEFAULT_LIMITS, Limits
from cardlint.core.regex_store import compile_pattern


class _LimitExceeded(yaml.YAMLError):
    def __init__(self, message: str, mark: Any) -> None:
        super().__init__(message)
        self.message = message
        self.mark = mark


_SURROGATE = compile_pattern("[\ud800-\udfff]")


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
_ODD_BREAKS = compile_pattern("[\x85\u2028\u2029]|\r(?!\n)")


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
