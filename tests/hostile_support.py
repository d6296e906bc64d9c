"""Helpers for the hostile-input tests: run the real CLI in a subprocess and check the promises it makes.

The promises (issue 8): an exit code of 0, 1 or 2; at most one line on stderr per unreadable target, naming
it; never a traceback; and the user's files byte-for-byte unchanged.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.strip()]


def cardlint(*args: str, cwd: Path, timeout: float = 60, stdin: bytes | None = None) -> Run:
    """`python -m cardlint ARGS` in `cwd`, with no CI or colour surprises from the environment."""
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY")}
    env["NO_COLOR"] = "1"
    completed = subprocess.run(
        [sys.executable, "-m", "cardlint", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        env=env,
        timeout=timeout,
    )
    run = Run(
        completed.returncode,
        completed.stdout.decode("utf-8", errors="replace"),
        completed.stderr.decode("utf-8", errors="replace"),
    )
    assert "Traceback" not in run.stderr, run.stderr
    assert "internal error" not in run.stderr, run.stderr
    assert run.code in (0, 1, 2), run
    return run


def assert_one_error_line(run: Run, *names: str) -> str:
    """Exit 2 with exactly one line on stderr that names every one of `names`."""
    assert run.code == 2, run
    assert len(run.error_lines) == 1, run.stderr
    line = run.error_lines[0]
    for name in names:
        assert name in line, line
    return line


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def digests(folder: Path) -> dict[str, str]:
    """Every regular file below `folder` with its hash (links and special files are skipped)."""
    result = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink() and os.access(path, os.R_OK):
            result[str(path.relative_to(folder))] = digest(path)
    return result
