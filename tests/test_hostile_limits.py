"""Limits: documented (docs/limits.md generated from the dataclass), configurable, and actually used."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest

from cardlint.config.limits_doc import render_limits_markdown
from cardlint.config.settings import ConfigError, Settings, apply_config
from cardlint.core.limits import DEFAULT_LIMITS, LIMIT_DOCS, Limits

ROOT = Path(__file__).resolve().parent.parent
RESERVED: set[str] = set()  # limits declared but documented as not enforced yet


def test_docs_page_is_current() -> None:
    page = (ROOT / "docs" / "limits.md").read_text(encoding="utf-8")
    assert page == render_limits_markdown(), (
        "regenerate: python -m cardlint.config.limits_doc > docs/limits.md"
    )


def test_every_limit_has_a_doc_and_a_row() -> None:
    page = render_limits_markdown()
    for item in fields(Limits):
        assert LIMIT_DOCS[item.name].strip()
        assert f"| `{item.name}` | {getattr(DEFAULT_LIMITS, item.name):,}" in page


def test_every_limit_is_used_by_the_code() -> None:
    sources = "\n".join(
        path.read_text(encoding="utf-8")
        for path in (ROOT / "cardlint").rglob("*.py")
        if path.name not in ("limits.py", "limits_doc.py")
    )
    unused = [item.name for item in fields(Limits) if item.name not in sources and item.name not in RESERVED]
    assert not unused
    reserved_but_used = [name for name in RESERVED if f".{name}" in sources]
    assert not reserved_but_used, "now enforced: drop it from RESERVED and from its doc's 'not enforced yet'"


@pytest.mark.parametrize("name", [item.name for item in fields(Limits)])
def test_every_limit_is_configurable(name: str) -> None:
    settings = apply_config(Settings(), {"limits": {name: 12345}}, "cardlint.toml")
    assert getattr(settings.limits, name) == 12345
    others = [item.name for item in fields(Limits) if item.name != name]
    assert all(getattr(settings.limits, other) == getattr(DEFAULT_LIMITS, other) for other in others)


@pytest.mark.parametrize("value", [0, -1, 1.5, "10", True, None, [1], 2**31, 2**63 - 1, 10**4000])
def test_a_limit_must_be_a_positive_whole_number(value: object) -> None:
    with pytest.raises(ConfigError, match="max_yaml_depth"):
        apply_config(Settings(), {"limits": {"max_yaml_depth": value}}, "cardlint.toml")


def test_default_card_limit_passes_every_real_card() -> None:
    cards = ROOT.parent / "shared" / "corpus" / "cards"
    if not cards.is_dir():
        pytest.skip("no corpus")
    largest = max(path.stat().st_size for path in cards.glob("*.md"))
    assert largest * 10 < DEFAULT_LIMITS.max_card_bytes


def test_table_cells_are_cut_at_the_line_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """A 600 kB table cell (a pasted log, seen in the bulk corpus) took over a second; cells are now cut
    like lines. Counted, not timed: no text longer than the limit reaches the quantity parser."""
    import cardlint.extract.table_cells as table_cells
    import cardlint.extract.table_rows as table_rows
    from cardlint.card.document import parse_card
    from cardlint.extract import extract_facts

    seen: list[int] = []
    real = table_cells.find_quantities

    def measuring(text: str):  # type: ignore[no-untyped-def]
        seen.append(len(text))
        return real(text)

    for module in (table_cells, table_rows):  # every table reader that asks the quantity parser
        monkeypatch.setattr(module, "find_quantities", measuring)
    cell = "1.5B tokens, " * 40_000
    text = f"# M\n\n| Model | Notes |\n|---|---|\n| ours | {cell} |\n"
    limits = Limits(max_line_chars=5_000)
    extract_facts(parse_card(text, "big.md", limits=limits), path="big.md", subject=None)
    assert seen and max(seen) <= limits.max_line_chars
