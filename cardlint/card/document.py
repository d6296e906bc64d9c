"""Turn a card's raw bytes into front matter (YAML data with positions) and a Markdown body (blocks,
sections).

The splitting follows the Hub: metadata exists only when the first non-blank line is `---` and a later line is
`---` (trailing spaces allowed); reading the YAML itself is yaml_nodes.py's job. Positions are 1-based file
lines and columns so findings point where an editor does.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from cardlint.card.blocks import Block, parse_blocks
from cardlint.card.yaml_nodes import FrontMatter, _load_front_matter
from cardlint.core.limits import DEFAULT_LIMITS, Limits
from cardlint.core.regex_store import compile_pattern

_LONE_CR = compile_pattern(r"\r(?!\n)")


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
    def blocks(self) -> list[Block]:
        """The body's headings, code, HTML blocks and pipe tables (card/blocks.py), at 0-based file lines."""
        # markdown-it breaks lines at a lone CR too; cardlint's lines split on LF only, so a lone CR is read
        # as a space here to keep block lines and file lines the same.
        body = self.body
        if "\r" in body:
            body = _LONE_CR.sub(" ", body)
        return parse_blocks(body, self.body_start_line - 1)

    @functools.cached_property
    def sections(self) -> list[Section]:
        headings = [
            (block.content.strip(), int(block.tag[1:]), block.first + 1)
            for block in self.blocks
            if block.type == "heading"
        ]
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
        regex = compile_pattern(pattern, re.IGNORECASE)
        return [s for s in self.sections if regex.search(s.title)]


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


# The Hub closes the block at `---` in column 1, then optional spaces or tabs, then CRLF, LF or the end of the
# file: a line ending in `\r\r\n` (seen in real cards) does not close it.
_CLOSING = compile_pattern(r"---[ \t]*\r?")
_LAST_CLOSING = compile_pattern(r"---[ \t]*")
