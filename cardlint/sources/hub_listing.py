"""The repo ids a Hub listing (author, search, tags) yields, streamed page by page for `cardlint scan`."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from cardlint.core.limits import DEFAULT_LIMITS, Limits
from cardlint.sources import SourceError
from cardlint.sources.hub import _api, _Guard
from cardlint.sources.hub_errors import _source_error
from cardlint.sources.hub_http import Budget
from cardlint.sources.hub_target import (
    HubRef,
    HubSettings,
    _parse_body,
)


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
