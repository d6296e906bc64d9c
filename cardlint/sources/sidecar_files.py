"""The files next to a card that describe the model: config.json and the safetensors headers.

Everything here is bounded and never raises for a bad sidecar: a model card stays lintable when its
config.json is broken or its weights are Git LFS pointers, and the reason is kept as one line in
`Sidecars.problems`. Only regular files are opened (no FIFOs or devices behind a symlink) and only headers are
read, so a folder with a 400 GB checkpoint costs a few kilobytes of I/O.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from cardlint.core.limits import Limits
from cardlint.sources import Sidecars

CONFIG_NAME = "config.json"


def read_config(path: Path, limits: Limits) -> tuple[dict[str, Any] | None, str | None]:
    """(config, None) or (None, one-line problem). A missing file is neither: (None, None)."""
    if not path.exists():
        return None, None
    try:
        if not path.is_file():
            return None, f"{path.name}: not a regular file, not read"
        with path.open("rb") as handle:
            raw = handle.read(limits.max_config_json_bytes + 1)
    except OSError as exc:
        return None, f"{path.name}: cannot be read ({exc.strerror or exc})"
    return parse_config(raw, path.name, limits)


def parse_config(raw: bytes, name: str, limits: Limits) -> tuple[dict[str, Any] | None, str | None]:
    """The bytes of a config.json as (config, None) or (None, one-line problem naming `name`)."""
    if len(raw) > limits.max_config_json_bytes:
        return None, f"{name}: over the {limits.max_config_json_bytes:,}-byte limit (max_config_json_bytes)"
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        return None, f"{name}: not UTF-8 (byte {exc.start})"
    except json.JSONDecodeError as exc:
        return None, f"{name}: invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
    except RecursionError:
        return None, f"{name}: JSON nested too deeply"
    except ValueError:  # int() refuses a number of over 4,300 digits
        return None, f"{name}: holds a number too long to read (over 4,300 digits)"
    if not isinstance(data, dict):
        return None, f"{name}: not a JSON object"
    return data, None


def _may_hold_sidecars(folder: Path) -> bool:
    """False only when one listing of the folder shows none of the files read here: most card folders hold
    just the card, and a stat per candidate name was a noticeable part of reading a card. Names compare
    case-insensitively, as the names themselves would resolve on a case-insensitive file system."""
    try:
        names = os.listdir(folder)
    except OSError:
        return True  # the careful path reports what is wrong
    for name in names:
        lowered = name.lower()
        if lowered.endswith((".safetensors", ".json")):  # config.json, the index, shards, single files
            return True
    return False


def read_sidecars(folder: Path, limits: Limits) -> Sidecars:
    """config.json and the main safetensors checkpoint of `folder`; problems recorded, never raised."""
    sidecars = Sidecars()
    if not _may_hold_sidecars(folder):
        return sidecars
    # imported only for a folder that may hold a checkpoint (its header patterns cost a cold start)
    from cardlint.sources.safetensors import SafetensorsError, count_checkpoint

    config_path = folder / CONFIG_NAME
    config, problem = read_config(config_path, limits)
    if config is not None:
        sidecars.config = config
        sidecars.config_path = str(config_path)
    if problem:
        sidecars.problems.append(problem)
    try:
        found = count_checkpoint(folder, limits)
    except SafetensorsError as exc:
        sidecars.problems.append(str(exc))
    else:
        if found is not None:
            count, path = found
            sidecars.safetensors_parameters = count.parameters
            sidecars.safetensors_path = str(path)
            sidecars.safetensors_breakdown = dict(count.breakdown)
    return sidecars
