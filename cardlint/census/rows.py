"""One census row per card: the pipeline's report flattened into columns a Parquet reader can filter on.

Pure: `partition_rows` is a function of the records and the environment, so a partition computed twice
(a retried Dask task, a resumed run) gives the same rows. Nested parts (facts, findings, estimate, thresholds)
are kept as JSON text made by the JSON report's own builders, so the census and `check --format json` cannot
drift.
A card that raises is a row with `error` set; it never stops the partition.
"""

from __future__ import annotations

import json
import re
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from cardlint.core.regex_store import compile_pattern
from cardlint.sources import LoadedTarget
from cardlint.types import CardReport

# The figures whose disclosure the census counts, and the fact kinds that disclose each. Only facts about the
# card's own model that the card states (not derived by cardlint) count as a disclosure.
FIGURES: dict[str, tuple[str, ...]] = {
    "parameters": ("parameters", "active_parameters"),
    "tokens": ("training_tokens", "fine_tune_tokens"),
    "hardware": ("hardware_type", "hardware_count"),
    "compute": ("training_flop", "device_hours", "fine_tune_device_hours"),
    "energy": ("energy_mwh",),
    "co2": ("co2_tonnes",),
}
MAX_ERROR_CHARS = 2000
_REPO_ID = compile_pattern(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")
_PIPELINE_TAG = re.compile(rb"^pipeline_tag:[ \t]*['\"]?([\w-]+)", re.MULTILINE)

Row = dict[str, Any]
Analyser = Callable[[LoadedTarget, Any], CardReport]


def loaded_target(card_id: str, raw: bytes) -> LoadedTarget:
    """The card as the Hub source would load it (same path and repo id), minus sidecars: no network."""
    repo_id = card_id if _REPO_ID.match(card_id) else None
    return LoadedTarget(
        target=card_id,
        path=f"{card_id}/README.md",
        raw=raw,
        repo_id=repo_id,
        folder_name=card_id.rsplit("/", 1)[-1],
    )


def default_analyser(loaded: LoadedTarget, env: Any) -> CardReport:
    from cardlint.pipeline.analysis import analyse

    return analyse(loaded, env)


def partition_rows(
    records: Iterable[dict[str, Any]], env: Any, analyser: Analyser | None = None
) -> list[Row]:
    """Rows for every record; `analyser` defaults to the pipeline (check + estimate stages)."""
    analyse = analyser or default_analyser
    return [card_row(record, env, analyse) for record in records]


def card_row(record: dict[str, Any], env: Any, analyser: Analyser) -> Row:
    started = time.perf_counter()
    raw = record.get("raw")
    card_id = record.get("id") or ""
    row = empty_row(record)
    try:
        if not card_id:
            raise ValueError("row has no model id")
        if raw is None:
            raise ValueError("row has no card text")
        if not isinstance(raw, bytes):
            raise TypeError(f"card text is {type(raw).__name__}, not text or bytes")
        row["bytes"] = len(raw)
        if row.get("pipeline_tag") is None:
            row["pipeline_tag"] = front_matter_tag(raw)
        row.update(report_columns(analyser(loaded_target(card_id, raw), env)))
    except Exception as exc:  # a card that breaks the pipeline is recorded, never fatal to the run
        row["error"] = _describe(exc)
    row["seconds"] = time.perf_counter() - started
    return row


def empty_row(record: dict[str, Any]) -> Row:
    row: Row = {name: None for name in COLUMN_NAMES}
    row["id"] = record.get("id")
    for name in ("pipeline_tag", "downloads", "last_modified"):
        if record.get(name) is not None:
            row[name] = _passthrough(name, record[name])
    row["finding_codes"] = []
    row["fact_kinds"] = []
    row["threshold_status"] = []
    for figure in FIGURES:
        row[f"discloses_{figure}"] = False
    return row


def report_columns(report: CardReport) -> Row:
    """The flat and JSON columns of one report."""
    from cardlint.report.json import estimate_to_dict, fact_to_dict, finding_to_dict, threshold_to_dict

    own_kinds = {fact.kind for fact in report.facts if fact.subject is None and not fact.derived}
    severities = Counter(finding.severity.value for finding in report.findings)
    interval = report.estimate.training_flop if report.estimate else None
    percentile = report.estimate.percentile if report.estimate else None
    row: Row = {
        "subject": report.subject,
        "facts": json.dumps([fact_to_dict(fact) for fact in report.facts], ensure_ascii=False, default=str),
        "findings": json.dumps(
            [finding_to_dict(f) for f in report.findings], ensure_ascii=False, default=str
        ),
        "finding_codes": sorted({finding.code for finding in report.findings}),
        "fact_kinds": sorted({fact.kind for fact in report.facts}),
        "threshold_status": [
            f"{status.policy}/{status.threshold_id}/{status.basis}={status.status}"
            for status in report.thresholds
        ],
        "errors": severities.get("error", 0),
        "warnings": severities.get("warning", 0),
        "infos": severities.get("info", 0),
        "estimate": json.dumps(estimate_to_dict(report.estimate), ensure_ascii=False, default=str),
        "estimate_driver": report.estimate.driver if report.estimate else None,
        "flop_low": interval.low if interval else None,
        "flop_central": interval.central if interval else None,
        "flop_high": interval.high if interval else None,
        "percentile": percentile.share if percentile else None,
        "thresholds": json.dumps([threshold_to_dict(s) for s in report.thresholds], ensure_ascii=False),
    }
    for figure, kinds in FIGURES.items():
        row[f"discloses_{figure}"] = bool(own_kinds.intersection(kinds))
    return row


def front_matter_tag(raw: bytes) -> str | None:
    """The `pipeline_tag` of the front matter, read cheaply (only for dumps without a pipeline_tag column)."""
    if not raw.lstrip(b"\xef\xbb\xbf").startswith(b"---"):
        return None
    end = raw.find(b"\n---", 3)
    match = _PIPELINE_TAG.search(raw[: end if end > 0 else 65536])
    return match.group(1).decode("ascii", errors="replace") if match else None


def _passthrough(name: str, value: Any) -> Any:
    if name == "downloads":
        try:
            return int(value)
        except (TypeError, ValueError):
            return None
    return str(value)


def _describe(exc: BaseException) -> str:
    where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    place = f" (at {where.filename.rsplit('/', 1)[-1]}:{where.lineno})" if where else ""
    return f"{type(exc).__name__}: {exc}{place}"[:MAX_ERROR_CHARS]


# Column order of the results; the Parquet schema in engine.py follows it.
COLUMN_NAMES: tuple[str, ...] = (
    "id",
    "pipeline_tag",
    "downloads",
    "last_modified",
    "bytes",
    "error",
    "subject",
    *(f"discloses_{figure}" for figure in FIGURES),
    "finding_codes",
    "fact_kinds",
    "threshold_status",
    "errors",
    "warnings",
    "infos",
    "flop_low",
    "flop_central",
    "flop_high",
    "estimate_driver",
    "percentile",
    "facts",
    "findings",
    "estimate",
    "thresholds",
    "seconds",
)


def result_schema() -> Any:
    """The Parquet schema of every results partition (fixed, so partitions of different runs concatenate)."""
    import pyarrow as pa

    types: dict[str, Any] = {
        "id": pa.string(),
        "pipeline_tag": pa.string(),
        "downloads": pa.int64(),
        "last_modified": pa.string(),
        "bytes": pa.int64(),
        "error": pa.string(),
        "subject": pa.string(),
        **{f"discloses_{figure}": pa.bool_() for figure in FIGURES},
        "finding_codes": pa.list_(pa.string()),
        "fact_kinds": pa.list_(pa.string()),
        "threshold_status": pa.list_(pa.string()),  # policy/threshold/basis=status, for quick filters
        "errors": pa.int32(),
        "warnings": pa.int32(),
        "infos": pa.int32(),
        "flop_low": pa.float64(),
        "flop_central": pa.float64(),
        "flop_high": pa.float64(),
        "estimate_driver": pa.string(),
        "percentile": pa.float64(),
        "facts": pa.string(),
        "findings": pa.string(),
        "estimate": pa.string(),
        "thresholds": pa.string(),
        "seconds": pa.float64(),
    }
    return pa.schema([(name, types[name]) for name in COLUMN_NAMES])
