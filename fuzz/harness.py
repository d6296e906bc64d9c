"""What every fuzzer drives: bytes in, the whole `check` pipeline and two renderers out (`check_bytes`), and
`every_reader`, which also hands the same bytes to the fixer and to the readers of everything else a user or
a Hub can hand cardlint: config.json, a safetensors header, a cardlint.toml.

Kept free of atheris so hypothesis and the regression tests can call the same entry points. Anything they
raise is a bug: cardlint promises findings or a one-line error for every possible input, never an exception.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from cardlint.config.catalogue import load_catalogue
from cardlint.config.settings import Settings
from cardlint.pipeline.analysis import Environment, analyse
from cardlint.policy.loading import select_policies
from cardlint.report.json import render as render_json
from cardlint.report.text import render_findings
from cardlint.sources import LoadedTarget

# A date on which every built-in instrument, revoked ones included, is judged; `all` names each of them.
AS_OF = dt.date(2025, 9, 1)


@lru_cache(maxsize=1)
def environment() -> Environment:
    """Every rule and every built-in policy, built once per process."""
    settings = replace(Settings(), select=("ALL",), as_of=AS_OF)
    return Environment(settings=settings, policies=select_policies(["all"], [], AS_OF))


def check_bytes(data: bytes, path: str = "fuzz/README.md") -> None:
    """Run check on `data` exactly as the CLI does for a file, then render it as text and JSON."""
    report = analyse(LoadedTarget(target=path, path=path, raw=data), environment())
    render_findings([report], full=True, quiet=False, color=False)
    render_json([report], load_catalogue(), command="check")


def fix_bytes(data: bytes, path: str = "fuzz/README.md") -> None:
    """The fixer on `data` as `cardlint fix` runs it, all fixes allowed; a refusal is an answer, not a bug."""
    from cardlint.card.document import CardReadError, decode
    from cardlint.fix.apply import analysis_with, fix_text
    from cardlint.fix.edits import EditRefused

    try:
        text, _problem = decode(data)
    except CardReadError:
        return
    try:
        fix_text(text, path, unsafe=True, analyse=analysis_with(environment().settings))
    except EditRefused:
        return


def sidecar_bytes(data: bytes) -> None:
    """`data` as a config.json and as a safetensors header, through the readers and the facts they feed."""
    from cardlint.core.limits import DEFAULT_LIMITS
    from cardlint.extract.sidecars import sidecar_facts
    from cardlint.sources import Sidecars
    from cardlint.sources.safetensors import SafetensorsError, count_header, parse_header_bytes
    from cardlint.sources.sidecar_files import parse_config

    config, _problem = parse_config(data, "config.json", DEFAULT_LIMITS)
    sidecars = Sidecars(config=config)
    try:
        count = count_header(parse_header_bytes(data), data_size=None)
        sidecars.safetensors_parameters = count.parameters
        sidecars.safetensors_breakdown = dict(count.breakdown)
    except SafetensorsError:
        pass
    sidecar_facts(sidecars, "fuzz/README.md")


_TOML = Path(tempfile.gettempdir()) / f"cardlint-fuzz-{os.getpid()}" / "cardlint.toml"


def config_bytes(data: bytes) -> None:
    """`data` as a cardlint.toml: loaded and applied as the CLI does (it reads the file, for line numbers)."""
    from cardlint.config.settings import ConfigError, Settings, apply_config, load_config

    _TOML.parent.mkdir(exist_ok=True)
    _TOML.write_bytes(data)
    try:
        apply_config(Settings(), load_config(_TOML), str(_TOML))
    except ConfigError:
        return


def every_reader(data: bytes) -> None:
    """All of the above on the same bytes: each reader sees every mutation the others found interesting."""
    check_bytes(data)
    fix_bytes(data)
    sidecar_bytes(data)
    config_bytes(data)
