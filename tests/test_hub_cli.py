"""check / facts / estimate on Hub targets, end to end through the CLI, against the loopback stand-in."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hubserver import Fault, HubStandIn, card, safetensors_header

from cardlint.cli import cli

CARD = card(
    "license: apache-2.0\npipeline_tag: text-generation",
    "# Tiny-7B\n\nTiny-7B has 7B parameters and was trained on 2T tokens.\n",
)
WEIGHTS = safetensors_header({"w": ("BF16", [7_000_000_000])})


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return CliRunner()


def _add(hub: HubStandIn) -> str:
    return hub.add_repo("acme/tiny-7b", {"README.md": CARD, "model.safetensors": WEIGHTS}).refs["main"]


def test_estimate_json_records_the_resolved_commit(hub: HubStandIn, runner: CliRunner) -> None:
    sha = _add(hub)
    result = runner.invoke(cli, ["estimate", "acme/tiny-7b", "--format", "json", "--isolated"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)["results"][0]
    assert report["revision"] == sha
    assert report["path"] == f"hf://acme/tiny-7b@{sha}/README.md"  # never a local-looking path
    assert report["estimate"]["training_flop"]["central"] == pytest.approx(6 * 7e9 * 2e12, rel=0.01)


def test_one_bad_target_does_not_stop_the_others(hub: HubStandIn, runner: CliRunner) -> None:
    sha = _add(hub)
    result = runner.invoke(
        cli, ["facts", "acme/missing", "hf://acme/tiny-7b", "hf://datasets/x/y", "--isolated"]
    )
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("cardlint: ")]
    assert len(errors) == 2
    assert "acme/missing: repository not found" in errors[0]
    assert "not a Hub model id" in errors[1]
    assert f"hf://acme/tiny-7b@{sha}/README.md" in result.stdout


def test_a_local_path_wins_over_a_repo_id(hub: HubStandIn, runner: CliRunner, tmp_path: Path) -> None:
    _add(hub)
    folder = tmp_path / "acme" / "tiny-7b"
    folder.mkdir(parents=True)
    (folder / "README.md").write_text(card("license: mit"))
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = runner.invoke(cli, ["facts", "acme/tiny-7b", "--isolated", "--format", "json"])
    finally:
        os.chdir(old)
    assert result.exit_code == 0, result.output
    assert hub.requests == []


def test_offline_subprocess_rerun_uses_only_the_cache(hub: HubStandIn, tmp_path: Path) -> None:
    _add(hub)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)}
    command = [sys.executable, "-m", "cardlint", "estimate", "acme/tiny-7b", "--isolated", "--format", "json"]
    first = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    hub.clear_requests()
    second = subprocess.run([*command, "--offline"], env=env, capture_output=True, text=True, timeout=120)
    assert second.returncode == 0, second.stderr
    assert hub.requests == []
    assert json.loads(second.stdout)["results"] == json.loads(first.stdout)["results"]
    empty = {**env, "HF_HOME": str(tmp_path / "empty"), "HF_HUB_CACHE": str(tmp_path / "empty" / "hub")}
    third = subprocess.run([*command, "--offline"], env=empty, capture_output=True, text=True, timeout=120)
    assert third.returncode == 2
    assert third.stderr.strip() == (
        "cardlint: acme/tiny-7b: offline and this repository is not in the cache (run once online first)"
    )


def test_gated_card_error_names_the_fix_and_exits_2(hub: HubStandIn, runner: CliRunner) -> None:
    _add(hub)
    hub.add_fault(Fault(path="README.md", status=401, headers={"X-Error-Code": "GatedRepo"}, times=None))
    result = runner.invoke(cli, ["check", "acme/tiny-7b", "--isolated"])
    assert result.exit_code == 2
    assert "HF_TOKEN" in result.stderr and "Traceback" not in result.output


def test_lineage_uses_the_base_models_own_card_from_the_hub(hub: HubStandIn, runner: CliRunner) -> None:
    """A base the reference table does not know is estimated from its own Hub card (6·N·D here)."""
    hub.add_repo(
        "acme/base-3b",
        {"README.md": card("license: mit", "# base-3b\n\nIt has 3B parameters, trained on 1T tokens.\n")},
    )
    fine_tune = card(
        "license: mit\nbase_model: acme/base-3b\npipeline_tag: text-generation",
        "# chat-3b\n\nFine-tuned from acme/base-3b.\n",
    )
    hub.add_repo("acme/chat-3b", {"README.md": fine_tune})
    result = runner.invoke(cli, ["estimate", "acme/chat-3b", "--format", "json", "--isolated"])
    assert result.exit_code == 0, result.output
    lineage = json.loads(result.stdout)["results"][0]["estimate"]["lineage"]
    assert lineage["base_model"] == "acme/base-3b"
    assert lineage["base_flop"] == pytest.approx(6 * 3e9 * 1e12, rel=0.01)
    assert lineage["base_source"] == "the base model's own card on the Hub"
