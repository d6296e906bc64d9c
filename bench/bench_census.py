"""Census over the ~25,000 bulk cards on a LocalCluster with 1 and 2 workers: wall time, cards/s, speed-up,
peak memory per worker, and the report's headline figures. Skips cleanly without ../shared.

    .venv/bin/python bench/bench_census.py [--limit N] [--workers 1,2] [--partition-size 500]

The bulk READMEs are first written as one Parquet dump (bench/out/census/bulk.parquet) with the model id and
pipeline task of the corpus index, as the Hub's own dumps carry them. Results, summaries and the reports of
each run are left under bench/out/census/ (never committed).
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import CORPUS, OUT, bulk_cards, require_corpus

HERE = OUT / "census"
INDEX = CORPUS / "bulk" / "cs577_index.tsv"
CHROMIUM = Path("/usr/bin/chromium")


def index_by_folder() -> dict[str, tuple[str, str | None]]:
    """Folder name of an unpacked card -> (model id, pipeline task), from the corpus index."""
    table: dict[str, tuple[str, str | None]] = {}
    with open(INDEX, encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            folder = Path(row["tar_path"]).name.removesuffix("_README.md").removesuffix(".md")
            model_id = row["model_id"].replace("(guessed)", "").strip()
            table.setdefault(folder, (model_id, row["pipeline_task"] or None))
    return table


def build_dump(limit: int | None) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    cards = bulk_cards(limit)
    target = HERE / f"bulk-{len(cards)}.parquet"
    if target.exists():
        return target
    HERE.mkdir(parents=True, exist_ok=True)
    known = index_by_folder()
    ids, texts, tags = [], [], []
    seen: set[str] = set()
    for path in cards:
        model_id, tag = known.get(path.parent.name, (path.parent.name, None))
        while model_id in seen:  # duplicate folders in the tarball keep distinct ids
            model_id += "_"
        seen.add(model_id)
        ids.append(model_id)
        texts.append(path.read_bytes())
        tags.append(tag)
    table = pa.table(
        {"modelId": ids, "card": texts, "pipeline_tag": tags},
        schema=pa.schema([("modelId", pa.string()), ("card", pa.binary()), ("pipeline_tag", pa.string())]),
    )
    pq.write_table(table, target, row_group_size=1000)
    return target


def run_once(dump: Path, workers: int, partition_size: int) -> dict[str, object]:
    import os

    from cardlint.census.engine import CensusOptions, census

    load_before = os.getloadavg()[0]
    output = HERE / f"run-{workers}w"
    shutil.rmtree(output, ignore_errors=True)
    options = CensusOptions(input=dump, output=output, workers=workers, partition_size=partition_size)
    started = time.perf_counter()
    summary, run = census(options)
    wall = time.perf_counter() - started
    analyse_seconds = sum(outcome.seconds for outcome in run.outcomes)
    cpu_seconds = sum(outcome.cpu_seconds for outcome in run.outcomes)
    peaks = sorted(run.peak_rss_by_worker().values())
    resumed_started = time.perf_counter()
    _, resumed = census(options)
    return {
        "workers": workers,
        "cards": summary["cards"],
        "failed_cards": summary["failed"],
        "failed_partitions": len(run.failed_partitions),
        "wall_seconds": round(wall, 1),
        "cards_per_second": round(summary["cards"] / wall, 1),
        "task_seconds_total": round(analyse_seconds, 1),
        # CPU the workers got: with other work on the machine it is less than workers x wall
        "task_cpu_seconds_total": round(cpu_seconds, 1),
        "cpu_seconds_per_1000_cards": round(1000 * cpu_seconds / max(1, summary["cards"]), 1),
        "load_average_before": round(load_before, 1),
        "peak_rss_mb_per_worker": [round(peak / 2**20) for peak in peaks],
        "resume_seconds": round(time.perf_counter() - resumed_started, 1),
        "resume_skipped_partitions": resumed.skipped,
        "output": str(output),
    }


def headline(summary: dict[str, object]) -> dict[str, object]:
    estimates = summary["estimates"]  # type: ignore[index]
    return {
        "cards": summary["cards"],
        "failed": summary["failed"],
        "disclosure_rates": summary["disclosure"]["overall"]["rates"],  # type: ignore[index]
        "with_estimate": estimates["cards_with_estimate"],  # type: ignore[index]
        "by_driver": estimates["by_driver"],  # type: ignore[index]
        "central_flop_quantiles": estimates["central_flop_quantiles"],  # type: ignore[index]
        "interval_width_decades": estimates["interval_width_decades"],  # type: ignore[index]
        "thresholds": [
            {key: entry[key] for key in ("policy", "threshold", "value_flop", "percentile", "counts")}
            for entry in summary["thresholds"]  # type: ignore[union-attr]
        ],
        "top_findings": summary["findings"][:10],  # type: ignore[index]
        "largest": [
            {"id": item["id"], "central": item["flop"]["central"], "driver": item["driver"]}
            for item in summary["largest"][:10]  # type: ignore[index]
        ],
    }


def screenshot(report: Path, target: Path) -> None:
    if not CHROMIUM.exists():
        return
    subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            f"--user-data-dir={HERE / 'chromium-profile'}",
            "--window-size=1280,3200",
            f"--screenshot={target}",
            report.resolve().as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=False,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="Only the first N bulk cards.")
    parser.add_argument("--workers", default="1,2", help="Comma-separated worker counts to time.")
    parser.add_argument("--partition-size", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=1, help="Alternate the worker counts this many times.")
    args = parser.parse_args()
    require_corpus()
    try:
        import dask  # noqa: F401
        import pyarrow  # noqa: F401
    except ImportError:
        print("skipped: the census extra is not installed (pip install 'cardlint[census]')", file=sys.stderr)
        raise SystemExit(0) from None
    dump = build_dump(args.limit)
    counts = [int(n) for n in args.workers.split(",")]
    # alternating 1, 2, 1, 2 ... spreads drift in the machine's other load over both worker counts
    runs = [run_once(dump, n, args.partition_size) for _ in range(args.repeat) for n in counts]
    best = {n: min(float(r["wall_seconds"]) for r in runs if r["workers"] == n) for n in counts}  # type: ignore[arg-type]
    for run in runs:
        run["speed_up"] = round(best[counts[0]] / float(run["wall_seconds"]), 2)  # type: ignore[arg-type]
    last = Path(str(runs[-1]["output"]))
    summary = json.loads((last / "summary.json").read_text(encoding="utf-8"))
    result = {
        "dump": str(dump),
        "partition_size": args.partition_size,
        "runs": runs,
        "report": headline(summary),
    }
    (HERE / "bench.json").write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")
    screenshot(last / "report.html", HERE / "report.png")
    print("| workers | cards | wall s | cards/s | speed-up | CPU s | load | peak RSS/worker MB | resume s |")
    print("|---|---|---|---|---|---|---|---|---|")
    for run in runs:
        print(
            f"| {run['workers']} | {run['cards']} | {run['wall_seconds']} | {run['cards_per_second']} | "
            f"{run['speed_up']} | {run['task_cpu_seconds_total']} | {run['load_average_before']} | "
            f"{run['peak_rss_mb_per_worker']} | {run['resume_seconds']} |"
        )
    print(json.dumps(result["report"], indent=2, default=str))


if __name__ == "__main__":
    main()
