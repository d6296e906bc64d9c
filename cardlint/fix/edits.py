"""Precise span edits of a card's front matter that leave every other byte alone.

A card is somebody's document: dumping a re-serialised mapping would reorder keys, drop comments, change
quoting and line endings. Instead every edit here replaces or inserts whole lines (or one token on one line)
located through the parser's node marks, and the rest of the text is copied through untouched.
"""

from __future__ import annotations

from dataclasses import dataclass

from cardlint.card.document import Card, parse_card


class EditRefused(Exception):
    """The front matter has a shape we cannot edit without risk; the message says why in one line."""


@dataclass(frozen=True)
class TopLevelBlock:
    """One top-level key and the 0-based line range [start, end) of its key line and value lines."""

    key: str
    start: int
    end: int


def newline_of(text: str) -> str:
    """The line ending the card uses (that of its first line), so inserted lines match their neighbours."""
    first = text.find("\n")
    if first > 0 and text[first - 1] == "\r":
        return "\r\n"
    return "\n"


def editable_card(text: str) -> Card:
    """Parse `text` and make sure its front matter is a closed, valid, column-1 block mapping we can edit."""
    card = parse_card(text)
    fm = card.front_matter
    if fm is None:
        raise EditRefused("the card has no front matter")
    if not fm.closed:
        raise EditRefused("the front matter is never closed")
    if fm.error is not None:
        raise EditRefused(f"the front matter is not valid YAML (line {fm.error.line})")
    if fm.data is None:
        return card  # empty front matter: insertion only
    if not isinstance(fm.data, dict):
        raise EditRefused("the front matter is not a mapping")
    if fm.duplicates:
        raise EditRefused("the front matter repeats a key")
    for path, mark in fm.marks.items():
        if len(path) == 1 and mark.key_column != 1:
            raise EditRefused("the front matter is not a plain block mapping starting in column 1")
    return card


def top_level_blocks(card: Card) -> list[TopLevelBlock]:
    """Each top-level key's lines, excluding trailing blank lines and column-1 comments (they belong to
    whatever follows, typically the next key)."""
    fm = card.front_matter
    assert fm is not None and fm.end_line is not None
    starts = sorted((mark.key_line - 1, str(path[0])) for path, mark in fm.marks.items() if len(path) == 1)
    closing = fm.end_line - 1
    blocks = []
    for index, (start, key) in enumerate(starts):
        limit = starts[index + 1][0] if index + 1 < len(starts) else closing
        end = limit
        while end > start + 1 and _is_trailing_filler(card.lines[end - 1]):
            end -= 1
        blocks.append(TopLevelBlock(key, start, end))
    return blocks


def _is_trailing_filler(line: str) -> bool:
    stripped = line.rstrip("\r")
    return not stripped.strip() or stripped.startswith("#")


def find_block(card: Card, key: str) -> TopLevelBlock | None:
    for block in top_level_blocks(card):
        if block.key == key:
            return block
    return None


def replace_lines(text: str, start: int, end: int, new_lines: list[str]) -> str:
    """Replace 0-based lines [start, end) with `new_lines` (without line endings: the card's is used)."""
    lines = text.split("\n")
    newline = newline_of(text)
    cr = "\r" if newline == "\r\n" else ""
    lines[start:end] = [line + cr for line in new_lines]
    return "\n".join(lines)


def insert_top_level(text: str, block_lines: list[str]) -> str:
    """Append a new top-level key block at the end of the front matter (see `insertion_line`)."""
    at = insertion_line(text, block_lines)
    return replace_lines(text, at, at, block_lines)


def insertion_line(text: str, block_lines: list[str]) -> int:
    """The 0-based line where a new top-level block goes: just before the closing `---`.

    When the last key holds a block scalar (`|`, `>`), a line after it would change the scalar's final line
    break as YAML reads it, so the block then goes in front of that key instead. Every candidate is parsed
    again and used only if all the other keys read back exactly as before."""
    card = editable_card(text)
    fm = card.front_matter
    assert fm is not None and fm.end_line is not None
    candidates = [fm.end_line - 1]
    blocks = top_level_blocks(card) if isinstance(fm.data, dict) else []
    if blocks:
        candidates.append(blocks[-1].start)
    before = card.metadata
    for at in candidates:
        new_text = replace_lines(text, at, at, block_lines)
        after = parse_card(new_text)
        if after.front_matter is None or after.front_matter.error is not None:
            continue
        added = {key for key in after.metadata if key not in before}
        if {k: v for k, v in after.metadata.items() if k not in added} == before:
            return at
    raise EditRefused("no place to add a key without changing another key's value")


def set_top_level(text: str, key: str, block_lines: list[str]) -> str:
    """Replace the whole block of top-level `key` (key line, value lines, comments inside) or append it."""
    card = editable_card(text)
    block = find_block(card, key)
    if block is None:
        return insert_top_level(text, block_lines)
    return replace_lines(text, block.start, block.end, block_lines)


def insert_into_mapping(text: str, key: str, child_lines: list[str]) -> str:
    """Add lines at the end of top-level mapping `key`, after its last child, keeping everything else."""
    card = editable_card(text)
    block = find_block(card, key)
    if block is None:
        raise EditRefused(f"no top-level key {key!r}")
    return replace_lines(text, block.end, block.end, child_lines)


def child_indent(card: Card, key: str, default: int = 2) -> int:
    """The indentation the existing children of mapping `key` use (so new children line up with them)."""
    fm = card.front_matter
    assert fm is not None
    columns = [mark.key_column for path, mark in fm.marks.items() if len(path) == 2 and path[0] == key]
    return min(columns) - 1 if columns else default


def replace_token(text: str, line: int, column: int, old: str, new: str) -> str:
    """Replace `old` at 1-based (line, column) with `new`; refuses when `old` is not exactly there."""
    lines = text.split("\n")
    index = line - 1
    if not 0 <= index < len(lines):
        raise EditRefused(f"line {line} is outside the card")
    current = lines[index]
    start = column - 1
    if current[start : start + len(old)] != old:
        raise EditRefused(f"expected {old!r} at line {line}, column {column}")
    lines[index] = current[:start] + new + current[start + len(old) :]
    return "\n".join(lines)


def add_front_matter(text: str, block_lines: list[str]) -> str:
    """Put a new front matter (`---`, `block_lines`, `---`) in front of a card that has none."""
    if parse_card(text).has_front_matter_opening:
        raise EditRefused("the card already opens a front matter")
    newline = newline_of(text) if "\n" in text else "\n"
    head = newline.join(["---", *block_lines, "---"]) + newline
    return head + text
