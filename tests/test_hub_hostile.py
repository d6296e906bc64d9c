"""A hostile Hub, through the real CLI (issue 17): the loopback stand-in drips, stalls, floods and hangs up,
the real huggingface_hub client talks to it unpatched, and cardlint ends every read with one line naming the
repo: within the configured deadline, with nothing over the byte cap read or left in the cache, and without
the client's own retry warnings. Deadlines are configured small (1-2 s) so these tests stay quick."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hostile_support import Run, cardlint
from hubserver import Fault, HubStandIn, card

CARD = card("license: apache-2.0\npipeline_tag: text-generation", "# Tiny\n\nA 7B-parameter test model.\n")
MB = 1024 * 1024


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A folder to run cardlint in: its cardlint.toml is the config a Hub target gets."""
    folder = tmp_path / "project"
    (folder / ".git").mkdir(parents=True)
    return folder


def _limits(project: Path, **limits: int) -> None:
    lines = "".join(f"{name} = {value}\n" for name, value in limits.items())
    (project / "cardlint.toml").write_text(f"[limits]\n{lines}", encoding="utf-8")


def _check(project: Path, *targets: str) -> tuple[Run, float]:
    started = time.monotonic()
    run = cardlint("check", *targets, "--as-of", "2026-06-01", cwd=project, timeout=60)
    return run, time.monotonic() - started


def _one_line(run: Run, *names: str) -> str:
    assert run.code == 2, run
    assert len(run.error_lines) == 1, run.stderr  # none of huggingface_hub's retry lines
    line = run.error_lines[0]
    for name in names:
        assert name in line, line
    return line


def _cached_files(hub_home: Path) -> dict[str, int]:
    return {
        str(path.relative_to(hub_home)): path.stat().st_size
        for path in hub_home.rglob("*")
        if path.is_file() and not path.is_symlink() and ".locks" not in path.parts
    }


def _tiny(hub: HubStandIn) -> None:
    hub.add_repo("acme/tiny", {"README.md": CARD})


def test_model_info_dripping_a_byte_a_second_ends_at_the_file_deadline(
    hub: HubStandIn, project: Path
) -> None:
    _tiny(hub)
    hub.add_fault(Fault(path="^/api/models/", method="GET", drip=1.0, times=None))
    _limits(project, max_hub_seconds_per_file=1)
    run, elapsed = _check(project, "acme/tiny")
    _one_line(run, "acme/tiny:", "did not deliver model info within 1s", "max_hub_seconds_per_file")
    assert elapsed < 15


def test_readme_dripping_a_byte_a_second_ends_at_the_file_deadline(hub: HubStandIn, project: Path) -> None:
    _tiny(hub)
    hub.add_fault(Fault(path="README.md", method="GET", drip=1.0, times=None))
    _limits(project, max_hub_seconds_per_file=2)  # 2 s: a loaded machine may take 1 s over the model info
    run, elapsed = _check(project, "acme/tiny")
    _one_line(run, "acme/tiny:", "did not deliver README.md within 2s")
    assert elapsed < 15
    assert not [name for name in _cached_files(Path(os.environ["HF_HUB_CACHE"])) if "README" in name]


def test_a_head_that_never_answers_ends_at_the_file_deadline(hub: HubStandIn, project: Path) -> None:
    _tiny(hub)
    hub.add_fault(Fault(path="README.md", method="HEAD", stall=True, times=None))
    _limits(project, max_hub_seconds_per_file=2)  # 2 s: a loaded machine may take 1 s over the model info
    run, elapsed = _check(project, "acme/tiny")
    _one_line(run, "acme/tiny:", "README.md within 2s")
    assert elapsed < 15


def test_the_run_deadline_bounds_all_reads_together(hub: HubStandIn, project: Path) -> None:
    _tiny(hub)
    hub.add_repo("acme/slow", {"README.md": CARD})
    hub.add_fault(Fault(path="^/api/models/acme/slow", method="GET", drip=1.0, times=None))
    _limits(project, max_hub_seconds_per_file=30, max_hub_seconds_per_run=1)
    run, elapsed = _check(project, "acme/slow", "acme/tiny")
    assert run.code == 2 and elapsed < 15, run
    assert len(run.error_lines) == 2, run.stderr
    assert run.error_lines[0].startswith("cardlint: acme/slow: the run's 1s for Hub reads ran out")
    assert run.error_lines[1].startswith("cardlint: acme/tiny: the run's 1s for Hub reads ran out")
    assert "max_hub_seconds_per_run" in run.error_lines[1]


@pytest.mark.parametrize("announce", [True, False], ids=["content-length", "no-length"])
def test_a_500_mb_readme_is_cut_off_at_the_card_limit_and_not_cached(
    hub: HubStandIn, project: Path, announce: bool
) -> None:
    _tiny(hub)
    hub.add_fault(Fault(path="README.md", method="GET", flood=500 * MB, announce=announce, times=None))
    run, elapsed = _check(project, "acme/tiny")
    _one_line(run, "acme/tiny:", "README.md is over the 10,485,760-byte limit (limits.max_card_bytes)")
    assert hub.bytes_sent < 40 * MB  # the socket buffers a little past the cap, never the whole flood
    cached = _cached_files(Path(os.environ["HF_HUB_CACHE"]))
    assert all(size < MB for size in cached.values()), cached
    assert not [name for name in cached if name.endswith(".incomplete")]
    assert elapsed < 20


def test_a_60_mb_model_info_is_cut_off_at_the_response_cap_in_little_memory(
    hub: HubStandIn, project: Path, tmp_path: Path
) -> None:
    _tiny(hub)
    hub.add_fault(Fault(path="^/api/models/", method="GET", flood=60 * MB, announce=False, times=None))
    status = tmp_path / "status"
    # VmHWM is this process's own peak memory (rusage would also count the test run it was forked from)
    wrapper = (
        "import atexit, sys; from cardlint.cli import main; "
        f"atexit.register(lambda: open({str(status)!r}, 'w').write(open('/proc/self/status').read())); "
        "sys.argv = ['cardlint', 'check', 'acme/tiny', '--as-of', '2026-06-01']; main()"
    )
    completed = subprocess.run(
        [sys.executable, "-c", wrapper], cwd=project, capture_output=True, timeout=60, env={**os.environ}
    )
    run = Run(completed.returncode, completed.stdout.decode(), completed.stderr.decode())
    assert "Traceback" not in run.stderr
    _one_line(
        run, "acme/tiny:", "model info is over the 20,971,520-byte limit (limits.max_hub_response_bytes)"
    )
    assert hub.bytes_sent < 40 * MB
    peak_kb = int(re.search(r"VmHWM:\s+(\d+) kB", status.read_text()).group(1))  # type: ignore[union-attr]
    assert peak_kb < 250 * 1024, f"peak {peak_kb // 1024} MB"


def test_a_connection_closed_mid_readme_every_time_is_one_line(hub: HubStandIn, project: Path) -> None:
    _tiny(hub)
    hub.add_fault(Fault(path="README.md", method="GET", cut=True, times=None))
    _limits(project, max_hub_seconds_per_file=2)
    run, elapsed = _check(project, "acme/tiny")
    line = _one_line(run, "acme/tiny:", "README.md")
    assert "broke off" in line, line
    assert elapsed < 15
    assert not [name for name in _cached_files(Path(os.environ["HF_HUB_CACHE"])) if "README" in name]


def test_server_errors_retried_print_no_retry_lines(
    hub: HubStandIn, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tiny(hub)
    monkeypatch.setenv("CARDLINT_HUB_RETRIES", "2")
    hub.add_fault(Fault(path="^/api/models/", method="GET", status=503, times=None))
    run, _elapsed = _check(project, "acme/tiny")
    _one_line(run, "acme/tiny:", "Hub server error (HTTP 503) after retries")
    assert hub.count("GET", "/api/models/") == 3


def test_a_healthy_repo_still_reads_under_the_guard(hub: HubStandIn, project: Path) -> None:
    _tiny(hub)
    _limits(project, max_hub_seconds_per_file=5, max_hub_seconds_per_run=10)
    run, _elapsed = _check(project, "acme/tiny")
    assert run.code in (0, 1) and run.error_lines == [], run
    assert "Found" in run.stdout and "in 1 card" in run.stdout


def test_a_model_list_dripping_a_byte_a_second_ends_at_the_read_deadline(hub: HubStandIn) -> None:
    from cardlint.core.limits import Limits
    from cardlint.sources import SourceError
    from cardlint.sources.hub_listing import list_model_ids

    _tiny(hub)
    hub.add_fault(Fault(path="^/api/models$", method="GET", drip=1.0, times=None))
    started = time.monotonic()
    with pytest.raises(SourceError, match=r"did not deliver the model list within 1s"):
        list(list_model_ids(author="acme", limits=Limits(max_hub_seconds_per_file=1)))
    assert time.monotonic() - started < 10
