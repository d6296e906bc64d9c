"""summary.json: what the population of cards discloses, where its estimated compute lies, and how the policy
thresholds cut it.

Computed by reading the results files back (only the columns it needs), so it covers resumed runs, and the
HTML report is drawn from this summary alone. Threshold percentiles are population percentiles: the share of
cards with an estimate whose central estimate is below the threshold, the dynamic view of a fixed FLOP line.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cardlint.census.rows import FIGURES

SUMMARY_VERSION = 1
TOP_FINDINGS = 25
TOP_MODELS = 20
MAX_FAILURES_LISTED = 20
MAX_QUOTE_CHARS = 160
BIN_WIDTH_DECADES = 0.25
NO_TAG = "(none)"
# Some card dumps mark an id their index inferred from a file name (split at the first underscore) rather
# than read from the Hub; cardlint keeps ids as given and says how many carry the mark.
GUESSED_MARK = "(guessed)"
CARDS_KEY = "__cards__"
BATCH_ROWS = 2048
STATUSES = ("below", "straddles", "above", "unknown")

_ESTIMATE_KEYS = ("id", "pipeline_tag", "flop_low", "flop_central", "flop_high", "estimate_driver")
_COLUMNS = [
    "id",
    "pipeline_tag",
    "error",
    *(f"discloses_{figure}" for figure in FIGURES),
    "finding_codes",
    "flop_low",
    "flop_central",
    "flop_high",
    "estimate_driver",
    "thresholds",
]


def read_results(results: Path, columns: list[str] | None = None) -> list[dict[str, Any]]:
    """Rows of every written results partition, whole (for tests and small runs; the summary streams)."""
    import pyarrow.parquet as pq

    rows: list[dict[str, Any]] = []
    for path in sorted(results.glob("part-*.parquet")):
        rows.extend(pq.read_table(path, columns=columns).to_pylist())
    return rows


def iter_results(results: Path, columns: list[str]) -> Iterator[dict[str, Any]]:
    """Rows of every results partition, batch by batch, so the summary's memory does not grow with the run."""
    import pyarrow.parquet as pq

    for path in sorted(results.glob("part-*.parquet")):
        for batch in pq.ParquetFile(path).iter_batches(batch_size=BATCH_ROWS, columns=columns):
            yield from batch.to_pylist()


@dataclass
class Tally:
    """Everything the summary counts, filled in one pass over the results; only estimated cards are kept."""

    cards: int = 0
    failed: int = 0
    guessed_ids: int = 0  # ids the input itself marks "(guessed)"
    failures: list[dict[str, Any]] = field(default_factory=list)
    by_tag: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    codes: Counter[str] = field(default_factory=Counter)
    statuses: dict[tuple[str, str], dict[str, Counter[str]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(Counter))
    )
    estimated: list[dict[str, Any]] = field(default_factory=list)

    @property
    def analysed(self) -> int:
        return self.cards - self.failed

    def add(self, row: dict[str, Any]) -> None:
        self.cards += 1
        self.guessed_ids += GUESSED_MARK in (row["id"] or "")
        if row["error"]:
            self.failed += 1
            if len(self.failures) < MAX_FAILURES_LISTED:
                self.failures.append({"id": row["id"], "error": row["error"]})
            return
        tag = self.by_tag[row["pipeline_tag"] or NO_TAG]
        tag[CARDS_KEY] += 1
        for figure in FIGURES:
            if row[f"discloses_{figure}"]:
                tag[figure] += 1
        self.codes.update(row["finding_codes"] or [])
        for status in json.loads(row["thresholds"] or "[]"):
            self.statuses[(status["policy"], status["threshold"])][status["basis"]][status["status"]] += 1
        if row["flop_central"] is not None and row["flop_central"] > 0:
            self.estimated.append({key: row[key] for key in _ESTIMATE_KEYS})


def build_summary(results: Path, manifest: dict[str, Any], catalogue: Any = None) -> dict[str, Any]:
    tally = Tally()
    for row in iter_results(results, _COLUMNS):
        tally.add(row)
    return {
        "version": SUMMARY_VERSION,
        "cardlint": manifest.get("cardlint"),
        "input": manifest.get("input"),
        "as_of": manifest.get("as_of"),
        "ids": {"from": manifest.get("ids_from"), "guessed": tally.guessed_ids},
        "partitions": {
            "planned": len(manifest.get("partitions", [])),
            "written": len(list(results.glob("part-*.parquet"))),
        },
        "cards": tally.cards,
        "analysed": tally.analysed,
        "failed": tally.failed,
        "failures": tally.failures,
        "figures": {figure: list(kinds) for figure, kinds in FIGURES.items()},
        "disclosure": disclosure(tally.by_tag),
        "estimates": estimates(tally.estimated, tally.analysed),
        "thresholds": thresholds(tally.statuses, tally.estimated, manifest.get("thresholds", [])),
        "findings": common_findings(tally.codes, tally.analysed, catalogue),
        "largest": largest(results, tally.estimated),
    }


# ---------------------------------------------------------------- disclosure


def disclosure(by_tag: dict[str, Counter[str]]) -> dict[str, Any]:
    overall: Counter[str] = Counter()
    for counts in by_tag.values():
        overall.update(counts)
    ordered = sorted(by_tag.items(), key=lambda item: (-item[1][CARDS_KEY], item[0]))
    return {"overall": _rates(overall), "by_pipeline_tag": {tag: _rates(counts) for tag, counts in ordered}}


def _rates(counts: Counter[str]) -> dict[str, Any]:
    cards = counts[CARDS_KEY]
    figures = {figure: counts[figure] for figure in FIGURES}
    return {
        "cards": cards,
        "counts": figures,
        "rates": {figure: (count / cards if cards else 0.0) for figure, count in figures.items()},
    }


# ---------------------------------------------------------------- estimates


def estimates(rows: list[dict[str, Any]], analysed: int) -> dict[str, Any]:
    centrals = sorted(row["flop_central"] for row in rows)
    widths = sorted(_width(row) for row in rows)
    return {
        "cards_with_estimate": len(rows),
        "share": len(rows) / analysed if analysed else 0.0,
        "by_driver": dict(Counter(row["estimate_driver"] or "unknown" for row in rows).most_common()),
        "central_flop_quantiles": {f"p{q}": _quantile(centrals, q / 100) for q in (10, 25, 50, 75, 90, 99)}
        | {"max": centrals[-1] if centrals else None},
        "interval_width_decades": {f"p{q}": _quantile(widths, q / 100) for q in (25, 50, 75, 90)},
        "histogram": histogram(rows),
    }


def _width(row: dict[str, Any]) -> float:
    """Orders of magnitude between the interval's ends (0 for a point estimate)."""
    low, high = row["flop_low"], row["flop_high"]
    if not low or not high or low <= 0 or high <= low:
        return 0.0
    return math.log10(high / low)


def _quantile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    position = q * (len(values) - 1)
    below = math.floor(position)
    above = min(below + 1, len(values) - 1)
    return values[below] + (values[above] - values[below]) * (position - below)


def histogram(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Counts of central, low and high estimates in quarter-decade bins of log10 FLOP, and per bin the
    interval widths (decades) of the cards whose central estimate falls in it."""
    if not rows:
        return {
            "log10_edges": [],
            "central": [],
            "low": [],
            "high": [],
            "width_p25": [],
            "width_p50": [],
            "width_p75": [],
        }
    logs = [
        math.log10(value)
        for row in rows
        for value in (row["flop_low"], row["flop_central"], row["flop_high"])
        if value and value > 0
    ]
    first = math.floor(min(logs) / BIN_WIDTH_DECADES) * BIN_WIDTH_DECADES
    last = math.ceil(max(logs) / BIN_WIDTH_DECADES) * BIN_WIDTH_DECADES
    bins = max(1, round((last - first) / BIN_WIDTH_DECADES))
    edges = [round(first + i * BIN_WIDTH_DECADES, 4) for i in range(bins + 1)]

    def index(value: float | None) -> int | None:
        if not value or value <= 0:
            return None
        return min(bins - 1, max(0, int((math.log10(value) - first) / BIN_WIDTH_DECADES)))

    counts = {name: [0] * bins for name in ("central", "low", "high")}
    widths: list[list[float]] = [[] for _ in range(bins)]
    for row in rows:
        for name in counts:
            position = index(row[f"flop_{name}"])
            if position is not None:
                counts[name][position] += 1
        position = index(row["flop_central"])
        if position is not None:
            widths[position].append(_width(row))
    for group in widths:
        group.sort()
    return {
        "log10_edges": edges,
        **counts,
        **{f"width_p{q}": [_quantile(group, q / 100) for group in widths] for q in (25, 50, 75)},
    }


# ---------------------------------------------------------------- thresholds


def thresholds(
    statuses: dict[tuple[str, str], dict[str, Counter[str]]],
    estimated: list[dict[str, Any]],
    table: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """Per threshold of the run's policies: its population percentile and the cards below/straddling/above
    it, counted per basis (training compute, or base + own compute for a fine-tune where that is open)."""
    centrals = sorted(row["flop_central"] for row in estimated)
    highs = sorted(row["flop_high"] for row in estimated if row["flop_high"])
    lows = sorted(row["flop_low"] for row in estimated if row["flop_low"])
    result = []
    for entry in table:
        value = entry["value_flop"]
        by_basis = statuses.get((entry["policy"], entry["threshold"]), {})
        result.append(
            {
                **entry,
                "percentile": _share_below(centrals, value),
                "share_certainly_below": _share_below(highs, value),
                "share_certainly_above": _share_at_or_above(lows, value),
                "counts": {
                    basis: {status: by_basis[basis].get(status, 0) for status in STATUSES}
                    for basis in sorted(by_basis, key=lambda name: (name != "training", name))
                },
            }
        )
    return result


def _share_at_or_above(sorted_values: list[float], value: float) -> float | None:
    below = _share_below(sorted_values, value)
    return None if below is None else 1.0 - below


def _share_below(sorted_values: list[float], value: float) -> float | None:
    if not sorted_values:
        return None
    from bisect import bisect_left

    return bisect_left(sorted_values, value) / len(sorted_values)


# ---------------------------------------------------------------- findings and largest models


def common_findings(counter: Counter[str], analysed: int, catalogue: Any = None) -> list[dict[str, Any]]:
    """The codes found on the most cards (a code counts once per card)."""
    if catalogue is None:
        from cardlint.config.catalogue import load_catalogue

        catalogue = load_catalogue()
    result = []
    for code, cards in counter.most_common(TOP_FINDINGS):
        rule = catalogue.rules.get(code)
        result.append(
            {
                "code": code,
                "name": rule.name if rule else "",
                "severity": rule.severity.value if rule else "",
                "cards": cards,
                "share": cards / analysed if analysed else 0.0,
            }
        )
    return result


def largest(results: Path, estimated: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The models with the largest central estimate, with the figures of their cards that drive it."""
    top = sorted(estimated, key=lambda row: -row["flop_central"])[:TOP_MODELS]
    if not top:
        return []
    wanted = {row["id"] for row in top}
    details = {
        row["id"]: row
        for row in iter_results(results, ["id", "facts", "estimate", "percentile"])
        if row["id"] in wanted
    }
    result = []
    for row in top:
        detail = details.get(row["id"], {})
        estimate = json.loads(detail.get("estimate") or "null") or {}
        facts = json.loads(detail.get("facts") or "[]")
        result.append(
            {
                "id": row["id"],
                "pipeline_tag": row["pipeline_tag"],
                "flop": {"low": row["flop_low"], "central": row["flop_central"], "high": row["flop_high"]},
                "driver": row["estimate_driver"],
                "percentile": detail.get("percentile"),
                "methods": [
                    {"method": m["method"], "central": m.get("central"), "formula": m.get("formula")}
                    for m in estimate.get("methods", [])
                ],
                "evidence": _evidence(estimate, facts),
            }
        )
    return result


def _evidence(estimate: dict[str, Any], facts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The inputs of the estimate's methods, with the card's own words for each (line and quote)."""
    by_place = {(fact["kind"], fact["line"]): fact for fact in facts}
    seen: set[tuple[Any, Any]] = set()
    evidence = []
    for method in estimate.get("methods", []):
        for item in method.get("inputs", []):
            key = (item["kind"], item["line"])
            if key in seen:
                continue
            seen.add(key)
            fact = by_place.get(key, {})
            evidence.append(
                {
                    "kind": item["kind"],
                    "value": item["value"],
                    "unit": fact.get("unit"),
                    "line": item["line"],
                    "origin": item.get("origin"),
                    "quote": (fact.get("quote") or "")[:MAX_QUOTE_CHARS],
                }
            )
    return evidence


def write_summary(path: Path, summary: dict[str, Any]) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(
        json.dumps(summary, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
    )
    temporary.replace(path)
