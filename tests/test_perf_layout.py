"""The run-at-a-time text cleaner, with its positions stored as runs, gives exactly what the
character-at-a-time definition gives."""

from __future__ import annotations

from typing import cast

from hypothesis import example, given
from hypothesis import strategies as st

from cardlint.extract.layout import Link, Spans, _clean_into, _special_spans


def _reference(
    raw: str, line: int, offset: int, column_offset: int
) -> tuple[str, list[tuple[int, int]], list[Link]]:
    """The original per-character cleaner, kept as the definition."""
    positions: list[tuple[int, int]] = []
    links: list[Link] = []
    spans = _special_spans(raw)
    out: list[str] = []
    index = 0
    length = len(raw)
    cursor = 0
    while index < length:
        if cursor < len(spans) and spans[cursor][0] == index:
            start, end, kind, payload = spans[cursor]
            cursor += 1
            if kind == "link":
                text_start, text_end, url = cast(tuple[int, int, str], payload)
                link_begin = offset + len(out)
                for position in range(text_start, text_end):
                    ch = raw[position]
                    if ch in "*`\\":
                        continue
                    out.append(ch)
                    positions.append((line, position + 1 + column_offset))
                links.append(Link("".join(out[link_begin - offset :]), url, link_begin, offset + len(out)))
            elif kind == "url":
                links.append(Link(raw[start:end], raw[start:end], offset + len(out), offset + len(out)))
                out.append(" ")
                positions.append((line, start + 1 + column_offset))
            elif kind == "tag":
                replacement = payload if isinstance(payload, str) else " "
                for ch in replacement:
                    out.append(ch)
                    positions.append((line, start + 1 + column_offset))
            elif kind == "entity":
                for ch in str(payload):
                    out.append(ch)
                    positions.append((line, start + 1 + column_offset))
            index = end
            continue
        ch = raw[index]
        if ch in "*`":
            index += 1
            continue
        if ch == "\\" and index + 1 < length and not raw[index + 1].isalnum():
            index += 1
            continue
        out.append(ch)
        positions.append((line, index + 1 + column_offset))
        index += 1
    return "".join(out), positions, links


PIECES = st.sampled_from(
    [
        "a",
        "Z",
        "7",
        " ",
        "*",
        "**",
        "`",
        "\\",
        "\\*",
        "\\a",
        "[x](http://u)",
        "[*b*](u v)",
        "![i](p)",
        "https://e.org/x",
        "<b>",
        "</sup>",
        "<sup>",
        "<br/>",
        "<!-- c -->",
        "&nbsp;",
        "&times;",
        "&amp;",
        "&sim;",
        "&#8217;",
        "&NotEqualTilde;",
        "&nosuch;",
        "é",
        "<",
        "](",
    ]
)


@given(st.lists(PIECES, max_size=30).map("".join), st.integers(0, 50), st.integers(0, 5))
@example("a\\*b\\c", 0, 0)
@example("x **39.3**M [*L*](u) <sup>2</sup>&nbsp;y", 7, 2)
def test_fast_cleaner_equals_the_definition(raw: str, offset: int, column_offset: int) -> None:
    parts = ["x" * offset]
    spans = Spans()
    spans.add(1, 1, offset)
    links: list[Link] = []
    _clean_into(raw, 3, parts, spans, links, column_offset)
    text = "".join(parts)[offset:]
    positions = [spans.at(index) for index in range(offset, spans.size)]
    assert spans.size == offset + len(text)
    assert (text, positions, links) == _reference(raw, 3, offset, column_offset)
