"""The `cardlint-fix` hook through the real pre-commit: fails when it fixed a card, passes on the next run."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from precommit_support import git, run_hook

ROOT = Path(__file__).resolve().parent.parent
CARDS = ROOT / "tests" / "cards" / "fix"

pytestmark = pytest.mark.slow


def test_fix_hook_modifies_then_passes(hook_source: Path, pre_commit_home: Path, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "model").mkdir(parents=True)
    git(repo, "init", "-q")
    shutil.copy(CARDS / "misspelt.md", repo / "model" / "README.md")
    shutil.copy(CARDS / "no_front_matter.md", repo / "README.md")  # an ordinary README: left alone
    git(repo, "add", "-A")
    plain_before = (repo / "README.md").read_bytes()

    first = run_hook(hook_source, repo, "cardlint-fix", pre_commit_home)
    assert first.returncode == 1, first.stdout + first.stderr
    fixed = (repo / "model" / "README.md").read_text()
    assert "license: mit" in fixed and "base_model: org/base-7b" in fixed and '- "no"' in fixed
    assert (repo / "README.md").read_bytes() == plain_before

    git(repo, "add", "-A")
    second = run_hook(hook_source, repo, "cardlint-fix", pre_commit_home)
    assert second.returncode == 0, second.stdout + second.stderr
