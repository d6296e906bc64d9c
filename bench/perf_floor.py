"""The parse floor: read every card, `yaml.safe_load` its front matter, parse its body with markdown-it.

Usage: python bench/perf_floor.py FOLDER   (every */README.md below FOLDER, as `check -r` finds them)

No linter can do less than this per card, so `check` throughput is reported as a ratio to it. The parser is
configured as cardlint configures it (CommonMark + HTML + tables) and built once, which favours the floor.
Prints one JSON line: cards, seconds of CPU and wall inside the loop.
"""

from __future__ import annotations

import contextlib
import json
import sys
import time
from pathlib import Path

import yaml
from markdown_it import MarkdownIt


def split_front_matter(text: str) -> tuple[str | None, str]:
    """(front matter, body): the block between a first-line `---` and the next `---` line."""
    if not text.startswith("---"):
        return None, text
    end = text.find("\n---", 3)
    if end < 0:
        return None, text
    after = text.find("\n", end + 4)
    return text[3:end], text[after + 1 :] if after >= 0 else ""


def main() -> None:
    folder = Path(sys.argv[1])
    cards = sorted(folder.rglob("README.md"))
    parser = MarkdownIt("commonmark", {"html": True}).enable("table")
    cpu, wall = time.process_time(), time.perf_counter()
    for card in cards:
        text = card.read_bytes().decode("utf-8", errors="replace")
        front, body = split_front_matter(text)
        if front is not None:
            with contextlib.suppress(yaml.YAMLError):
                yaml.safe_load(front)
        parser.parse(body)
    print(
        json.dumps(
            {
                "cards": len(cards),
                "cpu": time.process_time() - cpu,
                "wall": time.perf_counter() - wall,
            }
        )
    )


if __name__ == "__main__":
    main()
