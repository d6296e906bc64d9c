"""What each line of a card is (code, table, HTML, heading, prose) and which headings it sits under.

The extractors need this to keep config dumps and code out of the facts, and to read a figure in the light of
its section ("Inference" vs "Training"). Prose paragraphs are cleaned of Markdown emphasis, code ticks, links
and tags so `**39.3**M` reads as `39.3M`; every cleaned character keeps its file position for the location,
stored compactly as runs (one entry per stretch of characters that sit side by side in the file, not one
tuple per character: that cost ~180 bytes of memory per byte of a table card).
"""

from __future__ import annotations

import bisect
import functools
import html
from dataclasses import dataclass, field
from typing import cast

from cardlint.card.document import Card
from cardlint.core.memo import last_by_identity
from cardlint.core.regex_store import compile_pattern

CODE, TABLE, HTML, HEADING, PROSE, BLANK, FRONT = (
    "code",
    "table",
    "html",
    "heading",
    "prose",
    "blank",
    "front",
)
HTML_TABLE = "html-table"

_LIST_ITEM = compile_pattern(r"^\s{0,8}(?:>\s?){0,4}(?:[-*+]|\d{1,3}[.)])\s")
_TAG = compile_pattern(r"<(/?)([A-Za-z][A-Za-z0-9]{0,15})(?:\s[^<>\n]{0,300})?/?>|<!--[^\n]{0,500}?-->")
_LINK = compile_pattern(r"!?\[([^\[\]\n]{0,300})\]\(\s{0,2}([^()\s]{0,500})(?:\s[^()\n]{0,200})?\)")
_BARE_URL = compile_pattern(r"https?://[^\s<>()\[\]]{1,500}")
_ENTITY = compile_pattern(r"&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# decoded entities read as the plain characters the figure readers look for
_AS_PLAIN = str.maketrans({"\xa0": " ", "\u223c": "~"})
_PLAIN_RUN = compile_pattern(r"[^*`\\]+")


@dataclass(frozen=True)
class Link:
    text: str
    url: str
    start: int  # position in the cleaned text where the link text starts
    end: int


class Spans:
    """File positions of cleaned text as runs: run i starts at cleaned index starts[i], on file line
    lines[i] at column columns[i], and its characters sit on consecutive columns."""

    __slots__ = ("columns", "lines", "size", "starts")

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.lines: list[int] = []
        self.columns: list[int] = []
        self.size = 0  # cleaned characters mapped so far

    def add(self, line: int, column: int, count: int = 1) -> None:
        """`count` cleaned characters from consecutive columns of `line`, starting at `column`."""
        if count <= 0:
            return
        if not (
            self.starts
            and self.lines[-1] == line
            and self.columns[-1] + self.size - self.starts[-1] == column
        ):
            self.starts.append(self.size)
            self.lines.append(line)
            self.columns.append(column)
        self.size += count

    def add_at(self, line: int, column: int, count: int) -> None:
        """`count` cleaned characters that all stand for the one file character at `column` (a tag, an
        entity)."""
        for _ in range(count):
            self.add(line, column)

    def extend(self, other: Spans, first: int = 0, stop: int | None = None) -> None:
        """Append the positions of `other`'s cleaned characters first..stop-1."""
        stop = other.size if stop is None else min(stop, other.size)
        if first >= stop:
            return
        run = bisect.bisect_right(other.starts, first) - 1
        while run < len(other.starts) and other.starts[run] < stop:
            begin = max(first, other.starts[run])
            end = other.starts[run + 1] if run + 1 < len(other.starts) else other.size
            end = min(end, stop)
            self.add(other.lines[run], other.columns[run] + begin - other.starts[run], end - begin)
            run += 1

    def at(self, index: int) -> tuple[int, int]:
        """(line, column) of cleaned character `index`, clamped to the text; (0, 0) for no text."""
        if not self.size:
            return (0, 0)
        index = min(max(index, 0), self.size - 1)
        run = bisect.bisect_right(self.starts, index) - 1
        return self.lines[run], self.columns[run] + index - self.starts[run]


@dataclass
class Block:
    """Cleaned text of one paragraph, list item, table cell or HTML cell, with a map back to the file."""

    text: str
    spans: Spans  # (1-based line, 1-based column) of every cleaned character
    headings: tuple[str, ...]
    links: list[Link] = field(default_factory=list)
    origin: str = "prose"

    def where(self, index: int) -> tuple[int, int]:
        return self.spans.at(index)

    def quote(self, card: Card, start: int, end: int) -> str:
        """The raw file text of the line holding `start`, cut around the cleaned span (at most 80 chars)."""
        line, column = self.where(start)
        end_line, end_column = self.where(max(start, end - 1))
        raw = card.lines[line - 1].rstrip("\r") if 0 < line <= len(card.lines) else ""
        stop = end_column if end_line == line else len(raw)
        stop = max(stop, column)
        text = raw[column - 1 : stop]
        if len(text) > 80:
            text = text[:80]
        return text.strip() or raw.strip()[:80]


@last_by_identity
def layout_of(card: Card) -> Layout:
    """The card's Layout, built once and shared by the extractors and the checks that read tables."""
    return Layout(card)


class Layout:
    """Line kinds and heading chains of a card, computed once."""

    def __init__(self, card: Card) -> None:
        self.card = card
        total = len(card.lines)
        self.kinds: list[str] = [PROSE] * (total + 2)  # index = 1-based line
        for line in range(1, min(card.body_start_line, total + 1)):
            self.kinds[line] = FRONT
        self.html_blocks: list[tuple[int, str]] = []  # (first file line, content)
        self.tables: list[tuple[int, int]] = []  # markdown tables: (first line, last line), 1-based
        for block in card.blocks:
            if block.level != 0 and block.type not in ("fence", "code_block", "html_block"):
                continue
            first, last = block.first + 1, block.end
            if block.type in ("fence", "code_block"):
                self._mark(first, last, CODE)
            elif block.type == "table":
                self._mark(first, last, TABLE)
                self.tables.append((first, last))
            elif block.type == "html_block":
                self._mark(first, last, HTML)
                self.html_blocks.append((first, block.content))
            elif block.type == "heading":
                self._mark(first, last, HEADING)
        self.html_table_ranges: list[tuple[int, int]] = []
        self._find_html_tables()
        for line in range(card.body_start_line, total + 1):
            if self.kinds[line] == PROSE and not card.lines[line - 1].strip():
                self.kinds[line] = BLANK
        self._heading_lines = [section.line for section in card.sections]
        # what the modules reading this layout derive from it once (e.g. the card's tables)
        self.derived: dict[str, object] = {}

    def _find_html_tables(self) -> None:
        """<table> ... </table> spans outside code, found on the raw lines: a blank line inside a table ends
        Markdown's HTML block, so the tokens alone would cut such tables apart."""
        depth = 0
        first = 0
        for line in range(self.card.body_start_line, len(self.card.lines) + 1):
            if self.kinds[line] == CODE:
                continue
            text = self.card.lines[line - 1].lower()
            opened = text.count("<table")
            if not depth and not opened:
                continue
            if not depth:
                first = line
            self.kinds[line] = HTML_TABLE
            depth = max(0, depth + opened - text.count("</table"))
            if depth == 0:
                self.html_table_ranges.append((first, line))
        if depth:
            self.html_table_ranges.append((first, len(self.card.lines)))

    def _mark(self, first: int, last: int, kind: str) -> None:
        for line in range(first, min(last, len(self.kinds) - 2) + 1):
            if self.kinds[line] in (PROSE, BLANK, HTML):
                self.kinds[line] = kind

    def headings(self, line: int) -> tuple[str, ...]:
        """Titles of the sections enclosing `line`, outermost first (remembered per Layout: an lru_cache on
        the method kept thousands of old Layouts, and their cards, alive across a bulk run)."""
        known = self._headings.get(line)
        if known is None:
            known = self._headings[line] = self._enclosing_titles(line)
        return known

    @functools.cached_property
    def _headings(self) -> dict[int, tuple[str, ...]]:
        return {}

    def _enclosing_titles(self, line: int) -> tuple[str, ...]:
        sections = self.card.sections
        starts, parents = self._section_tree
        index = bisect.bisect_right(starts, line) - 1  # the last section starting at or before `line`
        while index >= 0 and sections[index].end_line < line:
            index = parents[index]  # enclosing sections end no earlier than the ones inside them
        chain = []
        while index >= 0:
            chain.append(sections[index].title)
            index = parents[index]
        return tuple(reversed(chain))

    @functools.cached_property
    def _section_tree(self) -> tuple[list[int], list[int]]:
        """Start lines and the enclosing section of each section (-1 for none), in one pass: filtering every
        section for every block was quadratic on a card of thousands of headings."""
        starts: list[int] = []
        parents: list[int] = []
        open_sections: list[int] = []
        for index, section in enumerate(self.card.sections):
            while open_sections and self.card.sections[open_sections[-1]].level >= section.level:
                open_sections.pop()
            starts.append(section.line)
            parents.append(open_sections[-1] if open_sections else -1)
            open_sections.append(index)
        return starts, parents

    @functools.cached_property
    def blocks(self) -> list[Block]:
        """prose_blocks(), computed once per card (several extractors read them)."""
        return self.prose_blocks()

    def prose_blocks(self) -> list[Block]:
        """Paragraphs and list items outside code, tables and HTML; HTML blocks become text too."""
        blocks: list[Block] = []
        current: list[int] = []
        limit = self.card.limits.max_line_chars

        def flush() -> None:
            if current:
                blocks.append(clean_lines(self.card, current, self.headings(current[0]), limit))
                current.clear()

        for line in range(self.card.body_start_line, len(self.card.lines) + 1):
            kind = self.kinds[line]
            if kind == PROSE:
                if _LIST_ITEM.match(self.card.lines[line - 1]):
                    flush()
                current.append(line)
            elif kind == HTML:
                flush()
                current.append(line)
                flush()
            else:
                flush()
        flush()
        return blocks


def clean_lines(card: Card, lines: list[int], headings: tuple[str, ...], limit: int) -> Block:
    """Join file lines into one cleaned text; drop emphasis, ticks, tags, keep link text, record links."""
    parts: list[str] = []
    spans = Spans()
    links: list[Link] = []
    for line in lines:
        raw = card.lines[line - 1].rstrip("\r")[:limit]
        if parts:
            parts.append("\n")
            spans.add_at(line, 1, 1)
        _clean_into(raw, line, parts, spans, links)
    return Block("".join(parts), spans, headings, links)


def clean_text(raw: str, line: int, column: int = 1, headings: tuple[str, ...] = ()) -> Block:
    """Clean one piece of text that sits at (line, column), e.g. a table cell."""
    parts: list[str] = []
    spans = Spans()
    links: list[Link] = []
    _clean_into(raw, line, parts, spans, links, column - 1)
    return Block("".join(parts), spans, headings, links, origin="table")


def key_value_block(key: Block, value: Block, headings: tuple[str, ...], origin: str) -> Block:
    """`key: value` as one block (a two-column table row read as a `Key: value` line); the separator
    points at the value's first character."""
    key_text = key.text.strip()
    spans = Spans()
    spans.extend(key.spans, 0, len(key_text))
    spans.add_at(*value.where(0), 2)
    spans.extend(value.spans)
    shift = len(key_text) + 2
    links = [Link(link.text, link.url, link.start + shift, link.end + shift) for link in value.links]
    return Block(f"{key_text}: {value.text}", spans, headings, links, origin=origin)


def _clean_into(
    raw: str,
    line: int,
    parts: list[str],
    spans: Spans,
    links: list[Link],
    column_offset: int = 0,
) -> None:
    """Append the cleaned `raw` to parts and its positions to `spans` (whose size is the cleaned length so
    far, which link offsets need).

    Runs of ordinary characters are copied in one step (a loop per character was the extractors' largest
    cost)."""
    special = _special_spans(raw)
    out: list[str] = []
    index = 0
    length = len(raw)
    cursor = 0
    shift = 1 + column_offset  # 0-based index in raw -> 1-based file column
    while index < length:
        if cursor < len(special) and special[cursor][0] == index:
            start, end, kind, payload = special[cursor]
            cursor += 1
            if kind == "link":
                text_start, text_end, url = cast(tuple[int, int, str], payload)
                begin = spans.size
                kept = [position for position in range(text_start, text_end) if raw[position] not in "*`\\"]
                for position in kept:
                    spans.add(line, position + shift)
                text = "".join(raw[position] for position in kept)
                links.append(Link(text, url, begin, begin + len(text)))
                out.append(text)
            elif kind == "url":
                links.append(Link(raw[start:end], raw[start:end], spans.size, spans.size))
                out.append(" ")
                spans.add(line, start + shift)
            else:  # a tag or an entity: its replacement stands where it started
                replacement = str(payload)
                out.append(replacement)
                spans.add_at(line, start + shift, len(replacement))
            index = end
            continue
        stop = special[cursor][0] if cursor < len(special) else length
        while index < stop:
            ch = raw[index]
            if ch in "*`" or (ch == "\\" and index + 1 < length and not raw[index + 1].isalnum()):
                index += 1
                continue
            run = _PLAIN_RUN.match(raw, index, stop)
            run_end = run.end() if run is not None else index + 1  # a backslash kept before a letter
            out.append(raw[index:run_end])
            spans.add(line, index + shift, run_end - index)
            index = run_end
    parts.append("".join(out))


def _special_spans(raw: str) -> list[tuple[int, int, str, object]]:
    """Links, bare URLs, tags and entities in one line, without overlaps, in order."""
    found: list[tuple[int, int, str, object]] = []
    for match in _LINK.finditer(raw):
        found.append((match.start(), match.end(), "link", (match.start(1), match.end(1), match.group(2))))
    for match in _BARE_URL.finditer(raw):
        found.append((match.start(), match.end(), "url", None))
    for match in _TAG.finditer(raw):
        name = (match.group(2) or "").lower()
        replacement: object = (
            "^"
            if name == "sup" and not match.group(1)
            else ("" if name in ("sup", "sub", "b", "strong", "em", "i", "code") else " ")
        )
        found.append((match.start(), match.end(), "tag", replacement))
    for match in _ENTITY.finditer(raw):
        decoded = html.unescape(match.group(0))
        if decoded != match.group(0):
            found.append((match.start(), match.end(), "entity", decoded.translate(_AS_PLAIN)))
    found.sort(key=lambda item: (item[0], -item[1]))
    result: list[tuple[int, int, str, object]] = []
    last_end = -1
    for item in found:
        if item[0] >= last_end:
            result.append(item)
            last_end = item[1]
    return result
