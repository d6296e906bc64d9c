"""Find the project's data folders (schemas/, rules/, data/) from a wheel or from a source checkout.

The wheel maps the top-level folders into `cardlint/_data/` at build time; a checkout has them next to the
package. One helper hides the difference so nothing else ever builds such a path.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import yaml

from cardlint.core.data_cache import cached_parse

_PACKAGE_DIR = Path(__file__).resolve().parent.parent  # cardlint/, above this core/ folder


@functools.cache
def resource_dir(name: str) -> Path:
    """Return the folder `name` (schemas, rules or data), installed or in a checkout."""
    for candidate in (_PACKAGE_DIR / "_data" / name, _PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"cardlint is installed without its {name}/ folder")


def resource_path(name: str, *parts: str) -> Path:
    return resource_dir(name).joinpath(*parts)


@functools.cache
def load_json_resource(name: str, *parts: str) -> Any:
    with resource_path(name, *parts).open(encoding="utf-8") as handle:
        return json.load(handle)


# Our own data files are read with libyaml when PyYAML has it (20x faster: most of a cold start otherwise);
# a test checks that it reads every shipped file exactly as the pure-Python loader does. Cards never go here.
_FAST_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@functools.cache
def load_yaml_resource(name: str, *parts: str) -> Any:
    """A data file's YAML, through the JSON copies of core/data_cache (a third of a cold start otherwise)."""
    return cached_parse(resource_path(name, *parts).read_bytes(), _parse_yaml)


def _parse_yaml(raw: bytes) -> Any:
    return yaml.load(raw.decode("utf-8"), Loader=_FAST_LOADER)  # a safe loader


def schema(name: str) -> Any:
    """A JSON Schema from schemas/, e.g. schema('card-metadata')."""
    return load_json_resource("schemas", f"{name}.schema.json")
