"""The real pre-commit, driving this repository's hook manifest in a throwaway git repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from precommit_support import run_hook

ROOT = Path(__file__).resolve().parent.parent
CARDS = ROOT / "tests" / "cards" / "cli"

pytestmark = pytest.mark.slow


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


PRE_COMMIT = [sys.executable, "-m", "pre_commit"]


def _try_repo(hook_source: Path, repo: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home)}
    return subprocess.run(
        [*PRE_COMMIT, "try-repo", str(hook_source), "cardlint", "--all-files"],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )


def test_validate_manifest() -> None:
    result = subprocess.run(
        [*PRE_COMMIT, "validate-manifest", str(ROOT / ".pre-commit-hooks.yaml")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_hook_fails_on_bad_card_and_passes_on_good_and_plain(
    hook_source: Path, pre_commit_home: Path, tmp_path: Path
) -> None:
    home = pre_commit_home
    repo = tmp_path / "repo"
    (repo / "model").mkdir(parents=True)
    _git(repo, "init", "-q")
    shutil.copy(CARDS / "good" / "README.md", repo / "model" / "README.md")
    shutil.copy(CARDS / "plain" / "README.md", repo / "README.md")  # not a model card: skipped
    _git(repo, "add", "-A")
    good = _try_repo(hook_source, repo, home)
    assert good.returncode == 0, good.stdout + good.stderr

    shutil.copy(CARDS / "bad" / "README.md", repo / "model" / "README.md")
    _git(repo, "add", "-A")
    bad = run_hook(hook_source, repo, "cardlint", home)  # as a user's config runs it (and installs it once)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "CL1" in bad.stdout
