"""Property tests (hypothesis) for every layer that reads card text: the front-matter splitter, the YAML
layer, the quantity parser, each extractor, and the whole `analyse`.

The promise under test is the same everywhere: any input gives an answer (never an exception), and the
answer points inside the card. Example counts are modest so the suite stays quick; fuzz/run.py is the long
campaign.
"""

from __future__ import annotations

import json
import math

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cardlint.card.document import decode, parse_card
from cardlint.checks.suppressions import parse_suppressions
from cardlint.config.catalogue import load_catalogue
from cardlint.config.settings import Settings
from cardlint.core.limits import Limits
from cardlint.extract.config_dump import config_dump_facts
from cardlint.extract.derived import derived_facts
from cardlint.extract.hardware_names import find_hardware
from cardlint.extract.layout import Layout
from cardlint.extract.metadata import metadata_facts
from cardlint.extract.prose import prose_facts
from cardlint.extract.quantities import find_quantities, parse_quantity
from cardlint.extract.subject import card_subject
from cardlint.extract.tables import table_facts
from cardlint.pipeline.analysis import Environment, analyse
from cardlint.policy.loading import select_policies
from cardlint.report.json import render as render_json
from cardlint.sources import LoadedTarget
from cardlint.types import Fact

FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FEW = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Pieces a card is made of, so generated text reaches the interesting code rather than plain noise.
PIECES = [
    "---",
    "\n",
    "\r\n",
    "\r",
    " ",
    "  ",
    "\t",
    "- ",
    ": ",
    "license: mit",
    "licence: mit",
    "language:\n- no",
    "base_model: org/base-7B",
    "training_compute:\n  training_flop: 3.1e24",
    "model-index:\n- name: x",
    "&a ",
    "*a",
    "[",
    "]",
    "{",
    "}",
    '"',
    "'",
    "|",
    "#",
    "## Training",
    "# Model",
    "| a | b |",
    "|---|---|",
    "| 7B | 2T |",
    "<table>",
    "<tr>",
    "<td>",
    "</td>",
    "</tr>",
    "</table>",
    "<!-- cardlint-disable CL104 -->",
    "<!-- cardlint-enable -->",
    "<!-- cardlint-disable-next-line -->",
    "```",
    "`",
    "**",
    "[link](http://x)",
    "7B",
    "1.5T tokens",
    "3.8e25 FLOPs",
    "2.1 x 10^24",
    "× 10^",
    "x10^",
    "1,000",
    "3 epochs",
    "1024 A100 GPUs",
    "H100",
    "TPU v4",
    "for 21 days",
    "39.3M GPU hours",
    "3.2 petaflop/s-days",
    "kWh",
    "tCO2eq",
    "parameters",
    "fine-tuned from",
    "[More Information Needed]",
    "~",
    "≈",
    "<",
    ">",
    "1e",
    "0",
    "9",
    ".",
    ",",
    "-",
    "+",
    "\u00a0",
    "é",
    "\u200b",
    "\ufeff",
    "\x00",
    "\x06",
]
card_text = st.lists(st.sampled_from(PIECES), max_size=80).map("".join)
any_text = st.one_of(st.text(max_size=400), card_text)


def _in_card(fact: Fact, line_count: int, path: str) -> bool:
    line = fact.location.line
    return fact.location.path != path or line is None or 1 <= line <= line_count


# ---------------------------------------------------------------- splitter and YAML layer


@FAST
@given(any_text)
def test_parse_card_never_raises_and_keeps_lines(text: str) -> None:
    card = parse_card(text, "fuzz.md")
    assert card.lines == text.removeprefix("\ufeff").split("\n")
    assert 1 <= card.body_start_line <= len(card.lines) + 1
    fm = card.front_matter
    if fm is not None:
        assert 1 <= fm.start_line <= len(card.lines) + 1
        if fm.end_line is not None:
            assert fm.start_line <= fm.end_line <= len(card.lines)
            assert card.lines[fm.end_line - 1].rstrip("\r").rstrip(" \t") == "---"
            assert card.body_start_line == fm.end_line + 1
        if fm.error is not None:
            assert 1 <= fm.error.line <= len(card.lines) + 1 and fm.error.column >= 1
    assert isinstance(card.metadata, dict)
    for section in card.sections:
        assert 1 <= section.line <= section.end_line <= len(card.lines)


@FAST
@given(st.text(max_size=300))
def test_yaml_layer_never_raises_and_marks_point_inside_the_block(yaml_text: str) -> None:
    text = f"---\n{yaml_text}\n---\n# Body\n"
    card = parse_card(text, "fuzz.md")
    fm = card.front_matter
    assert fm is not None
    if fm.closed and fm.error is None:
        for mark in fm.marks.values():
            assert fm.start_line <= mark.key_line <= mark.value_end_line <= (fm.end_line or len(card.lines))
        for surprise in fm.surprises:
            assert fm.start_line <= surprise.line < (fm.end_line or len(card.lines) + 1)


scalars = st.one_of(
    st.integers(-(10**12), 10**12),
    st.booleans(),
    st.none(),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=20),
    st.floats(allow_nan=False, allow_infinity=False),
)
yaml_keys = st.text("abcdefghijklmnopqrstuvwxyz_-", min_size=1, max_size=12)
yaml_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(yaml_keys, inner, max_size=4),
    max_leaves=12,
)


@FAST
@given(st.dictionaries(yaml_keys, yaml_values, min_size=1, max_size=6), card_text, st.booleans())
def test_front_matter_round_trips(data: dict, body: str, crlf: bool) -> None:  # type: ignore[type-arg]
    block = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    text = f"---\n{block}---\n{body}"
    if crlf:
        text = text.replace("\n", "\r\n")
    card = parse_card(text, "fuzz.md")
    assert card.front_matter is not None and card.front_matter.error is None
    assert card.metadata == data
    for key in data:
        line = card.front_matter.line_of((key,))
        assert card.lines[line - 1].lstrip("'\"").startswith(key)


@FAST
@given(st.binary(max_size=600))
def test_decode_never_raises_beyond_its_one_error(raw: bytes) -> None:
    from cardlint.card.document import CardReadError

    try:
        text, problem = decode(raw, Limits(max_card_bytes=500))
    except CardReadError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert isinstance(text, str)
    assert problem is None or "byte" in problem


# ---------------------------------------------------------------- quantities


@FAST
@given(any_text)
def test_quantities_never_raise_and_do_not_overlap(text: str) -> None:
    previous_end = 0
    for quantity in find_quantities(text):
        assert previous_end <= quantity.start < quantity.end <= len(text)
        assert not math.isnan(quantity.value)
        assert quantity.low is None or quantity.low <= quantity.value
        previous_end = quantity.end


@FAST
@given(
    st.integers(1, 999),
    st.integers(0, 99),
    st.integers(-30, 30),
    st.sampled_from(["{m}e{k}", "{m}E{k}", "{m} x 10^{k}", "{m}x10^{k}", "{m} × 10^{k}", "{m}×10^{k}"]),
)
def test_scientific_notations_agree(whole: int, decimals: int, exponent: int, form: str) -> None:
    mantissa = f"{whole}.{decimals:02d}"
    quantity = parse_quantity(form.format(m=mantissa, k=exponent) + " FLOP")
    assert quantity is not None
    assert math.isclose(quantity.value, float(mantissa) * 10.0**exponent, rel_tol=1e-9)


@FAST
@given(
    st.text(max_size=200),
    st.sampled_from(["7B", "1.5T tokens", "3e24 FLOPs", "1,024 GPUs"]),
    st.text(max_size=200),
)
def test_a_figure_is_found_whatever_surrounds_it(before: str, figure: str, after: str) -> None:
    text = f"{before} {figure} {after}"
    found = [q for q in find_quantities(text) if q.start <= len(before) + 1 < q.end]
    assert len(found) <= 1  # never two quantities over one figure


# ---------------------------------------------------------------- each extractor


@FAST
@given(card_text)
def test_each_extractor_never_raises_and_points_inside_the_card(text: str) -> None:
    path = "fuzz.md"
    card = parse_card(text, path)
    layout = Layout(card)
    subject = card_subject(card, folder_name="model-7B")
    facts: list[Fact] = []
    facts += metadata_facts(card, path=path)
    facts += table_facts(card, layout, path=path, subject=subject)
    facts += prose_facts(card, layout, path=path, subject=subject)
    facts += config_dump_facts(card, layout, path=path)
    facts += derived_facts(card, layout, facts, path=path)
    for fact in facts:
        assert fact.kind and _in_card(fact, len(card.lines), path)
    for mention in find_hardware(text):
        assert 0 <= mention.start <= mention.end <= len(text)
    for suppression in parse_suppressions(card.lines, None):
        assert 1 <= suppression.line <= len(card.lines)


# ---------------------------------------------------------------- the whole pipeline


def _environment() -> Environment:
    settings_ = Settings()
    return Environment(settings=settings_, policies=select_policies(["all"], [], settings_.as_of))


ENVIRONMENT = _environment()
CATALOGUE = load_catalogue()


def _check_report(raw: bytes) -> None:
    report = analyse(LoadedTarget(target="fuzz.md", path="fuzz.md", raw=raw), ENVIRONMENT)
    line_count = max(len(report.lines), 1)
    for item in report.findings:
        assert item.code in CATALOGUE.rules
        assert item.location.line is None or 1 <= item.location.line <= line_count + 1, item
    json.loads(render_json([report], CATALOGUE, command="check"))


@FAST
@given(card_text)
def test_analyse_never_raises_on_card_like_text(text: str) -> None:
    _check_report(text.encode("utf-8"))


@FEW
@given(st.text(max_size=2000))
def test_analyse_never_raises_on_any_text(text: str) -> None:
    _check_report(text.encode("utf-8", errors="surrogatepass"))


@FEW
@given(st.binary(max_size=2000))
def test_analyse_never_raises_on_any_bytes(raw: bytes) -> None:
    _check_report(raw)
