"""The fast paths of a cold start read our own files exactly as the careful ones do.

Built-in data files are read with libyaml and built-in policies skip the run-time schema check; these tests
are what makes that safe: any shipped file that libyaml would read differently, or a built-in policy that the
validating path would refuse or build differently, fails here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from cardlint.core.resources import load_yaml_resource, resource_dir
from cardlint.policy.loading import _builtin_policies, load_policy_file

YAML_FILES = sorted(
    path.relative_to(resource_dir(folder).parent)
    for folder in ("rules", "data")
    for path in resource_dir(folder).rglob("*.yaml")
)


@pytest.mark.parametrize("relative", YAML_FILES, ids=str)
def test_resource_loader_reads_every_shipped_file_as_the_pure_loader_does(relative: Path) -> None:
    folder, *parts = relative.parts
    text = resource_dir(folder).joinpath(*parts).read_text(encoding="utf-8")
    assert load_yaml_resource(folder, *parts) == yaml.load(text, Loader=yaml.SafeLoader)


def test_builtin_policies_equal_the_validated_loads_of_their_files() -> None:
    policies = _builtin_policies()
    assert len(policies) >= 9
    for policy in policies:
        assert load_policy_file(policy.path) == policy


@pytest.mark.parametrize(
    "files",
    [
        {"README.md": "# card"},
        {"README.md": "# card", "config.json": '{"hidden_size": 8}'},
        {"README.md": "# card", "config.json": "{broken"},
        {"README.md": "# card", "model.safetensors": "version https://git-lfs.github.com/spec/v1\n"},
        {"README.md": "# card", "notes.txt": "x", "tokenizer.json": "{}"},
    ],
    ids=["card only", "config", "broken config", "lfs pointer", "other json"],
)
def test_folder_listing_shortcut_reads_what_the_careful_path_reads(
    tmp_path: Path, files: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from cardlint.core.limits import DEFAULT_LIMITS
    from cardlint.sources import sidecar_files

    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    quick = sidecar_files.read_sidecars(tmp_path, DEFAULT_LIMITS)
    monkeypatch.setattr(sidecar_files, "_may_hold_sidecars", lambda folder: True)
    assert quick == sidecar_files.read_sidecars(tmp_path, DEFAULT_LIMITS)
