"""The card-and-metadata traps listed in ../shared/corpus/NOTES.md, each checked against the rule that should
catch it; with --bulk, the CL1xx counts over the ~25,000 bulk cards as well.

Usage: python bench/corpus_traps.py [--bulk] [--show]

Runs cardlint's real pipeline (all CL1xx rules selected) on the raw bytes of each trap card and prints what
fires. Exits 1 when a trap is missed, 0 otherwise, and 0 with a note when ../shared is absent.
"""

from __future__ import annotations

import argparse
import sys
import tarfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from corpus import BULK_TAR, CORPUS, require_corpus  # noqa: E402

from cardlint.pipeline import Environment, Stages, analyse  # noqa: E402
from cardlint.settings import Settings  # noqa: E402
from cardlint.sources import LoadedTarget  # noqa: E402
from cardlint.types import Finding  # noqa: E402

# (card file, what NOTES.md says about it, the code that must fire and the line it must point at)
TRAPS: list[tuple[str, str, str, int | None]] = [
    ("openai__whisper-large-v3.md", "`language: - no` read as false", "CL109", None),
    ("NbAiLab__whisper-large-v2-nob.md", "TAB in the YAML", "CL106", 24),
    ("NbAiLab__whisper-large-v2-nob.md", "`language: - no` read as false", "CL109", 3),
    ("aasem__wav2vec2-xls-r-300m-Urdu.md", "front matter never closed", "CL105", 1),
    ("NlpHUST__t5-vi-en-base.md", "front matter never closed", "CL105", 1),
    ("Alaeddin__convbert-base-turkish-ner-cased.md", "0-byte card", "CL103", 1),
    ("Abdussamed-1__granite-esg-rtx4070.md", "misspelt key `licence:`", "CL119", None),
    ("Abdussamed-1__granite-esg-rtx4070__checkpoint-86.md", "[More Information Needed] left", "CL120", None),
]


def lint(raw: bytes, path: str, env: Environment) -> list[Finding]:
    report = analyse(LoadedTarget(path, path, raw), env, Stages(estimate=False, checks=True))
    return [item for item in report.findings if item.code.startswith("CL1")]


def environment() -> Environment:
    return Environment(Settings(select=("CL1",)))


def check_traps(env: Environment, show: bool) -> int:
    missed = 0
    print(f"{'card':55} {'trap':35} {'want':6} result")
    for name, trap, code, line in TRAPS:
        path = CORPUS / "cards" / name
        found = lint(path.read_bytes(), name, env)
        hits = [item for item in found if item.code == code and (line is None or item.location.line == line)]
        where = ", ".join(f"{item.location.line}:{item.location.column}" for item in hits[:3])
        status = f"caught at {where}" if hits else "MISSED"
        missed += not hits
        print(f"{name[:55]:55} {trap[:35]:35} {code:6} {status}")
        if show:
            for item in found:
                print(f"    {item.location.line}:{item.location.column} {item.code} {item.message}")
    return missed


def all_cards(env: Environment) -> None:
    counts: Counter[str] = Counter()
    for path in sorted((CORPUS / "cards").glob("*.md")):
        counts.update(item.code for item in lint(path.read_bytes(), path.name, env))
    print("\nCL1xx over cards/:", ", ".join(f"{code} {n}" for code, n in sorted(counts.items())))


def bulk(env: Environment) -> None:
    counts: Counter[str] = Counter()
    cards_with: Counter[str] = Counter()
    started = time.perf_counter()
    total = 0
    with tarfile.open(BULK_TAR) as archive:
        for member in archive:
            if not member.isfile() or not member.name.endswith(".md"):
                continue
            handle = archive.extractfile(member)
            if handle is None:
                continue
            total += 1
            codes = [item.code for item in lint(handle.read(), member.name, env)]
            counts.update(codes)
            cards_with.update(set(codes))
    elapsed = time.perf_counter() - started
    print(f"\nbulk: {total} cards in {elapsed:.1f} s (findings / cards with the code)")
    for code in sorted(counts):
        print(f"  {code} {counts[code]:6} {cards_with[code]:6}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bulk", action="store_true", help="also count CL1xx findings over the bulk tarball")
    parser.add_argument("--show", action="store_true", help="print every CL1xx finding of each trap card")
    args = parser.parse_args()
    require_corpus()
    env = environment()
    missed = check_traps(env, args.show)
    all_cards(env)
    if args.bulk:
        bulk(env)
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
