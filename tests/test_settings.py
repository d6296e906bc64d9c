"""Config discovery and merging: pyproject/cardlint.toml walking up, unknown keys, CLI beats file."""

from pathlib import Path

import pytest

from cardlint.app.session import CommandLine, settings_for
from cardlint.config.settings import ConfigError, Settings, apply_config, find_config, load_config
from cardlint.types import Severity


def _repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "models" / "a").mkdir(parents=True)
    return tmp_path


def test_pyproject_found_walking_up_and_stops_at_repo_root(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    (root / "pyproject.toml").write_text('[tool.cardlint]\nignore = ["CL2"]\n')
    assert find_config(root / "models" / "a") == root / "pyproject.toml"
    assert find_config(root / "models" / "a" / "README.md") == root / "pyproject.toml"


def test_pyproject_without_section_is_skipped_and_cardlint_toml_wins(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    (root / "models" / "pyproject.toml").write_text("[project]\nname='x'\n")
    (root / "cardlint.toml").write_text('fail-on = "error"\n')
    assert find_config(root / "models" / "a") == root / "cardlint.toml"


def test_unknown_key_names_key_and_file(tmp_path: Path) -> None:
    config = tmp_path / "cardlint.toml"
    config.write_text("selct = ['CL1']\n")
    with pytest.raises(ConfigError) as info:
        load_config(config)
    assert "selct" in str(info.value) and str(config) in str(info.value)


def test_bad_toml_and_bad_types(tmp_path: Path) -> None:
    config = tmp_path / "cardlint.toml"
    config.write_text("select = [\n")
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_config(config)
    with pytest.raises(ConfigError, match="fail-on"):
        apply_config(Settings(), {"fail-on": "fatal"}, "x.toml")
    with pytest.raises(ConfigError, match="select"):
        apply_config(Settings(), {"select": "CL1"}, "x.toml")
    with pytest.raises(ConfigError, match="unknown limit"):
        apply_config(Settings(), {"limits": {"max_nonsense": 3}}, "x.toml")


def test_values_applied_and_cli_wins(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    (root / "cardlint.toml").write_text(
        'ignore = ["CL2"]\nfail-on = "error"\nas-of = 2024-06-01\n'
        '[severity]\nCL301 = "info"\n[per-file-ignores]\n"models/**/README.md" = ["CL3"]\n'
        "[limits]\nmax_yaml_depth = 10\n"
    )
    card = root / "models" / "a" / "README.md"
    card.write_text("x")
    settings = settings_for(CommandLine(targets=(str(card),), overrides={"fail_on": "info"}), card, {})
    assert settings.ignore == ("CL2",)
    assert settings.fail_on is Severity.INFO  # the command line beats the file
    assert str(settings.as_of) == "2024-06-01"
    assert dict(settings.severity_overrides)["CL301"] is Severity.INFO
    assert settings.limits.max_yaml_depth == 10
    # patterns are relative to the config file's folder, not to the current one
    assert settings.ignored_for(str(card)) == ("CL3",)
    assert settings.ignored_for(str(root / "other" / "README.md")) == ()
    assert settings.ignored_for("models/a/README.md") == ()  # relative to the cwd: outside the project


def test_isolated_ignores_files(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    (root / "cardlint.toml").write_text('ignore = ["CL2"]\n')
    settings = settings_for(CommandLine(targets=(".",), isolated=True), root, {})
    assert settings.ignore == ()
