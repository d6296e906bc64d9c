"""Where `check` spends its time: cProfile of one in-process run over the first N bulk cards.

Usage: python bench/perf_profile.py [--cards 1000] [--sort tottime|cumulative] [--top 40]

The same run as bench/run.py's throughput figure (every rule, every policy), without the process around it.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from corpus import ROOT, bulk_cards, subset_dir  # noqa: E402

from cardlint.app.session import CommandLine, analyse_all  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cards", type=int, default=1000)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()
    folder = subset_dir(bulk_cards(args.cards), f"bulk-{args.cards // 1000}k")
    policies = tuple(sorted(p.stem for p in (ROOT / "rules" / "policies").glob("*.yaml")))
    command_line = CommandLine(
        targets=(str(folder),), recursive=True, isolated=True, overrides={"policies": policies}
    )
    profile = cProfile.Profile()
    profile.enable()
    reports, _errors, _settings = analyse_all(command_line, None)
    profile.disable()
    print(f"{len(reports)} cards")
    pstats.Stats(profile).sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
