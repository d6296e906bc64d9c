"""The built wheel, installed into a fresh venv and run from another folder, carries schemas/ and rules/."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    source = work / "src"
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", ".ci-venv", "dist", "build", "*.egg-info", "__pycache__"
        ),
    )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(work / "dist"),
            str(source),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = (work / "dist").glob("cardlint-*.whl")
    env_dir = work / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--no-deps", "--no-index", "--quiet", str(wheel)],
        check=True,
        capture_output=True,
    )
    # The dependencies come from the test environment through a plain path line (no code from it runs), so the
    # test needs no network; the freshly installed wheel still comes first on sys.path.
    site_packages = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (Path(site_packages) / "zz_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return env_dir / "bin"


def test_wheel_ships_data_and_runs_outside_the_source_tree(installed: Path, tmp_path: Path) -> None:
    card = tmp_path / "README.md"
    card.write_text((ROOT / "tests" / "cards" / "cli" / "bad" / "README.md").read_text())
    result = subprocess.run(
        [str(installed / "cardlint"), "check", "README.md", "--format", "json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1, result.stderr
    assert '"code": "CL' in result.stdout
    rules = subprocess.run(
        [str(installed / "cardlint"), "rules"], cwd=tmp_path, capture_output=True, text=True
    )
    assert rules.returncode == 0 and "CL901" in rules.stdout
    where = subprocess.run(
        [
            str(installed / "python"),
            "-c",
            "import cardlint.core.resources as r; print(r.resource_dir('rules'))",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert "_data" in where.stdout and str(ROOT) not in where.stdout, where.stdout + where.stderr
