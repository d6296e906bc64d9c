"""The `cardlint-fix` hook through the real pre-commit: fails when it fixed a card, passes on the next run."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CARDS = ROOT / "tests" / "cards" / "fix"

pytestmark = pytest.mark.slow


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def _pre_commit() -> str:
    found = shutil.which("pre-commit") or shutil.which("pre-commit", path=str(Path(sys.executable).parent))
    if found is None:
        pytest.skip("pre-commit is not installed")
    return found


@pytest.fixture(scope="module")
def hook_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A committed copy of this repository: try-repo installs hooks from a git revision."""
    source = tmp_path_factory.mktemp("fix-hook-source") / "cardlint"
    ignore = shutil.ignore_patterns(
        ".git", ".venv", ".ci-venv", "dist", "build", "*.egg-info", "__pycache__", "out"
    )
    shutil.copytree(ROOT, source, ignore=ignore)
    _git(source, "init", "-q")
    _git(source, "add", "-A")
    _git(source, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qm", "snapshot")
    return source


def _try_fix_hook(source: Path, repo: Path, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [_pre_commit(), "try-repo", str(source), "cardlint-fix", "--all-files"],
        cwd=repo,
        capture_output=True,
        text=True,
        env={**os.environ, "PRE_COMMIT_HOME": str(home)},
        timeout=900,
    )


def test_fix_hook_modifies_then_passes(hook_source: Path, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "model").mkdir(parents=True)
    _git(repo, "init", "-q")
    shutil.copy(CARDS / "misspelt.md", repo / "model" / "README.md")
    shutil.copy(CARDS / "no_front_matter.md", repo / "README.md")  # an ordinary README: left alone
    _git(repo, "add", "-A")
    plain_before = (repo / "README.md").read_bytes()

    first = _try_fix_hook(hook_source, repo, tmp_path / "home")
    assert first.returncode == 1, first.stdout + first.stderr
    fixed = (repo / "model" / "README.md").read_text()
    assert "license: mit" in fixed and "base_model: org/base-7b" in fixed and '- "no"' in fixed
    assert (repo / "README.md").read_bytes() == plain_before

    _git(repo, "add", "-A")
    second = _try_fix_hook(hook_source, repo, tmp_path / "home")
    assert second.returncode == 0, second.stdout + second.stderr
