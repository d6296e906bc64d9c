"""Card tokens come from a block-only parse; the block tokens must equal a full parse's."""

from __future__ import annotations

from markdown_it import MarkdownIt

from cardlint.card.document import parse_card

CARD = """---
license: mit
---
# Model *X*

A paragraph with **bold**, `code`, a [link](https://example.org) and <b>html</b>.

| Model | Params | GPUs |
|---|---|---|
| X-7B | **7B** | 512 [A100](https://nvidia.com) |

- item one
  - nested `item`

> quoted line

```python
x = 1
```

<table><tr><td>1</td></tr></table>

[ref]: https://example.org "title"
"""


def _signature(tokens: list) -> list[tuple]:
    return [(t.type, t.tag, t.map, t.content, t.level, t.info, t.markup, t.nesting) for t in tokens]


def test_block_tokens_equal_those_of_a_full_parse() -> None:
    card = parse_card(CARD, "README.md")
    full = MarkdownIt("commonmark", {"html": True}).enable("table").parse(card.body)
    offset = card.body_start_line - 1
    for token in full:
        if token.map is not None:
            token.map = [token.map[0] + offset, token.map[1] + offset]
    assert _signature(card.tokens) == _signature(full)
    assert any(token.type == "inline" and "**7B**" in token.content for token in card.tokens)
