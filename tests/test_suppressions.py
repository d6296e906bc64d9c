"""Inline suppressions: ranges, next-line, file-wide, YAML comments only inside the front matter."""

from cardlint.checks.suppressions import parse_suppressions


def test_range_and_next_line_and_file() -> None:
    lines = [
        "---",
        "licence: mit  # cardlint-disable-next-line CL110",
        "---",
        "<!-- cardlint-disable CL2 -->",
        "text",
        "<!-- cardlint-enable CL2 -->",
        "<!-- cardlint-disable-next-line CL301,CL302 -->",
        "x",
        "<!-- cardlint-disable-file CL9 -->",
    ]
    found = {(s.kind, s.selectors, s.start, s.end) for s in parse_suppressions(lines, front_matter_end=3)}
    assert ("disable-next-line", ("CL110",), 3, 3) in found
    assert ("disable", ("CL2",), 4, 6) in found
    assert ("disable-next-line", ("CL301", "CL302"), 8, 8) in found
    assert ("disable-file", ("CL9",), 1, 9) in found


def test_yaml_comment_outside_front_matter_is_not_a_directive() -> None:
    lines = ["# cardlint-disable CL1", "body"]
    assert parse_suppressions(lines, front_matter_end=None) == []


def test_unclosed_range_runs_to_end_and_bare_disable_covers_all() -> None:
    lines = ["a", "<!-- cardlint-disable -->", "b", "c"]
    (only,) = parse_suppressions(lines, None)
    assert (only.selectors, only.start, only.end) == ((), 2, 4)
