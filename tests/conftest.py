"""Shared fixtures: a guard that keeps every test off the internet, and the Hub stand-in."""

from __future__ import annotations

import ipaddress
import os
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hubserver import HubStandIn
from hypothesis import HealthCheck, settings

# Property tests check behaviour, not speed: on a shared 2-core machine a first example can take longer
# than hypothesis's default 200 ms deadline for reasons that have nothing to do with the code under test.
settings.register_profile("cardlint", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("cardlint")

# huggingface_hub reads this once, at import: with telemetry on it also fetches an agent registry from
# its endpoint, which a test that imports the client without HF_ENDPOINT set would send to the internet.
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
# cardlint's JSON copies of its own data files (core/data_cache) go to a folder of the run's, not the user's.
os.environ.setdefault("CARDLINT_CACHE_DIR", tempfile.mkdtemp(prefix="cardlint-test-cache-"))

_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


def _is_loopback(host: Any) -> bool:
    if host is None or host in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


class NetworkAttempt(OSError):
    """Raised where a test reached for the network; the guard also fails the test at teardown, so code that
    catches and reports connection errors cannot hide the attempt."""


@pytest.fixture(autouse=True)
def no_internet(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Any connection (or name lookup) to a non-loopback address fails the test: tests never use the network.

    This guards the socket layer only; the Hub client itself is never patched.
    """
    attempts: list[str] = []
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def check(sock: socket.socket, address: Any) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address[0]):
            attempts.append(repr(address))
            raise NetworkAttempt(f"test tried to reach the network: {address!r}")

    def connect(sock: socket.socket, address: Any) -> None:
        check(sock, address)
        real_connect(sock, address)

    def connect_ex(sock: socket.socket, address: Any) -> int:
        check(sock, address)
        return real_connect_ex(sock, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if not _is_loopback(host.decode() if isinstance(host, bytes) else host):
            attempts.append(repr(host))
            raise NetworkAttempt(f"test tried to resolve a network name: {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield attempts
    if attempts:
        pytest.fail(f"test tried to reach the network: {', '.join(attempts)}")


@pytest.fixture
def hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[HubStandIn]:
    """A running Hub stand-in; HF_ENDPOINT points at it and every cache lives under tmp_path."""
    stand_in = HubStandIn().start()
    home = tmp_path / "hf-home"
    monkeypatch.setenv("HF_ENDPOINT", stand_in.url)
    monkeypatch.setenv("HF_HOME", str(home))
    monkeypatch.setenv("HF_HUB_CACHE", str(home / "hub"))
    monkeypatch.setenv("HF_HUB_DISABLE_XET", "1")
    monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
    monkeypatch.setenv("HF_HUB_ETAG_TIMEOUT", "2")
    monkeypatch.setenv("CARDLINT_HUB_BACKOFF", "0.01")
    monkeypatch.setenv("CARDLINT_HUB_MAX_WAIT", "5")
    for name in (
        "HF_TOKEN",
        "HUGGING_FACE_HUB_TOKEN",
        "HF_HUB_OFFLINE",
        "TRANSFORMERS_OFFLINE",
        "CARDLINT_HUB_CACHE",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HF_TOKEN_PATH", str(home / "no-token"))
    try:
        yield stand_in
    finally:
        stand_in.stop()


@pytest.fixture(scope="session")
def hook_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A committed copy of this repository, shared by every pre-commit test: try-repo installs the hooks
    from a git revision, and a clean one keeps the same revision, so the hook environment is built once."""
    import shutil
    import subprocess

    root = Path(__file__).resolve().parent.parent
    source = tmp_path_factory.mktemp("hook-source") / "cardlint"
    ignore = shutil.ignore_patterns(
        ".git", ".venv", ".ci-venv", "dist", "build", "*.egg-info", "__pycache__", "out"
    )
    shutil.copytree(root, source, ignore=ignore)
    for args in (
        ("init", "-q"),
        ("add", "-A"),
        ("-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qm", "snapshot"),
    ):
        subprocess.run(["git", *args], cwd=source, check=True, capture_output=True)
    return source


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One PRE_COMMIT_HOME for the session: pre-commit installs the hook's environment there once."""
    return tmp_path_factory.mktemp("pre-commit-home")
