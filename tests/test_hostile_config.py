"""Broken config and policy files through the real CLI: one line naming file (and key and line), exit 2.

A silently ignored typo in a linter's config is a rule silently not applied, so every mistake stops the run;
but it stops it with one clear line, never a traceback.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile_support import assert_one_error_line, cardlint, digest

CARD = "---\nlicense: mit\npipeline_tag: text-generation\n---\n# Model\n\nA small model we wrote for tests.\n"


@pytest.fixture()
def card(tmp_path: Path) -> Path:
    path = tmp_path / "README.md"
    path.write_text(CARD)
    return path


CONFIG_CASES = [
    # (id, config text, substrings the one error line must contain (besides the file name))
    ("toml-syntax", 'select = ["CL1"\nignore = 3\n', [":2:", "invalid TOML"]),
    ("toml-duplicate-key", 'fail-on = "error"\nfail-on = "info"\n', [":2:", "invalid TOML"]),
    ("select-not-a-list", '\nselect = "CL1"\n', [":2:", "select"]),
    ("unknown-key", '\n\nselectt = ["CL1"]\n', [":3:", "selectt"]),
    ("unknown-code-in-select", 'select = [\n  "CL1",\n  "CL999",\n]\n', [":3:", "select", "CL999"]),
    ("unknown-code-in-ignore", 'ignore = ["CL1", "XX7"]\n', [":1:", "ignore", "XX7"]),
    ("unknown-code-in-extend-select", 'extend-select = ["no-such-rule"]\n', [":1:", "no-such-rule"]),
    ("unknown-code-in-per-file-ignores", '[per-file-ignores]\n"*.md" = ["CL998"]\n', [":2:", "CL998"]),
    ("per-file-ignores-not-a-list", '[per-file-ignores]\n"*.md" = "CL1"\n', [":2:", "*.md"]),
    ("unknown-code-in-severity", '[severity]\nCL101 = "info"\nCL997 = "error"\n', [":3:", "CL997"]),
    ("bad-severity-level", '[severity]\nCL101 = "fatal"\n', [":2:", "CL101", "fatal"]),
    ("fail-on-wrong-type", "fail-on = 3\n", [":1:", "fail-on"]),
    ("as-of-not-a-date", 'as-of = "yesterday"\n', [":1:", "as-of"]),
    ("require-front-matter-not-bool", 'require-front-matter = "yes"\n', [":1:", "require-front-matter"]),
    ("utilisation-not-a-table", "utilisation = 0.4\n", [":1:", "utilisation"]),
    (
        "utilisation-out-of-order",
        "[utilisation]\nlow = 0.6\ncentral = 0.4\nhigh = 0.5\n",
        [":1:", "utilisation"],
    ),
    ("limit-not-a-number", '[limits]\nmax_card_bytes = "big"\n', [":2:", "max_card_bytes"]),
    ("limit-negative", 'fail-on = "error"\n[limits]\nmax_card_bytes = -5\n', [":3:", "max_card_bytes"]),
    ("limit-boolean", "[limits]\nmax_yaml_depth = true\n", [":2:", "max_yaml_depth"]),
    ("limit-unknown", "[limits]\nmax_cardd = 5\n", [":2:", "max_cardd"]),
    ("hardware-without-id", '[[hardware]]\nname = "X"\n', [":1:", "hardware", "id"]),
    ("hardware-bad-peak", '[[hardware]]\nid = "X"\nbf16_tflops = "fast"\n', [":1:", "hardware"]),
    ("policies-unknown-id", 'policies = ["nope"]\n', ["nope"]),
]


@pytest.mark.parametrize(
    ("text", "expected"), [c[1:] for c in CONFIG_CASES], ids=[c[0] for c in CONFIG_CASES]
)
def test_broken_cardlint_toml(tmp_path: Path, card: Path, text: str, expected: list[str]) -> None:
    config = tmp_path / "cardlint.toml"
    config.write_text(text)
    before = digest(card), digest(config)
    line = assert_one_error_line(cardlint("check", str(card), cwd=tmp_path), *expected)
    if expected != ["nope"]:  # the policy id is checked where policies are chosen, not in the file
        assert "cardlint.toml" in line
    assert (digest(card), digest(config)) == before


def test_broken_pyproject_section_is_found_and_named(tmp_path: Path, card: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.cardlint]\nfail-on = "error"\n\n'
        '[tool.cardlint.severity]\nCL000 = "info"\n'
    )
    assert_one_error_line(cardlint("check", str(card), cwd=tmp_path), "pyproject.toml:8:", "CL000")


def test_pyproject_whose_tool_is_not_a_table(tmp_path: Path, card: Path) -> None:
    config = tmp_path / "pyproject.toml"
    config.write_text("tool = 5\n")
    assert_one_error_line(
        cardlint("check", "--config", str(config), str(card), cwd=tmp_path), "pyproject.toml"
    )


def test_config_that_is_not_utf8(tmp_path: Path, card: Path) -> None:
    config = tmp_path / "cardlint.toml"
    config.write_bytes(b'fail-on = "error"\n\xff\xfe\n')
    line = assert_one_error_line(cardlint("check", str(card), cwd=tmp_path), "cardlint.toml")
    assert "UTF-8" in line


def test_config_path_that_does_not_exist(tmp_path: Path, card: Path) -> None:
    assert_one_error_line(
        cardlint("check", "--config", "missing.toml", str(card), cwd=tmp_path), "missing.toml"
    )


def test_unknown_selector_on_the_command_line(tmp_path: Path, card: Path) -> None:
    assert_one_error_line(
        cardlint("check", "--isolated", "--select", "CL999", str(card), cwd=tmp_path), "CL999"
    )


POLICY_CASES = [
    ("yaml-syntax", "id: x\n  bad: [\n", [":2:"]),
    ("missing-fields", "id: x\nname: 5\n", [":2:"]),
    ("not-a-mapping", "- a\n- b\n", [":1:"]),
    ("recursive-alias", "a: &a [*a]\n", [":1:"]),
    ("alias-bomb", "a: &a [x, x, x]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]\n", ["alias"]),
    ("deeply-nested", "id: " + "[" * 3000 + "]" * 3000 + "\n", []),
    ("empty", "", []),
]


@pytest.mark.parametrize(
    ("text", "expected"), [c[1:] for c in POLICY_CASES], ids=[c[0] for c in POLICY_CASES]
)
def test_broken_policy_file(tmp_path: Path, card: Path, text: str, expected: list[str]) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text(text)
    before = digest(policy)
    run = cardlint("check", "--isolated", "--policy-file", str(policy), str(card), cwd=tmp_path)
    assert_one_error_line(run, "policy.yaml", *expected)
    assert digest(policy) == before


def test_policy_file_that_is_binary_or_a_folder(tmp_path: Path, card: Path) -> None:
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"\xff\xfe\x00\x01")
    assert_one_error_line(
        cardlint("check", "--isolated", "--policy-file", str(binary), str(card), cwd=tmp_path), "binary.yaml"
    )
    (tmp_path / "folder.yaml").mkdir()
    assert_one_error_line(
        cardlint("check", "--isolated", "--policy-file", "folder.yaml", str(card), cwd=tmp_path),
        "folder.yaml",
    )


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda text: text + "bogus_key: 1\n", ["bogus_key"]),
        (lambda text: text.replace("value: 1.0e+23", 'value: "lots"', 1), ["value", "lots"]),
        (lambda text: text.replace("\njurisdiction: ", "\njurisdiction: 12 #", 1), ["jurisdiction"]),
    ],
    ids=["unknown-key", "threshold-not-a-number", "jurisdiction-not-text"],
)
def test_policy_file_with_unknown_keys_and_wrong_types(
    tmp_path: Path, card: Path, edit: object, expected: list[str]
) -> None:
    """A copy of a built-in profile with one mistake: the line of the mistake is named."""
    builtin = Path(__file__).resolve().parent.parent / "rules" / "policies" / "eu-ai-act.yaml"
    text = builtin.read_text(encoding="utf-8").replace("id: eu-ai-act", "id: my-profile", 1)
    changed = edit(text)  # type: ignore[operator]
    assert changed != text
    policy = tmp_path / "mine.yaml"
    policy.write_text(changed)
    run = cardlint("check", "--isolated", "--policy-file", str(policy), str(card), cwd=tmp_path)
    line = assert_one_error_line(run, "mine.yaml:", *expected)
    assert line.split("mine.yaml:")[1].split(":")[0].isdigit()
