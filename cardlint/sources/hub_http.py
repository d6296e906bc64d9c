"""Deadlines and byte caps on every request huggingface_hub makes for cardlint, enforced while it streams.

The client's own timeouts apply to each socket read, so a server that drips one byte a second never trips
them, and its downloads are not bounded in size: a 500 MB README would be fetched whole before cardlint
could refuse it. Rather than re-implement the client (its cache layout, locks, redirects, retries), cardlint
adds two event hooks to the HTTP client huggingface_hub builds (`set_client_factory`, its documented way to
customise that client). They act only inside `reading(...)`, which hub.py opens around each Hub read:

- every request gets its timeouts shrunk to what is left of the read's deadline, and none starts after it;
- every response body is counted chunk by chunk; past the read's byte cap, or past its deadline, the transfer
  stops with HubReadFailed, which the client does not catch or retry, and huggingface_hub deletes the partial
  download, so nothing over the cap stays in the cache;
- a 429 whose Retry-After would outlast the deadline or CARDLINT_HUB_MAX_WAIT fails at once instead of
  sleeping.

Installing also quiets the client's own output (its retry warnings, progress bars): cardlint prints one line
per failure itself. HF_HUB_VERBOSITY, when set, is respected.
"""

from __future__ import annotations

import contextvars
import logging
import os
import sys
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

_INSTALLED = False
_INSTALL_LOCK = threading.Lock()


class HubReadFailed(Exception):
    """A Hub read stopped by cardlint: past its deadline, over its byte cap, or told to wait too long.

    Deliberately not an httpx or OS error, so neither huggingface_hub's retry loops nor its fallbacks to the
    cache catch it: it ends the read at once.
    """

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason  # deadline | run-deadline | too-large | rate-limited
        self.message = message


@dataclass(frozen=True)
class HubRun:
    """The clock of one run's Hub reads (check, facts, estimate): when they must all be done."""

    seconds: float
    deadline: float

    @classmethod
    def start(cls, seconds: float) -> HubRun:
        return cls(seconds, time.monotonic() + seconds)


@dataclass
class Budget:
    """One Hub read (model info, a file, a header): its deadline, its byte cap and what it has received."""

    what: str
    cap: int
    cap_name: str  # the limit to raise, for the message
    seconds: float
    deadline: float
    run: HubRun | None = None
    max_wait: float = 60.0
    received: int = 0
    broken: int = 0  # transfers that broke off mid-body (the client resumes them; a hostile server repeats)
    stopped: HubReadFailed | None = field(default=None)

    def remaining(self) -> float:
        return min(self.deadline, self.run.deadline if self.run else self.deadline) - time.monotonic()

    def expired(self) -> HubReadFailed | None:
        """The failure to report when the time is up (the run's clock or the read's), else None."""
        now = time.monotonic()
        if self.run is not None and now >= self.run.deadline:
            return HubReadFailed(
                "run-deadline",
                f"the run's {self.run.seconds:g}s for Hub reads ran out before {self.what} was read "
                "(limits.max_hub_seconds_per_run)",
            )
        if now >= self.deadline:
            why = f"; the connection broke off {self.broken} times mid-transfer" if self.broken else ""
            return HubReadFailed(
                "deadline",
                f"the Hub did not deliver {self.what} within {self.seconds:g}s "
                f"(limits.max_hub_seconds_per_file){why}",
            )
        return None

    def fail(self, failure: HubReadFailed) -> HubReadFailed:
        self.stopped = self.stopped or failure
        return failure

    def too_large(self) -> HubReadFailed:
        return self.fail(
            HubReadFailed(
                "too-large",
                f"{self.what} is over the {self.cap:,}-byte limit (limits.{self.cap_name}); the transfer was "
                "stopped there and nothing of it kept",
            )
        )

    def count(self, size: int) -> None:
        self.received += size
        if self.received > self.cap:
            raise self.too_large()
        failure = self.expired()
        if failure is not None:
            raise self.fail(failure)


_CURRENT: contextvars.ContextVar[Budget | None] = contextvars.ContextVar("cardlint_hub_budget", default=None)


@contextmanager
def reading(
    what: str, *, cap: int, cap_name: str, seconds: float, run: HubRun | None, max_wait: float
) -> Iterator[Budget]:
    """Bound every request made inside the block; raises HubReadFailed at once when the run's time is up."""
    install()
    budget = Budget(what, cap, cap_name, seconds, time.monotonic() + seconds, run, max_wait)
    failure = budget.expired()
    if failure is not None:
        raise budget.fail(failure)
    token = _CURRENT.set(budget)
    try:
        yield budget
    finally:
        _CURRENT.reset(token)


# ---------------------------------------------------------------- the hooks


def _on_request(request: Any) -> None:
    budget = _CURRENT.get()
    if budget is None:
        return
    failure = budget.expired()
    if failure is not None:
        raise budget.fail(failure)
    left = max(budget.remaining(), 0.001)
    timeouts = dict(request.extensions.get("timeout") or {})
    for phase in ("connect", "read", "write", "pool"):
        given = timeouts.get(phase)
        timeouts[phase] = left if given is None else min(given, left)
    request.extensions["timeout"] = timeouts


def _on_response(response: Any) -> None:
    budget = _CURRENT.get()
    if budget is None:
        return
    if response.status_code == 429:
        wait = _retry_after(response.headers.get("Retry-After"))
        if wait is not None and (wait > budget.max_wait or wait >= budget.remaining()):
            raise budget.fail(
                HubReadFailed(
                    "rate-limited",
                    f"rate limited by the Hub (HTTP 429, Retry-After {wait:g}s); rerun later or set HF_TOKEN",
                )
            )
    announced = _int(response.headers.get("Content-Length"))
    if (
        response.request.method != "HEAD"
        and announced is not None
        and budget.received + announced > budget.cap
    ):
        raise budget.too_large()  # before a byte of the body is read
    response.stream = _COUNTED_STREAM[0](response.stream, budget)


def _counted_stream_class(client: Any) -> Any:
    """A response body that counts what arrives against the read's budget and stops it at the cap: a
    subclass of the stream type of the HTTP library the client comes from (httpx or its successor), which
    that library checks for."""
    library = sys.modules[type(client).__module__.split(".")[0]]

    class CountedStream(library.SyncByteStream):  # type: ignore[name-defined]
        def __init__(self, inner: Any, budget: Budget) -> None:
            self._inner = inner
            self._budget = budget

        def __iter__(self) -> Iterator[bytes]:
            try:
                for chunk in self._inner:
                    self._budget.count(len(chunk))
                    yield chunk
            except HubReadFailed:
                raise
            except Exception:
                self._budget.broken += 1
                raise

        def close(self) -> None:
            self._inner.close()

    return CountedStream


_COUNTED_STREAM: list[Any] = []


def _retry_after(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


# ---------------------------------------------------------------- installing


def install() -> None:
    """Add the hooks to huggingface_hub's HTTP client (once per process) and quiet its own output."""
    global _INSTALLED
    if _INSTALLED:
        return
    with _INSTALL_LOCK:
        if _INSTALLED:
            return
        # the modules every read uses, imported now so that no read's deadline pays for an import
        import huggingface_hub.file_download
        import huggingface_hub.hf_api  # noqa: F401
        from huggingface_hub.utils import disable_progress_bars
        from huggingface_hub.utils import logging as hub_logging  # sets its level once, on import

        if not os.environ.get("HF_HUB_VERBOSITY"):
            hub_logging.set_verbosity(logging.CRITICAL + 1)
            disable_progress_bars()
        warnings.filterwarnings("ignore", module=r"huggingface_hub(\.|$)")
        try:
            from huggingface_hub.utils import _http, set_client_factory
        except ImportError:  # pragma: no cover - huggingface_hub < 1.0 (requests): per-request timeouts only
            _INSTALLED = True
            return
        previous = getattr(_http, "_GLOBAL_CLIENT_FACTORY", None) or _http.default_client_factory

        def guarded_client() -> Any:
            client = previous()
            if not _COUNTED_STREAM:
                _COUNTED_STREAM.append(_counted_stream_class(client))
            hooks = client.event_hooks
            client.event_hooks = {
                "request": [*hooks.get("request", []), _on_request],
                "response": [_on_response, *hooks.get("response", [])],
            }
            return client

        set_client_factory(guarded_client)
        _INSTALLED = True  # only now: another thread must not send a request on the client being replaced
