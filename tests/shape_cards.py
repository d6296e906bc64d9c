"""Cards of one shape at any size, for the growth tests (tests/test_perf_growth.py) and bench/shapes.py.

Each shape repeats one unit that stresses one stage: a table row, a line of prose with figures and no full
stop (one "sentence" as long as the card), a heading and its paragraph, an HTML table row, a front-matter
entry, a nested blockquote line, a plain line. The text is our own; the figures are ordinary ones.
"""

from __future__ import annotations

from collections.abc import Callable

_TITLE = "---\nlicense: apache-2.0\n---\n# acme-7b\n\n"


def _table(index: int) -> str:
    size = index % 90 + 1
    return f"| acme-{size}b | {size}B | {index % 9 + 1}T | {index % 500} A100 | 1e{index % 9 + 18} |\n"


def _prose(index: int) -> str:
    tokens, size, devices = index % 9 + 1, index % 70 + 1, index % 512 + 1
    return f"trained on {tokens}T tokens with {size}B parameters using {devices} A100 GPUs\n"


def _headings(index: int) -> str:
    level = "#" * (index % 5 + 2)
    devices, days = index % 64 + 1, index % 30 + 1
    return f"{level} Training run {index}\n\nThe run used {devices} H100 GPUs for {days} days.\n\n"


def _html_table(index: int) -> str:
    size = index % 90 + 1
    return f"<tr><td>acme-{size}b</td><td>{size}B</td><td>{index % 9 + 1}T tokens</td></tr>\n"


def _front_matter(index: int) -> str:
    return f"  - name: acme-eval-{index}\n    value: {index % 100}.{index % 7}\n    tag: t{index % 13}\n"


def _blockquotes(index: int) -> str:
    depth = "> " * (index % 12 + 1)
    return f"{depth}Pre-training took {index % 30 + 1} days on {index % 512 + 1} TPU v4 chips\n"


def _plain(index: int) -> str:
    return f"a plain line of text number {index} with nothing to read in it\n"


def _wrap_table(body: str) -> str:
    return (
        _TITLE + "## Models\n\n| model | params | tokens | hardware | flop |\n|---|---|---|---|---|\n" + body
    )


def _wrap_html(body: str) -> str:
    return _TITLE + "<table>\n<tr><th>model</th><th>params</th><th>tokens</th></tr>\n" + body + "</table>\n"


def _wrap_front(body: str) -> str:
    return "---\nlicense: apache-2.0\nresults:\n" + body + "---\n# acme-7b\n\nA model.\n"


def _wrap_body(body: str) -> str:
    return _TITLE + "## Training\n\n" + body


SHAPES: dict[str, tuple[Callable[[int], str], Callable[[str], str]]] = {
    "table": (_table, _wrap_table),
    "prose": (_prose, _wrap_body),
    "headings": (_headings, _wrap_body),
    "html-table": (_html_table, _wrap_html),
    "front-matter": (_front_matter, _wrap_front),
    "blockquotes": (_blockquotes, _wrap_body),
    "plain-lines": (_plain, _wrap_body),
}


def shape_card(shape: str, size: int) -> str:
    """A card of `shape` about `size` characters long (one unit over, at most)."""
    unit, wrap = SHAPES[shape]
    parts: list[str] = []
    length = 0
    index = 0
    while length < size:
        part = unit(index)
        parts.append(part)
        length += len(part)
        index += 1
    return wrap("".join(parts))
