"""A broken config.json next to a card is reported, not silently dropped."""

from pathlib import Path

from cardlint.api import check


def test_invalid_config_json_is_reported(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("---\nlicense: mit\n---\n# tiny\n\nA small model.\n")
    (tmp_path / "config.json").write_text("{not json")
    codes = [f.code for f in check(tmp_path).findings]
    assert "CL903" in codes


def test_valid_config_json_is_not_reported(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("---\nlicense: mit\n---\n# tiny\n\nA small model.\n")
    (tmp_path / "config.json").write_text('{"model_type": "bert"}')
    assert "CL903" not in [f.code for f in check(tmp_path).findings]
