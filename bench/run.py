"""Performance benchmarks of `cardlint check`, each next to a baseline measured in the same run.

Usage: python bench/run.py [--write] [--runs 10] [--sizes 1000,5000,25000] [--only cold,bulk,shapes]
                           [--src CHECKOUT] [--label NAME] [--findings FILE]

- cold: `cardlint check` of one typical card (a Llama 3 card with its 184-line front matter when the corpus is
  there, else examples/acme-7b), whole process, median of --runs, as CPU time (user + system of the child;
  wall time suffers most from other load) and wall time, next to `yamllint` and `check-jsonschema` on the
  same card's front matter and `python -c pass`.
- bulk: `check` (all rules, every policy) over the bulk cards in one process at each size, next to the parse
  floor (bench/perf_floor.py); cards/s per core from the child's CPU time (robust on a shared machine), wall
  time, peak RSS per size; then `--jobs 2` vs `--jobs 1` on the largest size (wall time). `--findings FILE`
  keeps the largest size's findings as JSON Lines, to diff two runs.
- shapes: `check` (all rules) of one card of each shape in tests/shape_cards.py at 100 kB, 1 MB and 10 MB:
  CPU time, its growth per 10x, peak RSS above that of a one-line card, per byte of card; what happens at
  10 MB (checked, or refused by a documented limit with a finding). `--shape-sizes` changes the sizes.

Every command line is printed. `--write` regenerates bench/RESULTS.md; `--src` runs another checkout of
cardlint (e.g. a `git worktree` of an older commit) with this venv, to measure a before/after pair.
The cold benchmark needs nothing outside the repo; the bulk one skips cleanly without ../shared.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import CORPUS, OUT, ROOT, bulk_cards, subset_dir  # noqa: E402

VENV_BIN = Path(sys.executable).parent
CARD = ROOT / "examples" / "acme-7b" / "README.md"
TYPICAL = CORPUS / "cards" / "meta-llama__Meta-Llama-3-8B.md"  # 184 lines of front matter
SCHEMA = ROOT / "schemas" / "card-metadata.schema.json"
RESULTS = HERE / "RESULTS.md"
POLICIES = sorted(p.stem for p in (ROOT / "rules" / "policies").glob("*.yaml"))


@dataclass
class Run:
    """One child process: wall seconds, CPU seconds (user + system) and peak RSS in MiB."""

    wall: float
    cpu: float
    rss_mib: float
    returncode: int
    stdout: str


def child_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a measured child: byte-code caching on, as for any installed tool (a
    PYTHONDONTWRITEBYTECODE inherited from a sandbox would make every cold run compile from source)."""
    result = dict(os.environ if env is None else env)
    result.pop("PYTHONDONTWRITEBYTECODE", None)
    return result


def run(command: list[str], env: dict[str, str] | None = None, capture: bool = False) -> Run:
    """Run `command`, measuring only that child (os.wait4), so other load on the machine does not count as
    its CPU time."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=child_env(env),
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    stdout = process.stdout.read().decode() if capture and process.stdout else ""
    _pid, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, process.returncode, stdout)


def shown(command: list[str]) -> str:
    return " ".join(
        shlex.quote(os.path.relpath(part, ROOT) if part.startswith(str(ROOT)) else part) for part in command
    )


def cardlint_command(src: str | None) -> tuple[list[str], dict[str, str]]:
    env = dict(os.environ)
    if src:
        # -P: `python -m` would otherwise put the working directory (this checkout) first on sys.path
        env["PYTHONPATH"] = src
        return [sys.executable, "-P", "-m", "cardlint"], env
    return [str(VENV_BIN / "cardlint")], env


def machine() -> dict[str, Any]:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_at_start": os.getloadavg()[0],
    }


# ---------------------------------------------------------------- cold start


def cold(runs: int, src: str | None) -> dict[str, Any]:
    card = TYPICAL if TYPICAL.is_file() else CARD
    front = OUT / f"{card.stem}-front-matter.yaml"
    front.parent.mkdir(parents=True, exist_ok=True)
    text = card.read_text(encoding="utf-8")
    front.write_text(text.split("---\n", 2)[1], encoding="utf-8")
    base, env = cardlint_command(src)
    commands = {
        "cardlint check": [*base, "check", str(card)],
        "yamllint": [str(VENV_BIN / "yamllint"), str(front)],
        "check-jsonschema": [str(VENV_BIN / "check-jsonschema"), "--schemafile", str(SCHEMA), str(front)],
        "python -c pass": [sys.executable, "-c", "pass"],
    }
    commands = {name: command for name, command in commands.items() if Path(command[0]).exists()}
    results: dict[str, Any] = {
        "card": shown([str(card)]),
        "front_matter_lines": text.split("---\n", 2)[1].count("\n"),
    }
    for command in commands.values():
        run(command, env)  # warm the page cache and .pyc files: cold means a new process, not a cold disk
    samples: dict[str, list[Run]] = {name: [] for name in commands}
    for _ in range(runs):  # interleaved, so a burst of load on the machine hits every command alike
        for name, command in commands.items():
            samples[name].append(run(command, env))
    for name, command in commands.items():
        cpus = [sample.cpu for sample in samples[name]]
        walls = [sample.wall for sample in samples[name]]
        results[name] = {
            "command": shown(command),
            "median": statistics.median(walls),
            "min": min(walls),
            "cpu_median": statistics.median(cpus),
            "cpu_min": min(cpus),
        }
        print(
            f"cold  {name:18} CPU median {results[name]['cpu_median']:.3f} s  "
            f"wall median {results[name]['median']:.3f} s  $ {results[name]['command']}"
        )
    ours = results["cardlint check"]["cpu_median"]
    for name, key in (("check-jsonschema", "ratio_vs_check_jsonschema"), ("yamllint", "ratio_vs_yamllint")):
        if name in results:
            results[key] = ours / results[name]["cpu_median"]
    results["ratio_vs_python"] = ours / results["python -c pass"]["cpu_median"]
    print(
        "cold  CPU ratio to check-jsonschema "
        f"{results.get('ratio_vs_check_jsonschema', float('nan')):.2f}, to yamllint "
        f"{results.get('ratio_vs_yamllint', float('nan')):.2f}, "
        f"to python -c pass {results['ratio_vs_python']:.2f}"
    )
    return results


# ---------------------------------------------------------------- bulk


def bulk(
    sizes: list[int], src: str | None, findings: Path | None = None, jobs: bool = True
) -> dict[str, Any]:
    cards = bulk_cards()
    base, env = cardlint_command(src)
    policy_options = [option for policy in POLICIES for option in ("--policy", policy)]
    results: dict[str, Any] = {"sizes": [], "policies": POLICIES}
    largest_folder: Path | None = None
    largest = 0
    for size in sizes:
        size = min(size, len(cards))
        folder = OUT / "bulk" if size == len(cards) else subset_dir(cards[:size], f"bulk-{size // 1000}k")
        command = [
            *base,
            "check",
            "--isolated",
            "--select",
            "ALL",
            *policy_options,
            "--exit-zero",
            "-r",
            str(folder),
        ]
        if findings is not None and size == max(min(s, len(cards)) for s in sizes):
            command[-2:-2] = ["--format", "json-lines", "-o", str(findings)]
        floor_command = [sys.executable, str(HERE / "perf_floor.py"), str(folder)]
        floor = run(floor_command, capture=True)
        floor_cards = json.loads(floor.stdout)["cards"]
        ours = run(command, env)
        entry = {
            "cards": size,
            "command": shown(command),
            "floor_command": shown(floor_command),
            "wall": ours.wall,
            "cpu": ours.cpu,
            "rss_mib": ours.rss_mib,
            "cards_per_cpu_s": size / ours.cpu,
            "floor_cpu": floor.cpu,
            "floor_cards_per_cpu_s": floor_cards / floor.cpu,
            "ratio_to_floor": ours.cpu / floor.cpu,
            "returncode": ours.returncode,
        }
        results["sizes"].append(entry)
        print(
            f"bulk  {size:6} cards  check {ours.cpu:7.1f} s CPU "
            f"({entry['cards_per_cpu_s']:5.0f} cards/s/core, "
            f"wall {ours.wall:6.1f} s, peak RSS {ours.rss_mib:5.0f} MiB, exit {ours.returncode})  "
            f"floor {floor.cpu:6.1f} s CPU ({entry['floor_cards_per_cpu_s']:5.0f} cards/s)  "
            f"ratio {entry['ratio_to_floor']:.2f}"
        )
        print(f"      $ {entry['command']}\n      $ {entry['floor_command']}")
        if size >= largest:
            largest, largest_folder = size, folder
    if largest_folder is not None and jobs:
        one = results["sizes"][-1]
        command = [
            *base,
            "check",
            "--isolated",
            "--select",
            "ALL",
            *policy_options,
            "--exit-zero",
            "--jobs",
            "2",
            "-r",
            str(largest_folder),
        ]
        two = run(command, env)
        results["jobs"] = {
            "cards": largest,
            "command": shown(command),
            "jobs1_wall": one["wall"],
            "jobs2_wall": two.wall,
            "jobs2_cpu": two.cpu,
            "speedup": one["wall"] / two.wall,
            "load_at_end": os.getloadavg()[0],
        }
        print(
            f"jobs  {largest} cards  --jobs 1 {one['wall']:.1f} s wall, --jobs 2 {two.wall:.1f} s wall "
            f"(CPU {two.cpu:.1f} s)  speed-up {results['jobs']['speedup']:.2f}  load {os.getloadavg()[0]:.1f}"
        )
        print(f"      $ {results['jobs']['command']}")
    return results


# ---------------------------------------------------------------- card shapes

_WRITE_SHAPES = """
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from shape_cards import SHAPES, shape_card
for shape in SHAPES:
    for size in sys.argv[3:]:
        path = Path(sys.argv[2]) / f"{shape}-{size}.md"
        if not path.exists():
            path.write_text(shape_card(shape, int(size)), encoding="utf-8")
"""


def shapes(sizes: list[int], src: str | None) -> dict[str, Any]:
    """One card of each shape at each size: CPU, growth per 10x, peak RSS per byte above a tiny card's."""
    sys.path.insert(0, str(ROOT / "tests"))
    from shape_cards import SHAPES

    folder = OUT / "shapes"
    folder.mkdir(parents=True, exist_ok=True)
    # written by a child process: a child's peak RSS (ru_maxrss) counts the parent's memory at the fork,
    # so this process must never hold a 10 MB card
    subprocess.run(
        [sys.executable, "-c", _WRITE_SHAPES, str(ROOT / "tests"), str(folder), *map(str, sizes)], check=True
    )
    base, env = cardlint_command(src)
    tiny = folder / "tiny.md"
    tiny.write_text("# acme-7b\n\nA model.\n", encoding="utf-8")
    command = [*base, "check", "--isolated", "--select", "ALL", "--exit-zero", "--format", "json-lines"]
    floor_rss = min(run([*command, str(tiny)], env).rss_mib for _ in range(3))
    results: dict[str, Any] = {
        "sizes": sizes,
        "floor_rss_mib": floor_rss,
        "command": shown(command),
        "rows": [],
    }
    for shape in SHAPES:
        previous: float | None = None
        for size in sizes:
            path = folder / f"{shape}-{size}.md"
            card_bytes = path.stat().st_size
            measured = run([*command, str(path)], env, capture=True)
            codes = [
                json.loads(line).get("code") for line in measured.stdout.splitlines() if '"finding"' in line
            ]
            refused = codes == ["CL101"]
            row = {
                "shape": shape,
                "size": size,
                "bytes": card_bytes,
                "cpu": measured.cpu,
                "wall": measured.wall,
                "rss_mib": measured.rss_mib,
                "rss_per_byte": max(0.0, measured.rss_mib - floor_rss) * 1024 * 1024 / card_bytes,
                "growth": measured.cpu / previous if previous and not refused else None,
                "refused": refused,
                "findings": len(codes),
            }
            results["rows"].append(row)
            growth = f"{row['growth']:5.1f}x" if row["growth"] else "   - "
            print(
                f"shape {shape:13} {card_bytes:>11,} B  CPU {measured.cpu:7.2f} s  growth {growth}  "
                f"RSS {measured.rss_mib:6.0f} MiB ({row['rss_per_byte']:.1f} B/B)  "
                + ("refused (CL101)" if refused else f"{len(codes)} findings")
            )
            previous = None if refused else measured.cpu
    return results


# ---------------------------------------------------------------- parallel ceiling

_SPIN = "import time; t = time.process_time(); sum(i * i for i in range(12_000_000))"


def ceiling() -> dict[str, Any]:
    """What two processes at once can gain on this machine right now: the same pure-Python loop alone, then
    two copies side by side. The `--jobs 2` speed-up cannot beat this ratio."""
    command = [sys.executable, "-c", _SPIN]
    run(command)
    one = statistics.median(run(command).wall for _ in range(3))
    pairs = []
    for _ in range(3):
        start = time.perf_counter()
        processes = [subprocess.Popen(command) for _ in range(2)]
        for process in processes:
            process.wait()
        pairs.append(time.perf_counter() - start)
    two = statistics.median(pairs)
    result = {"command": shown(command), "one": one, "two": two, "speedup": 2 * one / two}
    print(
        f"ceiling  one loop {one:.2f} s, two at once {two:.2f} s: two processes do "
        f"{result['speedup']:.2f}x the work of one  (load {os.getloadavg()[0]:.1f})"
    )
    return result


# ---------------------------------------------------------------- RESULTS.md

NOTES = """## Reading these figures

- **Noise.** The machine is shared with other jobs: the same command's CPU time moves by up to 20% between
  runs, the floor's too, so ratios of one run are the figure to trust, not absolute seconds across runs.
  Wall times and the `--jobs` speed-up depend on how busy the second core is (load average above 2 means it
  is not free). Cold-start figures are CPU medians of interleaved runs for the same reason.
- **Before / after.** "Before" runs another checkout with this venv (`--src`); its card-shape rows stop at
  1 MB, as a 10 MB card there took minutes and gigabytes.
- **Card shapes.** Growth is linear when the CPU time of a card ten times larger is at most ~10x (fixed
  start-up costs make it less). A card over `limits.max_parsed_bytes` (1 MiB) is refused with CL101 before
  any parsing, so 10 MB cards of every shape cost a fraction of a second. Below the limit, memory follows
  markdown-it's token list (three Token objects, ~375 bytes each, per Markdown table cell) and the facts.
- **Memory.** `check` writes the text and JSON Lines formats card by card, so RSS does not grow with the
  number of cards; it follows the largest card in the set.
"""


def write_results(data: dict[str, Any]) -> None:
    m = data["machine"]
    lines = [
        "# cardlint performance",
        "",
        "Regenerated by `python bench/run.py --write` (bench/run.py's docstring says what each figure",
        "means). Every figure is paired with a baseline measured in the same run. CPU time is the child",
        "process's own user + system time (os.wait4), so other load on a shared machine inflates it less",
        "than wall time, which suffers most; hence the load average.",
        "",
        f"Machine: {m['nproc']} cores (`nproc`), {m['cpu']}, Python {m['python']}, {m['platform']};",
        f"load average {m['load_at_start']:.1f} at the start. Measured {data['when']}"
        + (f" ({data['label']})." if data.get("label") else "."),
        "",
    ]
    before = data.get("before")
    if before:
        lines += _comparison(before, data)
    if "cold" in data:
        c = data["cold"]
        lines += [
            f"## Cold start (one card, whole process, median of {data['runs']} interleaved runs)",
            "",
            f"Card: `{c.get('card', '')}` ({c.get('front_matter_lines', '?')} lines of front matter); "
            "yamllint "
            "and check-jsonschema read the same front matter. CPU is the child's user + system time.",
            "",
            "| command | CPU median s | CPU min s | wall median s |",
            "|---|---|---|---|",
        ]
        for name in ("cardlint check", "yamllint", "check-jsonschema", "python -c pass"):
            if name in c:
                e = c[name]
                lines.append(
                    f"| `{e['command']}` | {e.get('cpu_median', float('nan')):.3f} | "
                    f"{e.get('cpu_min', float('nan')):.3f} | {e['median']:.3f} |"
                )
        lines += [
            "",
            "CPU ratio cardlint / check-jsonschema: "
            f"**{c['ratio_vs_check_jsonschema']:.2f}** (target <= 0.6); "
            f"cardlint / yamllint: **{c.get('ratio_vs_yamllint', float('nan')):.2f}** (target <= 1.5); "
            f"cardlint / `python -c pass`: {c['ratio_vs_python']:.2f}.",
            "",
        ]
    if "shapes" in data:
        lines += _shapes_section(data["shapes"])
    if "bulk" in data:
        b = data["bulk"]
        lines += [
            "## Throughput, scaling and memory (bulk cards, one process, `--jobs 1`)",
            "",
            "`check` runs every rule (`--select ALL`) and every policy (`--policy` for each of "
            + ", ".join(b["policies"])
            + "). The floor reads each card, `yaml.safe_load`s its front matter and parses its body with "
            "markdown-it (bench/perf_floor.py).",
            "",
            "| cards | check CPU s | cards/s/core | wall s | peak RSS MiB | floor CPU s | floor cards/s | "
            "ratio to floor |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for e in b["sizes"]:
            lines.append(
                f"| {e['cards']:,} | {e['cpu']:.1f} | {e['cards_per_cpu_s']:.0f} | {e['wall']:.1f} | "
                f"{e['rss_mib']:.0f} | {e['floor_cpu']:.1f} | {e['floor_cards_per_cpu_s']:.0f} | "
                f"{e['ratio_to_floor']:.2f} |"
            )
        lines += ["", "Commands:", ""]
        for e in b["sizes"]:
            lines += [f"- `{e['command']}`", f"- `{e['floor_command']}`"]
        if "jobs" in b:
            j = b["jobs"]
            lines += [
                "",
                f"## `--jobs 2` vs `--jobs 1` ({j['cards']:,} cards, wall time)",
                "",
                f"`--jobs 1` {j['jobs1_wall']:.1f} s, `--jobs 2` {j['jobs2_wall']:.1f} s "
                f"(CPU {j['jobs2_cpu']:.1f} s over all processes): speed-up **{j['speedup']:.2f}** "
                "(target >= 1.7). Load average "
                f"{j['load_at_end']:.1f} at the end: on a shared machine the second core is not free.",
                "",
                f"- `{j['command']}`",
            ]
    if "ceiling" in data:
        c = data["ceiling"]
        lines += [
            "",
            "## Parallel ceiling of this machine (same run)",
            "",
            f"One pure-Python loop alone: {c['one']:.2f} s; two copies at once: {c['two']:.2f} s. Two "
            f"processes did **{c['speedup']:.2f}x** the work of one, the most `--jobs 2` can gain here now.",
            "",
            f"- `{c['command']}` (alone, then two at once)",
        ]
    lines += ["", NOTES]
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS}")


def _shapes_section(shapes: dict[str, Any]) -> list[str]:
    lines = [
        "## Card shapes (one card each, `check` with every rule)",
        "",
        "Cards from tests/shape_cards.py. Growth: CPU time over that of the card ten times smaller "
        "(target <= 12). "
        "RSS per byte: peak RSS above that of a one-line card "
        f"({shapes['floor_rss_mib']:.0f} MiB), per byte of card (target <= 30). A card over "
        "`limits.max_parsed_bytes` (docs/limits.md) is refused with a CL101 finding, not parsed.",
        "",
        "| shape | bytes | CPU s | growth per 10x | peak RSS MiB | RSS per byte | outcome |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in shapes["rows"]:
        growth = f"{row['growth']:.1f}" if row["growth"] else ""
        outcome = (
            "refused (CL101, max_parsed_bytes)" if row["refused"] else f"checked, {row['findings']} findings"
        )
        lines.append(
            f"| {row['shape']} | {row['bytes']:,} | {row['cpu']:.2f} | {growth} | {row['rss_mib']:.0f} | "
            f"{row['rss_per_byte']:.1f} | {outcome} |"
        )
    return [*lines, "", f"- `{shapes['command']} CARD`", ""]


def _figures(data: dict[str, Any]) -> dict[str, str]:
    """The headline figures of one run, as text, by row name."""
    rows: dict[str, str] = {}
    cold = data.get("cold")
    if cold and "cpu_median" in cold["cardlint check"]:
        rows["cold `check`, CPU median s"] = f"{cold['cardlint check']['cpu_median']:.3f}"
        for name in ("yamllint", "check-jsonschema"):
            if name in cold:
                rows[f"cold: {name}, CPU median s (baseline)"] = f"{cold[name]['cpu_median']:.3f}"
        rows["cold CPU ratio to check-jsonschema (target <= 0.6)"] = (
            f"{cold['ratio_vs_check_jsonschema']:.2f}"
        )
        if "ratio_vs_yamllint" in cold:
            rows["cold CPU ratio to yamllint (target <= 1.5)"] = f"{cold['ratio_vs_yamllint']:.2f}"
    elif cold:
        rows["cold `check`, median s"] = f"{cold['cardlint check']['median']:.3f}"
        rows["cold: check-jsonschema, median s (baseline)"] = f"{cold['check-jsonschema']['median']:.3f}"
        rows["cold ratio to check-jsonschema (target <= 1.0)"] = f"{cold['ratio_vs_check_jsonschema']:.2f}"
    for row in data.get("shapes", {}).get("rows", []):
        name = f"{row['shape']} {row['size'] // 1000:,} kB"
        if row["refused"]:
            rows[f"{name}: CPU s"] = f"{row['cpu']:.2f} (refused, CL101)"
            continue
        rows[f"{name}: CPU s"] = f"{row['cpu']:.2f}"
        if row["growth"]:
            rows[f"{name}: growth per 10x (target <= 12)"] = f"{row['growth']:.1f}"
        rows[f"{name}: peak RSS per byte (target <= 30)"] = f"{row['rss_per_byte']:.1f}"
    for entry in data.get("bulk", {}).get("sizes", []):
        size = f"{entry['cards']:,}"
        rows[f"{size} cards: cards/s/core"] = f"{entry['cards_per_cpu_s']:.0f}"
        rows[f"{size} cards: ratio to parse floor (target <= 3)"] = f"{entry['ratio_to_floor']:.2f}"
        rows[f"{size} cards: CPU s"] = f"{entry['cpu']:.1f}"
        rows[f"{size} cards: peak RSS MiB"] = f"{entry['rss_mib']:.0f}"
    if data.get("ceiling"):
        rows["machine: two processes vs one (ceiling for --jobs 2)"] = f"{data['ceiling']['speedup']:.2f}"
    jobs = data.get("bulk", {}).get("jobs")
    if jobs:
        rows[f"--jobs 2 speed-up, {jobs['cards']:,} cards (target >= 1.7)"] = f"{jobs['speedup']:.2f}"
    return rows


def _comparison(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    old, new = _figures(before), _figures(after)
    lines = [
        "## Before / after",
        "",
        f"Baseline run: {before.get('label') or 'an earlier commit'}, measured {before.get('when')} "
        f"(load {before['machine']['load_at_start']:.1f}); after: this run. A blank cell was not measured.",
        "",
        "| figure | before | after |",
        "|---|---|---|",
    ]
    for name in [*new, *(key for key in old if key not in new)]:
        lines.append(f"| {name} | {old.get(name, '')} | {new.get(name, '')} |")
    return [*lines, ""]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--write", action="store_true", help="regenerate bench/RESULTS.md")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--sizes", default="1000,5000,25000")
    parser.add_argument("--only", help="cold, bulk, shapes, ceiling (default: all; none with --from-json)")
    parser.add_argument("--shape-sizes", default="100000,1000000,10000000")
    parser.add_argument("--findings", type=Path, help="bulk: the largest size's findings, as JSON Lines")
    parser.add_argument("--no-jobs", action="store_true", help="bulk: skip the --jobs 2 run")
    parser.add_argument("--src", help="run the cardlint package from this checkout instead")
    parser.add_argument("--label", help="a note for RESULTS.md (e.g. the commit)")
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    parser.add_argument("--before", type=Path, help="raw figures (--json) of an earlier run, for RESULTS.md")
    parser.add_argument(
        "--from-json", type=Path, help="write RESULTS.md from saved figures, measuring nothing"
    )
    args = parser.parse_args()
    parts = set((args.only or ("" if args.from_json else "cold,bulk,shapes,ceiling")).split(","))
    data: dict[str, Any] = {
        "machine": machine(),
        "runs": args.runs,
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "label": args.label,
    }
    if args.from_json:
        data = json.loads(args.from_json.read_text(encoding="utf-8"))
    print(f"machine: {data['machine']}")
    if "cold" in parts:
        data["cold"] = cold(args.runs, args.src)
    if "bulk" in parts:
        if not CORPUS.is_dir():
            print(f"bulk: skipped, no corpus at {CORPUS}")
        else:
            data["bulk"] = bulk(
                [int(s) for s in args.sizes.split(",")], args.src, args.findings, not args.no_jobs
            )
    if "shapes" in parts:
        data["shapes"] = shapes([int(s) for s in args.shape_sizes.split(",")], args.src)
    if "ceiling" in parts:
        data["ceiling"] = ceiling()
    if args.json:
        args.json.write_text(json.dumps(data, indent=2), encoding="utf-8")
    if args.before:
        data["before"] = json.loads(args.before.read_text(encoding="utf-8"))
    if args.write:
        write_results(data)


if __name__ == "__main__":
    main()
