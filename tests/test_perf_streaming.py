"""`check` writes the text and JSON Lines formats card by card; the output must be what one render of all
reports gives, serial or in worker processes, to stdout or to a file."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cardlint.app import parallel
from cardlint.app.session import CommandLine, analyse_all
from cardlint.cli import cli
from cardlint.config.catalogue import load_catalogue
from cardlint.report.jsonlines import render as render_json_lines
from cardlint.report.text import render_findings

CARD = """---
license: {licence}
---
# Model {index}

Trained on {tokens} tokens using {gpus} A100 GPUs for {days} days.
"""


@pytest.fixture()
def cards(tmp_path: Path) -> Path:
    for index in range(9):
        folder = tmp_path / f"model-{index}"
        folder.mkdir()
        text = CARD.format(
            licence="mit" if index % 3 else "no-such-licence", index=index, tokens=f"{index + 1}T",
            gpus=64 * (index + 1), days=index + 3,
        )  # fmt: skip
        (folder / "README.md").write_text(text, encoding="utf-8")
    (tmp_path / "model-4" / "README.md").write_bytes(b"\x00\x01binary")
    return tmp_path


def _expected(folder: Path, fmt: str) -> str:
    reports, _errors, _settings = analyse_all(
        CommandLine(targets=(str(folder),), recursive=True, isolated=True), None
    )
    if fmt == "json-lines":
        return render_json_lines(reports, load_catalogue())
    return render_findings(reports, full=fmt == "full", quiet=False, color=False)


@pytest.mark.parametrize("fmt", ["concise", "full", "json-lines"])
def test_streamed_output_equals_one_render_of_all_reports(cards: Path, fmt: str) -> None:
    result = CliRunner().invoke(cli, ["check", "--isolated", "-r", "--format", fmt, str(cards)])
    assert result.exit_code == 1
    assert result.stdout == _expected(cards, fmt)


def test_jobs_and_output_file_give_the_same_text(
    cards: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "CHUNK_SIZE", 2)  # several chunks, so several workers
    out = tmp_path / "out.txt"
    serial = CliRunner().invoke(cli, ["check", "--isolated", "-r", str(cards)])
    workers = CliRunner().invoke(cli, ["check", "--isolated", "-r", "--jobs", "2", str(cards)])
    to_file = CliRunner().invoke(
        cli, ["check", "--isolated", "-r", "--jobs", "2", "-o", str(out), str(cards)]
    )
    assert serial.exit_code == workers.exit_code == to_file.exit_code == 1
    assert serial.stdout == workers.stdout == out.read_text(encoding="utf-8") == _expected(cards, "concise")


def test_exit_codes_follow_the_streamed_findings(cards: Path) -> None:
    quiet_info = CliRunner().invoke(
        cli, ["check", "--isolated", "-r", "--fail-on", "error", "-q", str(cards)]
    )
    zero = CliRunner().invoke(cli, ["check", "--isolated", "-r", "--exit-zero", str(cards)])
    missing = CliRunner().invoke(cli, ["check", "--isolated", str(cards / "nowhere"), str(cards / "model-1")])
    assert quiet_info.exit_code in (0, 1) and "Found" not in quiet_info.stdout
    assert zero.exit_code == 0
    assert missing.exit_code == 2 and "nowhere" in missing.stderr
