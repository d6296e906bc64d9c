"""Estimate training compute for every labelled corpus card whose labels allow an estimate.

Two estimates per card: from the hand labels (the estimator alone) and from cardlint's own extracted facts
(the whole pipeline). Prints card, central, interval, driver, and the published figure when the reference
table knows the model. Skips cleanly without ../shared.

    .venv/bin/python bench/estimate_corpus.py
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import CORPUS, require_corpus

from cardlint.card import parse_card
from cardlint.estimate import estimate_compute
from cardlint.estimate.reference import find_reference
from cardlint.types import Estimate, Fact, Location

_LOWER = re.compile(r"\d\s*[KMBT]?\+|\b(over|more than|at least)\b", re.IGNORECASE)
_APPROX = re.compile(r"~|\b(about|approximately|around|roughly)\b", re.IGNORECASE)


def label_facts(entry: dict[str, Any]) -> list[Fact]:
    facts = []
    for kind, item in (entry.get("facts") or {}).items():
        values = item["value"] if isinstance(item["value"], list) else [item["value"]]
        quote = str(item.get("quote", ""))
        for value in values:
            facts.append(
                Fact(
                    kind=kind,
                    value=value if isinstance(value, str) else float(value),
                    unit="",
                    location=Location(entry["file"], item.get("line"), 1),
                    origin="label",
                    quote=quote,
                    derived=bool(item.get("derived")),
                    approximate=bool(_APPROX.search(quote)),
                    lower_bound=bool(_LOWER.search(quote)),
                )
            )
    return facts


def pipeline_estimate(path: Path, model_id: str) -> Estimate:
    from cardlint.extract import extract_facts

    card = parse_card(path.read_text(encoding="utf-8", errors="replace"), str(path))
    facts = extract_facts(card, path=str(path), subject=model_id)
    return estimate_compute(facts)


def _value(estimate: Estimate) -> tuple[str, str]:
    interval = estimate.training_flop
    basis = estimate.driver or "-"
    if interval is None and estimate.lineage is not None and estimate.lineage.cumulative is not None:
        interval, basis = estimate.lineage.cumulative, "lineage (base)"
    if interval is None:
        return "-", "-"
    return f"{interval.central:.3g} [{interval.low:.2g}, {interval.high:.2g}]", basis


def main() -> None:
    require_corpus()
    entries = yaml.safe_load((CORPUS / "labels.yaml").read_text(encoding="utf-8"))
    rows = []
    for entry in entries:
        if "file" not in entry:
            continue
        from_labels = estimate_compute(label_facts(entry))
        labelled, basis = _value(from_labels)
        if labelled == "-":
            continue
        match = find_reference(entry["model_id"])
        published = f"{match.model.training_flop:.3g}" if match and match.model.training_flop else "-"
        try:
            card_path = CORPUS / "cards" / entry["file"]
            piped, piped_basis = _value(pipeline_estimate(card_path, entry["model_id"]))
        except Exception as exc:  # a bench reports, it does not stop
            piped, piped_basis = f"error: {exc}", "-"
        rows.append((entry["file"], labelled, basis, piped, piped_basis, published))
    print("| card | from labels: central [low, high] | driver | from cardlint facts | driver | published |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print(f"\n{len(rows)} cards with an estimate from their labels", file=sys.stderr)


if __name__ == "__main__":
    main()
