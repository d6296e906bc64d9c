"""The YAML layer under hostile front matter, in-process, with counters instead of timers.

A billion-laughs card must be refused before anything is expanded: we count the nodes PyYAML composes and
the objects it constructs, so the test says *how much work* was done, which a slow CI machine cannot blur.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import yaml

import cardlint.card.document as card_module
import cardlint.card.yaml_nodes as yaml_module
from cardlint.card.document import parse_card
from cardlint.core.limits import Limits


def _alias_bomb(levels: int = 12, width: int = 10) -> str:
    lines = ["---", "a0: &a0 [" + ", ".join(["lol"] * width) + "]"]
    for level in range(1, levels):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * width) + "]")
    return "\n".join([*lines, "---", "# Bomb", ""])


@pytest.fixture()
def counters(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, int]]:
    """Counts of composed nodes, constructed objects and front-matter loads during one parse."""
    counts = {"composed": 0, "constructed": 0, "loads": 0}
    compose = yaml_module._BoundedLoader.compose_node
    construct = yaml.constructor.BaseConstructor.construct_object
    load = yaml_module._load_front_matter

    def counting_compose(self: Any, parent: Any, index: Any) -> Any:
        counts["composed"] += 1
        return compose(self, parent, index)

    def counting_construct(self: Any, node: Any, deep: bool = False) -> Any:
        counts["constructed"] += 1
        return construct(self, node, deep)

    def counting_load(*args: Any, **kwargs: Any) -> None:
        counts["loads"] += 1
        load(*args, **kwargs)

    monkeypatch.setattr(yaml_module._BoundedLoader, "compose_node", counting_compose)
    monkeypatch.setattr(yaml.constructor.BaseConstructor, "construct_object", counting_construct)
    monkeypatch.setattr(card_module, "_load_front_matter", counting_load)  # the first load
    monkeypatch.setattr(yaml_module, "_load_front_matter", counting_load)  # a salvage
    yield counts


def test_alias_bomb_is_refused_before_expansion(counters: dict[str, int]) -> None:
    card = parse_card(_alias_bomb())  # 10^12 leaves if expanded
    assert card.front_matter is not None and card.front_matter.error is not None
    assert "alias" in card.front_matter.error.message
    assert card.metadata == {}
    assert counters["constructed"] == 0  # nothing was built
    assert counters["composed"] < 250  # the graph as written: 12 levels x 10 references, plus keys


def test_a_small_alias_graph_below_the_limit_is_read() -> None:
    card = parse_card(_alias_bomb(levels=3, width=3) + "\n")
    assert card.front_matter is not None and card.front_matter.error is None
    assert len(card.metadata["a2"]) == 3 and card.metadata["a2"][0][0] == ["lol", "lol", "lol"]


def test_expanded_node_limit_is_configurable() -> None:
    text = _alias_bomb(levels=3, width=3)  # 1 + 3 + 9 + 27 nodes under a2, about 60 in all
    assert parse_card(text, limits=Limits(max_yaml_nodes=1000)).front_matter.error is None  # type: ignore[union-attr]
    assert parse_card(text, limits=Limits(max_yaml_nodes=20)).front_matter.error is not None  # type: ignore[union-attr]


def test_alias_count_limit(counters: dict[str, int]) -> None:
    anchors = "\n".join(f"k{i}: &a{i} v" for i in range(50))
    aliases = "\n".join(f"r{i}: *a{i % 50}" for i in range(200))
    text = f"---\n{anchors}\n{aliases}\n---\n"
    assert parse_card(text, limits=Limits(max_yaml_aliases=200)).front_matter.error is None  # type: ignore[union-attr]
    counters["constructed"] = 0
    problem = parse_card(text, limits=Limits(max_yaml_aliases=100)).front_matter.error  # type: ignore[union-attr]
    assert problem is not None and "aliases" in problem.message
    assert problem.line == 1 + 50 + 101  # the 101st alias, in file lines (after --- and 50 anchors)
    assert counters["constructed"] == 0


def test_recursive_alias_is_refused_without_building_a_cycle(counters: dict[str, int]) -> None:
    card = parse_card("---\na: &x\n  b: *x\n---\n")
    assert card.front_matter is not None and card.front_matter.error is not None
    assert counters["constructed"] == 0


@pytest.mark.parametrize("depth", [65, 1000, 100_000])
def test_depth_limit_stops_composition_early(counters: dict[str, int], depth: int) -> None:
    card = parse_card("---\nx: " + "[" * depth + "]" * depth + "\n---\n")
    assert card.front_matter is not None and card.front_matter.error is not None
    assert "deeper" in card.front_matter.error.message
    assert counters["composed"] <= 66  # stopped at the limit, whatever the input's depth


def test_depth_limit_is_configurable() -> None:
    text = "---\nx: " + "[" * 10 + "]" * 10 + "\n---\n"
    assert parse_card(text, limits=Limits(max_yaml_depth=12)).front_matter.error is None  # type: ignore[union-attr]
    assert parse_card(text, limits=Limits(max_yaml_depth=8)).front_matter.error is not None  # type: ignore[union-attr]


def test_front_matter_size_limit(counters: dict[str, int]) -> None:
    text = "---\n" + "a: b\n" * 1000 + "---\n# M\n"
    card = parse_card(text, limits=Limits(max_front_matter_bytes=1000))
    assert card.front_matter is not None and card.front_matter.error is not None
    assert counters["composed"] == 0  # refused before the parser saw it


def test_syntax_error_salvage_reads_the_front_matter_at_most_twice(counters: dict[str, int]) -> None:
    """An unclosed quote makes every prefix fail too; salvaging recursively read it once per line."""
    text = '---\ntitle: "unclosed\n' + "".join(f"key{i}: value\n" for i in range(400)) + "---\n# M\n"
    card = parse_card(text)
    assert card.front_matter is not None and card.front_matter.error is not None
    assert counters["loads"] <= 2


def test_salvage_still_finds_surprises_before_the_error() -> None:
    card = parse_card("---\nlanguage:\n- no\nbad: [\n---\n")
    assert card.front_matter is not None and card.front_matter.error is not None
    assert [s.line for s in card.front_matter.surprises] == [3]


@pytest.mark.parametrize("character", ["\x00", "\x06", "\x1b", "\x7f", "\ufffe"])
def test_characters_yaml_refuses_are_a_problem_with_a_position(character: str) -> None:
    card = parse_card(f"---\nlicense: mit\nname: a{character}b\n---\n# M\n")
    problem = card.front_matter.error  # type: ignore[union-attr]
    assert problem is not None and (problem.line, problem.column) == (3, 8)
