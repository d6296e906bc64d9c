"""The ~25,000 bulk cards through the real CLI: check, fix --diff, facts and estimate, in batches of files.

Usage: python bench/bulk_cli.py [--batch 1000] [--limit N] [--commands check,fix,facts,estimate]

Where bench/corpus_run.py calls the pipeline in-process, this runs `python -m cardlint` itself, so the
argument handling, config discovery, the fixer's file handling, rendering and the error-printing path are
all exercised. Per command it reports the exit codes, the stderr lines (`cardlint: ...` one-liners, grouped
by their reason), and any traceback or internal error, which is a bug; exit status 1 when there is one.
Nothing is written to the cards (fix runs with --diff). Skips cleanly without ../shared.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import OUT, bulk_cards  # noqa: E402

PINNED = ("--as-of", "2026-06-01")  # the as-of note would otherwise be a stderr line per batch
COMMANDS = {
    "check": ("check", "--isolated", "--select", "ALL", "--policy", "all", *PINNED),
    "fix": ("fix", "--diff"),
    "facts": ("facts", "--isolated"),
    "estimate": ("estimate", "--isolated", *PINNED),
}
_CARD_PATH = re.compile(r"^cardlint: \S+?: ")


def run_batch(command: tuple[str, ...], cards: list[Path]) -> tuple[int, str, float]:
    started = time.monotonic()
    completed = subprocess.run(
        [sys.executable, "-m", "cardlint", *command, *map(str, cards)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        check=False,
    )
    return completed.returncode, completed.stderr.decode("utf-8", "replace"), time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--commands", default=",".join(COMMANDS))
    parser.add_argument("--json", type=Path, default=OUT / "bulk_cli.json")
    args = parser.parse_args()
    cards = bulk_cards(args.limit)
    results: dict[str, dict[str, object]] = {}
    bugs = 0
    for name in args.commands.split(","):
        codes: Counter[int] = Counter()
        reasons: Counter[str] = Counter()
        tracebacks = internal = lines = 0
        seconds = 0.0
        samples: list[str] = []
        for start in range(0, len(cards), args.batch):
            code, stderr, elapsed = run_batch(COMMANDS[name], cards[start : start + args.batch])
            codes[code] += 1
            seconds += elapsed
            tracebacks += stderr.count("Traceback (most recent call last)")
            internal += stderr.count("internal error")
            for line in stderr.splitlines():
                if line.startswith("cardlint: "):
                    lines += 1
                    reasons[_CARD_PATH.sub("", line)[:70]] += 1
                if ("Traceback" in line or "internal error" in line) and len(samples) < 5:
                    samples.append(line)
        bugs += tracebacks + internal
        results[name] = {
            "cards": len(cards),
            "batches_by_exit_code": dict(sorted(codes.items())),
            "error_lines": lines,
            "tracebacks": tracebacks,
            "internal_errors": internal,
            "seconds": round(seconds, 1),
            "top_error_reasons": dict(reasons.most_common(8)),
            "samples": samples,
        }
        print(json.dumps({name: results[name]}, indent=2), flush=True)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2))
    raise SystemExit(1 if bugs else 0)


if __name__ == "__main__":
    main()
