"""Base-model cards above a fine-tune: each fetched at most once per run, followed up a bounded chain."""

from __future__ import annotations

import threading
from collections.abc import Callable

from cardlint.core.limits import DEFAULT_LIMITS, Limits
from cardlint.sources import LoadedTarget, SourceError
from cardlint.sources.hub import load_hub_target
from cardlint.sources.hub_http import HubRun
from cardlint.sources.hub_target import (
    parse_hub_target,
)


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
