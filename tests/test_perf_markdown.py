"""Card blocks come from a block-only parse read as it goes (card/blocks.py); they must equal the blocks of a
full markdown-it parse read afterwards, token list in hand."""

from __future__ import annotations

import tracemalloc

import pytest
from markdown_it import MarkdownIt

from cardlint.card.blocks import Block, TableRow, blocks_of_tokens, parse_blocks
from cardlint.card.document import parse_card

CARD = """---
license: mit
---
# Model *X*

A paragraph with **bold**, `code`, a [link](https://example.org) and <b>html</b>.

| Model | Params | GPUs |
|:---|---:|:-:|
| X-7B | **7B** | 512 [A100](https://nvidia.com) |
| X-1B \\| small |
| X-3B | 3B | 8 | extra |

Setext title
============

- item one
  - nested `item`
  - | a | b |
    |---|---|
    | 1 | 2 |

> quoted line
> ## quoted heading
>
> | q | r |
> | - | - |
> | 3 | 4 |

```python
x = 1
```

    indented code

<table><tr><td>1</td></tr></table>

<!-- a comment
that spans lines -->

[ref]: https://example.org "title"

| not | a table |
|---|
"""


def _full_parse_blocks(body: str, offset: int) -> list[Block]:
    parser = MarkdownIt("commonmark", {"html": True}).enable("table")
    return blocks_of_tokens(parser.parse(body), offset)


def test_blocks_equal_those_of_a_full_parse() -> None:
    card = parse_card(CARD, "README.md")
    expected = _full_parse_blocks(card.body, card.body_start_line - 1)
    assert card.blocks == expected
    kinds = [block.type for block in card.blocks]
    assert kinds.count("table") == 3 and "fence" in kinds and "code_block" in kinds and "html_block" in kinds
    assert [block.level for block in card.blocks if block.type == "table"] == [0, 4, 1]


def test_a_table_block_holds_every_row_with_its_file_line() -> None:
    card = parse_card(CARD, "README.md")
    table = next(block for block in card.blocks if block.type == "table")
    assert (table.first, table.end) == (7, 12)  # 0-based file lines, the header row to the blank line
    assert table.rows == (
        TableRow(7, ("Model", "Params", "GPUs"), True),
        TableRow(9, ("X-7B", "**7B**", "512 [A100](https://nvidia.com)"), False),
        TableRow(10, ("X-1B | small", "", ""), False),  # an escaped pipe is the cell's; missing cells ""
        TableRow(11, ("X-3B", "3B", "8"), False),  # cells past the header's count are dropped
    )
    assert [section.title for section in card.sections] == ["Model *X*", "Setext title", "quoted heading"]


@pytest.mark.parametrize(
    "body",
    [
        "| a | b |\n|---|---|\n| 1 | 2 |",  # no blank line at the end
        "| a |\n|---|\n",  # header only
        "text\n| a | b |\n|---|---|\n| 1 | 2 |\n",  # a table interrupting a paragraph
        "> | a |\n> |---|\n> | 1 |\n\nafter",
        "1. | a |\n   |---|\n   | 1 |\n2. next",
        "| a |\n|---|\n| 1 |\n# heading right after\n",
        "| a |\n|---|\n| 1 |\n    | indented 4 |\n",
        "```\n| a |\n|---|\n```\n",
        "- a\n\n  | x |\n  |---|\n  | y |\n\n- b",
    ],
)
def test_streamed_blocks_equal_a_full_parse_on_table_edge_cases(body: str) -> None:
    assert parse_blocks(body, 3) == _full_parse_blocks(body, 3)


def test_a_big_table_never_exists_as_tokens() -> None:
    """A 20,000-row table: the parse holds one Block with its rows, not three markdown-it Tokens per cell."""
    rows = "".join(f"| acme-{index}b | {index}B | {index % 9 + 1}T |\n" for index in range(20_000))
    body = "| model | params | tokens |\n|---|---|---|\n" + rows
    parse_blocks("| a |\n|---|\n| 1 |\n")  # the parser is built once per process: not part of the figure
    tracemalloc.start()
    try:
        blocks = parse_blocks(body)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(blocks) == 1 and len(blocks[0].rows) == 20_001
    # the cell texts and row records themselves are ~12 bytes per byte here; tokens were ~140
    assert peak < 30 * len(body)
