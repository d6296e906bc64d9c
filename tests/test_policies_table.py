"""The README's policy table is generated from rules/policies/*.yaml; this keeps the two in step."""

from __future__ import annotations

from pathlib import Path

import pytest

from cardlint.policy.loading import all_policies
from cardlint.policy.table import END, START, render_table, replace_block, status_text, threshold_text

README = Path(__file__).parents[1] / "README.md"


def test_readme_policy_table_is_in_step_with_the_policy_files() -> None:
    text = README.read_text(encoding="utf-8")
    assert START in text and END in text, "README.md lacks the policy table markers"
    assert replace_block(text) == text, "run: python -m cardlint.policy.table README.md"


def test_table_has_one_row_per_policy_with_status_and_thresholds() -> None:
    table = render_table()
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    assert len(rows) == len(all_policies()) == 9
    eu = next(row for row in rows if row.startswith("| `eu-ai-act`"))
    assert "> 1e25 FLOP cumulative" in eu and "> 1e23 FLOP" in eu and "in force since 2025-08-02" in eu
    korea = next(row for row in rows if row.startswith("| `kr-ai-basic-act`"))
    assert ">= 1e26 FLOP" in korea
    assert "revoked 2025-01-20" in next(row for row in rows if "us-eo-14110" in row)
    assert "vetoed 2024-09-29" in next(row for row in rows if "us-ca-sb1047" in row)


def test_status_and_threshold_texts() -> None:
    by_id = {p.id: p for p in all_policies()}
    assert status_text(by_id["us-ny-raise"]) == "not yet in force (from 2027-01-01)"
    sb1047 = by_id["us-ca-sb1047"].threshold("covered-derivative")
    assert sb1047 is not None and threshold_text(sb1047).startswith(">= 3.0e25 FLOP")
    revenue = by_id["us-ca-sb53"].threshold("large-frontier-developer")
    assert revenue is not None and threshold_text(revenue).startswith("> $500M")


def test_replace_block_needs_the_markers() -> None:
    with pytest.raises(ValueError, match="markers"):
        replace_block("# no table here\n")
    assert replace_block(f"a\n{START}\nold\n{END}\nb\n", "new\n") == f"a\n{START}\nnew\n{END}\nb\n"
