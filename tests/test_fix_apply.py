"""Whole-card fixes: byte preservation, idempotence, and the file handling (atomic, permissions, races)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
import yaml
from fix_support import CARDS, analysis, front_matters, no_analysis, sources
from hypothesis import given
from hypothesis import strategies as st

from cardlint.card.document import parse_card
from cardlint.fix import apply as apply_module
from cardlint.fix.apply import apply_fixes, fix_text, write_atomically

DEMO = analysis(
    ("parameters", 7.2e9, "7.2 billion parameters"),
    ("training_tokens", 2.0e12, "2.0 trillion tokens"),
    ("hardware_type", "A100-80GB", "512 A100-80GB"),
    ("hardware_count", 512, "512 A100-80GB"),
)


def card_text(name: str) -> str:
    return (CARDS / name).read_bytes().decode("utf-8")


def removed_lines(old: str, new: str) -> list[str]:
    """Lines of `old` missing from `new` (as a multiset, in order): an edit that only inserts has none."""
    remaining = new.split("\n")
    missing = []
    position = 0
    for line in old.split("\n"):
        try:
            position = remaining.index(line, position) + 1
        except ValueError:
            missing.append(line)
    return missing


def test_crlf_card_gets_a_block_and_keeps_every_other_byte() -> None:
    old = card_text("crlf.md")
    result = fix_text(old, "crlf.md", unsafe=False, analyse=DEMO)
    new = result.text
    assert [fix.rule for fix in result.fixes] == ["compute-disclosure"]
    closing = old.index("---\r\n# Demo")
    assert new.startswith(old[:closing]) and new.endswith(old[closing:])  # a pure insertion
    inserted = new[closing : len(new) - (len(old) - closing)]
    assert inserted.count("\n") == inserted.count("\r\n")  # CRLF like its neighbours
    assert parse_card(new).body == parse_card(old).body
    block = parse_card(new).metadata["training_compute"]
    # The estimate is a declaration whose scope only the author can state: held back without --unsafe-fixes.
    assert "training_flop" not in block and [fix.safety for fix in result.held_back] == ["unsafe"]
    unsafe = parse_card(fix_text(old, "crlf.md", unsafe=True, analyse=DEMO).text).metadata["training_compute"]
    assert unsafe["training_flop"] == 8.6e22  # 6 * 7.2e9 * 2.0e12 = 8.64e22
    assert unsafe["scope"] == "unknown"
    body_line = next(n for n, line in enumerate(new.split("\n"), 1) if line.startswith("Demo LM 7B has"))
    assert sources(block)["parameters"].startswith(f"line {body_line} ")


def test_training_flop_that_would_read_back_narrower_is_an_unsafe_fix() -> None:
    narrowing = analysis(
        ("parameters", 7.2e9, "7.2 billion parameters"),
        ("training_tokens", 2.0e12, "2.0 trillion tokens"),
        reported_margin=0.3,
    )
    result = fix_text(card_text("crlf.md"), "crlf.md", unsafe=False, analyse=narrowing)
    block = parse_card(result.text).metadata["training_compute"]
    assert block["parameters"] == 7200000000 and block["training_tokens"] == 2000000000000
    assert not {"training_flop", "training_flop_low", "training_flop_high", "method", "scope"} & set(block)
    assert [(fix.rule, fix.safety) for fix in result.held_back] == [("compute-disclosure", "unsafe")]
    assert [fix.safety for fix in result.fixes] == ["safe"]
    unsafe = fix_text(card_text("crlf.md"), "crlf.md", unsafe=True, analyse=narrowing)
    block = parse_card(unsafe.text).metadata["training_compute"]
    assert block["training_flop"] == 8.6e22 and block["scope"] == "unknown"
    assert [fix.safety for fix in unsafe.fixes] == ["unsafe"]


def test_misspelt_keys_and_yaml_booleans_change_only_their_tokens() -> None:
    old = card_text("misspelt.md")
    result = fix_text(old, "misspelt.md", unsafe=False, analyse=no_analysis)
    expected = (
        old.replace("licence:", "license:")
        .replace("base-model:", "base_model:")
        .replace("pipeline-tag:", "pipeline_tag:")
        .replace("- no\n", '- "no"\n')
        .replace("finance, on]", 'finance, "on"]')
    )
    assert result.text == expected
    data = parse_card(result.text).metadata
    assert data["language"] == ["en", "no", "sv"] and data["tags"] == ["finance", "on"]
    assert data["license"] == "mit" and data["base_model"] == "org/base-7b"
    assert sorted(fix.rule for fix in result.fixes) == ["misspelt-key"] * 3 + ["yaml11-boolean"] * 2


def test_a_rename_that_would_expose_an_invalid_value_is_unsafe() -> None:
    old = card_text("placeholder_licence.md")
    safe = fix_text(old, "p.md", unsafe=False, analyse=no_analysis)
    assert safe.text == old and [fix.rule for fix in safe.held_back] == ["misspelt-key"]
    unsafe = fix_text(old, "p.md", unsafe=True, analyse=no_analysis)
    assert unsafe.text == old.replace("licence:", "license:")
    assert [fix.safety for fix in unsafe.fixes] == ["unsafe"]


def test_the_written_block_passes_the_metadata_schema() -> None:
    from cardlint.card.validation import validate_metadata

    new = fix_text(card_text("crlf.md"), "crlf.md", unsafe=False, analyse=DEMO).text
    assert "training_compute" in parse_card(new).metadata
    assert validate_metadata(parse_card(new)) == []


def test_a_base_model_named_by_repo_id_is_declared_only_with_unsafe_fixes() -> None:
    old = card_text("fine_tune.md")
    named = analysis(("base_model", "org/base-7b", "org/base-7b"))
    safe = fix_text(old, "f.md", unsafe=False, analyse=named)
    assert safe.text == old and [fix.rule for fix in safe.held_back] == ["base-model-undeclared"]
    unsafe = fix_text(old, "f.md", unsafe=True, analyse=named)
    assert unsafe.text == old.replace(
        "- generated_from_trainer\n", "- generated_from_trainer\nbase_model: org/base-7b\n"
    )
    two = analysis(("base_model", "org/base-7b", "org/base-7b"), ("base_model", "other/model", "invoices"))
    assert fix_text(old, "f.md", unsafe=True, analyse=two).text == old  # two candidates: no guess


def test_a_misspelling_next_to_the_right_key_is_left_alone() -> None:
    old = card_text("both_keys.md")
    result = fix_text(old, "both_keys.md", unsafe=False, analyse=no_analysis)
    assert result.text == old.replace("language: no", 'language: "no"')


def test_an_author_block_only_gains_missing_keys_at_its_indentation() -> None:
    old = card_text("author_block.md")
    tokens = analysis(("parameters", 1.3e9, "1.3B parameters"), ("training_tokens", 3e11, "300B tokens"))
    result = fix_text(old, "author_block.md", unsafe=False, analyse=tokens)
    assert removed_lines(old, result.text) == []
    added = [line for line in result.text.split("\n") if line not in old.split("\n")]
    assert added[0] == "    training_tokens: 300000000000"
    assert all(line.startswith("    ") for line in added)
    block = parse_card(result.text).metadata["training_compute"]
    assert block["parameters"] == 1300000000 and block["scope"] == "final-run"  # the author's, untouched
    assert block["training_flop"] == 2.3e21 and block["method"] == "architecture"
    assert parse_card(result.text).metadata["library_name"] == "transformers"


def test_no_front_matter_needs_unsafe_fixes() -> None:
    old = card_text("no_front_matter.md")
    gpus = analysis(("hardware_type", "V100", "64 V100"), ("hardware_count", 64, "64 V100"))
    safe = fix_text(old, "n.md", unsafe=False, analyse=gpus)
    assert safe.text == old and [fix.rule for fix in safe.held_back] == ["no-front-matter"]
    unsafe = fix_text(old, "n.md", unsafe=True, analyse=gpus)
    assert unsafe.text.endswith(old)
    assert parse_card(unsafe.text).metadata["training_compute"]["hardware_count"] == 64
    assert [fix.rule for fix in unsafe.fixes] == ["no-front-matter", "compute-disclosure"]


def test_a_new_front_matter_with_nothing_to_hold_is_not_added() -> None:
    old = card_text("no_front_matter.md")
    result = fix_text(old, "n.md", unsafe=True, analyse=no_analysis)
    assert result.text == old and result.fixes == []
    assert [fix.rule for fix in result.held_back] == ["no-front-matter"]


def test_init_template_block_is_replaced_not_appended() -> None:
    from cardlint.commands.init import Answers, render_card

    old = render_card(Answers("Tiny"))
    old = old.replace("# Tiny\n", "# Tiny\n\nTrained with 7.2 billion parameters on 2.0 trillion tokens.\n")
    new = fix_text(old, "README.md", unsafe=False, analyse=DEMO).text
    assert new.count("training_compute:") == 1
    assert parse_card(new).metadata["training_compute"]["parameters"] == 7200000000
    assert parse_card(new).body == parse_card(old).body


@pytest.mark.parametrize("name", sorted(path.name for path in CARDS.glob("*.md")))
@pytest.mark.parametrize("unsafe", [False, True])
def test_a_second_run_changes_nothing(name: str, unsafe: bool) -> None:
    once = fix_text(card_text(name), name, unsafe=unsafe, analyse=DEMO)
    twice = fix_text(once.text, name, unsafe=unsafe, analyse=DEMO)
    assert twice.text == once.text and twice.fixes == []


def test_a_broken_front_matter_is_never_edited() -> None:
    old = "---\nlicence: mit\nlanguage:\n\t- no\n---\n7.2 billion parameters\n"
    assert fix_text(old, "x.md", unsafe=True, analyse=DEMO).text == old


# ------------------------------------------------------------------ files


@pytest.fixture
def demo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(apply_module, "default_analysis", DEMO)


def copy_card(tmp_path: Path, name: str) -> Path:
    target = tmp_path / "README.md"
    target.write_bytes((CARDS / name).read_bytes())
    return target


def test_apply_writes_atomically_and_keeps_permissions(tmp_path: Path, demo: None) -> None:
    card = copy_card(tmp_path, "crlf.md")
    os.chmod(card, 0o640)
    result = apply_fixes(card, unsafe=False, diff_only=False)
    assert result.written and result.changed and result.error is None
    assert stat.S_IMODE(os.stat(card).st_mode) == 0o640
    assert b"training_compute:\r\n" in card.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["README.md"]  # no temporary file left behind


def test_diff_writes_nothing(tmp_path: Path, demo: None) -> None:
    card = copy_card(tmp_path, "misspelt.md")
    before, mtime = card.read_bytes(), os.stat(card).st_mtime_ns
    result = apply_fixes(card, unsafe=False, diff_only=True)
    assert result.changed and not result.written
    assert card.read_bytes() == before and os.stat(card).st_mtime_ns == mtime
    assert "\n-licence: mit\n" in result.diff and "\n+license: mit\n" in result.diff
    assert result.diff.startswith(f"--- {card}\n+++ {card}\n")


def test_a_card_changed_while_fixing_is_not_overwritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    card = copy_card(tmp_path, "crlf.md")

    def edit_meanwhile(text: str, path: str):  # type: ignore[no-untyped-def]
        card.write_bytes(card.read_bytes() + b"\r\nAn edit made in another window.")
        return DEMO(text, path)

    monkeypatch.setattr(apply_module, "default_analysis", edit_meanwhile)
    result = apply_fixes(card, unsafe=False, diff_only=False)
    assert result.error is not None and not result.written
    assert card.read_bytes().endswith(b"An edit made in another window.")
    assert b"training_compute" not in card.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["README.md"]


def test_same_size_same_tick_change_is_caught_by_the_bytes(tmp_path: Path) -> None:
    card = tmp_path / "README.md"
    card.write_bytes(b"abc")
    stat_before = os.stat(card)
    card.write_bytes(b"xyz")
    os.utime(card, ns=(stat_before.st_atime_ns, stat_before.st_mtime_ns))
    with pytest.raises(apply_module.ConcurrentChange):
        write_atomically(card, b"abc", b"new", expected_stat=stat_before)
    assert card.read_bytes() == b"xyz"


def test_a_symlinked_card_stays_a_link(tmp_path: Path, demo: None) -> None:
    real = copy_card(tmp_path, "misspelt.md").rename(tmp_path / "real.md")
    link = tmp_path / "README.md"
    link.symlink_to(real.name)
    assert apply_fixes(link, unsafe=False, diff_only=False).written
    assert link.is_symlink() and b"license: mit" in real.read_bytes()


def test_a_bom_is_kept(tmp_path: Path, demo: None) -> None:
    card = tmp_path / "README.md"
    card.write_bytes(b"\xef\xbb\xbf" + (CARDS / "misspelt.md").read_bytes())
    apply_fixes(card, unsafe=False, diff_only=False)
    assert card.read_bytes().startswith(b"\xef\xbb\xbf---\nlicense: mit\n")


def test_utf16_and_unreadable_cards(tmp_path: Path, demo: None) -> None:
    card = tmp_path / "README.md"
    original = "---\nlicence: mit\n---\n".encode("utf-16")
    card.write_bytes(original)
    result = apply_fixes(card, unsafe=False, diff_only=False)
    assert result.skipped and not result.changed and card.read_bytes() == original
    missing = apply_fixes(tmp_path / "absent.md", unsafe=False, diff_only=False)
    assert missing.error is not None


def test_a_fifo_is_never_opened(tmp_path: Path, demo: None) -> None:
    fifo = tmp_path / "README.md"
    os.mkfifo(fifo)
    result = apply_fixes(fifo, unsafe=True, diff_only=False)  # would block forever if it were read
    assert result.error is not None and not result.changed


def test_nothing_to_do_leaves_the_file_untouched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(apply_module, "default_analysis", no_analysis)
    card = copy_card(tmp_path, "author_block.md")
    mtime = os.stat(card).st_mtime_ns
    result = apply_fixes(card, unsafe=False, diff_only=False)
    assert not result.changed and result.diff == "" and os.stat(card).st_mtime_ns == mtime


def test_written_block_is_valid_for_the_hub_parser(tmp_path: Path, demo: None) -> None:
    card = copy_card(tmp_path, "crlf.md")
    apply_fixes(card, unsafe=False, diff_only=False)
    front = card.read_bytes().decode().split("---\r\n")[1].replace("\r\n", "\n")
    assert yaml.safe_load(front)["training_compute"]["hardware_count"] == 512


@given(front_matters(), st.booleans())
def test_any_layout_is_fixed_without_damage_and_only_once(text: str, crlf: bool) -> None:
    if crlf:
        text = text.replace("\n", "\r\n")
    once = fix_text(text, "card.md", unsafe=False, analyse=DEMO)
    before, after = parse_card(text), parse_card(once.text)
    assert after.body == before.body
    if once.text != text:
        assert after.front_matter is not None and after.front_matter.error is None
        changed = {
            key
            for key in set(before.metadata) | set(after.metadata)
            if before.metadata.get(key) != after.metadata.get(key)
        }
        touched = {"training_compute", "license", "tags", "datasets", "library_name", "model_name", "extra"}
        assert changed <= touched
    assert fix_text(once.text, "card.md", unsafe=False, analyse=DEMO).text == once.text
