"""Model cards from the Hugging Face Hub: a repo id in, the README bytes plus what the Hub knows out.

With hub_http.py (which bounds the client's requests) and the other hub_* modules of sources/ the only
modules that import huggingface_hub, and only inside functions, so linting local files never pays for the
client. Target parsing and settings live in hub_target, error lines in hub_errors, model-info facts and
their snapshots in hub_facts, base-model chains in hub_lineage, listings in hub_listing.

Everything goes through huggingface_hub's own cache (downloads are pinned to the resolved commit, so a
warm rerun costs one request and `HF_HUB_OFFLINE=1` needs none). The few facts that only the model-info API
knows (gated, pipeline tag, safetensors count, ...) are kept in a small JSON snapshot per commit next to
that cache, because the client does not cache API answers.

Endpoint, cache folder and timeout are read from the environment at call time (huggingface_hub reads them
once, at import, into `huggingface_hub.constants`) and passed explicitly, so one process can talk to several
endpoints, e.g. in tests. Every read runs inside `hub_http.reading`: a deadline per read and per run, and a
byte cap counted while the answer streams in (limits.max_hub_*).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from cardlint.core.limits import DEFAULT_LIMITS, Limits
from cardlint.sources import LoadedTarget, Sidecars, SourceError
from cardlint.sources.hub_errors import _reason, _source_error, _status, redact
from cardlint.sources.hub_facts import (
    RepoFacts,
    _facts_from_info,
    _load_snapshot,
    _save_snapshot,
    _snapshot_folder,
)
from cardlint.sources.hub_http import Budget, HubRun, reading
from cardlint.sources.hub_target import (
    _COMMIT,
    HubRef,
    HubSettings,
    hub_file_path,
)

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


# ---------------------------------------------------------------- settings read at call time


# ---------------------------------------------------------------- errors: one line, never the token


# ---------------------------------------------------------------- loading one repo


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


# ---------------------------------------------------------------- base models, cached per run


# ---------------------------------------------------------------- listing repos for a scan
