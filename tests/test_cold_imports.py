"""A cold `cardlint check` of a local card imports only what that check needs: no Hub client, no other
report format, no fixer, census or scan command. Each of those is imported on first use; this keeps them
so (the cold start is measured in bench/run.py --only cold)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

CARD = (
    "---\nlicense: mit\nlanguage: en\n---\n# Bramble-7B\n\n## Training\n\n"
    "Trained on 1.2T tokens on 64 A100 GPUs for 21 days.\n"
)
NEVER_FOR_A_LOCAL_CHECK = (
    "cardlint.sources.hub",
    "cardlint.sources.hub_http",
    "cardlint.sources.hub_listing",
    "cardlint.census",
    "cardlint.fix",
    "cardlint.commands",
    "cardlint.api",
)
OTHER_FORMATS = ("sarif", "junit", "github", "markdown", "json", "jsonlines")
PROBE = """
import json, sys
sys.argv = ["cardlint", *sys.argv[1:]]
import cardlint.cli
try:
    cardlint.cli.main()
except SystemExit:
    pass
finally:
    sys.__stderr__.write("\\nMODULES " + json.dumps(sorted(sys.modules)) + "\\n")
"""


def _modules_after(arguments: list[str]) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *arguments], capture_output=True, text=True, check=False
    )
    (line,) = [line for line in result.stderr.splitlines() if line.startswith("MODULES ")]
    return set(json.loads(line.removeprefix("MODULES ")))


def _under(modules: set[str], package: str) -> list[str]:
    return sorted(name for name in modules if name == package or name.startswith(package + "."))


@pytest.fixture
def card(tmp_path: Path) -> Path:
    path = tmp_path / "README.md"
    path.write_text(CARD, "utf-8")
    return path


def test_a_text_check_imports_no_hub_command_or_other_format(card: Path) -> None:
    modules = _modules_after(["check", "--as-of", "2025-09-01", str(card)])
    assert "cardlint.report.text" in modules and "cardlint.extract" in modules  # the probe saw a real check
    for package in NEVER_FOR_A_LOCAL_CHECK:
        assert _under(modules, package) == [], package
    for name in OTHER_FORMATS:
        assert f"cardlint.report.{name}" not in modules, name


def test_a_sarif_check_imports_the_sarif_renderer_only(card: Path) -> None:
    modules = _modules_after(["check", "--format", "sarif", "--as-of", "2025-09-01", str(card)])
    assert "cardlint.report.sarif" in modules
    for name in ("text", "junit", "github", "markdown"):
        assert f"cardlint.report.{name}" not in modules, name
    assert _under(modules, "cardlint.sources.hub") == []
