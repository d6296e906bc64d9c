"""The literal pre-check of disclosure text patterns, and the joined label and section patterns, never change
whether a finder matches."""

from __future__ import annotations

import re

import pytest

from cardlint.core.resources import load_yaml_resource
from cardlint.policy.fields import _TEXT_FLAGS, _any_of, _Body, _in_text, _strength, required_literals
from cardlint.policy.signals import placeholder_regex

PATTERNS = sorted(
    {
        pattern
        for spec in (load_yaml_resource("rules", "disclosure-fields.yaml") or {})["fields"].values()
        for text in [
            spec.get("text") or [],
            *((form.get("text") or []) for form in spec.get("partial") or []),
        ]
        for pattern in text
    }
)
TEXTS = [
    "We trained with BF16 mixed precision on our own cluster.",
    "ENERGY CONSUMPTION was MEASURED with CodeCarbon; PUE 1.1.",
    "Relea\u017fed in March 2024 under an acceptable u\u017fe policy.",  # long s matches s case-insensitively
    "\u0130ncluding experiments, the total compute for the project",  # dotted capital I
    "RLHF and \u212aL-regularised preference optimization",  # Kelvin sign
    "Compute was donated by CoreWeave; 6 x N x D estimate",
    "This repo contains the instruction-tuned 7B model; I trained it. Trained between March and May 2025.",
    "@misc{heron,\n  title = {Heron},\n  month = {June},\n  year = {2025}\n}",
    "nothing to see here",
    "",
]


def _body(text: str) -> _Body:
    folded = text.translate({0x130: "i", 0x131: "i", 0x17F: "s", 0x212A: "k"}).lower()
    return _Body(lines=[], by_line={}, prose=[], text=text, folded=folded, code="", labels=[], blocks=[])


@pytest.mark.parametrize("text", TEXTS)
def test_pre_check_agrees_with_the_regex_for_every_finder_pattern(text: str) -> None:
    body = _body(text)
    for pattern in PATTERNS:
        assert _in_text(pattern, body) == (re.search(pattern, text, _TEXT_FLAGS) is not None), pattern


def test_required_literals_are_only_what_every_match_contains() -> None:
    assert required_literals("prohibited uses?") == ("prohibited use",)
    assert required_literals(r"\breleased? (on|in) \d{4}") == ("release",)
    assert required_literals("(AWS|GCP|Lambda Labs)") == ("aws", "gcp", "lambda labs")
    assert required_literals(r"\b[a-z_-]+\s*(==|>=)\s*\d") == ("==", ">=")
    assert required_literals("(ab|c?)x") == ("x",)  # an alternative without a literal spoils the set
    assert required_literals("a|b") == ()
    assert required_literals("(x)?yz") == ("yz",)
    assert required_literals("(?:ab)+c") == ("ab",)


def test_the_pre_check_is_used_for_most_patterns() -> None:
    assert (
        sum(1 for pattern in PATTERNS if _strength(required_literals(pattern)) >= 2) * 4 > len(PATTERNS) * 3
    )


FINDER_SPECS = (load_yaml_resource("rules", "disclosure-fields.yaml") or {})["fields"]
TITLES = ["Intended Uses", "Out-of-Scope Use", "Model type", "Licence", "Training Data", "Type", "usage", ""]


@pytest.mark.parametrize("key", ["labels", "sections"])
def test_joined_patterns_match_where_one_of_them_does(key: str) -> None:
    for spec in FINDER_SPECS.values():
        patterns = tuple(spec.get(key) or ())
        if not patterns:
            continue
        test = _any_of(patterns, re.IGNORECASE)
        for title in TITLES + TEXTS:
            assert test(title) == any(re.search(p, title, re.IGNORECASE) for p in patterns), (patterns, title)


def test_patterns_that_cannot_be_joined_are_tested_one_by_one() -> None:
    backreference = _any_of((r"(a)\1", "zz"), re.IGNORECASE)  # the group number would shift in a join
    assert backreference("xaa") and not backreference("ab") and backreference("zz")
    global_flag = _any_of(("(?s)a.b", "c"), 0)  # a global flag is only allowed at the very start
    assert global_flag("a\nb") and global_flag("c") and not global_flag("ab")


def test_remembered_line_tests_answer_as_the_plain_ones() -> None:
    from cardlint.policy import line_tests

    lines = ["[More Information Needed]", "- **Model type:** [More Information Needed]", "## Uses", "x" * 300]
    for line in lines * 2:  # the second round reads the caches
        assert line_tests.residue(line) == line_tests._residue(line)
        assert line_tests.strip_placeholders(line) == placeholder_regex().sub(" ", line)
    assert line_tests.residue("- **Licence:** TBD") == ""
