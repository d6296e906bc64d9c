"""Locate and unpack the evaluation corpus in ../shared; every bench script skips cleanly without it."""

from __future__ import annotations

import os
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _shared() -> Path:
    """../shared next to the checkout; for a git worktree, next to the main checkout it belongs to;
    CARDLINT_SHARED overrides both."""
    if os.environ.get("CARDLINT_SHARED"):
        return Path(os.environ["CARDLINT_SHARED"])
    beside = ROOT.parent / "shared"
    marker = ROOT / ".git"
    if not beside.is_dir() and marker.is_file():
        pointer = marker.read_text(encoding="utf-8", errors="replace").strip()
        if pointer.startswith("gitdir:"):
            gitdir = Path(pointer.removeprefix("gitdir:").strip())  # <main>/.git/worktrees/<name>
            if len(gitdir.parents) > 2:
                return gitdir.parents[2].parent / "shared"
    return beside


SHARED = _shared()
CORPUS = SHARED / "corpus"
OUT = ROOT / "bench" / "out"
BULK_TAR = CORPUS / "bulk" / "cs577_hf_model_cards_2023-04.tar.gz"


def require_corpus() -> None:
    """Exit 0 with a note when ../shared is absent: benchmarks are optional, never a failure."""
    if not CORPUS.is_dir():
        print(f"skipped: no corpus at {CORPUS}", file=sys.stderr)
        raise SystemExit(0)


def corpus_cards() -> list[Path]:
    require_corpus()
    return sorted(path for path in (CORPUS / "cards").glob("*.md"))


def subset_dir(cards: list[Path], name: str) -> Path:
    """A folder of links to `cards`, so the CLI can be pointed at a subset with --recursive."""
    folder = OUT / name
    if not folder.exists():
        folder.mkdir(parents=True)
        for card in cards:
            (folder / card.parent.name).mkdir()
            (folder / card.parent.name / "README.md").symlink_to(card.resolve())
    return folder


def bulk_cards(limit: int | None = None) -> list[Path]:
    """The ~25,000 bulk READMEs, unpacked once as bench/out/bulk/<org_model>/README.md, as in checkouts."""
    require_corpus()
    target = OUT / "bulk"
    marker = target / ".unpacked"
    if not marker.exists():
        target.mkdir(parents=True, exist_ok=True)
        with tarfile.open(BULK_TAR) as archive:
            for member in archive:
                if not member.isfile() or not member.name.endswith(".md"):
                    continue
                name = Path(member.name).name.removesuffix("_README.md").removesuffix(".md") or "card"
                handle = archive.extractfile(member)
                if handle is not None:
                    folder = target / name
                    while folder.exists():
                        folder = folder.with_name(folder.name + "_")
                    folder.mkdir()
                    (folder / "README.md").write_bytes(handle.read())
        marker.write_text("ok")
    cards = sorted(target.glob("*/README.md"))
    return cards[:limit] if limit else cards
