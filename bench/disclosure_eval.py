"""Score the disclosure finders against the hand labels of ../shared/corpus/disclosure.yaml.

Usage: python bench/disclosure_eval.py [--labels FILE] [--show-misses] [--json] [--bulk N [--seed S]]

For every labelled card and item (an item is a finder of rules/disclosure-fields.yaml), the finder says
whether the card discloses it, states only part of it, or leaves it out, exactly as CL201/CL202 decide
between "not disclosed" and "incomplete". "Missing" is the positive class:
- a true positive is an item the finder calls missing and the label says 'no';
- a false positive is one the finder calls missing although the label says 'yes' or 'partial' (a card that
  states part of an item does state it; a reviewer would not trust "not disclosed" there);
- a false negative is one the finder calls disclosed or partial although the label says 'no' (a 'partial'
  prediction is not-missing: CL201/CL202 then say "incomplete", not "not disclosed").
'n/a' items are not scored. Precision and recall are printed per item class and over all items, with how the
finder's 'partial' predictions compare with the 'partial' labels (predicted partial, of those labelled
partial, items labelled partial).

--bulk N reads a seeded sample of N bulk READMEs (no labels) and prints every 'partial' state with its line,
for reading by hand whether the finders' partial forms are right on cards nobody labelled.

Each card is laid out as bench/out/disclosure/<org>/<model>/README.md, as in a checkout of its repository, so
the subject comes from the folder as it does for a user. Skips cleanly without ../shared.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import CORPUS, OUT, bulk_cards, require_corpus  # noqa: E402

from cardlint.card.document import decode, parse_card  # noqa: E402
from cardlint.core.limits import Limits  # noqa: E402
from cardlint.pipeline.analysis import _facts  # noqa: E402
from cardlint.policy.fields import FieldState, locate  # noqa: E402
from cardlint.policy.loading import builtin_finders  # noqa: E402
from cardlint.sources.local import read_card_file  # noqa: E402

PRECISION_GOAL, RECALL_GOAL = 0.95, 0.90


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    fp_partial: int = 0  # false positives whose label is 'partial'
    predicted_partial: int = 0  # items the finder calls partial
    partial_agree: int = 0  # ... whose label is 'partial' too
    labelled_partial: int = 0  # items labelled 'partial'
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def lenient_precision(self) -> float | None:
        """Precision with 'partial' items not scored (neither disclosed nor missing)."""
        scored = self.tp + self.fp - self.fp_partial
        return self.tp / scored if scored else None

    @property
    def partial_column(self) -> str:
        """Predicted partial / of those labelled partial / labelled partial."""
        return f"{self.predicted_partial}/{self.partial_agree}/{self.labelled_partial}"

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    def add(self, state: FieldState, label: str, where: str) -> None:
        predicted_missing, evidence = state.state in ("missing", "placeholder"), state.evidence
        self.labelled_partial += label == "partial"
        if state.state == "partial":
            self.predicted_partial += 1
            self.partial_agree += label == "partial"
        missing = label == "no"
        if predicted_missing and missing:
            self.tp += 1
        elif predicted_missing:
            self.fp += 1
            self.fp_partial += label == "partial"
            self.misses.append(f"FP {where}: label {label!r}, finder says missing")
        elif missing:
            self.fn += 1
            self.misses.append(f"FN {where}: label 'no', finder says {state.state} ({evidence})")
        else:
            self.tn += 1


def _layout(card_file: Path) -> Path:
    """<org>__<model>[__<variant>].md -> bench/out/disclosure/<org>/<model...>/README.md (a copy)."""
    parts = card_file.stem.split("__")
    folder = OUT / "disclosure" / parts[0] / "__".join(parts[1:] or ["card"])
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "README.md"
    raw = card_file.read_bytes()
    if not target.exists() or target.read_bytes() != raw:
        target.write_bytes(raw)
    return target


def _states(path: Path) -> dict[str, FieldState]:
    """Whether each finder calls its item disclosed, partial or missing in this card."""
    return _card_states(path)[0]


def _card_states(path: Path) -> tuple[dict[str, FieldState], list[str]]:
    """The finders' states and the card's lines."""
    limits = Limits()
    loaded = read_card_file(path, limits)
    text, _problem = decode(loaded.raw, limits)
    card = parse_card(text, loaded.path, limits=limits)
    _subject, facts = _facts(card, loaded)
    states = {name: locate(finder, card, facts) for name, finder in builtin_finders().items()}
    return states, list(card.lines)


def bulk_partials(count: int, seed: int) -> int:
    """Print every 'partial' state of a seeded sample of bulk READMEs, with the line it rests on."""
    cards = bulk_cards()
    sample = random.Random(seed).sample(cards, min(count, len(cards)))
    found: Counter[str] = Counter()
    for path in sample:
        states, lines = _card_states(path)
        for item, state in states.items():
            if state.partial is None:
                continue
            found[item] += 1
            line = state.partial_line or 0
            quote = lines[line - 1].strip()[:160] if 0 < line <= len(lines) else ""
            print(f"{path.parent.name}: {item}: {state.partial.says} (line {line}): {quote}")
    print(
        f"{len(sample)} bulk cards (seed {seed}); partial states: "
        + ", ".join(f"{item} {n}" for item, n in sorted(found.items()))
        or "none"
    )
    return 0


def _fmt(value: float | None) -> str:
    return "  -  " if value is None else f"{value:.3f}"


def evaluate(labels_file: Path) -> dict[str, Score]:
    entries = yaml.safe_load(labels_file.read_text(encoding="utf-8")) or []
    scores: dict[str, Score] = defaultdict(Score)
    for entry in entries:
        card_file = labels_file.parent / entry["file"]
        states = _states(_layout(card_file))
        for item, label in (entry.get("items") or {}).items():
            label = str(label)
            if label == "n/a":
                continue
            if item not in states:
                print(f"{labels_file}: unknown item {item!r} for {entry['file']}", file=sys.stderr)
                raise SystemExit(2)
            state = states[item]
            where = f"{card_file.name}: {item}"
            scores[item].add(state, label, where)
    return dict(sorted(scores.items()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=Path, default=CORPUS / "disclosure.yaml")
    parser.add_argument("--show-misses", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--bulk", type=int, metavar="N", help="print the partial states of N bulk READMEs")
    parser.add_argument("--seed", type=int, default=20)
    args = parser.parse_args(argv)
    if args.bulk:
        return bulk_partials(args.bulk, args.seed)
    if args.labels == CORPUS / "disclosure.yaml":
        require_corpus()
    scores = evaluate(args.labels)
    total = Score()
    for score in scores.values():
        total.tp += score.tp
        total.fp += score.fp
        total.fn += score.fn
        total.tn += score.tn
        total.fp_partial += score.fp_partial
        total.predicted_partial += score.predicted_partial
        total.partial_agree += score.partial_agree
        total.labelled_partial += score.labelled_partial
    failing = [
        item
        for item, s in scores.items()
        if (s.precision is not None and s.precision < PRECISION_GOAL)
        or (s.recall is not None and s.recall < RECALL_GOAL)
    ]
    if args.json:
        rows: dict[str, Any] = {
            item: {
                "tp": s.tp,
                "fp": s.fp,
                "fn": s.fn,
                "tn": s.tn,
                "precision": s.precision,
                "precision_partial_unscored": s.lenient_precision,
                "recall": s.recall,
                "predicted_partial": s.predicted_partial,
                "predicted_partial_labelled_partial": s.partial_agree,
                "labelled_partial": s.labelled_partial,
            }
            for item, s in {**scores, "ALL": total}.items()
        }
        print(json.dumps({"items": rows, "below_goal": failing}, indent=2))
        return 0
    print(
        f"{'item':20} {'tp':>3} {'fp':>3} {'fn':>3} {'tn':>3}  precision  recall"
        "  (precision, partial unscored)  partial pred/agree/lab"
    )
    for item, s in [*scores.items(), ("ALL", total)]:
        flag = "  <" if item in failing else ""
        print(
            f"{item:20} {s.tp:3} {s.fp:3} {s.fn:3} {s.tn:3}  {_fmt(s.precision):>9}  {_fmt(s.recall):>6}"
            f"  ({_fmt(s.lenient_precision)})  {s.partial_column:>23}"
            f"{flag}"
        )
    print(
        f"goal: precision >= {PRECISION_GOAL}, recall >= {RECALL_GOAL} per item; below goal: {len(failing)}"
    )
    if args.show_misses:
        for s in scores.values():
            for line in s.misses:
                print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
