"""The composite GitHub Action: action.yml against GitHub's schema, its scripts run locally, injection-proof.

The step scripts run here exactly as the runner would run them (bash, with GITHUB_OUTPUT, GITHUB_STEP_SUMMARY,
GITHUB_ACTIONS and RUNNER_TEMP pointed at temp files), except the install step: the test uses the cardlint
already installed in this environment instead of pip-installing the checkout.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from cardlint.app import action_entry

REPO = Path(__file__).resolve().parent.parent
ACTION = REPO / "action.yml"
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


@pytest.fixture(scope="module")
def action() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    return document


# ---------------------------------------------------------------- the file itself


@pytest.mark.slow
def test_action_yml_matches_github_schema() -> None:
    tool = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent)) or shutil.which(
        "check-jsonschema"
    )
    assert tool, "check-jsonschema is part of the test extra"
    result = subprocess.run(
        [tool, "--builtin-schema", "vendor.github-actions", str(ACTION)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_inputs_never_reach_a_script_by_interpolation(action: dict[str, Any]) -> None:
    for step in action["runs"]["steps"]:
        assert "${{" not in step.get("run", ""), f"step {step.get('id')} interpolates an expression into run:"


def test_every_input_is_passed_through_env(action: dict[str, Any]) -> None:
    used = {
        match.group(1)
        for step in action["runs"]["steps"]
        for value in (step.get("env") or {}).values()
        for match in EXPRESSION.finditer(str(value))
    }
    assert {f"inputs.{name}" for name in action["inputs"]} <= used


def test_outputs_come_from_the_run_step(action: dict[str, Any]) -> None:
    expected = {"errors", "warnings", "highest-threshold-status"}
    assert expected <= set(action["outputs"])
    for name, output in action["outputs"].items():
        assert output["value"] == f"${{{{ steps.cardlint.outputs.{name} }}}}"


# ---------------------------------------------------------------- action_entry without cardlint


class FakeRunner:
    """Records the command lines and writes a canned SARIF file where the SARIF run was told to."""

    def __init__(self, sarif: dict[str, Any], github_exit: int = 1) -> None:
        self.calls: list[tuple[list[str], dict[str, str]]] = []
        self.sarif = sarif
        self.github_exit = github_exit

    def __call__(self, argv: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        self.calls.append((argv, kwargs["env"]))
        if "sarif" in argv:
            Path(argv[argv.index("--output-file") + 1]).write_text(json.dumps(self.sarif), encoding="utf-8")
            return subprocess.CompletedProcess(argv, 1, "", "")
        return subprocess.CompletedProcess(argv, self.github_exit)


SARIF = {
    "runs": [
        {
            "results": [{"level": "error"}, {"level": "warning"}, {"level": "warning"}, {"level": "note"}],
            "properties": {"highestThresholdStatus": "straddles"},
        }
    ]
}


def test_entry_arguments_and_outputs(tmp_path: Path) -> None:
    output = tmp_path / "output"
    environ = {
        "INPUT_PATHS": "models/a\n'models/with space' --help",
        "INPUT_POLICIES": "eu-ai-act-gpai, ca-sb53",
        "INPUT_AS_OF": "2025-08-02",
        "INPUT_FAIL_ON": "warning",
        "INPUT_SARIF_FILE": str(tmp_path / "out" / "cardlint.sarif"),
        "GITHUB_OUTPUT": str(output),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary"),
    }
    runner = FakeRunner(SARIF, github_exit=1)
    assert action_entry.run_action(environ, python="py", runner=runner, out=io.StringIO()) == 1
    (sarif_argv, sarif_env), (github_argv, github_env) = runner.calls
    assert sarif_argv[:6] == ["py", "-m", "cardlint", "check", "--format", "sarif"]
    assert github_argv[:6] == ["py", "-m", "cardlint", "check", "--format", "github"]
    shared = github_argv[6:]
    assert shared == [
        "--recursive",
        "--require-front-matter",
        "--policy", "eu-ai-act-gpai", "--policy", "ca-sb53",
        "--as-of", "2025-08-02",
        "--fail-on", "warning",
        "--", "models/a", "models/with space", "--help",
    ]  # fmt: skip
    assert "GITHUB_STEP_SUMMARY" not in sarif_env and github_env["GITHUB_STEP_SUMMARY"]
    outputs = dict(line.split("=", 1) for line in output.read_text(encoding="utf-8").splitlines())
    assert outputs == {
        "exit-code": "1",
        "errors": "1",
        "warnings": "2",
        "notes": "1",
        "highest-threshold-status": "straddles",
        "sarif-file": environ["INPUT_SARIF_FILE"],
    }
    assert Path(environ["INPUT_SARIF_FILE"]).exists()


def test_entry_fail_on_never_and_temporary_sarif(tmp_path: Path) -> None:
    environ = {"INPUT_FAIL_ON": "never", "RUNNER_TEMP": str(tmp_path), "GITHUB_OUTPUT": str(tmp_path / "o")}
    runner = FakeRunner({"runs": [{"results": []}]}, github_exit=0)
    assert action_entry.run_action(environ, python="py", runner=runner, out=io.StringIO()) == 0
    argv = runner.calls[1][0]
    assert "--exit-zero" in argv and "--fail-on" not in argv and argv[-2:] == ["--", "."]
    assert list(tmp_path.glob("*.sarif")) == []  # the temporary SARIF file is cleaned up
    assert "highest-threshold-status=none" in (tmp_path / "o").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "environ",
    [{"INPUT_FAIL_ON": "sometimes"}, {"INPUT_PATHS": "'unclosed"}, {"INPUT_REQUIRE_FRONT_MATTER": "maybe"}],
)
def test_entry_rejects_bad_inputs(environ: dict[str, str]) -> None:
    out = io.StringIO()
    runner = FakeRunner(SARIF)
    assert action_entry.run_action(environ, runner=runner, out=out) == 2
    assert out.getvalue().startswith("::error ") and runner.calls == []


def test_entry_without_sarif_output_is_an_error(tmp_path: Path) -> None:
    def broken(argv: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        return subprocess.CompletedProcess(argv, 2, "", "boom")

    out = io.StringIO()
    environ = {"RUNNER_TEMP": str(tmp_path), "GITHUB_OUTPUT": str(tmp_path / "o")}
    assert action_entry.run_action(environ, runner=broken, out=out) == 2
    assert "boom" in out.getvalue()
    assert (tmp_path / "o").read_text(encoding="utf-8") == "exit-code=2\n"


# ---------------------------------------------------------------- the step scripts, end to end

GOOD_CARD = """\
---
license: apache-2.0
language:
- en
library_name: transformers
pipeline_tag: text-generation
---
# Tidy 1B

A small language model with 1.1B parameters, trained on 3T tokens.
"""

BAD_CARD = """\
---
license: [apache-2.0
language: en
---
# Broken card
"""


def _workspace(tmp_path: Path) -> Path:
    workspace = tmp_path / "workspace"
    for name, text in (("good", GOOD_CARD), ("bad", BAD_CARD)):
        card = workspace / "models" / name / "README.md"
        card.parent.mkdir(parents=True)
        card.write_text(text, encoding="utf-8")
    return workspace


def _evaluate(
    expression: str, inputs: dict[str, str], action: dict[str, Any], outputs: dict[str, str], temp: Path
) -> str:
    if expression.startswith("inputs."):
        name = expression.removeprefix("inputs.")
        return inputs.get(name, str(action["inputs"][name].get("default", "")))
    if expression == "steps.install.outputs.python":
        return outputs.get("python", sys.executable)
    if expression == "runner.temp":
        return str(temp)
    raise AssertionError(f"the test does not know how to evaluate ${{{{ {expression} }}}}")


def _outputs(path: Path) -> dict[str, str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line)


def run_steps(
    action: dict[str, Any], workspace: Path, tmp_path: Path, inputs: dict[str, str], *, install: bool = False
) -> tuple[subprocess.CompletedProcess[str], dict[str, str], str]:
    """Run the action's shell steps (the install one only with `install`: it pip-installs the checkout);
    `uses:` steps are GitHub's own actions (the pip cache) and are not run here. Returns the last step's
    process, the outputs and the summary."""
    output, summary = tmp_path / "github_output", tmp_path / "step_summary"
    output.write_text("", encoding="utf-8")
    summary.write_text("", encoding="utf-8")
    result: subprocess.CompletedProcess[str] | None = None
    for step in action["runs"]["steps"]:
        if "uses" in step or (step.get("id") == "install" and not install):
            continue
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(tmp_path),
            "GITHUB_ACTIONS": "true",
            "GITHUB_OUTPUT": str(output),
            "GITHUB_STEP_SUMMARY": str(summary),
            "GITHUB_ACTION_PATH": str(REPO),
            "GITHUB_WORKSPACE": str(workspace),
            "RUNNER_TEMP": str(tmp_path),
            "NO_COLOR": "1",
        }
        so_far = _outputs(output)
        for key, value in (step.get("env") or {}).items():
            env[key] = EXPRESSION.sub(
                lambda m, known=so_far: _evaluate(m.group(1), inputs, action, known, tmp_path), str(value)
            )
        result = subprocess.run(
            ["bash", "-e", "-c", step["run"]],
            cwd=workspace,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert step.get("id") != "install" or result.returncode == 0, result.stdout + result.stderr
    assert result is not None
    return result, _outputs(output), summary.read_text(encoding="utf-8")


def _expected_counts(workspace: Path, extra: list[str]) -> dict[str, int]:
    """What `cardlint check --format json-lines` reports for the same targets: the ground truth."""
    lines = subprocess.run(
        [
            sys.executable,
            "-m",
            "cardlint",
            "check",
            "--format",
            "json-lines",
            "--recursive",
            *extra,
            "--",
            ".",
        ],
        cwd=workspace,
        capture_output=True,
        text=True,
        env={**os.environ, "GITHUB_ACTIONS": "", "GITHUB_STEP_SUMMARY": ""},
    ).stdout.splitlines()
    counts = {"error": 0, "warning": 0, "info": 0}
    for line in lines:
        record = json.loads(line)
        if record["kind"] == "finding":
            counts[record["severity"]] += 1
    return counts


@pytest.mark.slow
def test_run_step_annotates_summarises_and_sets_outputs(action: dict[str, Any], tmp_path: Path) -> None:
    workspace = _workspace(tmp_path)
    inputs = {"fail-on": "warning", "sarif-file": "reports/cardlint.sarif"}
    result, outputs, summary = run_steps(action, workspace, tmp_path, inputs)
    expected = _expected_counts(workspace, ["--fail-on", "warning"])
    assert sum(expected.values()) > 0, "the bad card must produce findings for this test to mean anything"

    assert outputs["errors"] == str(expected["error"])
    assert outputs["warnings"] == str(expected["warning"])
    assert outputs["notes"] == str(expected["info"])
    assert outputs["highest-threshold-status"] in {"none", "below", "unknown", "straddles", "above"}
    failing = expected["error"] + expected["warning"] > 0
    assert result.returncode == (1 if failing else 0), result.stderr
    assert outputs["exit-code"] == str(result.returncode)

    annotations = re.findall(r"^::(error|warning|notice) file=([^,]*)", result.stdout, flags=re.MULTILINE)
    assert annotations, result.stdout
    assert {path for _, path in annotations} <= {"models/bad/README.md", "models/good/README.md"}
    assert sum(1 for level, _ in annotations if level == "error") == min(expected["error"], 10)
    assert sum(1 for level, _ in annotations if level == "warning") == min(expected["warning"], 10)

    assert summary.count("## cardlint:") == 1  # only the github run writes the summary
    assert "models/bad/README.md" in summary and "models/good/README.md" in summary

    sarif = json.loads((workspace / "reports" / "cardlint.sarif").read_text(encoding="utf-8"))
    assert len(sarif["runs"][0]["results"]) == sum(expected.values())
    assert outputs["sarif-file"] == "reports/cardlint.sarif"


@pytest.mark.slow
def test_run_step_fail_on_never_passes(action: dict[str, Any], tmp_path: Path) -> None:
    workspace = _workspace(tmp_path)
    result, outputs, _ = run_steps(action, workspace, tmp_path, {"fail-on": "never"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert outputs["exit-code"] == "0" and int(outputs["errors"]) + int(outputs["warnings"]) > 0


@pytest.mark.slow
def test_hostile_inputs_stay_data(action: dict[str, Any], tmp_path: Path) -> None:
    workspace = _workspace(tmp_path)
    hostile = {
        "paths": "$(touch pwned-paths) `touch pwned-tick`; touch pwned-semicolon",
        "config": '"; touch pwned-config #',
        "as-of": "$(touch pwned-date)",
    }
    result, outputs, _ = run_steps(action, workspace, tmp_path, hostile)
    assert list(workspace.rglob("pwned*")) == [] and list(tmp_path.glob("pwned*")) == []
    assert result.returncode == 2
    assert outputs["exit-code"] == "2"


def test_entry_passes_select_ignore_and_args_before_the_paths() -> None:
    environ = {
        "INPUT_SELECT": "CL1, CL3\nCL4",
        "INPUT_IGNORE": "CL109",
        "INPUT_ARGS": "--extend-select CL9 --policy-file 'my policies/x.yaml'",
        "INPUT_PATHS": "models",
    }
    runner = FakeRunner({"runs": [{"results": []}]}, github_exit=0)
    action_entry.run_action(environ, python="py", runner=runner, out=io.StringIO())
    argv = runner.calls[1][0]
    tail = argv[argv.index("--select") :]
    assert tail == [
        "--select", "CL1,CL3,CL4", "--ignore", "CL109",
        "--extend-select", "CL9", "--policy-file", "my policies/x.yaml", "--", "models",
    ]  # fmt: skip


@pytest.mark.parametrize("args", ["--format json", "-o x.sarif", "--output-file=x", "--fix", "-- other"])
def test_entry_args_cannot_take_over_the_actions_own_options(args: str) -> None:
    out = io.StringIO()
    runner = FakeRunner(SARIF)
    assert action_entry.run_action({"INPUT_ARGS": args}, runner=runner, out=out) == 2
    assert out.getvalue().startswith("::error ") and runner.calls == []


def test_install_uses_the_cached_pip_folder(action: dict[str, Any]) -> None:
    steps = {step["id"]: step for step in action["runs"]["steps"]}
    cache, install = steps["pip-cache"], steps["install"]
    assert cache["uses"].startswith("actions/cache@")
    assert cache["with"]["path"] == install["env"]["PIP_CACHE_DIR"]
    assert "runner.os" in cache["with"]["key"] and "inputs.version" in cache["with"]["key"]
    assert list(steps).index("pip-cache") < list(steps).index("install")


@pytest.mark.slow
def test_run_step_select_ignore_and_args(action: dict[str, Any], tmp_path: Path) -> None:
    workspace = _workspace(tmp_path)
    inputs = {"select": "CL1", "ignore": "CL108", "args": "--fail-on error", "fail-on": ""}
    result, outputs, _ = run_steps(action, workspace, tmp_path, inputs)
    expected = _expected_counts(workspace, ["--select", "CL1", "--ignore", "CL108", "--fail-on", "error"])
    assert outputs["errors"] == str(expected["error"]) and outputs["warnings"] == str(expected["warning"])
    assert outputs["notes"] == str(expected["info"]) == "0"  # CL2 (info) is not selected
    assert result.returncode == (1 if expected["error"] else 0), result.stdout + result.stderr


@pytest.mark.long
def test_every_step_including_the_install(action: dict[str, Any], tmp_path: Path) -> None:
    """The whole action as a runner runs it, install included: pip builds the checkout into a fresh venv
    and the lint steps run from there. (Whether pip fills the cached folder depends on downloads: on a
    runner it does, from PyPI; where wheels come from a local folder there is nothing to keep, so the
    cache's wiring is checked by test_install_uses_the_cached_pip_folder instead.)"""
    workspace = _workspace(tmp_path)
    result, outputs, summary = run_steps(action, workspace, tmp_path, {"fail-on": "never"}, install=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert outputs["python"] != sys.executable and Path(outputs["python"]).exists()
    assert "## cardlint:" in summary and int(outputs["errors"]) > 0
