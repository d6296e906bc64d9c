"""Hostile and broken cards through the real CLI: findings or one clear line, exit 0/1/2,
never a traceback, never a hang, never a changed file.

Every test hashes the files it hands to cardlint before and after: nothing in `check` may write to a card.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest

from tests.hostile_support import Run, assert_one_error_line, cardlint, digest, digests

GOOD = "---\nlicense: mit\npipeline_tag: text-generation\n---\n# Model\n\nA small model we wrote for tests.\n"
# `licence` is a misspelt key (CL119): proof that the metadata was read after the bytes were repaired
MISSPELT = "---\nlicence: mit\n---\n# Model\n\nA small model we wrote for tests.\n"


def _codes(run: Run) -> dict[str, list[int]]:
    """Code -> lines of its findings, from --format json."""
    document = json.loads(run.stdout)
    codes: dict[str, list[int]] = {}
    for result in document["results"]:
        for item in result["findings"]:
            codes.setdefault(item["code"], []).append(item["line"])
    return codes


def _check_json(path: Path, *extra: str, timeout: float = 60) -> tuple[Run, dict[str, list[int]]]:
    before = digest(path)
    run = cardlint(
        "check", "--isolated", "--format", "json", *extra, str(path), cwd=path.parent, timeout=timeout
    )
    assert digest(path) == before, "cardlint changed the card"
    return run, _codes(run)


# ---------------------------------------------------------------- missing things


def test_missing_file(tmp_path: Path) -> None:
    assert_one_error_line(cardlint("check", "--isolated", "nothing-here.md", cwd=tmp_path), "nothing-here.md")


def test_folder_without_a_card(tmp_path: Path) -> None:
    (tmp_path / "empty-folder").mkdir()
    (tmp_path / "empty-folder" / "notes.txt").write_text("not a card")
    run = cardlint("check", "--isolated", "empty-folder", cwd=tmp_path)
    assert_one_error_line(run, "empty-folder")
    run = cardlint("check", "--isolated", "--recursive", "empty-folder", cwd=tmp_path)
    assert_one_error_line(run, "empty-folder")


def test_missing_target_does_not_stop_the_others(tmp_path: Path) -> None:
    card = tmp_path / "README.md"
    card.write_text(MISSPELT)
    run = cardlint("check", "--isolated", "--format", "json", "gone.md", str(card), cwd=tmp_path)
    assert_one_error_line(run, "gone.md")
    assert "CL119" in _codes(run)


# ---------------------------------------------------------------- bytes that are not a UTF-8 card


def test_binary_file_is_a_finding(tmp_path: Path) -> None:
    card = tmp_path / "README.md"
    card.write_bytes(bytes(range(256)) * 40)
    run, codes = _check_json(card)
    assert run.code == 1 and set(codes) == {"CL101"}


def test_nul_bytes_in_text_are_binary(tmp_path: Path) -> None:
    card = tmp_path / "README.md"
    card.write_bytes(GOOD.encode().replace(b"# Model", b"# Mo\x00del"))
    run, codes = _check_json(card)
    assert run.code == 1 and set(codes) == {"CL101"}


def test_invalid_utf8_reports_the_byte_offset_and_lints_the_rest(tmp_path: Path) -> None:
    raw = MISSPELT.encode().replace(b"A small", b"A sm\xe8ll")
    card = tmp_path / "README.md"
    card.write_bytes(raw)
    run, codes = _check_json(card)
    assert run.code == 1
    assert "CL102" in codes and codes["CL119"] == [2]  # the rest was linted, lines intact
    message = next(
        f["message"] for r in json.loads(run.stdout)["results"] for f in r["findings"] if f["code"] == "CL102"
    )
    assert str(raw.index(b"\xe8")) in message


def test_invalid_utf8_inside_front_matter(tmp_path: Path) -> None:
    card = tmp_path / "README.md"
    card.write_bytes(b"---\nlicence: m\xffit\ntags:\n- no\n---\n# Model\n\nText.\n")
    _run, codes = _check_json(card)
    assert "CL102" in codes and codes["CL119"] == [2] and codes["CL109"] == [4]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-16-le"])
def test_utf16_with_bom_is_decoded(tmp_path: Path, encoding: str) -> None:
    text = MISSPELT if encoding == "utf-16" else "\ufeff" + MISSPELT
    card = tmp_path / "README.md"
    card.write_bytes(text.encode(encoding))
    _run, codes = _check_json(card)
    assert codes.get("CL119") == [2] and "CL101" not in codes


def test_utf8_bom(tmp_path: Path) -> None:
    card = tmp_path / "README.md"
    card.write_bytes(b"\xef\xbb\xbf" + MISSPELT.encode())
    _run, codes = _check_json(card)
    assert codes == {"CL119": [2]}


# ---------------------------------------------------------------- line endings, empty


def test_crlf_gives_the_same_findings_as_lf(tmp_path: Path) -> None:
    lf = tmp_path / "lf" / "README.md"
    crlf = tmp_path / "crlf" / "README.md"
    lf.parent.mkdir()
    crlf.parent.mkdir()
    text = MISSPELT + "\n## Training\n\nTrained on 2T tokens for 7B parameters.\n"
    lf.write_bytes(text.encode())
    crlf.write_bytes(text.replace("\n", "\r\n").encode())
    _run_lf, codes_lf = _check_json(lf)
    _run_crlf, codes_crlf = _check_json(crlf)
    assert codes_crlf == codes_lf and codes_lf["CL119"] == [2]


def test_lone_cr_line_endings(tmp_path: Path) -> None:
    """Classic-Mac endings: the Hub's front-matter pattern needs \\n after the closing ---, so it sees no
    metadata; cardlint says so rather than crashing or inventing line numbers."""
    card = tmp_path / "README.md"
    card.write_bytes(MISSPELT.replace("\n", "\r").encode())
    run, codes = _check_json(card)
    assert run.code == 1 and "CL104" in codes


def test_mixed_line_endings(tmp_path: Path) -> None:
    card = tmp_path / "README.md"
    card.write_bytes(b"---\r\nlicence: mit\n---\r# Model\r\n\rText\n\r\n")
    run, _codes_found = _check_json(card)
    assert run.code in (0, 1)


@pytest.mark.parametrize("content", [b"", b"\n\n\n", b"   ", b"\xef\xbb\xbf", b"---", b"---\n---\n"])
def test_empty_and_nearly_empty(tmp_path: Path, content: bytes) -> None:
    card = tmp_path / "README.md"
    card.write_bytes(content)
    run, codes = _check_json(card)
    assert run.code == 1 and codes  # something is said about it


# ---------------------------------------------------------------- size


def test_fifty_megabyte_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    card = tmp_path / "README.md"
    with card.open("wb") as handle:  # sparse: 50 MB on paper, nothing on disk
        handle.truncate(50 * 1024 * 1024)
    run = cardlint("check", "--isolated", str(card), cwd=tmp_path, timeout=30)
    line = assert_one_error_line(run, "README.md")
    assert "limit" in line


def test_oversize_standard_input_is_refused(tmp_path: Path) -> None:
    run = cardlint("check", "--isolated", "-", cwd=tmp_path, stdin=b"x" * (10 * 1024 * 1024 + 1), timeout=60)
    assert_one_error_line(run, "-", "limit")


def test_configured_card_limit_applies(tmp_path: Path) -> None:
    card = tmp_path / "README.md"
    card.write_text(GOOD)
    (tmp_path / "cardlint.toml").write_text("[limits]\nmax_card_bytes = 20\n")
    assert_one_error_line(cardlint("check", str(card), cwd=tmp_path), "README.md", "20")


def test_very_long_lines_and_many_tables_are_bounded(tmp_path: Path) -> None:
    card = tmp_path / "README.md"
    table = "| params | tokens |\n|---|---|\n| 7B | 2T |\n\n"
    card.write_text(GOOD + "1234567890 " * 200_000 + "\n" + "9" * 500_000 + "\n" + table * 1500)
    run, _codes_found = _check_json(card, timeout=120)
    assert run.code in (0, 1)


# ---------------------------------------------------------------- hostile YAML


def _alias_bomb(levels: int = 12, width: int = 10) -> str:
    lines = ["---", "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, levels):
        refs = ", ".join([f"*a{level - 1}"] * width)
        lines.append(f"a{level}: &a{level} [{refs}]")
    return "\n".join([*lines, "---", "# Bomb", "", "Text."]) + "\n"


def test_alias_bomb_is_a_yaml_finding(tmp_path: Path) -> None:
    card = tmp_path / "README.md"
    card.write_text(_alias_bomb())  # 10^12 strings if expanded
    run, codes = _check_json(card, timeout=60)
    assert run.code == 1 and "CL106" in codes


def test_self_referencing_alias(tmp_path: Path) -> None:
    card = tmp_path / "README.md"
    card.write_text("---\nbase_model: &a [*a]\nlicense: mit\n---\n# M\n\nText.\n")
    _run, codes = _check_json(card)
    assert "CL106" in codes


@pytest.mark.parametrize(
    "front_matter",
    [
        "x: " + "[" * 20_000 + "]" * 20_000,
        "x: " + "{a: " * 5_000 + "1" + "}" * 5_000,
        "".join("  " * depth + f"k{depth}:\n" for depth in range(400)),
        "".join("  " * depth + "- \n" for depth in range(400)),
    ],
    ids=["flow-sequences", "flow-mappings", "block-mappings", "block-sequences"],
)
def test_deeply_nested_yaml(tmp_path: Path, front_matter: str) -> None:
    card = tmp_path / "README.md"
    card.write_text(f"---\n{front_matter}\n---\n# Deep\n\nText.\n")
    run, codes = _check_json(card)
    assert run.code == 1 and "CL106" in codes


def test_many_anchors_and_huge_keys(tmp_path: Path) -> None:
    card = tmp_path / "README.md"
    anchors = "\n".join(f"k{i}: &a{i} v" for i in range(3000))
    aliases = "\n".join(f"r{i}: *a{i}" for i in range(3000))
    card.write_text(f"---\n{anchors}\n{aliases}\n{'x' * 100_000}: 1\n---\n# M\n\nText.\n")
    run, codes = _check_json(card)
    assert run.code == 1 and "CL106" in codes


def test_control_characters_in_front_matter(tmp_path: Path) -> None:
    card = tmp_path / "README.md"
    card.write_bytes(b"---\nlicense: mit\nname: a\x06b\x1b[31m\n---\n# M\n\nText.\n")
    _run, codes = _check_json(card)
    assert codes.get("CL106") == [3]


def test_python_tags_are_not_executed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    card = tmp_path / "README.md"
    card.write_text(f"---\nx: !!python/object/apply:os.system ['touch {marker}']\n---\n# M\n\nText.\n")
    _run, codes = _check_json(card)
    assert "CL106" in codes and not marker.exists()


# ---------------------------------------------------------------- files that are not files


def test_fifo_is_refused_not_read_forever(tmp_path: Path) -> None:
    fifo = tmp_path / "README.md"
    os.mkfifo(fifo)
    run = cardlint("check", "--isolated", str(fifo), cwd=tmp_path, timeout=30)
    assert_one_error_line(run, "README.md")
    run = cardlint("check", "--isolated", ".", cwd=tmp_path, timeout=30)  # the folder's README is the FIFO
    assert_one_error_line(run, "README.md")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_device_is_refused(tmp_path: Path) -> None:
    assert_one_error_line(cardlint("check", "--isolated", "/dev/zero", cwd=tmp_path, timeout=30), "/dev/zero")
    link_folder = tmp_path / "model"
    link_folder.mkdir()
    (link_folder / "README.md").symlink_to("/dev/zero")
    run = cardlint("check", "--isolated", "--recursive", str(tmp_path), cwd=tmp_path, timeout=30)
    assert_one_error_line(run, "README.md")


def _tree(root: Path) -> dict[str, Path]:
    """good/ and bad/ cards, a symlink loop, a dangling README link and a FIFO README."""
    (root / "good").mkdir()
    (root / "good" / "README.md").write_text(MISSPELT)
    (root / "good" / "loop").symlink_to(root)  # a directory link back up: a cycle if followed
    (root / "again").mkdir()
    (root / "again" / "self").symlink_to(root / "again")
    (root / "dangling").mkdir()
    (root / "dangling" / "README.md").symlink_to(root / "no-such-file.md")
    (root / "pipe").mkdir()
    os.mkfifo(root / "pipe" / "README.md")
    return {"good": root / "good" / "README.md"}


def test_recursive_scan_survives_loops_dangling_links_and_fifos(tmp_path: Path) -> None:
    tree = _tree(tmp_path)
    before = digests(tmp_path)
    run = cardlint("check", "--isolated", "--format", "json", "--recursive", ".", cwd=tmp_path, timeout=60)
    assert run.code == 2
    assert len(run.error_lines) == 2, run.stderr
    assert any("dangling" in line for line in run.error_lines)
    assert any("pipe" in line for line in run.error_lines)
    document = json.loads(run.stdout)
    assert [r["path"] for r in document["results"]] == [str(tree["good"].relative_to(tmp_path))]
    parallel = cardlint(
        "check", "--isolated", "--format", "json", "-r", "-j", "2", ".", cwd=tmp_path, timeout=60
    )
    assert parallel.code == 2 and sorted(parallel.error_lines) == sorted(run.error_lines)
    assert json.loads(parallel.stdout)["results"] == document["results"]
    assert digests(tmp_path) == before


@pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads files without permission"
)
def test_recursive_scan_with_an_unreadable_card(tmp_path: Path) -> None:
    (tmp_path / "ok").mkdir()
    (tmp_path / "ok" / "README.md").write_text(GOOD)
    (tmp_path / "locked").mkdir()
    locked = tmp_path / "locked" / "README.md"
    locked.write_text(GOOD)
    locked.chmod(0)
    try:
        run = cardlint("check", "--isolated", "--recursive", ".", cwd=tmp_path, timeout=60)
        assert_one_error_line(run, "locked")
    finally:
        locked.chmod(0o644)


def test_unreadable_folder_in_a_recursive_scan(tmp_path: Path) -> None:
    """A folder the walk cannot enter (a README.md that is a directory here, as root ignores modes)."""
    (tmp_path / "ok").mkdir()
    (tmp_path / "ok" / "README.md").write_text(MISSPELT)
    (tmp_path / "odd" / "README.md").mkdir(parents=True)
    run = cardlint("check", "--isolated", "--format", "json", "--recursive", ".", cwd=tmp_path, timeout=60)
    assert run.code == 1 and "CL119" in _codes(run)


# ---------------------------------------------------------------- a card that changes while read


def test_card_rewritten_while_being_checked(tmp_path: Path) -> None:
    card = tmp_path / "README.md"
    card.write_text(GOOD)
    versions = [GOOD.encode(), b"", MISSPELT.encode() * 200, b"---\nlicense: [\n", GOOD.encode()[:17]]
    stop = threading.Event()

    def churn() -> None:
        index = 0
        while not stop.is_set():
            card.write_bytes(versions[index % len(versions)])
            index += 1

    writer = threading.Thread(target=churn, daemon=True)
    writer.start()
    try:
        for _ in range(3):
            run = cardlint("check", "--isolated", "--format", "json", str(card), cwd=tmp_path, timeout=60)
            assert run.code in (0, 1, 2)
            if run.code != 2:
                json.loads(run.stdout)
    finally:
        stop.set()
        writer.join()


def test_card_that_grows_past_the_limit_after_stat(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """stat() said small, the read finds more: the read is bounded anyway and the target is refused."""
    from cardlint.core.limits import Limits
    from cardlint.sources import SourceError
    from cardlint.sources.local import read_card_file

    card = tmp_path / "README.md"
    card.write_bytes(b"x" * 5000)
    real_stat = Path.stat

    class SmallStat:
        def __init__(self, real: os.stat_result) -> None:
            self.st_mode = real.st_mode
            self.st_size = 10

    def fake_stat(self: Path, *args: object, **kwargs: object) -> object:
        result = real_stat(self, *args, **kwargs)  # type: ignore[arg-type]
        return SmallStat(result) if self == card else result

    monkeypatch.setattr(Path, "stat", fake_stat)
    with pytest.raises(SourceError, match="while being read"):
        read_card_file(card, Limits(max_card_bytes=100))


# ---------------------------------------------------------------- facts and estimate on the same inputs


@pytest.mark.parametrize("command", ["facts", "estimate"])
def test_facts_and_estimate_survive_every_hostile_card(tmp_path: Path, command: str) -> None:
    cards = {
        "binary.md": bytes(range(256)) * 8,
        "latin1.md": MISSPELT.encode().replace(b"small", b"sm\xe8ll"),
        "utf16.md": MISSPELT.encode("utf-16"),
        "crlf.md": (MISSPELT + "Trained on 2T tokens.\n").replace("\n", "\r\n").encode(),
        "cr.md": MISSPELT.replace("\n", "\r").encode(),
        "empty.md": b"",
        "bomb.md": _alias_bomb().encode(),
        "deep.md": ("---\nx: " + "[" * 20_000 + "]" * 20_000 + "\n---\n# D\n").encode(),
        "control.md": b"---\nname: a\x06b\n---\n# M\n<table><td>1B<table><tr>\n",
    }
    for name, raw in cards.items():
        (tmp_path / name).write_bytes(raw)
    before = digests(tmp_path)
    run = cardlint(command, "--isolated", "--format", "json", *cards, cwd=tmp_path, timeout=120)
    assert run.code == 0, run.stderr
    assert len(json.loads(run.stdout)["results"]) == len(cards)
    assert digests(tmp_path) == before


@pytest.mark.parametrize("command", [("fix", "--unsafe-fixes"), ("check", "--fix", "--unsafe-fixes")])
def test_fixing_never_rewrites_a_card_it_cannot_read_as_the_hub_does(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    """Lone-CR, UTF-16, invalid UTF-8 and binary cards are left byte-for-byte alone even by unsafe fixes
    (a lone-CR card once gained a second front matter above the author's)."""
    cards = {
        "cr.md": b"---\rlicence: mit\rlanguage:\r- no\r---\r# Model\rTrained on 2T tokens.\r",
        "utf16.md": MISSPELT.encode("utf-16"),
        "latin1.md": MISSPELT.encode().replace(b"small", b"sm\xe8ll"),
        "binary.md": bytes(range(256)) * 4,
    }
    for name, raw in cards.items():
        (tmp_path / name).write_bytes(raw)
    before = digests(tmp_path)
    run = cardlint(*command, *cards, cwd=tmp_path, timeout=120)
    assert "Usage:" not in run.stderr, run.stderr
    assert digests(tmp_path) == before
