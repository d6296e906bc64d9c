"""The body's block structure as cardlint reads it: headings, code, HTML blocks and pipe tables, as compact
records built while markdown-it parses.

markdown-it keeps a Token (~375 bytes) per block boundary and about three per table cell; held for a whole
card they cost ~140 bytes of memory per byte of a table card. Here each top-level block's tokens become
`Block`s as soon as the next block starts (only the kinds cardlint reads are kept), and
the table rule's per-cell tokens are read one by one as markdown-it's own rule makes them, so a big table
never exists as tokens. `blocks_of_tokens` is the same reading of a finished token list: the definition the
streamed reading is tested against (tests/test_perf_markdown.py).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.rules_block import StateBlock
    from markdown_it.token import Token

BlockRule = Callable[["StateBlock", int, int, bool], bool]

_OFFSET = "cardlint_line_offset"  # env key: file line of the body's first line, minus one
_DONE = "cardlint_blocks_done"  # env key: how many entries at the front of the token list are Blocks already


class TableRow(NamedTuple):
    line: int  # 0-based file line
    cells: tuple[str, ...]  # each cell's raw inline text, trimmed as markdown-it trims it
    header: bool


class Block(NamedTuple):
    """One block of the body. `first`/`end` are markdown-it's `map` shifted to 0-based *file* lines."""

    type: str  # heading | fence | code_block | html_block | table
    level: int  # markdown-it's nesting level: 0 at the top, deeper inside lists and blockquotes
    first: int
    end: int
    tag: str = ""  # heading: h1 ... h6
    content: str = ""  # heading: its raw inline text; html_block: its markup
    rows: tuple[TableRow, ...] = ()  # table: its rows in order, header row(s) first


_KEPT = ("fence", "code_block", "html_block")


class _TableReader:
    """Reads one table's tokens in order (table_open ... table_close) into a `table` Block."""

    def __init__(self, offset: int) -> None:
        self.offset = offset
        self.rows: list[TableRow] = []
        self.table_map: list[int] | None = None
        self.level = 0
        self.header = False
        self.line = 0
        self.cells: list[str] = []

    def feed(self, token: Token) -> None:
        kind = token.type
        if kind == "inline":
            self.cells.append(token.content)
        elif kind == "tr_open":
            self.cells = []
            self.line = token.map[0] + self.offset if token.map else self.line + 1
        elif kind == "tr_close":
            self.rows.append(TableRow(self.line, tuple(self.cells), self.header))
        elif kind == "thead_open":
            self.header = True
        elif kind == "thead_close":
            self.header = False
        elif kind == "table_open":
            self.table_map, self.level = token.map, token.level

    def block(self) -> Block:
        """The table, once its rule has returned (markdown-it sets the table's last line at the very end)."""
        first, end = self.table_map or (0, 0)
        return Block("table", self.level, first + self.offset, end + self.offset, rows=tuple(self.rows))


def blocks_of_tokens(tokens: Iterable[Token | Block], offset: int = 0) -> list[Block]:
    """The Blocks of a token list (Blocks already in it are kept as they are)."""
    result: list[Block] = []
    table: _TableReader | None = None
    heading: Token | None = None
    for token in tokens:
        if isinstance(token, Block):
            result.append(token)
        elif table is not None:
            table.feed(token)
            if token.type == "table_close":
                result.append(table.block())
                table = None
        elif heading is not None:  # the inline token right after heading_open holds the title
            first, end = heading.map or (0, 0)
            content = token.content if token.type == "inline" else ""
            result.append(Block("heading", heading.level, first + offset, end + offset, heading.tag, content))
            heading = None
        elif token.type == "heading_open":
            heading = token
        elif token.type == "table_open":
            table = _TableReader(offset)
            table.feed(token)
        elif token.type in _KEPT and token.map is not None:
            content = token.content if token.type == "html_block" else ""
            result.append(
                Block(token.type, token.level, token.map[0] + offset, token.map[1] + offset, "", content)
            )
    return result


def _compact_finished(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """A block rule that never matches, tried first wherever a block may start: at the top level, every
    token before that point belongs to a block whose rule has returned, so those tokens become Blocks."""
    if state.level or silent:
        return False
    done = state.env[_DONE]
    if len(state.tokens) > done:
        blocks = blocks_of_tokens(state.tokens[done:], state.env[_OFFSET])
        del state.tokens[done:]
        state.tokens.extend(blocks)  # type: ignore[arg-type]  # the token list now holds Blocks
        state.env[_DONE] = len(state.tokens)
    return False


def _streamed_table(rule: BlockRule) -> BlockRule:
    """markdown-it's table rule, its tokens read one by one as they are made instead of kept: each one is
    read when the rule pushes the next (the rule fills a token in after pushing it), the last on return."""
    from markdown_it.rules_block import StateBlock

    def table(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
        if silent:
            return rule(state, start_line, end_line, silent)
        reader = _TableReader(state.env[_OFFSET])
        pending: list[Token] = []

        def push(kind: str, tag: str, nesting: Any) -> Token:
            token = StateBlock.push(state, kind, tag, nesting)  # level bookkeeping as markdown-it does it
            state.tokens.pop()
            if pending:
                reader.feed(pending.pop())
            pending.append(token)
            return token

        state.push = push  # type: ignore[method-assign,assignment]
        try:
            matched = rule(state, start_line, end_line, silent)
        finally:
            del state.push
        if pending:
            reader.feed(pending.pop())
        if matched:
            state.tokens.append(reader.block())  # type: ignore[arg-type]
        return matched

    return table


@functools.cache
def _parser() -> MarkdownIt:
    """One parser per process: building it (rule chains, regexes) cost as much as parsing a short card.

    Block structure only: nothing in cardlint reads the inline children (emphasis, links) of a token, and
    skipping the inline pass (and text_join, which only rejoins inline children) takes a third off the
    parse. The block tokens are the same either way (tests/test_perf_markdown.py)."""
    from markdown_it import MarkdownIt
    from markdown_it.rules_block import table

    parser = MarkdownIt("commonmark", {"html": True}).enable("table").disable(["inline", "text_join"])
    # both ahead of every rule of the main chain only (no `alt`: the chains that test whether a line ends a
    # paragraph keep markdown-it's own rules); markdown-it's table rule stays, and fails where ours fails
    parser.block.ruler.before("table", "cardlint_compact", _compact_finished)
    parser.block.ruler.before("table", "cardlint_table", _streamed_table(table))
    return parser


def parse_blocks(body: str, line_offset: int = 0) -> list[Block]:
    """The Blocks of a Markdown body whose first line is file line `line_offset + 1`."""
    result = _parser().parse(body, {_OFFSET: line_offset, _DONE: 0})
    return blocks_of_tokens(
        result, line_offset
    )  # the last block's tokens; the Blocks before stay as they are
