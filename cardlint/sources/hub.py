"""Model cards from the Hugging Face Hub: a repo id in, the README bytes plus what the Hub knows out.

With hub_http.py (which bounds the client's requests) the only module that imports huggingface_hub, and
only inside functions, so linting local files never pays for the client. Everything goes through
huggingface_hub's own cache (downloads are pinned to the resolved commit, so a warm rerun costs one request
and `HF_HUB_OFFLINE=1` needs none). The few facts that only the
model-info API knows (gated, pipeline tag, safetensors count, ...) are kept in a small JSON snapshot per
commit next to that cache, because the client does not cache API answers.

Endpoint, cache folder and timeout are read from the environment at call time (huggingface_hub reads them
once, at import, into `huggingface_hub.constants`) and passed explicitly, so one process can talk to several
endpoints, e.g. in tests. Every read runs inside `hub_http.reading`: a deadline per read and per run, and a
byte cap counted while the answer streams in (limits.max_hub_*).
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from cardlint.core.limits import DEFAULT_LIMITS, Limits
from cardlint.sources import LoadedTarget, Sidecars, SourceError
from cardlint.sources.hub_http import Budget, HubReadFailed, HubRun, reading

HF_SCHEME = "hf://"
DEFAULT_ENDPOINT = "https://huggingface.co"
README = "README.md"
CONFIG = "config.json"
SINGLE_SAFETENSORS = "model.safetensors"
SAFETENSORS_INDEX = "model.safetensors.index.json"
RETRYABLE_STATUS = (429, 500, 502, 503, 504)
# What model_info is asked for: one request answers every question the lint needs about the repo.
INFO_EXPAND = [
    "sha",
    "gated",
    "private",
    "pipeline_tag",
    "library_name",
    "lastModified",
    "safetensors",
    "siblings",
    "cardData",
    "disabled",
]

_NAME_PART = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,94}[A-Za-z0-9])?")
_REVISION = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._/+-]{0,254}")
_COMMIT = re.compile(r"[0-9a-f]{40}")
_TOKEN_SHAPE = re.compile(r"\b(?:hf|api)_[A-Za-z0-9]{8,}\b")
_BEARER = re.compile(r"(?i)(authorization:?\s*bearer\s+)\S+")


@dataclass(frozen=True)
class HubRef:
    """A model repo on the Hub, validated: `explicit` when the user wrote hf:// (never a local path)."""

    repo_id: str
    revision: str | None = None
    explicit: bool = False
    text: str = ""

    @property
    def display(self) -> str:
        return self.text or (f"{self.repo_id}@{self.revision}" if self.revision else self.repo_id)


def hub_file_path(repo_id: str, sha: str | None, name: str) -> str:
    """Where findings about a Hub file point: `hf://org/name@<commit>/README.md`, huggingface_hub's own
    HfFileSystem notation, so a location never looks like a local file and names the exact commit read."""
    at = f"@{sha}" if sha else ""
    return f"{HF_SCHEME}{repo_id}{at}/{name}"


def parse_hub_target(text: str) -> HubRef | None:
    """`org/name`, `org/name@rev` or `hf://org/name[@rev]` as a HubRef; None when `text` is not one.

    Validation happens before any request: only two plain name parts (no `..`, no `--`, no URL, no
    backslash, no percent-escapes), and a revision made of branch/tag/commit characters. An explicit
    `hf://` target that fails validation raises SourceError, because the user clearly meant the Hub.
    """
    explicit = text.startswith(HF_SCHEME)
    body = text[len(HF_SCHEME) :] if explicit else text
    ref = _parse_body(body)
    if ref is None:
        if explicit:
            raise SourceError(
                f"{text}: not a Hub model id (expected hf://org/name or hf://org/name@revision)"
            )
        return None
    repo_id, revision = ref
    return HubRef(repo_id=repo_id, revision=revision, explicit=explicit, text=text)


def _parse_body(body: str) -> tuple[str, str | None] | None:
    repo_part, sep, revision = body.partition("@")
    if sep and not _valid_revision(revision):
        return None
    parts = repo_part.split("/")
    if len(parts) != 2 or not all(_NAME_PART.fullmatch(part) for part in parts):
        return None
    if "--" in repo_part or ".." in repo_part:
        return None
    if (
        parts[1].lower().endswith(".md")
    ):  # a mistyped card path, not a model: say "no such file", not "no repo"
        return None
    return repo_part, (revision if sep else None)


def _valid_revision(revision: str) -> bool:
    if not _REVISION.fullmatch(revision):
        return False
    return ".." not in revision and "//" not in revision and not revision.endswith(("/", ".lock"))


# ---------------------------------------------------------------- settings read at call time


@dataclass(frozen=True)
class HubSettings:
    """Where the Hub and its cache are, and how patient to be; from the environment at call time."""

    endpoint: str
    cache_dir: str
    snapshot_dir: str
    timeout: float
    retries: int
    backoff: float
    max_wait: float
    offline: bool

    @classmethod
    def from_environment(cls, *, offline: bool = False) -> HubSettings:
        """The variables huggingface_hub reads, read now: its `constants` module read them once, at import,
        and would miss a change of HF_ENDPOINT or HF_HOME later in the process (tests, or a library user).
        Its defaults are taken from it where they are public."""
        from huggingface_hub import constants

        env = os.environ
        home = env.get("HF_HOME") or os.path.join(
            env.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "huggingface"
        )
        cache_dir = env.get("HF_HUB_CACHE") or env.get("HUGGINGFACE_HUB_CACHE") or os.path.join(home, "hub")
        snapshot_dir = env.get("CARDLINT_HUB_CACHE") or os.path.join(home, "cardlint", "model-info")
        return cls(
            endpoint=(env.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/"),
            cache_dir=cache_dir,
            snapshot_dir=snapshot_dir,
            timeout=_env_float("HF_HUB_ETAG_TIMEOUT", float(constants.DEFAULT_ETAG_TIMEOUT)),
            retries=int(_env_float("CARDLINT_HUB_RETRIES", 3)),
            backoff=_env_float("CARDLINT_HUB_BACKOFF", 1.0),
            max_wait=_env_float("CARDLINT_HUB_MAX_WAIT", 60.0),
            offline=offline or _truthy(env.get("HF_HUB_OFFLINE")) or _truthy(env.get("TRANSFORMERS_OFFLINE")),
        )


def _env_float(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, ""))
    except ValueError:
        return default


def _truthy(value: str | None) -> bool:
    return (value or "").strip().upper() in {"1", "ON", "YES", "TRUE"}


# ---------------------------------------------------------------- errors: one line, never the token


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


# ---------------------------------------------------------------- loading one repo


@dataclass
class RepoFacts:
    """What model_info tells us, reduced to what the lint uses; saved per commit for offline runs."""

    repo_id: str
    sha: str
    gated: Any = None
    private: bool | None = None
    disabled: bool | None = None
    pipeline_tag: str | None = None
    library_name: str | None = None
    last_modified: str | None = None
    base_models: list[str] = field(default_factory=list)
    files: list[str] | None = None  # None: the Hub did not list them
    safetensors_parameters: int | None = None
    safetensors_by_dtype: dict[str, int] = field(default_factory=dict)
    safetensors_source: str | None = None  # model-info | header

    def hub_info(self) -> dict[str, Any]:
        info: dict[str, Any] = {
            "repo_id": self.repo_id,
            "sha": self.sha,
            "gated": self.gated,
            "private": self.private,
            "disabled": self.disabled,
            "pipeline_tag": self.pipeline_tag,
            "library_name": self.library_name,
            "last_modified": self.last_modified,
            "base_models": list(self.base_models),
        }
        if self.safetensors_parameters is not None:
            info["safetensors_parameters"] = self.safetensors_parameters
            info["safetensors_by_dtype"] = dict(self.safetensors_by_dtype)
            info["safetensors_source"] = self.safetensors_source
        return info


def load_hub_target(
    ref: HubRef,
    *,
    offline: bool = False,
    limits: Limits = DEFAULT_LIMITS,
    with_config: bool = True,
    run: HubRun | None = None,
) -> LoadedTarget:
    """The card of one Hub repo with its sidecars, or SourceError with the one line to show (exit 2).

    Online: one model_info request (expand: sha, gated, safetensors, ...), then README.md and config.json
    pinned to the resolved commit (HEAD + GET each, none when already cached), and the safetensors header
    through range requests only when model_info has no count. Offline: the same from the cache, no request.
    A failing sidecar (config.json gated, a broken header) is a line in `sidecars.problems`, not an error.
    `with_config=False` skips config.json (two requests fewer; no MoE expert counts or attention term).
    Each read has limits.max_hub_seconds_per_file; `run` is the clock all reads of one run share.
    """
    settings = HubSettings.from_environment(offline=offline)
    guard = _Guard(settings, limits, run)
    facts = _offline_facts(ref, settings) if settings.offline else _online_facts(ref, settings, guard)
    raw = _read_card(ref, facts, settings, limits, guard)
    sidecars = Sidecars(hub_info=facts.hub_info())
    if with_config:
        _attach_config(ref, facts, settings, limits, sidecars, guard)
    if not settings.offline and facts.safetensors_parameters is None:
        _attach_header_count(ref, facts, settings, sidecars, guard)
    if facts.safetensors_parameters is not None:
        sidecars.safetensors_parameters = facts.safetensors_parameters
        sidecars.safetensors_path = hub_file_path(ref.repo_id, facts.sha, _weights_file(facts.files))
    sidecars.hub_info = facts.hub_info()
    if not settings.offline:
        _save_snapshot(facts, ref.revision, settings)
    return LoadedTarget(
        target=ref.display,
        path=hub_file_path(ref.repo_id, facts.sha, README),
        raw=raw,
        sidecars=sidecars,
        repo_id=ref.repo_id,
        revision=facts.sha,
        folder_name=ref.repo_id.split("/")[1],
    )


def _weights_file(files: list[str] | None) -> str:
    """The file a safetensors count is about, for locations; the index stands for a sharded model."""
    if files is not None and SINGLE_SAFETENSORS not in files and SAFETENSORS_INDEX in files:
        return SAFETENSORS_INDEX
    return SINGLE_SAFETENSORS


def _api(settings: HubSettings) -> Any:
    from huggingface_hub import HfApi

    return HfApi(endpoint=settings.endpoint)


@dataclass(frozen=True)
class _Guard:
    """What bounds the reads of one target: the limits, the run's clock, how long a 429 may make us wait."""

    settings: HubSettings
    limits: Limits
    run: HubRun | None

    def reading(self, what: str, cap: int, cap_name: str) -> Any:
        return reading(
            what,
            cap=cap,
            cap_name=cap_name,
            seconds=self.limits.max_hub_seconds_per_file,
            run=self.run,
            max_wait=self.settings.max_wait,
        )

    @property
    def response_cap(self) -> int:
        return self.limits.max_hub_response_bytes


def _online_facts(ref: HubRef, settings: HubSettings, guard: _Guard) -> RepoFacts:
    budget: Budget | None = None
    try:
        with guard.reading("model info", guard.response_cap, "max_hub_response_bytes") as budget:
            info = _model_info(ref, settings)
        return _facts_from_info(ref, info)
    except SourceError:
        raise
    except Exception as exc:
        raise _source_error(exc, ref, what="model info", settings=settings, budget=budget) from None


def _model_info(ref: HubRef, settings: HubSettings) -> Any:
    """The model-info answer, retried on 429 and 5xx by huggingface_hub's own backoff (`http_backoff`:
    CARDLINT_HUB_RETRIES times, waits doubling from CARDLINT_HUB_BACKOFF up to CARDLINT_HUB_MAX_WAIT;
    a Retry-After longer than that fails at once, see hub_http). HfApi.model_info sends the same request
    but never retries."""
    from huggingface_hub import ModelInfo
    from huggingface_hub.utils import build_hf_headers, hf_raise_for_status, http_backoff

    url = f"{settings.endpoint}/api/models/{ref.repo_id}"
    if ref.revision is not None:
        url += f"/revision/{quote(ref.revision, safe='')}"
    response = http_backoff(
        "GET",
        url,
        params={"expand": INFO_EXPAND},
        headers=build_hf_headers(),
        timeout=settings.timeout,
        max_retries=settings.retries,
        base_wait_time=settings.backoff,
        max_wait_time=settings.max_wait,
        retry_on_exceptions=(),  # a timeout is reported, not retried: the deadline is the user's patience
        retry_on_status_codes=RETRYABLE_STATUS,
    )
    hf_raise_for_status(response)
    return ModelInfo(**response.json())


def _facts_from_info(ref: HubRef, info: Any) -> RepoFacts:
    sha = getattr(info, "sha", None)
    if not isinstance(sha, str) or not _COMMIT.fullmatch(sha):
        raise ValueError("model info without a commit sha")
    if getattr(info, "disabled", None):
        raise SourceError(f"{ref.display}: repository disabled on the Hub")
    siblings = getattr(info, "siblings", None)
    files = [sibling.rfilename for sibling in siblings] if siblings is not None else None
    last_modified: Any = getattr(info, "last_modified", None)
    facts = RepoFacts(
        repo_id=ref.repo_id,
        sha=sha,
        gated=getattr(info, "gated", None),
        private=getattr(info, "private", None),
        disabled=getattr(info, "disabled", None),
        pipeline_tag=getattr(info, "pipeline_tag", None),
        library_name=getattr(info, "library_name", None),
        last_modified=last_modified.isoformat() if hasattr(last_modified, "isoformat") else last_modified,
        base_models=_base_models(getattr(info, "card_data", None)),
        files=files,
    )
    safetensors = getattr(info, "safetensors", None)
    if safetensors is not None and isinstance(getattr(safetensors, "total", None), int):
        facts.safetensors_parameters = int(safetensors.total)
        facts.safetensors_by_dtype = {str(k): int(v) for k, v in dict(safetensors.parameters).items()}
        facts.safetensors_source = "model-info"
    return facts


def _base_models(card_data: Any) -> list[str]:
    value = card_data.get("base_model") if card_data is not None else None
    values = value if isinstance(value, list) else [value]
    return [item for item in values if isinstance(item, str) and _parse_body(item) is not None]


def _offline_facts(ref: HubRef, settings: HubSettings) -> RepoFacts:
    sha = _cached_commit(ref, settings)
    if sha is None:
        raise SourceError(
            f"{ref.display}: offline and this repository is not in the cache (run once online first)"
        )
    snapshot = _load_snapshot(ref.repo_id, sha, settings)
    return snapshot or RepoFacts(repo_id=ref.repo_id, sha=sha)


def _cached_commit(ref: HubRef, settings: HubSettings) -> str | None:
    revision = ref.revision or "main"
    if _COMMIT.fullmatch(revision):
        return revision
    pointer = _snapshot_folder(ref.repo_id, settings) / f"ref-{quote(revision, safe='')}"
    try:
        sha = pointer.read_text().strip()
    except OSError:
        sha = ""
    if _COMMIT.fullmatch(sha):
        return sha
    from huggingface_hub import try_to_load_from_cache

    # the cached README's path is snapshots/<commit>/README.md: the client resolves the branch for us
    cached = try_to_load_from_cache(ref.repo_id, README, cache_dir=settings.cache_dir, revision=revision)
    if not isinstance(cached, str):
        return None
    sha = Path(cached).parent.name
    return sha if _COMMIT.fullmatch(sha) else None


def _repo_folder(repo_id: str) -> str:
    return "models--" + repo_id.replace("/", "--")


def _read_card(ref: HubRef, facts: RepoFacts, settings: HubSettings, limits: Limits, guard: _Guard) -> bytes:
    if facts.files is not None and README not in facts.files:
        raise SourceError(f"{ref.display}: {README} not found in the repository (the model has no card)")
    budget: Budget | None = None
    try:
        with guard.reading(README, limits.max_card_bytes, "max_card_bytes") as budget:
            path = _download(ref.repo_id, README, facts.sha, settings)
    except Exception as exc:
        raise _source_error(exc, ref, what=README, settings=settings, budget=budget) from None
    try:
        with open(path, "rb") as handle:
            raw = handle.read(limits.max_card_bytes + 1)
    except OSError as exc:
        raise SourceError(f"{ref.display}: cannot read the cached {README}: {exc.strerror or exc}") from None
    if len(raw) > limits.max_card_bytes:
        raise SourceError(f"{ref.display}: {README} is over the {limits.max_card_bytes:,}-byte limit")
    return raw


def _download(repo_id: str, filename: str, sha: str, settings: HubSettings) -> str:
    from huggingface_hub import hf_hub_download

    return str(
        hf_hub_download(
            repo_id,
            filename,
            revision=sha,
            cache_dir=settings.cache_dir,
            endpoint=settings.endpoint,
            etag_timeout=settings.timeout,
            local_files_only=settings.offline,
        )
    )


def _attach_config(
    ref: HubRef, facts: RepoFacts, settings: HubSettings, limits: Limits, sidecars: Sidecars, guard: _Guard
) -> None:
    if settings.offline:
        from huggingface_hub import try_to_load_from_cache

        cached = try_to_load_from_cache(ref.repo_id, CONFIG, cache_dir=settings.cache_dir, revision=facts.sha)
        if not isinstance(cached, str):
            return
        path = cached
    else:
        if facts.files is not None and CONFIG not in facts.files:
            return
        budget: Budget | None = None
        cap = min(limits.max_config_json_bytes, guard.response_cap)
        try:
            with guard.reading(CONFIG, cap, "max_config_json_bytes") as budget:
                path = _download(ref.repo_id, CONFIG, facts.sha, settings)
        except Exception as exc:
            if facts.files is None and _status(exc) == 404:
                return
            reason = _reason(exc, what=CONFIG, settings=settings, budget=budget)
            sidecars.problems.append(redact(f"{CONFIG}: {reason}"))
            return
    try:
        size = os.path.getsize(path)
        if size > limits.max_config_json_bytes:
            sidecars.problems.append(
                f"{CONFIG}: {size:,} bytes, over the {limits.max_config_json_bytes:,}-byte limit"
            )
            return
        with open(path, "rb") as handle:
            data = json.loads(handle.read())
    except (OSError, ValueError) as exc:
        sidecars.problems.append(f"{CONFIG}: not valid JSON ({type(exc).__name__})")
        return
    if not isinstance(data, dict):
        sidecars.problems.append(f"{CONFIG}: not a JSON object")
        return
    sidecars.config = data
    sidecars.config_path = hub_file_path(ref.repo_id, facts.sha, CONFIG)


def _attach_header_count(
    ref: HubRef, facts: RepoFacts, settings: HubSettings, sidecars: Sidecars, guard: _Guard
) -> None:
    """Parameter count from the safetensors headers (range requests, never the weights). A sidecar: a
    failure is a problem line, not retried (the model-info count, when the Hub has one, needs no header)."""
    files = facts.files
    if files is not None and SINGLE_SAFETENSORS not in files and SAFETENSORS_INDEX not in files:
        return
    api = _api(settings)
    what = "safetensors header"
    budget: Budget | None = None
    try:
        with guard.reading(what, guard.response_cap, "max_hub_response_bytes") as budget:
            if files is not None and SINGLE_SAFETENSORS in files:
                single = api.parse_safetensors_file_metadata(
                    ref.repo_id, SINGLE_SAFETENSORS, revision=facts.sha, timeout=settings.timeout
                )
                by_dtype = dict(single.parameter_count)
            else:
                repo = api.get_safetensors_metadata(ref.repo_id, revision=facts.sha)
                by_dtype = {}
                for file_metadata in repo.files_metadata.values():
                    for dtype, count in file_metadata.parameter_count.items():
                        by_dtype[dtype] = by_dtype.get(dtype, 0) + count
    except Exception as exc:
        from huggingface_hub import errors

        if isinstance(exc, errors.NotASafetensorsRepoError):
            return
        sidecars.problems.append(
            redact(f"{what}: {_reason(exc, what=what, settings=settings, budget=budget)}")
        )
        return
    facts.safetensors_by_dtype = {str(k): int(v) for k, v in by_dtype.items()}
    facts.safetensors_parameters = sum(facts.safetensors_by_dtype.values())
    facts.safetensors_source = "header"


# ---------------------------------------------------------------- model-info snapshots for offline runs


def _snapshot_folder(repo_id: str, settings: HubSettings) -> Path:
    return Path(settings.snapshot_dir) / _repo_folder(repo_id)


def _save_snapshot(facts: RepoFacts, revision: str | None, settings: HubSettings) -> None:
    """Best effort: a read-only cache only costs the offline rerun its repo metadata."""
    folder = _snapshot_folder(facts.repo_id, settings)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _atomic_write(folder / f"{facts.sha}.json", json.dumps(facts.__dict__, sort_keys=True))
        _atomic_write(folder / f"ref-{quote(revision or 'main', safe='')}", facts.sha)
    except OSError:
        pass


def _atomic_write(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def _load_snapshot(repo_id: str, sha: str, settings: HubSettings) -> RepoFacts | None:
    try:
        data = json.loads((_snapshot_folder(repo_id, settings) / f"{sha}.json").read_text(encoding="utf-8"))
        return RepoFacts(**data)
    except (OSError, ValueError, TypeError):
        return None


# ---------------------------------------------------------------- base models, cached per run


class BaseCardCache:
    """Base-model cards fetched during one run: each repo at most once, even with concurrent workers."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[str, LoadedTarget | SourceError] = {}
        self._fetching: dict[str, threading.Event] = {}

    def get(self, repo_id: str, fetch: Callable[[], LoadedTarget]) -> LoadedTarget:
        while True:
            with self._lock:
                if repo_id in self._entries:
                    entry = self._entries[repo_id]
                    if isinstance(entry, SourceError):
                        raise entry
                    return entry
                waiting = self._fetching.get(repo_id)
                if waiting is None:
                    done = self._fetching[repo_id] = threading.Event()
                    break
            waiting.wait()
        try:
            result: LoadedTarget | SourceError = fetch()
        except SourceError as exc:
            result = exc
        with self._lock:
            self._entries[repo_id] = result
            del self._fetching[repo_id]
        done.set()
        if isinstance(result, SourceError):
            raise result
        return result

    def peek(self, repo_id: str) -> LoadedTarget | None:
        """The card if this run already loaded it, without fetching."""
        with self._lock:
            entry = self._entries.get(repo_id)
        return entry if isinstance(entry, LoadedTarget) else None

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


RUN_BASE_CARDS = BaseCardCache()


def fetch_base_card(
    repo_id: str,
    *,
    offline: bool = False,
    limits: Limits = DEFAULT_LIMITS,
    cache: BaseCardCache | None = None,
    run: HubRun | None = None,
) -> LoadedTarget:
    """The card of a base model (its main branch), fetched once per run. Raises SourceError."""
    ref = parse_hub_target(repo_id)
    if ref is None or ref.revision is not None:
        raise SourceError(f"{repo_id}: base_model is not a Hub model id")
    store = cache or RUN_BASE_CARDS
    return store.get(ref.repo_id, lambda: load_hub_target(ref, offline=offline, limits=limits, run=run))


def base_chain(
    loaded: LoadedTarget,
    *,
    offline: bool = False,
    limits: Limits = DEFAULT_LIMITS,
    cache: BaseCardCache | None = None,
    run: HubRun | None = None,
) -> tuple[list[LoadedTarget], list[str]]:
    """The base-model cards above `loaded` (nearest first) up to `limits.max_lineage_depth`, and notes.

    Follows the first `base_model` the Hub lists at each step; stops at a cycle, the depth bound or the
    first base that cannot be read (its error becomes a note, never a failure of the fine-tune).
    """
    chain: list[LoadedTarget] = []
    notes: list[str] = []
    seen = {loaded.repo_id} if loaded.repo_id else set()
    current = loaded
    while True:
        bases = current.sidecars.hub_info.get("base_models") or []
        if not bases:
            return chain, notes
        base = bases[0]
        if base in seen:
            notes.append(f"base_model cycle at {base}; lineage stops there")
            return chain, notes
        if len(chain) >= limits.max_lineage_depth:
            notes.append(f"lineage deeper than {limits.max_lineage_depth}; stopped at {current.repo_id}")
            return chain, notes
        try:
            current = fetch_base_card(base, offline=offline, limits=limits, cache=cache, run=run)
        except SourceError as exc:
            notes.append(str(exc))
            return chain, notes
        seen.add(base)
        chain.append(current)


# ---------------------------------------------------------------- listing repos for a scan


def list_model_ids(
    *,
    author: str | None = None,
    search: str | None = None,
    filters: tuple[str, ...] = (),
    limit: int | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Iterator[str]:
    """Repo ids matching the query, page by page as the Hub's Link headers lead (nothing kept in memory).

    Raises SourceError (one line) when the listing cannot be had; offline there is no listing at all. Each
    step is one Hub read (a page is fetched when the previous one runs out), bounded by `limits`.
    """
    settings = HubSettings.from_environment()
    if settings.offline:
        raise SourceError("listing models needs the Hub; offline, give a file of repo ids instead")
    api = _api(settings)
    query = ListQuery(author=author, search=search, filters=filters, limit=limit)
    guard = _Guard(settings, limits, None)
    budget: Budget | None = None
    try:
        pages = iter(
            api.list_models(
                author=author, search=search, filter=list(filters) or None, limit=limit, expand=["sha"]
            )
        )
        while True:
            # the bound covers only the step, never the caller's work between two ids
            with guard.reading("the model list", guard.response_cap, "max_hub_response_bytes") as budget:
                info = next(pages, None)
            if info is None:
                return
            repo_id = getattr(info, "id", None)
            if isinstance(repo_id, str) and _parse_body(repo_id) is not None:
                yield repo_id
    except SourceError:
        raise
    except Exception as exc:
        ref = HubRef(repo_id="", text=query.display)
        raise _source_error(exc, ref, what="the model list", settings=settings, budget=budget) from None


@dataclass(frozen=True)
class ListQuery:
    author: str | None
    search: str | None
    filters: tuple[str, ...]
    limit: int | None

    @property
    def display(self) -> str:
        parts = [f"author={self.author}"] if self.author else []
        parts += [f"search={self.search}"] if self.search else []
        parts += [f"filter={item}" for item in self.filters]
        return "models?" + "&".join(parts) if parts else "models"
