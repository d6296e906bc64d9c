"""Values written to break a parser, through the real CLI (issue 17): huge integers, a lone surrogate, deep
nesting, a BOM, a million tensors. Each ends in an exit code, at most one line naming the file, no traceback
and no file changed."""

from __future__ import annotations

import json
import os
import re
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from hostile_support import Run, assert_one_error_line, digests
from hostile_support import cardlint as run_cli

CARD = (
    "---\nlicense: apache-2.0\npipeline_tag: text-generation\n---\n# Tiny\n\nA test model of 7B parameters.\n"
)
FORMATS = ["concise", "full", "json", "json-lines", "sarif", "github", "markdown", "junit"]


def cardlint(command: str, *args: str, cwd: Path) -> Run:
    """The CLI with `check` and `estimate` pinned to a date: no "judged as in force today" note on stderr."""
    pinned = ("--as-of", "2026-06-01") if command in ("check", "estimate") else ()
    return run_cli(command, *args, *pinned, cwd=cwd)


def _repo(tmp_path: Path, card: str = CARD, **files: bytes | str) -> Path:
    folder = tmp_path / "repo"
    folder.mkdir()
    (folder / "README.md").write_text(card, encoding="utf-8")
    (folder / ".git").mkdir()  # config discovery stops here
    for name, content in files.items():
        path = folder / name.replace("__", ".")
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)
    return folder


def _safetensors(header: bytes, data: bytes = b"") -> bytes:
    return struct.pack("<Q", len(header)) + header + data


@pytest.mark.parametrize("command", ["check", "facts", "estimate"])
def test_config_json_integer_of_4301_digits_is_a_sidecar_problem_naming_the_file(
    tmp_path: Path, command: str
) -> None:
    config = '{"model_type": "llama", "hidden_size": ' + "9" * 4301 + "}"
    folder = _repo(tmp_path, **{"config__json": config})
    before = digests(folder)
    run = cardlint(command, ".", "--isolated", cwd=folder)
    assert run.code in (0, 1)
    assert run.error_lines == []
    if command == "check":
        assert "config.json: holds a number too long to read" in run.stdout
    assert digests(folder) == before


def test_config_json_integer_under_the_digit_limit_but_absurd_counts_nothing(tmp_path: Path) -> None:
    config = {"model_type": "llama", "hidden_size": 10**4000, "num_hidden_layers": 2, "vocab_size": 10}
    folder = _repo(tmp_path, **{"config__json": json.dumps(config)})
    run = cardlint("facts", ".", "--isolated", "--format", "json", cwd=folder)
    assert run.code == 0 and run.error_lines == []
    facts = json.loads(run.stdout)["results"][0]["facts"]
    assert not [fact for fact in facts if fact["origin"] == "config.json"]


def test_safetensors_shape_of_50k_digits_is_a_sidecar_problem_naming_the_file(tmp_path: Path) -> None:
    header = b'{"w": {"dtype": "F32", "shape": [' + b"9" * 50_000 + b'], "data_offsets": [0, 4]}}'
    folder = _repo(tmp_path, **{"model__safetensors": _safetensors(header, b"\0" * 4)})
    run = cardlint("check", ".", "--isolated", cwd=folder)
    assert run.code in (0, 1) and run.error_lines == []
    assert "model.safetensors header holds a number too long to read" in run.stdout


def test_safetensors_shape_whose_product_overflows_a_float_is_refused(tmp_path: Path) -> None:
    shape = ",".join(["9223372036854775807"] * 40).encode()
    header = b'{"w": {"dtype": "F32", "shape": [' + shape + b'], "data_offsets": [0, 4]}}'
    folder = _repo(tmp_path, **{"model__safetensors": _safetensors(header, b"\0" * 4)})
    run = cardlint("estimate", ".", "--isolated", cwd=folder)
    assert run.code == 0 and run.error_lines == []


def test_a_million_tensor_header_is_refused_without_parsing_it(tmp_path: Path) -> None:
    entries = b",".join(
        b'"t%d":{"dtype":"F32","shape":[1],"data_offsets":[%d,%d]}' % (i, 4 * i, 4 * i + 4)
        for i in range(1_000_000)
    )
    folder = _repo(tmp_path, **{"model__safetensors": _safetensors(b"{" + entries + b"}")})
    status = tmp_path / "status"
    # VmHWM is the peak of this process's own memory; rusage would also count the test run it forked from
    wrapper = (
        "import atexit, sys; from cardlint.cli import main; "
        f"atexit.register(lambda: open({str(status)!r}, 'w').write(open('/proc/self/status').read())); "
        "sys.argv = ['cardlint', 'check', '.', '--isolated']; main()"
    )
    completed = subprocess.run(
        [sys.executable, "-c", wrapper], cwd=folder, capture_output=True, timeout=60, env={**os.environ}
    )
    assert b"Traceback" not in completed.stderr and completed.returncode in (0, 1), completed.stderr
    assert b"model.safetensors header holds more JSON values than 100,000 tensors" in completed.stdout
    peak_kb = int(re.search(r"VmHWM:\s+(\d+) kB", status.read_text()).group(1))  # type: ignore[union-attr]
    # the header alone is 60 MB: reading it is unavoidable, parsing it (about 800 MB) is what is refused
    assert peak_kb < 200 * 1024, f"peak RSS {peak_kb // 1024} MB"


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_lone_surrogate_in_the_front_matter_prints_in_every_format(tmp_path: Path, fmt: str) -> None:
    folder = _repo(tmp_path, '---\nlicense: "\\ud800"\nmodel_name: "x\\udfffy"\n---\n# Tiny\n')
    before = digests(folder)
    run = cardlint("check", ".", "--isolated", "--format", fmt, cwd=folder)
    assert run.code == 1, run
    assert run.error_lines == []
    if fmt in ("json", "sarif"):
        json.loads(run.stdout)
    assert digests(folder) == before


@pytest.mark.parametrize("command", [("facts", "--format", "json"), ("estimate",), ("fix", "--diff")])
def test_a_lone_surrogate_passes_the_other_commands(tmp_path: Path, command: tuple[str, ...]) -> None:
    folder = _repo(tmp_path, '---\nlicense: "\\ud800"\n---\n# Tiny\n\nTrained on 2T tokens.\n')
    run = cardlint(*command, ".", cwd=folder)
    assert run.code in (0, 1)
    assert [line for line in run.error_lines if line.startswith("cardlint:")] == []


@pytest.mark.parametrize("command", ["check", "fix"])
def test_select_nested_500_deep_is_one_line_naming_the_config(tmp_path: Path, command: str) -> None:
    folder = _repo(tmp_path, **{"pyproject__toml": "[tool.cardlint]\nselect = " + "[" * 500 + "]" * 500})
    before = digests(folder)
    run = cardlint(command, ".", cwd=folder)
    assert_one_error_line(run, "pyproject.toml", "nested too deeply")
    assert digests(folder) == before


@pytest.mark.parametrize("command", ["check", "fix", "facts"])
def test_a_limit_of_2_to_the_63_is_one_line_naming_the_config(tmp_path: Path, command: str) -> None:
    toml = "[tool.cardlint.limits]\nmax_card_bytes = 9223372036854775807\n"
    folder = _repo(tmp_path, **{"pyproject__toml": toml})
    before = digests(folder)
    run = cardlint(command, ".", cwd=folder)
    line = assert_one_error_line(run, "pyproject.toml:2", "max_card_bytes")
    assert "from 1 to 2,147,483,647" in line
    assert digests(folder) == before


def test_an_integer_of_5000_digits_in_the_config_is_one_line(tmp_path: Path) -> None:
    folder = _repo(tmp_path, **{"pyproject__toml": "[tool.cardlint]\nfail-on = " + "9" * 5000 + "\n"})
    run = cardlint("check", ".", cwd=folder)
    line = assert_one_error_line(run, "pyproject.toml", "invalid TOML")
    assert len(line) < 200


def test_a_bom_at_the_start_of_pyproject_is_read_as_utf8(tmp_path: Path) -> None:
    toml = '\ufeff[tool.cardlint]\nselect = ["CL113"]\n'
    folder = _repo(tmp_path, "---\nlicense: not-a-license\n---\n# Tiny\n", **{"pyproject__toml": toml})
    run = cardlint("check", ".", "--format", "json", cwd=folder)
    assert run.code == 1 and run.error_lines == []
    codes = {f["code"] for result in json.loads(run.stdout)["results"] for f in result["findings"]}
    assert codes == {"CL113"}
