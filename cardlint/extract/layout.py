"""What each line of a card is (code, table, HTML, heading, prose) and which headings it sits under.

The extractors need this to keep config dumps and code out of the facts, and to read a figure in the light of
its section ("Inference" vs "Training"). Prose paragraphs are cleaned of Markdown emphasis, code ticks, links
and tags so `**39.3**M` reads as `39.3M`; every cleaned character keeps its file position for the location.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field
from typing import cast

from cardlint.card import Card

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

_LIST_ITEM = re.compile(r"^\s{0,8}(?:>\s?){0,4}(?:[-*+]|\d{1,3}[.)])\s")
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]{0,15})(?:\s[^<>\n]{0,300})?/?>|<!--[^\n]{0,500}?-->")
_LINK = re.compile(r"!?\[([^\[\]\n]{0,300})\]\(\s{0,2}([^()\s]{0,500})(?:\s[^()\n]{0,200})?\)")
_BARE_URL = re.compile(r"https?://[^\s<>()\[\]]{1,500}")
_ENTITY = {"&nbsp;": " ", "&amp;": "&", "&lt;": "<", "&gt;": ">", "&#126;": "~", "&times;": "×", "&sim;": "~"}
_ENTITY_RE = re.compile("|".join(re.escape(name) for name in _ENTITY))
_PLAIN_RUN = re.compile(r"[^*`\\]+")


@dataclass(frozen=True)
class Link:
    text: str
    url: str
    start: int  # position in the cleaned text where the link text starts
    end: int


@dataclass
class Block:
    """Cleaned text of one paragraph, list item, table cell or HTML cell, with a map back to the file."""

    text: str
    positions: list[tuple[int, int]]  # per cleaned character: (1-based line, 1-based column)
    headings: tuple[str, ...]
    links: list[Link] = field(default_factory=list)
    origin: str = "prose"

    def where(self, index: int) -> tuple[int, int]:
        if not self.positions:
            return (0, 0)
        return self.positions[min(max(index, 0), len(self.positions) - 1)]

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


_LAST_LAYOUT: tuple[Card, Layout] | None = None


def layout_of(card: Card) -> Layout:
    """The card's Layout, built once and shared by the extractors and the checks that read tables."""
    global _LAST_LAYOUT
    cached = _LAST_LAYOUT
    if cached is not None and cached[0] is card:
        return cached[1]
    layout = Layout(card)
    _LAST_LAYOUT = (card, layout)
    return layout


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
        for token in card.tokens:
            if token.map is None or (
                token.level != 0 and token.type not in ("fence", "code_block", "html_block")
            ):
                continue
            first, last = token.map[0] + 1, token.map[1]
            if token.type in ("fence", "code_block"):
                self._mark(first, last, CODE)
            elif token.type == "table_open":
                self._mark(first, last, TABLE)
                self.tables.append((first, last))
            elif token.type == "html_block":
                self._mark(first, last, HTML)
                self.html_blocks.append((first, token.content))
            elif token.type == "heading_open":
                self._mark(first, last, HEADING)
        self.html_table_ranges: list[tuple[int, int]] = []
        self._find_html_tables()
        for line in range(card.body_start_line, total + 1):
            if self.kinds[line] == PROSE and not card.lines[line - 1].strip():
                self.kinds[line] = BLANK
        self._heading_lines = [section.line for section in card.sections]

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
    positions: list[tuple[int, int]] = []
    links: list[Link] = []
    for line in lines:
        raw = card.lines[line - 1].rstrip("\r")[:limit]
        if parts:
            parts.append("\n")
            positions.append((line, 1))
        _clean_into(raw, line, parts, positions, links, len(positions))
    return Block("".join(parts), positions, headings, links)


def clean_text(raw: str, line: int, column: int = 1, headings: tuple[str, ...] = ()) -> Block:
    """Clean one piece of text that sits at (line, column), e.g. a table cell."""
    parts: list[str] = []
    positions: list[tuple[int, int]] = []
    links: list[Link] = []
    _clean_into(raw, line, parts, positions, links, 0, column - 1)
    return Block("".join(parts), positions, headings, links, origin="table")


def _clean_into(
    raw: str,
    line: int,
    parts: list[str],
    positions: list[tuple[int, int]],
    links: list[Link],
    offset: int,
    column_offset: int = 0,
) -> None:
    """Append the cleaned `raw` to parts/positions; `offset` is the cleaned length before this line.

    Runs of ordinary characters are copied in one step (a loop per character was the extractors' largest
    cost); `size` counts the characters appended so far, as link offsets need it."""
    spans = _special_spans(raw)
    out: list[str] = []
    size = 0
    index = 0
    length = len(raw)
    cursor = 0
    shift = 1 + column_offset  # 0-based index in raw -> 1-based file column
    while index < length:
        if cursor < len(spans) and spans[cursor][0] == index:
            start, end, kind, payload = spans[cursor]
            cursor += 1
            if kind == "link":
                text_start, text_end, url = cast(tuple[int, int, str], payload)
                kept = [position for position in range(text_start, text_end) if raw[position] not in "*`\\"]
                text = "".join(raw[position] for position in kept)
                positions.extend((line, position + shift) for position in kept)
                links.append(Link(text, url, offset + size, offset + size + len(text)))
                out.append(text)
                size += len(text)
            elif kind == "url":
                links.append(Link(raw[start:end], raw[start:end], offset + size, offset + size))
                out.append(" ")
                positions.append((line, start + shift))
                size += 1
            elif kind == "tag":
                replacement = payload if isinstance(payload, str) else " "
                out.append(replacement)
                positions.extend([(line, start + shift)] * len(replacement))
                size += len(replacement)
            elif kind == "entity":
                out.append(str(payload))
                positions.append((line, start + shift))
                size += 1
            index = end
            continue
        stop = spans[cursor][0] if cursor < len(spans) else length
        while index < stop:
            ch = raw[index]
            if ch in "*`" or (ch == "\\" and index + 1 < length and not raw[index + 1].isalnum()):
                index += 1
                continue
            run = _PLAIN_RUN.match(raw, index, stop)
            run_end = run.end() if run is not None else index + 1  # a backslash kept before a letter
            out.append(raw[index:run_end])
            positions.extend([(line, position + shift) for position in range(index, run_end)])
            size += run_end - index
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
    for match in _ENTITY_RE.finditer(raw):
        found.append((match.start(), match.end(), "entity", _ENTITY[match.group(0)]))
    found.sort(key=lambda item: (item[0], -item[1]))
    result: list[tuple[int, int, str, object]] = []
    last_end = -1
    for item in found:
        if item[0] >= last_end:
            result.append(item)
            last_end = item[1]
    return result
