"""Figures a checkpoint's card gives for its whole series, through the real `cardlint` process on cards we
wrote: under a heading naming the series ("Wren v2" in the card of wren-v2-3) they stay the card's facts,
noted as the series', and a fine-tune's estimate takes them as cumulative compute, not as its own."""

from __future__ import annotations

import json
from pathlib import Path

from test_cli import cardlint


def _card(tmp_path: Path, folder: str, emissions_title: str) -> Path:
    path = tmp_path / folder
    path.mkdir(parents=True)
    (path / "README.md").write_text(
        "---\nlicense: mit\npipeline_tag: text-to-image\n---\n# Wren painter\n\n"
        "This checkpoint was initialised with the weights of [wren-v2-2](https://huggingface.co/birdlab/wren-v2-2)"
        " and trained for 90,000 more steps.\n\n## Environmental Impact\n\n"
        f"{emissions_title}\n\nWe estimate the emissions below from the hardware and the hours.\n\n"
        "- **Hardware Type:** A100 PCIe 40GB\n- **Hours used:** 40000\n"
        "- **Carbon Emitted:** 3000 kg CO2 eq.\n",
        encoding="utf-8",
    )
    return path


def _json(*args: str) -> dict:  # type: ignore[type-arg]
    result = cardlint(*args, "--format", "json")
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)["results"][0]


def _hours(folder: Path) -> dict:  # type: ignore[type-arg]
    facts = _json("facts", str(folder))["facts"]
    return next(f for f in facts if f["kind"] == "device_hours")


def test_a_figure_under_the_series_heading_is_the_series_figure(tmp_path: Path) -> None:
    folder = _card(tmp_path, "birdlab/wren-v2-3", "**Wren v2** **Estimated Emissions**")
    hours = _hours(folder)
    assert hours["value"] == 40000 and hours["subject"] is None  # still the card's figure
    assert "series figure: Wren v2" in hours["note"]
    lineage = _json("estimate", str(folder))["estimate"]["lineage"]
    assert lineage["base_model"].endswith("wren-v2-2")
    assert lineage["own"] is None
    assert 1e21 < lineage["cumulative"]["central"] < 1e23  # 40,000 A100-hours
    notes = lineage["notes"]
    assert any("'Wren v2' series" in note and "not as the fine-tune's own" in note for note in notes)


def test_the_models_own_heading_or_a_siblings_is_not_the_series(tmp_path: Path) -> None:
    for title in ("**Wren v2-3** **Estimated Emissions**", "### Wren v2.5 Estimated Emissions"):
        folder = _card(tmp_path, f"birdlab{len(title)}/wren-v2-3", title)
        assert "series" not in (_hours(folder).get("note") or ""), title
        lineage = _json("estimate", str(folder))["estimate"]["lineage"]
        assert lineage["own"] is not None, title  # taken as the fine-tune's own, as before


def test_a_name_ending_in_a_size_names_no_series(tmp_path: Path) -> None:
    folder = _card(tmp_path, "birdlab/wren-2-7b", "**Wren 2** **Estimated Emissions**")
    assert "series" not in (_hours(folder).get("note") or "")
