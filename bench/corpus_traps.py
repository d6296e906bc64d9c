"""The card-and-metadata traps listed in ../shared/corpus/NOTES.md, each checked against the rule that should
catch it; with --bulk, the CL1xx counts over the ~25,000 bulk cards as well.

Usage: python bench/corpus_traps.py [--bulk] [--show]

Runs cardlint's real pipeline (all CL1xx rules selected) on the raw bytes of each trap card and prints what
fires. With --bulk it also compares, card by card, the metadata cardlint reads with what the Hub reads (the
Hub's front-matter regex, as copied in huggingface_hub, then PyYAML). Exits 1 when a trap is missed or a
card's metadata differs, 0 otherwise, and 0 with a note when ../shared is absent.
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

import yaml  # noqa: E402
from corpus import BULK_TAR, CORPUS, require_corpus  # noqa: E402
from huggingface_hub.repocard import REGEX_YAML_BLOCK  # noqa: E402

from cardlint.card.document import CardReadError, decode, parse_card  # noqa: E402
from cardlint.config.settings import Settings  # noqa: E402
from cardlint.pipeline.analysis import Environment, Stages, analyse  # noqa: E402
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


def hub_metadata(text: str) -> object:
    """What the Hub reads as metadata: None without a block, "error" when the YAML does not load."""
    match = REGEX_YAML_BLOCK.search(text)
    if match is None:
        return None
    try:
        return yaml.safe_load(match.group(2))
    except yaml.YAMLError:
        return "error"


def cardlint_metadata(text: str) -> object:
    fm = parse_card(text).front_matter
    if fm is None or not fm.closed or not fm.opening_exact:
        return None
    return "error" if fm.error is not None else fm.data


def bulk(env: Environment) -> int:
    counts: Counter[str] = Counter()
    differ: list[str] = []
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
            raw = handle.read()
            try:
                text, _ = decode(raw)
                if hub_metadata(text) != cardlint_metadata(text):
                    differ.append(member.name)
            except CardReadError:
                pass
            codes = [item.code for item in lint(raw, member.name, env)]
            counts.update(codes)
            cards_with.update(set(codes))
    elapsed = time.perf_counter() - started
    print(f"\nbulk: {total} cards in {elapsed:.1f} s (findings / cards with the code)")
    for code in sorted(counts):
        print(f"  {code} {counts[code]:6} {cards_with[code]:6}")
    print(f"metadata read differently from the Hub: {len(differ)} cards", *differ[:10], sep="\n  ")
    return len(differ)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bulk", action="store_true", help="also count CL1xx findings over the bulk tarball")
    parser.add_argument("--show", action="store_true", help="print every CL1xx finding of each trap card")
    args = parser.parse_args()
    require_corpus()
    env = environment()
    missed = check_traps(env, args.show)
    all_cards(env)
    differ = bulk(env) if args.bulk else 0
    return 1 if missed or differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
