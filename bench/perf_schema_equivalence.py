"""Is the quick metadata check ever sure when jsonschema would report a problem? Checks every corpus card.

Usage: python bench/perf_schema_equivalence.py [--limit N]

cardlint skips jsonschema when `surely_valid` (cardlint/card/quick_schema.py) says a card's metadata has no
problem that would be reported. For every bulk and labelled card this compares that answer with the real
validator's reported errors (errors at YAML 1.1 surprise paths are left to the YAML rules, as in
`validate_metadata`). Prints counts; exits 1 if the quick check was ever wrongly sure.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from corpus import bulk_cards, corpus_cards  # noqa: E402

from cardlint.card.document import CardReadError, decode, parse_card  # noqa: E402
from cardlint.card.quick_schema import surely_valid  # noqa: E402
from cardlint.card.validation import _FORMATS, json_ready, metadata_schema, metadata_validator  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int)
    args = parser.parse_args()
    counts = {"with metadata": 0, "sure": 0, "not sure, valid": 0, "not sure, problems": 0, "WRONGLY SURE": 0}
    for path in corpus_cards() + bulk_cards(args.limit):
        try:
            text, _problem = decode(path.read_bytes())
        except CardReadError:
            continue
        card = parse_card(text, str(path))
        if card.front_matter is None or not card.metadata:
            continue
        counts["with metadata"] += 1
        instance = json_ready(card.metadata)
        surprises = frozenset(surprise.path for surprise in card.front_matter.surprises)
        sure = surely_valid(instance, metadata_schema(), _FORMATS, surprises)
        reported = any(
            tuple(error.absolute_path) not in surprises
            for error in metadata_validator().iter_errors(instance)
        )
        if sure and reported:
            counts["WRONGLY SURE"] += 1
            print(f"WRONGLY SURE {path}")
        elif sure:
            counts["sure"] += 1
        else:
            counts["not sure, problems" if reported else "not sure, valid"] += 1
    print(counts)
    raise SystemExit(1 if counts["WRONGLY SURE"] else 0)


if __name__ == "__main__":
    main()
