"""`cardlint fix` and `cardlint init` from the command line: exit codes, --diff, never overwriting."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from fix_support import CARDS, analysis

from cardlint.card.document import parse_card
from cardlint.cli import cli
from cardlint.fix import apply as apply_module

FIGURES = analysis(
    ("parameters", 7.2e9, "7.2 billion parameters"), ("training_tokens", 2.0e12, "2.0 trillion")
)


@pytest.fixture(autouse=True)
def figures(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(apply_module, "default_analysis", FIGURES)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def card_in(tmp_path: Path, name: str, folder: str = "model") -> Path:
    target = tmp_path / folder / "README.md"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes((CARDS / name).read_bytes())
    return target


def test_fix_exits_1_when_it_modified_then_0(tmp_path: Path) -> None:
    card = card_in(tmp_path, "crlf.md")
    code, stdout, stderr = run("fix", str(card))
    assert code == 1 and stdout == ""
    assert "[compute-disclosure]" in stderr
    assert "training_compute" in parse_card(card.read_bytes().decode()).metadata
    assert run("fix", str(card))[0] == 0


def test_fix_takes_a_folder(tmp_path: Path) -> None:
    card = card_in(tmp_path, "misspelt.md")
    assert run("fix", str(card.parent))[0] == 1
    assert b"license: mit" in card.read_bytes()


def test_diff_prints_and_writes_nothing(tmp_path: Path) -> None:
    card = card_in(tmp_path, "misspelt.md")
    before = card.read_bytes()
    code, stdout, _ = run("fix", "--diff", str(card))
    assert code == 1 and card.read_bytes() == before
    assert "\n-licence: mit\n" in stdout and "\n+license: mit\n" in stdout


def test_unsafe_fixes_are_held_back_and_counted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    card = card_in(tmp_path, "no_front_matter.md")
    monkeypatch.setattr(apply_module, "default_analysis", analysis(("hardware_count", 64, "64 V100")))
    code, _, stderr = run("fix", str(card))
    assert code == 0 and "1 unsafe fix available with --unsafe-fixes" in stderr
    assert run("fix", "--unsafe-fixes", str(card))[0] == 1
    assert parse_card(card.read_text()).metadata["training_compute"]["hardware_count"] == 64


def test_require_front_matter_skips_plain_readmes(tmp_path: Path) -> None:
    card = card_in(tmp_path, "no_front_matter.md")
    before = card.read_bytes()
    assert run("fix", "--require-front-matter", "--unsafe-fixes", str(card))[0] == 0
    assert card.read_bytes() == before


def test_missing_target_and_stdin_are_errors(tmp_path: Path) -> None:
    assert run("fix", str(tmp_path / "absent.md"))[0] == 2
    assert run("fix", "-")[0] == 2


def test_init_writes_a_card_that_fix_can_fill(tmp_path: Path) -> None:
    target = tmp_path / "tiny-model"
    target.mkdir()
    code, _, _ = run("init", str(target))
    card = target / "README.md"
    assert code == 0 and card.exists()
    parsed = parse_card(card.read_text())
    assert parsed.front_matter is not None and parsed.front_matter.error is None
    assert parsed.metadata == {"training_compute": {}}
    titles = [section.title for section in parsed.sections]
    assert titles[0] == "tiny-model"
    for heading in (
        "Training Details",
        "Speeds, Sizes, Times",
        "Environmental Impact",
        "Compute Infrastructure",
    ):
        assert heading in titles
    with card.open("a") as handle:
        handle.write("\nIt has 7.2 billion parameters and saw 2.0 trillion tokens.\n")
    assert run("fix", str(card))[0] == 1
    block = parse_card(card.read_text()).metadata["training_compute"]
    assert block["parameters"] == 7200000000 and "training_flop" not in block  # scope is the author's call
    assert run("fix", "--unsafe-fixes", str(card))[0] == 1
    block = parse_card(card.read_text()).metadata["training_compute"]
    assert block["training_flop"] == 8.6e22


def test_init_never_overwrites(tmp_path: Path) -> None:
    card = tmp_path / "README.md"
    card.write_text("mine\n")
    code, _, stderr = run("init", str(card))
    assert code == 2 and "already exists" in stderr
    assert card.read_text() == "mine\n"


def test_init_interactive_writes_the_answers(tmp_path: Path) -> None:
    card = tmp_path / "README.md"
    answers = "\n".join(
        ["Nordic LM", "apache-2.0", "no", "", "text-generation", "", "1300000000", "", "A100", "", ""]
    )
    result = CliRunner().invoke(cli, ["init", "--interactive", str(card)], input=answers + "\nunknown\n")
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(card.read_text().split("---\n")[1])
    assert data["language"] == "no"  # quoted, so YAML 1.1 keeps the language code
    assert data["license"] == "apache-2.0" and data["pipeline_tag"] == "text-generation"
    assert data["training_compute"] == {"parameters": 1300000000, "hardware_type": "A100"}
    assert "library_name" not in data
    assert parse_card(card.read_text()).sections[0].title == "Nordic LM"
