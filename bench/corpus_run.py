"""Robustness run: `check` with every rule and every policy over every card we have, in one process.

Usage: python bench/corpus_run.py [--limit N] [--no-bulk] [--alarm 10] [--json bench/out/corpus_run.json]

Reads each card the way the CLI does (bounded read, sidecars), runs the whole pipeline (`--select ALL
--policy all`, so revoked instruments are judged too) and records, per card, its time and whether it raised,
hung (a per-card alarm) or could not be read (the CLI's exit-2 case). Reports wall time, peak RSS
(getrusage; tracemalloc stays off so it costs nothing), the slowest ten cards by CPU time (robust on a
shared machine; wall time beside it), cards over one CPU second and
counts per rule code. The numbers go to stdout and to a JSON file. Skips cleanly without ../shared.
Exit status 1 when any card raised or hung, so a regression is visible.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import resource
import signal
import sys
import time
import traceback
from collections import Counter
from dataclasses import replace
from pathlib import Path
from types import FrameType

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from corpus import OUT, bulk_cards, corpus_cards, require_corpus  # noqa: E402

from cardlint.config.settings import Settings  # noqa: E402
from cardlint.pipeline.analysis import Environment, analyse  # noqa: E402
from cardlint.policy.loading import select_policies  # noqa: E402
from cardlint.sources import SourceError  # noqa: E402
from cardlint.sources.local import read_card_file  # noqa: E402


class Hang(Exception):
    """Raised by the per-card alarm."""


def _alarm(_signum: int, _frame: FrameType | None) -> None:
    raise Hang


def _peak_rss_mib() -> float:
    # ru_maxrss is KiB on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _warm_up(cards: list[tuple[str, Path]], environment: Environment) -> None:
    """One untimed card first: the pipeline imports its stages lazily, which is not the card's cost."""
    for _group, path in cards[:1]:
        with contextlib.suppress(Exception):  # the timed loop reports it
            analyse(read_card_file(path, environment.settings.limits), environment)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--limit", type=int, default=None, help="only the first N bulk cards")
    parser.add_argument("--no-bulk", action="store_true", help="only the hand-picked corpus cards")
    parser.add_argument("--alarm", type=float, default=10.0, help="seconds before a card counts as hung")
    parser.add_argument("--json", type=Path, default=OUT / "corpus_run.json")
    args = parser.parse_args()
    require_corpus()

    cards = [("corpus", path) for path in corpus_cards()]
    if not args.no_bulk:
        cards += [("bulk", path) for path in bulk_cards(args.limit)]
    settings = replace(Settings(), select=("ALL",))
    environment = Environment(settings=settings, policies=select_policies(["all"], [], settings.as_of))
    signal.signal(signal.SIGALRM, _alarm)

    _warm_up(cards, environment)
    times: list[tuple[float, float, str]] = []  # cpu seconds, wall seconds, card
    codes: Counter[str] = Counter()
    unreadable: list[str] = []
    crashes: list[dict[str, str]] = []
    hangs: list[str] = []
    started = time.perf_counter()
    cpu_started = time.process_time()
    for index, (group, path) in enumerate(cards, start=1):
        name = f"{group}:{path.parent.name if path.name == 'README.md' else path.name}"
        card_started, card_cpu = time.perf_counter(), time.process_time()
        signal.setitimer(signal.ITIMER_REAL, args.alarm)
        try:
            loaded = read_card_file(path, settings.limits, display=str(path))
            report = analyse(loaded, environment)
        except SourceError as exc:
            unreadable.append(f"{name}: {exc}")
            continue
        except Hang:
            hangs.append(name)
            continue
        except Exception as exc:  # every exception is what this run exists to find
            crashes.append(
                {"card": name, "error": f"{type(exc).__name__}: {exc}", "trace": traceback.format_exc()}
            )
            continue
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            times.append((time.process_time() - card_cpu, time.perf_counter() - card_started, name))
        codes.update(item.code for item in report.findings)
        if index % 2500 == 0:
            print(
                f"{index}/{len(cards)} cards, {time.perf_counter() - started:.0f}s",
                file=sys.stderr,
                flush=True,
            )

    wall = time.perf_counter() - started
    times.sort(reverse=True)
    summary = {
        "cards": len(cards),
        "corpus_cards": sum(1 for group, _ in cards if group == "corpus"),
        "bulk_cards": sum(1 for group, _ in cards if group == "bulk"),
        "wall_seconds": round(wall, 1),
        "cpu_seconds": round(time.process_time() - cpu_started, 1),
        "mean_ms_per_card": round(1000 * wall / max(len(cards), 1), 1),
        "peak_rss_mib": round(_peak_rss_mib(), 1),
        "tracebacks": len(crashes),
        "hangs": len(hangs),
        "exit_2_unreadable": len(unreadable),
        "over_one_second_cpu": sum(1 for cpu, _wall, _name in times if cpu > 1.0),
        "slowest_ten": [
            {"card": name, "cpu_seconds": round(cpu, 3), "wall_seconds": round(wall, 3)}
            for cpu, wall, name in times[:10]
        ],
        "findings_per_code": dict(sorted(codes.items())),
        "unreadable": unreadable,
        "hung": hangs,
        "crashes": crashes,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(summary, indent=2))
    printable = {key: value for key, value in summary.items() if key != "crashes"}
    printable["crashes"] = [{"card": c["card"], "error": c["error"]} for c in crashes]
    print(json.dumps(printable, indent=2))
    return 1 if crashes or hangs else 0


if __name__ == "__main__":
    raise SystemExit(main())
