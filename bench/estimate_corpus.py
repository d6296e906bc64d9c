"""Coverage of `cardlint estimate` on the labelled corpus sets, against references computed from the labels.

    .venv/bin/python bench/estimate_corpus.py [--set cards|bulk|modern|all] [--show] [--json]

For every labelled card (cards/, bulk/ from its tarball, modern/) the hand labels give a reference:
  - the labelled training FLOP when the card states one; otherwise
  - 6·N·D (N = active parameters when labelled, sizes read from the name included) and the hardware method
    (device-hours, or count × days × 24, × dense BF16/FP16 peak × 0.30, the labels' own convention), their
    geometric mean when both exist;
  - for a card whose only compute figures are fine-tuning ones, the same for that stage.
A card *allows* an estimate when such a reference exists. Each card is staged as <tmp>/<org>/<model>/README.md
(as corpus-eval does) and run through the real CLI, `cardlint estimate --format json --isolated`. Reported:
how many allowed cards get an estimate, how many centrals fall within 2× of the reference, and, for cards
whose model has an Epoch figure in data/reference_models.csv (exact name), whether the interval contains it
(the cumulative interval for a fine-tune, as Epoch counts the base). Skips cleanly without ../shared.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import CORPUS, require_corpus

from cardlint.compute.hardware import lookup_accelerator
from cardlint.compute.reference import find_reference

SETS = {
    "cards": ("labels.yaml", "cards", "file"),
    "bulk": ("bulk/labels.yaml", None, "tar_path"),
    "modern": ("modern/labels.yaml", "modern/cards", "file"),
}
UTILISATION = 0.30  # the labels' header: implied MFU against dense BF16/FP16 peaks


@dataclass
class Row:
    """One labelled card: its label reference, cardlint's answer and the verdicts."""

    name: str
    reference: float | None = None
    basis: str = ""
    stage: str = "main"  # main | fine-tune
    epoch: float | None = None
    lineage_only: bool = False
    central: float | None = None
    interval: tuple[float, float] | None = None
    cumulative: tuple[float, float] | None = None
    why_none: list[str] = field(default_factory=list)

    @property
    def ratio(self) -> float | None:
        if self.reference and self.central:
            return self.central / self.reference
        return None


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) else value


def _peak(hardware: Any) -> float | None:
    accelerator = lookup_accelerator(str(_first(hardware))) if hardware else None
    if accelerator is None:
        return None
    return accelerator.peak("bf16") or accelerator.peak("fp16")


def _geomean(values: list[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values))


def label_reference(facts: dict[str, Any]) -> tuple[float | None, str, str]:
    """(reference FLOP, how it was computed, stage) from one card's hand labels."""
    value = {kind: _first(item.get("value")) for kind, item in facts.items() if isinstance(item, dict)}
    if isinstance(value.get("training_flop"), (int, float)):
        return float(value["training_flop"]), "labelled FLOP", "main"
    params = value.get("active_parameters") or value.get("parameters")
    peak = _peak(value.get("hardware_type"))
    hours = value.get("device_hours")
    count, days = value.get("hardware_count"), value.get("training_duration_days")
    if hours is None and value.get("fine_tune_device_hours") is None and count and days:
        hours = float(value["hardware_count"]) * float(value["training_duration_days"]) * 24
    for stage, tokens_kind, hours_value in (
        ("main", "training_tokens", hours),
        ("fine-tune", "fine_tune_tokens", value.get("fine_tune_device_hours")),
    ):
        found: dict[str, float] = {}
        if params and value.get(tokens_kind):
            found["6ND"] = 6 * float(params) * float(value[tokens_kind])
        if hours_value and peak:
            found["hardware"] = float(hours_value) * 3600 * peak * UTILISATION
        if found:
            return _geomean(list(found.values())), " & ".join(found), stage
    return None, "", ""


def epoch_figure(model_id: str) -> float | None:
    match = find_reference(model_id)
    if match is None or not match.exact or not match.model.flop_basis.startswith("epoch"):
        return None
    return match.model.training_flop


def _lineage_allows(facts: dict[str, Any]) -> bool:
    base = facts.get("base_model")
    if not isinstance(base, dict):
        return False
    match = find_reference(str(_first(base.get("value"))))
    return match is not None and match.model.training_flop is not None


def load_set(name: str, tmp: Path) -> list[tuple[dict[str, Any], Path]]:
    labels, cards, key = SETS[name]
    entries = yaml.safe_load((CORPUS / labels).read_text(encoding="utf-8"))
    if cards is None:
        folder = tmp / "bulk"
        wanted = {entry[key] for entry in entries}
        with tarfile.open(CORPUS / "bulk" / "cs577_hf_model_cards_2023-04.tar.gz") as archive:
            archive.extractall(folder, members=[m for m in archive if m.name in wanted], filter="data")
    else:
        folder = CORPUS / cards
    return [(entry, folder / entry[key]) for entry in entries if (folder / entry[key]).is_file()]


def stage(entry: dict[str, Any], source: Path, root: Path) -> Path:
    """<root>/<org>/<model>/README.md, as in a checkout of the model's repository (corpus-eval's layout)."""
    names = str(entry.get("model_id", "")).split("/")
    parts = [re.sub(r"[^A-Za-z0-9._-]+", "-", p).strip("-.") for p in names]
    parts = [p for p in parts if p][-2:] or [source.stem]
    folder = root.joinpath(*parts)
    while folder.exists():
        folder = folder.with_name(folder.name + "_")
    folder.mkdir(parents=True)
    shutil.copyfile(source, folder / "README.md")
    return folder / "README.md"


def run_cli(paths: list[Path]) -> dict[str, dict[str, Any]]:
    """{resolved path: result} from `cardlint estimate --format json`, 40 cards per call."""
    out: dict[str, dict[str, Any]] = {}
    for start in range(0, len(paths), 40):
        chunk = [str(p) for p in paths[start : start + 40]]
        command = [sys.executable, "-m", "cardlint", "estimate", "--format", "json", "--isolated", *chunk]
        proc = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
        try:
            document = json.loads(proc.stdout)
        except json.JSONDecodeError:
            sys.exit(f"estimate_corpus: no JSON from cardlint (exit {proc.returncode}): {proc.stderr[:300]}")
        for result in document.get("results", []):
            out[str(Path(result.get("path") or result.get("target", "")).resolve())] = result
    return out


def _pair(interval: dict[str, float] | None) -> tuple[float, float] | None:
    return (interval["low"], interval["high"]) if interval else None


def score(entry: dict[str, Any], result: dict[str, Any], set_name: str) -> Row:
    facts = entry.get("facts") or {}
    row = Row(name=f"{set_name}:{entry.get('file') or entry.get('tar_path')}")
    row.reference, row.basis, row.stage = label_reference(facts)
    row.epoch = epoch_figure(str(entry.get("model_id", "")))
    row.lineage_only = row.reference is None and _lineage_allows(facts)
    estimate = result.get("estimate") or {}
    lineage = estimate.get("lineage") or {}
    # the card's own compute: its run, or (a fine-tune) its own stage, whichever the labels describe
    chosen = estimate.get("training_flop") or lineage.get("own")
    if row.stage == "fine-tune" and lineage.get("own"):
        chosen = lineage["own"]
    if chosen:
        row.central, row.interval = chosen["central"], _pair(chosen)
    row.cumulative = _pair(lineage.get("cumulative"))
    row.why_none = list(estimate.get("notes") or [])
    return row


def _share(hit: int, total: int) -> str:
    return f"{hit}/{total} ({hit / total:.0%})" if total else "0/0"


def summary(rows: list[Row]) -> dict[str, Any]:
    allowed = [r for r in rows if r.reference is not None]
    estimated = [r for r in allowed if r.central is not None]
    within = [r for r in estimated if r.ratio is not None and 0.5 <= r.ratio <= 2.0]
    epoch = [r for r in rows if r.epoch is not None and (r.reference is not None or r.lineage_only)]

    def contains(row: Row) -> bool:
        interval = row.cumulative or row.interval
        return interval is not None and row.epoch is not None and interval[0] <= row.epoch <= interval[1]

    return {
        "allowed": len(allowed),
        "estimated": len(estimated),
        "within_2x": len(within),
        "epoch_cards": len(epoch),
        "epoch_contained": sum(contains(r) for r in epoch),
        "misses": [
            {"card": r.name, "reference": r.reference, "basis": r.basis, "ratio": r.ratio}
            for r in allowed
            if r not in within
        ],
        "epoch_misses": [
            {"card": r.name, "epoch": r.epoch, "interval": r.cumulative or r.interval}
            for r in epoch
            if not contains(r)
        ],
    }


def measure(names: list[str]) -> dict[str, Any]:
    """The summary over the named sets, with every card's row under "rows"."""
    tmp = Path(tempfile.mkdtemp(prefix="estimate-corpus-"))
    try:
        staged = [
            (name, entry, stage(entry, src, tmp / "staged"))
            for name in names
            for entry, src in load_set(name, tmp)
        ]
        results = run_cli([path for _n, _e, path in staged])
        rows = [score(entry, results.get(str(path.resolve()), {}), name) for name, entry, path in staged]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return {**summary(rows), "rows": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", choices=[*SETS, "all"], default="all")
    parser.add_argument("--show", action="store_true", help="one line per card that allows an estimate")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    require_corpus()
    report = measure(list(SETS) if args.set == "all" else [args.set])
    rows = report.pop("rows")
    if args.json:
        print(json.dumps(report, indent=1))
        return
    if args.show:
        for r in rows:
            if r.reference is None and not (r.lineage_only and r.epoch):
                continue
            ratio = f"{r.ratio:.2f}x" if r.ratio else "-"
            got = f"{r.central:.3g}" if r.central else "none"
            epoch = f" epoch {r.epoch:.3g}" if r.epoch else ""
            reference = f"{r.reference:.3g}" if r.reference else "-"
            print(f"{r.name}: ref {reference} ({r.basis}, {r.stage}) got {got} {ratio}{epoch}")
    allowed, epoch = report["allowed"], report["epoch_cards"]
    print(f"estimate for cards whose labels allow one: {_share(report['estimated'], allowed)}")
    print(f"central within 2x of the label reference:  {_share(report['within_2x'], allowed)}")
    print(f"interval contains Epoch's figure:          {_share(report['epoch_contained'], epoch)}")
    for miss in report["misses"]:
        ratio = f"{miss['ratio']:.2f}x" if miss["ratio"] else "no estimate"
        print(f"  miss {miss['card']}: reference {miss['reference']:.3g} ({miss['basis']}), {ratio}")
    for miss in report["epoch_misses"]:
        print(f"  epoch miss {miss['card']}: Epoch {miss['epoch']:.3g}, interval {miss['interval']}")


if __name__ == "__main__":
    main()
