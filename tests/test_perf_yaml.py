"""Front matter read through libyaml's events must give exactly what the pure loader gives.

card.py composes from libyaml's events when the text allows it (much faster); these cases are the ones
where the two parsers are known or likely to part ways, and a few ordinary ones. Each is parsed both ways
and everything the card keeps is compared: data, error, marks, duplicate keys, YAML 1.1 surprises.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

import cardlint.card.yaml_loader as loader_module
import cardlint.card.yaml_nodes as yaml_module
from cardlint.card.document import parse_card

CASES = {
    "plain": "license: mit\ntags:\n- a\n- b\n",
    "no final newline": "license: mit\nmodel-index:\n- name: x\n  results: []",
    "empty last value": "license: mit\nbase_model:",
    "empty last item": "tags:\n- a\n-",
    "nested end": "a:\n  b:\n    c: 1",
    "flow": "tags: [a, b, {c: d}]\nx: {y: [1, 2]}",
    "yaml 1.1 surprises": "language:\n- no\nversion: 1.10\nflop: 3.8e25\nwhen: 2024-01-02\nok: on",
    "duplicates": "license: mit\nlicense: apache-2.0\n",
    "crlf": "license: mit\r\ntags:\r\n- a\r\n",
    "lone cr": "license: mit\rtags: [a]",
    "tab in value": "license:\tmit",
    "tab indent": "a:\n\tb: 1",
    "control char": "license: m\x01it",
    "unicode": "model_name: 模型-7B\ndescription: « ça »\nemoji: 🤗",
    "line separator": "a: x\u2028y",
    "nel": "a: x\x85b: 1",
    "bom inside": "a: \ufeffx",
    "anchors": "a: &x 1\nb: *x",
    "alias without anchor": "a: *x",
    "syntax error": "a: [1, 2\nb: 3",
    "bad indent": "a:\n  - b\n - c",
    "colon in flow": "tags: [a:b, c: d]",
    "quoted": "a: 'it''s'\nb: \"x\\ty\"\nc: |\n  lit\n  eral\nd: >-\n  folded\n  text",
    "multiline plain": "a: one\n  two\n  three",
    "document marker": "---\na: 1",
    "end marker": "a: 1\n...\n",
    "directive": "%YAML 1.1\n---\na: 1",
    "comment only": "# nothing here",
    "empty": "",
    "complex key": "? [a, b]\n: c",
    "percent start": "a: %x",
    "backtick start": "a: `x`",
    "at start": "a: @x",
    "long key": "k" * 1100 + ": 1",
    "deep flow": "a: " + "[" * 200 + "]" * 200,
    "deep block": "".join("  " * i + f"k{i}:\n" for i in range(150)) + "  " * 150 + "v",
    "non-string keys": "1: a\ntrue: b\nnull: c\n2024-01-01: d",
    "merge key": "a: &b {x: 1}\nc:\n  <<: *b",
    "big int": "n: 123456789012345678901234567890\nf: 1e400\nh: 0x1F\no: 0o17\ns: 1_000",
    "sexagesimal": "t: 1:30:00",
    "trailing spaces": "a: 1   \nb: 2  ",
}


def _outcome(text: str) -> Any:
    card = parse_card(f"---\n{text}\n---\n# Title\n", "card.md")
    fm = card.front_matter
    assert fm is not None
    marks = re.sub(r"'\d{9,}'", "<id of a complex key>", repr(sorted(fm.marks.items(), key=repr)))
    return repr(fm.data), fm.error, marks, fm.duplicates, fm.surprises


@pytest.mark.parametrize("text", list(CASES.values()), ids=list(CASES))
def test_fast_and_pure_loaders_agree(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = _outcome(text)
    monkeypatch.setattr(yaml_module, "_fast_node", lambda text, limits: yaml_module._USE_PURE_LOADER)
    assert _outcome(text) == fast


def test_the_fast_path_is_taken_for_an_ordinary_card(monkeypatch: pytest.MonkeyPatch) -> None:
    if loader_module._CParser is None:
        pytest.skip("PyYAML without libyaml")
    taken: list[bool] = []
    real = yaml_module._fast_node

    def spy(text: str, limits: Any) -> Any:
        node = real(text, limits)
        taken.append(node is not yaml_module._USE_PURE_LOADER)
        return node

    monkeypatch.setattr(yaml_module, "_fast_node", spy)
    _outcome(CASES["plain"])
    _outcome(CASES["tab in value"])
    assert taken == [True, False]
