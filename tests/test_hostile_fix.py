"""`fix` on real file systems, through the real CLI (issue 17): hard links, owner, mode, read-only cards,
failed writes, refused cards and invalid configs. Either exactly the intended change, with everything else
about the file kept, or a refusal: exit 2, one line naming the card, the card byte for byte as it was."""

from __future__ import annotations

import os
import resource
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from hostile_support import Run, assert_one_error_line, cardlint

MISSPELT = "---\nlicence: mit\npipeline_tag: text-generation\n---\n# Tiny\n\nA small test model.\n"
FIXED = MISSPELT.replace("licence", "license")


def _card(tmp_path: Path, text: str | bytes = MISSPELT, name: str = "README.md") -> Path:
    folder = tmp_path / "model"
    folder.mkdir(exist_ok=True)
    (folder / ".git").mkdir(exist_ok=True)  # no config above this folder is found
    card = folder / name
    if isinstance(text, bytes):
        card.write_bytes(text)
    else:
        card.write_text(text, encoding="utf-8")
    return card


def _leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if "cardlint-tmp" in path.name)


def test_a_hard_linked_card_is_rewritten_in_place_so_every_name_sees_the_fix(tmp_path: Path) -> None:
    card = _card(tmp_path)
    other = tmp_path / "elsewhere.md"
    os.link(card, other)
    inode = os.stat(card).st_ino
    run = cardlint("fix", str(card), cwd=tmp_path)
    assert run.code == 1, run
    assert card.read_text() == FIXED and other.read_text() == FIXED
    assert os.stat(card).st_ino == inode and os.stat(card).st_nlink == 2
    assert _leftovers(card.parent) == []


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another user needs root")
def test_owner_group_and_mode_are_kept(tmp_path: Path) -> None:
    card = _card(tmp_path)
    os.chown(card, 12345, 23456)
    os.chmod(card, 0o604)
    run = cardlint("fix", str(card), cwd=tmp_path)
    assert run.code == 1, run
    info = os.stat(card)
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (12345, 23456, 0o604)
    assert card.read_text() == FIXED


def test_a_symlinked_card_is_fixed_through_the_link(tmp_path: Path) -> None:
    card = _card(tmp_path, name="real.md")
    link = card.parent / "README.md"
    link.symlink_to(card.name)
    assert cardlint("fix", str(link), cwd=tmp_path).code == 1
    assert link.is_symlink() and card.read_text() == FIXED


@pytest.mark.parametrize("command", [("fix",), ("check", "--fix", "--isolated", "--as-of", "2026-06-01")])
def test_a_read_only_card_is_refused_not_rewritten(tmp_path: Path, command: tuple[str, ...]) -> None:
    card = _card(tmp_path)
    os.chmod(card, 0o444)
    run = cardlint(*command, str(card), cwd=tmp_path)
    assert run.code == 2, run
    refusals = [line for line in run.error_lines if line.startswith("cardlint:")]
    assert len(refusals) == 1 and str(card) in refusals[0] and "read-only (mode 0444)" in refusals[0]
    if command == ("fix",):
        assert len(run.error_lines) == 1, run.stderr
    assert not any(" fixed " in line for line in run.error_lines)
    assert card.read_text() == MISSPELT and stat.S_IMODE(os.stat(card).st_mode) == 0o444


def _fix_with_file_size_limit(card: Path, limit: int) -> Run:
    """`cardlint fix` with RLIMIT_FSIZE set: any write past `limit` bytes fails with EFBIG, as a full disk
    fails with ENOSPC (Python ignores SIGXFSZ, so the write returns an error instead of killing us)."""

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    completed = subprocess.run(
        [sys.executable, "-m", "cardlint", "fix", str(card)],
        cwd=card.parent,
        capture_output=True,
        preexec_fn=limited,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=60,
    )
    run = Run(completed.returncode, completed.stdout.decode(), completed.stderr.decode())
    assert "Traceback" not in run.stderr, run.stderr
    return run


@pytest.mark.parametrize("linked", [False, True], ids=["renamed", "in-place"])
def test_a_failed_write_leaves_the_card_and_says_so_in_one_line(tmp_path: Path, linked: bool) -> None:
    text = MISSPELT.replace("licence: mit\n", "licence: mit\nlanguage: no\n")  # the fix makes it longer
    card = _card(tmp_path, text)
    if linked:
        os.link(card, tmp_path / "other.md")
    run = _fix_with_file_size_limit(card, len(text.encode()) + 1)
    assert run.code == 2, run
    line = [line for line in run.error_lines if line.startswith("cardlint:")]
    assert len(line) == 1 and str(card) in line[0] and "not written: File too large" in line[0], run.stderr
    assert not any(" fixed " in line for line in run.error_lines), run.stderr
    assert len(run.error_lines) == 1, run.stderr
    assert card.read_text() == text and _leftovers(card.parent) == []


def test_an_immutable_card_is_not_reported_as_fixed(tmp_path: Path) -> None:
    card = _card(tmp_path)
    chattr = shutil.which("chattr")
    if chattr is None or subprocess.run([chattr, "+i", str(card)], capture_output=True).returncode != 0:
        pytest.skip("no chattr +i here (needs CAP_LINUX_IMMUTABLE and a file system that has it)")
    try:
        run = cardlint("fix", str(card), cwd=tmp_path)
        assert run.code == 2 and not any(" fixed " in line for line in run.error_lines), run
        assert card.read_text() == MISSPELT
    finally:
        subprocess.run([chattr, "-i", str(card)], check=True)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"\x00\x01binary\x00" * 100, "binary file"),
        ("---\nlicence: mit\n---\n".encode("utf-16"), "UTF-16"),
        (b"---\rlicence: mit\r---\r# M\r", "lone CR"),
    ],
    ids=["binary", "utf-16", "lone-cr"],
)
def test_a_card_fix_refuses_exits_2_with_one_line(tmp_path: Path, content: bytes, reason: str) -> None:
    card = _card(tmp_path, content)
    for command in (("fix",), ("fix", "--diff"), ("check", "--fix", "--isolated", "--as-of", "2026-06-01")):
        run = cardlint(*command, str(card), cwd=tmp_path)
        assert run.code == 2, (command, run)
        lines = [line for line in run.error_lines if line.startswith("cardlint:")]
        assert len(lines) == 1 and str(card) in lines[0] and reason in lines[0], (command, run.stderr)
        assert card.read_bytes() == content


def test_an_oversize_card_is_refused_before_it_is_read(tmp_path: Path) -> None:
    card = _card(tmp_path, MISSPELT + "x" * 500)
    (card.parent / "cardlint.toml").write_text("[limits]\nmax_card_bytes = 200\n")
    run = cardlint("fix", str(card), cwd=tmp_path)
    lines = [line for line in run.error_lines if line.startswith("cardlint:")]
    assert run.code == 2 and len(lines) == 1 and "over the 200-byte limit" in lines[0], run
    assert card.read_text() == MISSPELT + "x" * 500


@pytest.mark.parametrize(
    "command", [("fix",), ("fix", "--diff"), ("check", "--fix", "--as-of", "2026-06-01")]
)
def test_an_invalid_config_stops_fix_like_check(tmp_path: Path, command: tuple[str, ...]) -> None:
    card = _card(tmp_path)
    (card.parent / "cardlint.toml").write_text('select = ["CL999"]\n')
    run = cardlint(*command, str(card), cwd=tmp_path)
    assert_one_error_line(run, "cardlint.toml:1", "CL999")
    assert card.read_text() == MISSPELT


def test_a_file_name_with_a_newline_keeps_the_diff_header_and_messages_whole(tmp_path: Path) -> None:
    card = _card(tmp_path, name="odd\nname.md")
    run = cardlint("fix", "--diff", str(card), cwd=tmp_path)
    assert run.code == 1, run
    header = run.stdout.splitlines()[:2]
    quoted = '"' + str(card).replace("\n", "\\n") + '"'
    assert header == [f"--- {quoted}", f"+++ {quoted}"]
    assert all(
        line.startswith((str(card).replace("\n", "\\n"), "1 fix", "2 fixes")) for line in run.error_lines
    ), run
    os.chmod(card, 0o444)
    refused = cardlint("fix", str(card), cwd=tmp_path)
    assert_one_error_line(refused, "odd\\nname.md", "read-only")
