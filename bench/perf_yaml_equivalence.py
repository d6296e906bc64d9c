"""Does reading front matter through libyaml's events change anything? Compares both loaders on every card.

Usage: python bench/perf_yaml_equivalence.py [--limit N]

cardlint composes front matter from libyaml's events when the text allows it (cardlint/card/yaml_loader.py
`_fast_node`) and from the pure-Python parser otherwise. For every bulk and labelled corpus card this parses
the front matter both ways and compares everything the card model keeps: data, error, node marks, duplicate
keys and YAML 1.1 surprises. Prints the counts (fast path taken / fell back) and every difference; exits 1
on any difference.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from corpus import bulk_cards, corpus_cards  # noqa: E402

import cardlint.card.yaml_nodes as yaml_module  # noqa: E402
from cardlint.card.document import CardReadError, decode, parse_card  # noqa: E402


def summary(text: str) -> Any:
    fm = parse_card(text, "card.md").front_matter
    if fm is None:
        return None
    return (repr(fm.data), fm.error, sorted(fm.marks.items(), key=repr), fm.duplicates, fm.surprises)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int)
    args = parser.parse_args()
    paths = corpus_cards() + bulk_cards(args.limit)
    fast_node = yaml_module._fast_node
    counts = {"cards": 0, "fast": 0, "pure": 0, "different": 0}
    taken: list[bool] = []

    def counting(text: str, limits: Any) -> Any:
        node = fast_node(text, limits)
        taken.append(node is not yaml_module._USE_PURE_LOADER)
        return node

    for path in paths:
        try:
            text, _problem = decode(path.read_bytes())
        except CardReadError:
            continue
        counts["cards"] += 1
        taken.clear()
        yaml_module._fast_node = counting
        fast = summary(text)
        yaml_module._fast_node = lambda text, limits: yaml_module._USE_PURE_LOADER
        pure = summary(text)
        yaml_module._fast_node = fast_node
        if taken:
            counts["fast" if taken[0] else "pure"] += 1
        if fast != pure:
            counts["different"] += 1
            print(f"DIFFERENT {path}\n  fast: {str(fast)[:300]}\n  pure: {str(pure)[:300]}")
    print(counts)
    raise SystemExit(1 if counts["different"] else 0)


if __name__ == "__main__":
    main()
