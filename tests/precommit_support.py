"""Running this repository's hooks through the real pre-commit, installed once per test session.

`pre-commit try-repo` builds the hook's environment in a store of its own that it deletes afterwards, so
every call pip-installs cardlint again. One test keeps try-repo end to end; the others name the committed
copy in a .pre-commit-config.yaml and run `pre-commit run`, whose store (PRE_COMMIT_HOME, one per session)
keeps the environment: every hook of the same repository and revision then reuses it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PRE_COMMIT = [sys.executable, "-m", "pre_commit"]


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def try_repo(source: Path, repo: Path, hook: str, home: Path) -> subprocess.CompletedProcess[str]:
    return _pre_commit(["try-repo", str(source), hook, "--all-files"], repo, home)


def run_hook(source: Path, repo: Path, hook: str, home: Path) -> subprocess.CompletedProcess[str]:
    """`pre-commit run HOOK --all-files` in `repo`, with the hook taken from `source` at its HEAD."""
    revision = git(source, "rev-parse", "HEAD").strip()
    config = f"repos:\n  - repo: {source}\n    rev: {revision}\n    hooks:\n      - id: {hook}\n"
    (repo / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    git(repo, "add", ".pre-commit-config.yaml")
    return _pre_commit(["run", hook, "--all-files"], repo, home)


def _pre_commit(args: list[str], cwd: Path, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*PRE_COMMIT, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "PRE_COMMIT_HOME": str(home)},
        timeout=900,
    )
