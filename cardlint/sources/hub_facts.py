"""What the Hub's model-info answer says about a repo, reduced to what the lint uses, and its snapshots.

The client does not cache API answers, so the facts are kept as a small JSON file per commit next to its
cache: an offline rerun then knows what the online run knew.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from cardlint.sources import SourceError
from cardlint.sources.hub_target import (
    _COMMIT,
    HubRef,
    HubSettings,
    _parse_body,
)


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


def _repo_folder(repo_id: str) -> str:
    return "models--" + repo_id.replace("/", "--")


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
