"""Run the census on Dask: one task per partition, each writing its own results file.

The partitions go to the cluster as a dask.bag (one bag partition per census partition); every task reads its
rows from the input, runs the pipeline over them and writes `results/part-NNNNN.parquet` under a temporary
name then renames it, so a results file either exists whole or not at all. A rerun with the same output folder
skips every partition whose file exists, which is all resuming needs. A partition whose task fails (a corrupt
input file, a worker killed) is reported and left for the next run; a card that fails is only a row with its
error. Workers run one task at a time (one thread each), so what a worker holds is one partition.
The output folder must be visible to the workers (a shared file system on a multi-machine cluster).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import resource
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from cardlint.census.inputs import (
    DEFAULT_PARTITION_SIZE,
    Columns,
    InputError,
    Partition,
    auto_partition_size,
    convert_readmes,
    count_rows,
    fingerprint,
    is_readme_source,
    parquet_files,
    plan_partitions,
    read_partition,
    resolve_columns,
    schema_names,
    write_atomically,
)
from cardlint.census.progress import CensusProgress
from cardlint.version import __version__

MANIFEST = "census.json"
RESULTS = "results"
CONVERTED = "input"
MANIFEST_VERSION = 1


class CensusError(Exception):
    """A census that cannot start (bad input, an output folder of another run); one line for the user."""


@dataclass
class CensusOptions:
    input: Path
    output: Path
    workers: int = max(1, os.cpu_count() or 1)
    scheduler: str | None = None
    id_column: str | None = None
    text_column: str | None = None
    partition_size: int | None = None  # None: sized so every worker gets several (auto_partition_size)
    as_of: dt.date | None = None
    policies: tuple[str, ...] | None = None


@dataclass
class PartitionOutcome:
    """What one task reports back: counts and the memory its worker process reached, never the rows."""

    index: int
    cards: int = 0
    failed_cards: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # CPU time the worker process got for this task (wall minus waiting)
    worker: str = ""
    peak_rss_bytes: int = 0


@dataclass
class CensusRun:
    partitions: int
    skipped: int
    outcomes: list[PartitionOutcome] = field(default_factory=list)
    failed_partitions: dict[int, str] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def cards(self) -> int:
        return sum(outcome.cards for outcome in self.outcomes)

    @property
    def failed_cards(self) -> int:
        return sum(outcome.failed_cards for outcome in self.outcomes)

    def peak_rss_by_worker(self) -> dict[str, int]:
        peaks: dict[str, int] = {}
        for outcome in self.outcomes:
            peaks[outcome.worker] = max(peaks.get(outcome.worker, 0), outcome.peak_rss_bytes)
        return peaks


# ---------------------------------------------------------------- planning


def prepare(options: CensusOptions) -> dict[str, Any]:
    """Plan the run (or reload the plan of the run being resumed); returns the manifest."""
    if not options.input.exists():
        raise CensusError(f"{options.input}: no such file or folder")
    options.output.mkdir(parents=True, exist_ok=True)
    (options.output / RESULTS).mkdir(exist_ok=True)
    source = options.input.resolve()  # absolute: workers may run in another folder
    readmes = is_readme_source(source)
    try:
        if readmes:
            from cardlint.core.limits import DEFAULT_LIMITS

            files = convert_readmes(
                source,
                options.output.resolve() / CONVERTED,
                options.partition_size or DEFAULT_PARTITION_SIZE,
                DEFAULT_LIMITS.max_card_bytes,
            )
        else:
            files = parquet_files(source)
        columns = resolve_columns(schema_names(files[0]), options.id_column, options.text_column)
        for path in files[1:]:
            missing = [name for name in columns.read_list() if name not in schema_names(path)]
            if missing:
                raise InputError(f"{path}: no column {', '.join(missing)} (the first file has them)")
    except InputError as exc:
        raise CensusError(str(exc)) from None
    planned: dict[str, Any] = {
        "input": str(source.resolve()),
        "fingerprint": fingerprint(files),
        "columns": asdict(columns),
        "policies": list(options.policies) if options.policies is not None else None,
    }
    if options.partition_size is not None:  # an automatic size follows the run being resumed
        planned["partition_size"] = options.partition_size
    manifest_path = options.output / MANIFEST
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        changed = [key for key, value in planned.items() if manifest.get(key) != _jsonable(value)]
        if options.as_of is not None and manifest.get("as_of") != options.as_of.isoformat():
            changed.append("as_of")
        if changed:
            raise CensusError(
                f"{options.output} holds a census of other input or options ({', '.join(changed)} differ); "
                "use another --output-dir folder or remove it"
            )
        return dict(manifest)
    as_of = options.as_of or dt.date.today()
    try:
        size = options.partition_size or auto_partition_size(count_rows(files), options.workers)
    except InputError as exc:
        raise CensusError(str(exc)) from None
    manifest = {
        "version": MANIFEST_VERSION,
        "cardlint": __version__,
        **planned,
        "partition_size": size,
        "ids_from": "file names" if readmes else f"column {columns.id}",
        "as_of": as_of.isoformat(),
        "thresholds": _thresholds_or_fail(environment_spec_of(options.policies, as_of)),
        "partitions": [p.to_dict() for p in plan_partitions(files, size)],
    }
    temporary = manifest_path.with_name(f".{MANIFEST}.tmp")
    temporary.write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    os.replace(temporary, manifest_path)
    return manifest


def _thresholds_or_fail(spec: dict[str, Any]) -> list[dict[str, Any]]:
    from cardlint.policy.model import PolicyError

    try:
        return threshold_table(spec)
    except PolicyError as exc:
        raise CensusError(str(exc)) from None


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value))


def environment_spec_of(policies: tuple[str, ...] | None, as_of: dt.date) -> dict[str, Any]:
    return {"as_of": as_of.isoformat(), "policies": list(policies) if policies is not None else None}


def threshold_table(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Every model-compute threshold of the run's policies: what the report draws and counts against."""
    environment = environment_for(spec)
    table = []
    for policy in environment.policies:
        for threshold in policy.thresholds:
            if threshold.is_model_compute:
                table.append(
                    {
                        "policy": policy.key,
                        "policy_name": policy.short_name,
                        "threshold": threshold.id,
                        "label": threshold.label,
                        "value_flop": threshold.value,
                        "comparator": threshold.comparator,
                        "basis": threshold.basis,
                        "indicative": threshold.indicative,
                    }
                )
    return table


_ENVIRONMENTS: dict[str, Any] = {}


def environment_for(spec: dict[str, Any]) -> Any:
    """The pipeline Environment of a run, built once per process (workers reuse it for every partition)."""
    key = json.dumps(spec, sort_keys=True)
    if key not in _ENVIRONMENTS:
        from cardlint.config.settings import Settings
        from cardlint.pipeline.analysis import Environment
        from cardlint.policy.loading import select_policies

        as_of = dt.date.fromisoformat(spec["as_of"])
        policies = spec["policies"]
        settings = Settings(as_of=as_of, policies=tuple(policies) if policies is not None else None)
        _ENVIRONMENTS[key] = Environment(settings=settings, policies=select_policies(policies, [], as_of))
    return _ENVIRONMENTS[key]


# ---------------------------------------------------------------- one partition (runs on a worker)


def result_path(results: Path, index: int) -> Path:
    return results / f"part-{index:05d}.parquet"


def run_partition(
    partition: dict[str, Any], columns: dict[str, Any], spec: dict[str, Any], results: str
) -> PartitionOutcome:
    """Read, analyse and write one partition; idempotent (an existing results file is left alone)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from cardlint.census.rows import partition_rows, result_schema

    started, cpu_started = time.perf_counter(), time.process_time()
    part = Partition(**partition)
    target = result_path(Path(results), part.index)
    outcome = PartitionOutcome(index=part.index, worker=_worker_name())
    if not target.exists():
        column_spec = Columns(
            columns["id"], columns["text"], tuple(tuple(pair) for pair in columns["passthrough"])
        )
        rows = partition_rows(read_partition(part, column_spec), environment_for(spec))
        write_atomically(pa.Table.from_pylist(rows, schema=result_schema()), target, pq)
        outcome.cards = len(rows)
        outcome.failed_cards = sum(1 for row in rows if row["error"])
    outcome.seconds = time.perf_counter() - started
    outcome.cpu_seconds = time.process_time() - cpu_started
    outcome.peak_rss_bytes = _peak_rss()
    return outcome


def _worker_name() -> str:
    try:
        from distributed import get_worker

        return str(get_worker().address)
    except (ImportError, ValueError):
        return f"pid-{os.getpid()}"


def _peak_rss() -> int:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak if sys.platform == "darwin" else peak * 1024)


# ---------------------------------------------------------------- the run


def run_census(
    options: CensusOptions, *, progress: CensusProgress | None = None, client: Any = None
) -> tuple[dict[str, Any], CensusRun]:
    """Plan (or resume), run the pending partitions on Dask, and return the manifest and what happened.

    `client` is an existing dask.distributed Client (tests share one); otherwise one is made from
    `--scheduler` or a LocalCluster of `workers` single-threaded processes, and closed at the end.
    """
    started = time.perf_counter()
    manifest = prepare(options)
    results = (options.output / RESULTS).resolve()
    _remove_stale_temporaries(results)
    partitions = manifest["partitions"]
    pending = [p for p in partitions if not result_path(results, p["index"]).exists()]
    run = CensusRun(partitions=len(partitions), skipped=len(partitions) - len(pending))
    progress = progress or CensusProgress(enabled=False)
    total = sum(p["stop"] - p["start"] for p in partitions)
    progress.start(total, total - sum(p["stop"] - p["start"] for p in pending))
    try:
        if pending:
            spec = environment_spec_of(
                tuple(manifest["policies"]) if manifest["policies"] is not None else None,
                dt.date.fromisoformat(manifest["as_of"]),
            )
            with _client_for(options, client) as active:
                _run_pending(active, pending, manifest["columns"], spec, results, run, progress)
    finally:
        progress.stop()
    run.seconds = time.perf_counter() - started
    return manifest, run


def _run_pending(
    client: Any,
    pending: list[dict[str, Any]],
    columns: dict[str, Any],
    spec: dict[str, Any],
    results: Path,
    run: CensusRun,
    progress: CensusProgress,
) -> None:
    import dask.bag as db
    from distributed import as_completed

    bag = db.from_sequence(pending, npartitions=len(pending)).map(
        run_partition, columns=columns, spec=spec, results=str(results)
    )
    futures = client.compute(bag.to_delayed())
    by_key = {future.key: partition for future, partition in zip(futures, pending, strict=True)}
    for future in as_completed(futures):
        partition = by_key[future.key]
        try:
            outcomes = future.result()
        except Exception as exc:  # the task failed as a whole: report it, keep the others running
            run.failed_partitions[partition["index"]] = f"{type(exc).__name__}: {exc}"[:2000]
            progress.advance(partition["stop"] - partition["start"])
            continue
        for outcome in outcomes:
            run.outcomes.append(outcome)
            progress.advance(partition["stop"] - partition["start"])
        future.release()


@contextmanager
def _client_for(options: CensusOptions, client: Any) -> Iterator[Any]:
    if client is not None:
        yield client
        return
    from distributed import Client, LocalCluster

    if options.scheduler:
        with Client(options.scheduler) as remote:
            yield remote
        return
    with (
        LocalCluster(
            n_workers=options.workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=":0",  # any free port: another cluster on the machine may hold 8787
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as local,
    ):
        yield local


def _remove_stale_temporaries(results: Path) -> None:
    """Temporary files of a run that was killed mid-write; their partitions run again."""
    for path in results.glob(".part-*.tmp"):
        with suppress(OSError):
            path.unlink()


# ---------------------------------------------------------------- run and report


def census(
    options: CensusOptions, *, progress: CensusProgress | None = None, client: Any = None
) -> tuple[dict[str, Any], CensusRun]:
    """The whole command: run (or resume) the partitions, then write DIR/summary.json and DIR/report.html."""
    manifest, run = run_census(options, progress=progress, client=client)
    summary = write_outputs(options.output, manifest)
    return summary, run


def write_outputs(output: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    from cardlint.census.report import render_report
    from cardlint.census.summary import build_summary, write_summary

    summary = build_summary(output / RESULTS, manifest)
    write_summary(output / "summary.json", summary)
    page = output / "report.html"
    temporary = page.with_name(".report.html.tmp")
    temporary.write_text(render_report(summary), encoding="utf-8")
    os.replace(temporary, page)
    return summary
