"""Scan throughput and request budget against the loopback Hub stand-in (no network, no corpus needed).

Usage: python bench/bench_scan.py [--repos 500] [--latency 0.05] [--jobs 1 8] [--json FILE]

Builds N repos (a few base models and many fine-tunes of them, each with README.md, config.json and a
header-only model.safetensors), injects a fixed delay into every request, and scans them cold with each
--jobs value (a fresh huggingface_hub cache each time), then once more warm. Prints wall times, the
speed-up, and requests per repo split by kind; "fine-tune, base cached" is the case the issue budgets at
<= 3 requests. Uses cardlint's real pipeline when it imports, else only fetches (says which).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from hubserver import HubStandIn, card, safetensors_header  # noqa: E402

from cardlint.commands.scan import run_scan  # noqa: E402
from cardlint.commands.scan_repo import RepoScanner  # noqa: E402
from cardlint.sources import LoadedTarget  # noqa: E402

BASES = 10


def build(hub: HubStandIn, count: int) -> list[str]:
    """`count` repos: BASES base models, the rest fine-tunes spread over them. Returns the scan order."""
    config = json.dumps(
        {"model_type": "llama", "hidden_size": 4096, "num_hidden_layers": 32, "vocab_size": 32000}
    )
    for index in range(BASES):
        text = card(
            "license: apache-2.0\npipeline_tag: text-generation",
            f"# Base {index}\n\nA 7B model trained on 2T tokens using 1,024 H100 GPUs for 21 days.\n",
        )
        weights = safetensors_header({"w": ("BF16", [7_000_000_000 + index])})
        hub.add_repo(
            f"bench/base-{index}", {"README.md": text, "config.json": config, "model.safetensors": weights}
        )
    ids = []
    for index in range(count - BASES):
        text = card(
            f"license: apache-2.0\nbase_model: bench/base-{index % BASES}",
            f"# Fine-tune {index}\n\nFine-tuned on 2B tokens for 3 epochs on 8 A100 GPUs.\n",
        )
        weights = safetensors_header({"w": ("BF16", [7_000_000_000 + index])})
        hub.add_repo(
            f"bench/ft-{index:04d}", {"README.md": text, "config.json": config, "model.safetensors": weights}
        )
        ids.append(f"bench/ft-{index:04d}")
    return [f"bench/base-{index}" for index in range(BASES)] + ids


def analyser() -> tuple[Any, str]:
    """The real pipeline if it runs here, else a fetch-only stand-in (the I/O is what this measures)."""
    try:
        from cardlint.commands.scan_repo import pipeline_analyser
        from cardlint.config.settings import Settings

        real = pipeline_analyser(Settings())
        real(LoadedTarget(target="x", path="x/README.md", raw=card("license: mit").encode()), False)
        return real, "cardlint pipeline"
    except Exception as exc:  # the bench must still measure fetching while the pipeline is being built
        return (lambda loaded, is_base: {}), f"fetch only (pipeline unavailable: {type(exc).__name__})"


def requests_by_repo(hub: HubStandIn) -> Counter[str]:
    counts: Counter[str] = Counter()
    for request in hub.requests:
        parts = request.path.strip("/").split("/")
        repo = "/".join(parts[2:4]) if parts[:2] == ["api", "models"] else "/".join(parts[:2])
        counts[repo] += 1
    return counts


def one_run(
    hub: HubStandIn, targets: list[str], jobs: int, home: Path, analyse: Any, with_config: bool
) -> dict[str, Any]:
    home.mkdir(parents=True, exist_ok=True)
    os.environ["HF_HOME"] = str(home)
    os.environ["HF_HUB_CACHE"] = str(home / "hub")
    hub.clear_requests()
    scanner = RepoScanner(analyser=analyse, with_config=with_config)
    output = home / f"scan-{jobs}.jsonl"
    started = time.perf_counter()
    with output.open("w") as handle:
        outcome = run_scan(targets, scanner.scan, handle, jobs=jobs)
    wall = time.perf_counter() - started
    per_repo = requests_by_repo(hub)
    fine_tunes = [count for repo, count in per_repo.items() if "/ft-" in repo]
    bases = [count for repo, count in per_repo.items() if "/base-" in repo]
    return {
        "jobs": jobs,
        "repos": outcome.written,
        "errors": outcome.errors,
        "wall_s": round(wall, 2),
        "repos_per_s": round(outcome.written / wall, 1),
        "requests": len(hub.requests),
        "requests_per_repo": round(len(hub.requests) / max(outcome.written, 1), 2),
        "fine_tune_requests_base_cached": round(sum(fine_tunes) / max(len(fine_tunes), 1), 2),
        "base_requests": round(sum(bases) / max(len(bases), 1), 2),
        "by_kind": dict(Counter(f"{r.method} {_kind(r.path)}" for r in hub.requests)),
    }


def _kind(path: str) -> str:
    if path.startswith("/api/models/"):
        return "model-info"
    return path.rsplit("/", 1)[-1] if "/resolve/" in path else path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repos", type=int, default=500)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds added to every request")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 8])
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument(
        "--no-config-json", action="store_true", help="scan without config.json (scan option)"
    )
    args = parser.parse_args()

    for name in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_HUB_OFFLINE"):
        os.environ.pop(name, None)
    os.environ["HF_HUB_DISABLE_XET"] = "1"
    os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"  # else the client also fetches an agent registry
    analyse, mode = analyser()
    with_config = not args.no_config_json
    results: list[dict[str, Any]] = []
    with (
        tempfile.TemporaryDirectory(prefix="cardlint-bench-") as scratch,
        HubStandIn(latency=args.latency) as hub,
    ):
        os.environ["HF_ENDPOINT"] = hub.url
        targets = build(hub, args.repos)
        for jobs in args.jobs:
            results.append(
                {
                    "cache": "cold",
                    **one_run(hub, targets, jobs, Path(scratch) / f"cold-{jobs}", analyse, with_config),
                }
            )
        warm_home = Path(scratch) / f"cold-{max(args.jobs)}"
        results.append(
            {"cache": "warm", **one_run(hub, targets, max(args.jobs), warm_home, analyse, with_config)}
        )

    sidecar = "with config.json" if with_config else "without config.json"
    print(
        f"scan bench: {args.repos} repos, {args.latency * 1000:.0f} ms/request, {sidecar}, analysis: {mode}"
    )
    header = f"{'cache':<6}{'jobs':>5}{'wall s':>9}{'repos/s':>9}{'req/repo':>10}"
    print(header + f"{'ft, base cached':>17}{'base':>7}")
    for row in results:
        print(
            f"{row['cache']:<6}{row['jobs']:>5}{row['wall_s']:>9}{row['repos_per_s']:>9}"
            f"{row['requests_per_repo']:>10}{row['fine_tune_requests_base_cached']:>17}{row['base_requests']:>7}"
        )
    cold = {row["jobs"]: row["wall_s"] for row in results if row["cache"] == "cold"}
    if len(cold) >= 2:
        low, high = min(cold), max(cold)
        print(f"speed-up --jobs {high} over --jobs {low}: {cold[low] / cold[high]:.1f}x")
    print("requests by kind (cold, first run):", json.dumps(results[0]["by_kind"], sort_keys=True))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        summary = {"mode": mode, "latency": args.latency, "with_config": with_config, "results": results}
        args.json.write_text(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
