"""The conventions users of ruff and pre-commit expect, each through the real `cardlint` process."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent

# A card of our own with one YAML 1.1 boolean (CL109) and nothing else that --select CL109 reports.
NORWEGIAN_CARD = (
    "---\nlanguage:\n- no\nlicense: mit\npipeline_tag: text-generation\n---\n\n# tiny\n\nA test card.\n"
)


def cardlint(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "NO_COLOR", "FORCE_COLOR")}
    result = subprocess.run(
        [sys.executable, "-m", "cardlint", *args],
        cwd=cwd or ROOT,
        capture_output=True,
        text=True,
        env={**base, **(env or {})},
        timeout=120,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


def _project(tmp_path: Path, config: str) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "cardlint.toml").write_text(config, encoding="utf-8")
    for relative in ("m/card.md", "m/sub/card.md"):
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(NORWEGIAN_CARD, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("run_from", [".", "m", "m/sub"])
def test_per_file_ignores_are_relative_to_the_project_root(tmp_path: Path, run_from: str) -> None:
    project = _project(tmp_path, '[per-file-ignores]\n"m/*.md" = ["CL109"]\n')
    cwd = project / run_from
    targets = [os.path.relpath(project / name, cwd) for name in ("m/card.md", "m/sub/card.md")]
    result = cardlint("check", "--select", "CL109", *targets, cwd=cwd)
    reported = {line.split(":", 1)[0] for line in result.stdout.splitlines() if ": CL109 " in line}
    # `*` stays within one folder: m/sub/card.md is not covered, m/card.md is, from every folder.
    assert reported == {targets[1]}, result.stdout


def test_per_file_ignores_double_star_and_bare_names(tmp_path: Path) -> None:
    project = _project(tmp_path, '[per-file-ignores]\n"m/**/card.md" = ["CL109"]\n')
    result = cardlint("check", "--select", "CL109", "m/card.md", "m/sub/card.md", cwd=project)
    assert result.returncode == 0, result.stdout
    (project / "cardlint.toml").write_text('[per-file-ignores]\n"card.md" = ["CL109"]\n', encoding="utf-8")
    result = cardlint("check", "--select", "CL109", "card.md", "sub/card.md", cwd=project / "m")
    assert result.returncode == 0, result.stdout


def test_a_hub_card_matches_only_bare_name_patterns(tmp_path: Path) -> None:
    from cardlint.config.path_globs import matches

    hub_card = "hf://acme/tiny@0123abcd/README.md"
    assert matches("README.md", hub_card, tmp_path) and matches("*.md", hub_card, tmp_path)
    assert not matches("acme/*", hub_card, tmp_path) and not matches("hf:/acme/**", hub_card, tmp_path)


AS_OF_NOTE = "policies judged as in force on"


def test_an_unpinned_date_is_printed_when_the_result_depends_on_it(tmp_path: Path) -> None:
    project = _project(tmp_path, "")
    result = cardlint("check", "m/card.md", cwd=project)
    assert f"{AS_OF_NOTE} " in result.stderr and "(today)" in result.stderr
    assert AS_OF_NOTE not in result.stdout  # machine output stays clean
    (project / "acme.md").write_bytes((ROOT / "examples" / "acme-7b" / "README.md").read_bytes())
    assert AS_OF_NOTE in cardlint("estimate", "acme.md", cwd=project).stderr
    # nothing in it depends on a policy: no note
    assert AS_OF_NOTE not in cardlint("check", "--select", "CL109", "m/card.md", cwd=project).stderr
    assert AS_OF_NOTE not in cardlint("facts", "m/card.md", cwd=project).stderr


def test_the_config_pins_the_date(tmp_path: Path) -> None:
    project = _project(tmp_path, "as-of = 2024-06-01\n")
    pinned = cardlint("check", "--format", "json", "m/card.md", cwd=project)
    assert AS_OF_NOTE not in pinned.stderr
    assert AS_OF_NOTE not in cardlint("check", "--as-of", "2025-01-01", "m/card.md", cwd=project).stderr
    # the pinned date decides which policies apply: EO 14110 was in force on 2024-06-01
    assert "EO 14110" in cardlint("policies", "--as-of", "2024-06-01").stdout
    (project / "acme.md").write_bytes((ROOT / "examples" / "acme-7b" / "README.md").read_bytes())
    estimate = cardlint("estimate", "acme.md", cwd=project)
    assert "us-eo-14110" in estimate.stdout and AS_OF_NOTE not in estimate.stderr


# ---------------------------------------------------------------- the fix writer


def _card(tmp_path: Path, name: str, body: str) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    card = folder / "README.md"
    card.write_text(f"---\nlicense: mit\n---\n\n# {name}\n\n{body}\n", encoding="utf-8")
    return card


def _block(card: Path) -> dict:  # type: ignore[type-arg]
    import yaml

    front = card.read_text(encoding="utf-8").split("---\n")[1]
    return dict(yaml.safe_load(front)["training_compute"])


def test_fix_writes_no_float_noise(tmp_path: Path) -> None:
    card = _card(tmp_path, "Kestrel-1B", "We trained it with 64 H100 GPUs for 9.3 days.")
    result = cardlint("fix", str(card))
    assert result.returncode == 1, result.stderr
    text = card.read_text(encoding="utf-8")
    assert "  device_hours: 14284.8\n" in text, text  # 64 x 9.3 x 24, not 14284.800000000001
    assert not re.search(r"\.\d*(0{6}|9{6})\d", text), text  # no binary representation noise anywhere


def test_fix_keeps_approximate_figures_approximate(tmp_path: Path) -> None:
    card = _card(tmp_path, "Heron-3B", "Heron-3B was trained on ~5,500 GT over roughly two months.")
    assert cardlint("fix", str(card)).returncode == 1
    block = _block(card)
    assert {"training_tokens", "training_duration_days"} <= set(block["approximate"]), block
    assert cardlint("check", "--select", "CL121", str(card)).returncode == 0  # valid against our schema
    import json

    facts = json.loads(cardlint("facts", "--format", "json", str(card)).stdout)["results"][0]["facts"]
    from_block = {fact["kind"]: fact["approximate"] for fact in facts if fact["origin"] == "yaml"}
    assert from_block["training_tokens"] is True and from_block["training_duration_days"] is True


def test_fix_says_why_it_fixed_nothing(tmp_path: Path) -> None:
    card = _card(tmp_path, "Kite-lm", "Kite-lm was trained on 300B tokens.\n\n## Training\n\nOn 400B tokens.")
    result = cardlint("fix", str(card))
    assert result.returncode == 0
    assert "0 fixes applied to 0 of 1 card." in result.stderr and "left out (-v says why)" in result.stderr
    assert "fix(es)" not in result.stderr and "card(s)" not in result.stderr
    nothing = _card(tmp_path, "Plain-lm", "A model.")
    assert "Nothing to fix" in cardlint("fix", str(nothing)).stderr


def test_unsafe_fix_keeps_the_combined_method_valid(tmp_path: Path) -> None:
    # 6·N·D and the hardware method agree here, so the estimate is the two combined
    card = _card(
        tmp_path,
        "Osprey-1B",
        "Osprey-1B has 1.2B parameters and was trained on 300B tokens with 64 H100 GPUs for 1.3 days.",
    )
    assert cardlint("fix", "--unsafe-fixes", str(card)).returncode == 1
    assert _block(card)["method"] == "combined"
    assert cardlint("check", "--select", "CL121", str(card)).returncode == 0


# ---------------------------------------------------------------- scan


def test_scan_prints_failure_reasons_and_that_it_resumed(hub: Any, tmp_path: Path) -> None:
    from hubserver import card

    hub.add_repo("acme/model-a", {"README.md": card("license: mit", "# A\n\nA 7B model.\n")})
    output = tmp_path / "scan.jsonl"
    args = ("scan", "--isolated", "-o", str(output), "acme/model-a", "acme/missing", "not a repo")
    first = cardlint(*args, cwd=tmp_path)
    assert first.returncode == 2
    assert "cardlint: acme/missing: " in first.stderr and "not found" in first.stderr
    assert "cardlint: not a repo: not a Hub model id" in first.stderr
    assert "2 could not be read, reasons above" in first.stderr
    assert AS_OF_NOTE in first.stderr  # every record holds threshold standings of today's policies
    again = cardlint(*args, "--as-of", "2026-01-01", cwd=tmp_path)
    assert AS_OF_NOTE not in again.stderr
    assert f"cardlint: resuming {output}: 1 repo already scanned there are skipped" in again.stderr
    assert "1 skipped as already scanned" in again.stderr
    assert "\r" not in again.stderr  # no progress bar when stderr is not a terminal


def test_fix_names_list_items_as_lint_does(tmp_path: Path) -> None:
    card = tmp_path / "README.md"
    card.write_text("---\nlanguage:\n- en\n- no\n---\n\n# m\n", encoding="utf-8")
    lint = cardlint("check", "--select", "CL109", str(card))
    assert "`language[1]`" in lint.stdout
    fixed = cardlint("fix", str(card))
    assert '`no` -> "no" in `language[1]`' in fixed.stderr, fixed.stderr


# ---------------------------------------------------------------- options and help


@pytest.mark.parametrize("command", ["facts", "estimate"])
def test_report_commands_document_only_what_they_have(command: str) -> None:
    text = cardlint(command, "--help").stdout
    assert "--fail-on" not in text  # they report, never fail on findings
    assert "Exit codes: 0 every target was read" in text


def test_facts_has_no_policy_options_and_check_estimate_do() -> None:
    helps = [cardlint(command, "--help").stdout for command in ("check", "estimate")]
    for option in ("--policy", "--as-of"):
        assert cardlint("facts", option, "x", "README.md").returncode == 2
        assert all(option in text for text in helps)


def test_color_option_uses_click_styles_only_when_asked(tmp_path: Path) -> None:
    card = tmp_path / "README.md"
    card.write_text(NORWEGIAN_CARD, encoding="utf-8")
    escape = "\x1b["
    assert escape in cardlint("check", "--select", "CL109", "--color", "always", str(card)).stdout
    assert escape not in cardlint("check", "--select", "CL109", str(card)).stdout  # auto: not a terminal
    assert escape not in cardlint("check", "--select", "CL109", "--color", "never", str(card)).stdout
    out = tmp_path / "out.txt"
    cardlint("check", "--select", "CL109", "-o", str(out), str(card))
    assert escape not in out.read_text(encoding="utf-8") and ": CL109 " in out.read_text(encoding="utf-8")


def test_file_outputs_share_output_file() -> None:
    for command in ("check", "scan"):
        assert "-o, --output-file" in cardlint(command, "--help").stdout


def test_facts_table_columns_line_up(tmp_path: Path) -> None:
    folder = tmp_path / "Wren-lm"
    folder.mkdir()
    (folder / "README.md").write_text(
        "---\nlicense: mit\n---\n\n# Wren-lm\n\nWe trained Wren-lm with 64 H100 GPUs for 9.3 days "
        "on 300B tokens.\n",
        encoding="utf-8",
    )
    (folder / "config.json").write_text(
        '{"model_type": "llama", "hidden_size": 512, "num_hidden_layers": 4, "intermediate_size": 1024,'
        ' "num_attention_heads": 8, "vocab_size": 1000}',
        encoding="utf-8",
    )
    rows = [line for line in cardlint("facts", str(folder)).stdout.splitlines() if line.startswith("  ")]
    assert len(rows) >= 4 and any("derived" in row for row in rows)
    # every row's `line N` column and quote start at the same offsets
    assert len({row.index(" line ") for row in rows}) == 1, rows
    assert len({row.index(" '") for row in rows}) == 1, rows
