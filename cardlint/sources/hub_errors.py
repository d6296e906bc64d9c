"""Why a Hub read failed, in one line a user can act on, with every token redacted.

huggingface_hub raises many error types (and the HTTP library beneath it more); they are translated here
into a reason naming what to do next, so a failed read exits 2 with one line and never a traceback.
"""

from __future__ import annotations

import os

from cardlint.core.regex_store import compile_pattern
from cardlint.sources import SourceError
from cardlint.sources.hub_http import Budget, HubReadFailed
from cardlint.sources.hub_target import (
    HubRef,
    HubSettings,
)

_TOKEN_SHAPE = compile_pattern(r"\b(?:hf|api)_[A-Za-z0-9]{8,}\b")


_BEARER = compile_pattern(r"(?i)(authorization:?\s*bearer\s+)\S+")


def redact(message: str) -> str:
    """The message with every token-looking string replaced, the configured token first."""
    secrets = [os.environ.get(name) for name in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN")]
    try:
        from huggingface_hub import get_token

        secrets.append(get_token())
    except Exception:  # a broken token file must not turn an error message into a crash
        pass
    for secret in secrets:
        if secret and len(secret) >= 4:
            message = message.replace(secret, "***")
    message = _BEARER.sub(r"\1***", message)
    return _TOKEN_SHAPE.sub("***", message)


def _first_line(text: str) -> str:
    lines = [line.strip() for line in str(text).splitlines() if line.strip()]
    return lines[0] if lines else ""


def _status(exc: BaseException) -> int | None:
    response = getattr(exc, "response", None)
    status = getattr(response, "status_code", None)
    return status if isinstance(status, int) else None


def _is_timeout(exc: BaseException) -> bool:
    """Timeouts of whichever HTTP library huggingface_hub uses, recognised without importing it."""
    return isinstance(exc, TimeoutError) or any("Timeout" in kind.__name__ for kind in type(exc).__mro__)


def _describe(exc: BaseException, *, what: str, settings: HubSettings, revision: str | None) -> str:
    """What went wrong, in words a user can act on (the caller adds the target)."""
    from huggingface_hub import errors

    status = _status(exc)
    if isinstance(exc, errors.GatedRepoError):
        return "gated repository: accept its terms on the Hub page, then set HF_TOKEN (or `hf auth login`)"
    if isinstance(exc, errors.DisabledRepoError):
        return "repository disabled on the Hub"
    if isinstance(exc, errors.RepositoryNotFoundError):
        if status == 401:
            return (
                "repository not found or private: if it is private, set HF_TOKEN to a token that can read it"
            )
        return "repository not found on the Hub"
    if isinstance(exc, errors.RevisionNotFoundError):
        return f"revision '{revision}' not found"
    if isinstance(exc, errors.RemoteEntryNotFoundError):
        return f"{what} not found in the repository"
    if isinstance(exc, errors.OfflineModeIsEnabled) or (
        isinstance(exc, errors.LocalEntryNotFoundError) and settings.offline
    ):
        return f"offline and {what} is not in the cache (run once online first)"
    if isinstance(exc, errors.FileMetadataError) or (
        isinstance(exc, errors.LocalEntryNotFoundError) and "X-Repo-Commit" in str(exc)
    ):
        return f"{settings.endpoint} is not a Hugging Face Hub (no X-Repo-Commit header); check HF_ENDPOINT"
    if status == 429:
        wait = _retry_after(exc)
        if wait is not None and wait > settings.max_wait:
            return f"rate limited by the Hub (HTTP 429, Retry-After {wait:g}s); rerun later or set HF_TOKEN"
        return "rate limited by the Hub (HTTP 429) after retries; rerun later or set HF_TOKEN"
    if status is not None and status >= 500:
        return f"Hub server error (HTTP {status}) after retries"
    if status == 401:
        return "authentication failed (HTTP 401): check HF_TOKEN or `hf auth login`"
    if status == 403:
        return "access forbidden (HTTP 403): the token lacks permission for this repository"
    if status is not None:
        return f"unexpected answer from the Hub (HTTP {status})"
    if _is_timeout(exc):
        return f"the Hub did not answer within {settings.timeout:g}s (HF_HUB_ETAG_TIMEOUT)"
    if isinstance(exc, errors.LocalEntryNotFoundError):
        return f"cannot reach the Hub at {settings.endpoint} and {what} is not in the cache"
    if any(kind.__name__ in ("RemoteProtocolError", "ReadError") for kind in type(exc).__mro__):
        return f"{what} download broke off mid-transfer (the connection closed); rerun"
    if isinstance(exc, OSError) and "Consistency check failed" in str(exc):
        return f"{what} download was cut short (size differs from what the Hub announced); rerun"
    if isinstance(exc, (ValueError, KeyError, TypeError, AttributeError, errors.SafetensorsParsingError)):
        return f"malformed answer from the Hub while reading {what}"
    if isinstance(exc, (ConnectionError, OSError)) or "Error" in type(exc).__name__:
        return f"cannot reach the Hub at {settings.endpoint} ({type(exc).__name__})"
    return f"failed reading {what} ({type(exc).__name__})"


def _source_error(
    exc: BaseException, ref: HubRef, *, what: str, settings: HubSettings, budget: Budget | None = None
) -> SourceError:
    reason = _reason(exc, what=what, settings=settings, budget=budget, revision=ref.revision)
    return SourceError(redact(f"{ref.display}: {reason}"))


def _reason(
    exc: BaseException,
    *,
    what: str,
    settings: HubSettings,
    budget: Budget | None,
    revision: str | None = None,
) -> str:
    """Why a read failed. A read cardlint stopped (deadline, byte cap) says so, whatever error the client
    made of it: a request cut short by the deadline may surface as a timeout or a cache miss."""
    if isinstance(exc, HubReadFailed):
        return exc.message
    if budget is not None:
        failure = budget.stopped or budget.expired()
        if failure is not None:
            return failure.message
    return _describe(exc, what=what, settings=settings, revision=revision)


def _retry_after(exc: BaseException) -> float | None:
    headers = getattr(getattr(exc, "response", None), "headers", None)
    value = headers.get("Retry-After") if headers is not None else None
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None
