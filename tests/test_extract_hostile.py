"""Extraction never raises and stays fast on hostile or malformed cards."""

from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from cardlint.card.document import parse_card
from cardlint.extract import extract_facts

HOSTILE = [
    "trained on " + "9" * 1_000_000 + " tokens\n",
    "# T\n\n" + ("1.5B parameters, " * 60_000) + "\n",
    "<table>" * 2_000 + "<td>8B</td>" + "</table>" * 10 + "\n",
    "<table><tr><td rowspan='999999'>x</td><td colspan='999999'>1B</td></tr></table>\n",
    "| a | b |\n|---|---|\n" + "| 1B | 2T |\n" * 5_000,
    "[" * 50_000 + "](" * 50_000 + "\n",
    "```\n" + "ngpu: 8\nmax_epoch: 3\n" * 10_000,
    "---\nco2_eq_emissions: {emissions: .nan}\nbase_model: [1, null, {a: b}]\n"
    "training_compute: [1]\n---\n# x\n",
    "---\ntraining_compute: {training_flop: '1e25', hardware_type: 7,\n"
    "  stages: [null, {name: sft, tokens: x}]}\n---\n",
    "\r\n".join(["Trained on 8 A100 GPUs for 3 days."] * 3_000),
]


def test_hostile_cards_do_not_raise_and_stay_fast() -> None:
    for text in HOSTILE:
        card = parse_card(text, "hostile.md")
        started = time.perf_counter()
        facts = extract_facts(card, path="hostile.md", subject="org/model-7B")
        assert time.perf_counter() - started < 30.0
        assert all(fact.location.line is None or fact.location.line >= 1 for fact in facts)


def test_no_fact_from_a_million_digit_number() -> None:
    card = parse_card(HOSTILE[0], "digits.md")
    assert not [
        fact for fact in extract_facts(card, path="digits.md", subject=None) if fact.kind == "training_tokens"
    ]


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                *"0123456789.,xX×^eE+-~ |<>/()[]*`#:\n",
                "B",
                "M",
                "T",
                " GPU hours",
                " tokens",
                "<td>",
                "A100",
                "10^",
            ]
        ),
        max_size=120,
    ).map("".join)
)
def test_arbitrary_text_never_raises(text: str) -> None:
    card = parse_card(text, "fuzz.md")
    for fact in extract_facts(card, path="fuzz.md", subject=None):
        assert fact.kind
        assert isinstance(fact.value, (int, float, str))


def test_spans_cannot_blow_up_a_table() -> None:
    cells = "".join(f"<td rowspan='100000' colspan='100000'>{i}B</td>" for i in range(2000))
    rows = "".join(f"<tr>{cells}</tr>" for _ in range(20))
    card = parse_card(f"<table>{rows}</table>\n", "spans.md")
    started = time.perf_counter()
    extract_facts(card, path="spans.md", subject="org/model-7B")
    assert time.perf_counter() - started < 30.0
