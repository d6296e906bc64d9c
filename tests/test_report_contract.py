"""Every card we wrote, through the whole pipeline, renders JSON that honours schemas/report.schema.json."""

import json
from pathlib import Path

import jsonschema
import pytest

from cardlint.api import analyse_text
from cardlint.config.catalogue import load_catalogue
from cardlint.report.json import render

ROOT = Path(__file__).resolve().parent.parent
VALIDATOR = jsonschema.Draft202012Validator(json.loads((ROOT / "schemas" / "report.schema.json").read_text()))
CARDS = [*sorted((ROOT / "tests" / "cards").rglob("*.md")), ROOT / "examples" / "acme-7b" / "README.md"]


@pytest.mark.parametrize("card", CARDS, ids=lambda path: str(path.relative_to(ROOT)))
def test_json_contract(card: Path) -> None:
    report = analyse_text(card.read_text(encoding="utf-8", errors="replace"), path=str(card))
    for command in ("check", "facts", "estimate"):
        VALIDATOR.validate(json.loads(render([report], load_catalogue(), command=command)))
