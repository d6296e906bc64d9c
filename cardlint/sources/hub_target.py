"""Which Hub repo a target names, and where the Hub and its cache are: checked before any request.

A target is validated as text (two plain name parts, a revision of branch/tag/commit characters) so a typo
or a hostile id never reaches the network. The settings are read from the environment at call time,
because huggingface_hub reads them once, at import.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from cardlint.core.regex_store import compile_pattern
from cardlint.sources import SourceError

HF_SCHEME = "hf://"


DEFAULT_ENDPOINT = "https://huggingface.co"


_NAME_PART = compile_pattern(r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,94}[A-Za-z0-9])?")


_REVISION = compile_pattern(r"[A-Za-z0-9_][A-Za-z0-9._/+-]{0,254}")


_COMMIT = compile_pattern(r"[0-9a-f]{40}")


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
