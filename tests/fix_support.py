"""A tiny stand-in for the extractor and estimator, so fix tests control exactly which facts a card yields.

Facts are found by their quote in the current text, so their line numbers follow the card through each edit
just as the real extractor's would.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import strategies as st

from cardlint.card.document import parse_card
from cardlint.types import Estimate, Fact, Interval, Location, MethodEstimate

CARDS = Path(__file__).parent / "cards" / "fix"


def fact_at(text: str, path: str, kind: str, value: float | str, quote: str, **flags: object) -> Fact | None:
    """A prose fact for the first line of `text` that contains `quote` (None when no line does)."""
    for number, line in enumerate(text.split("\n"), start=1):
        column = line.find(quote)
        if column >= 0:
            return Fact(kind, value, "", Location(path, number, column + 1), "prose", quote, **flags)  # type: ignore[arg-type]
    return None


def analysis(*specs: tuple[str, float | str, str], reported_margin: float | None = None):  # type: ignore[no-untyped-def]
    """An `analyse(text, path)` callable yielding the facts `specs` name, and 6·N·D when it can.

    A `training_compute.training_flop` in the front matter wins as a reported figure, read with the block's
    own low/high (or, with `reported_margin`, ± that margin, as an estimator that ignores them would)."""

    def analyse(text: str, path: str) -> tuple[list[Fact], Estimate | None]:
        found = (fact_at(text, path, kind, value, quote) for kind, value, quote in specs)
        facts = [fact for fact in found if fact is not None]
        return facts, reported(text, path, reported_margin) or six_n_d(facts)

    return analyse


def reported(text: str, path: str, margin: float | None) -> Estimate | None:
    block = parse_card(text).metadata.get("training_compute")
    if not isinstance(block, dict) or not isinstance(block.get("training_flop"), float):
        return None
    value = block["training_flop"]
    if margin is None:
        interval = Interval(
            block.get("training_flop_low", value), value, block.get("training_flop_high", value)
        )
    else:
        interval = Interval(value * (1 - margin), value, value * (1 + margin))
    stated = Fact("training_flop", value, "FLOP", Location(path, 1, 1), "yaml", "training_flop")
    return Estimate(
        interval, "reported", "stated", (MethodEstimate("reported", interval, (stated,), "stated"),)
    )


def six_n_d(facts: list[Fact]) -> Estimate | None:
    params = next((f for f in facts if f.kind == "parameters" and f.subject is None), None)
    tokens = next((f for f in facts if f.kind == "training_tokens" and f.subject is None), None)
    if params is None or tokens is None:
        return None
    central = 6 * float(params.value) * float(tokens.value)
    interval = Interval(central * 0.7, central, central * 1.4)
    method = MethodEstimate("architecture", interval, (params, tokens), "6 * N * D")
    return Estimate(interval, "architecture", "only method", (method,))


def no_analysis(text: str, path: str) -> tuple[list[Fact], Estimate | None]:
    return [], None


def sources(block: dict) -> dict[str, str]:  # type: ignore[type-arg]
    """`derived_from` (a list of "key: where" strings) as a mapping from key to where."""
    return dict(item.split(": ", 1) for item in block.get("derived_from", []))


# Front matters in many layouts: comments and blank lines between keys, block and flow values, scalars.
_KEYS = st.sampled_from(["license", "tags", "datasets", "library_name", "model_name", "extra", "x-note"])
_VALUES = st.sampled_from(
    [
        " mit",
        " 'quoted: yes'",
        ' "double"',
        " [a, b]",
        " {k: v}",
        "\n- one\n- two",
        "\n  - nested",
        " |\n  text\n\n  more",
        " >-\n  folded",
        "  # only a comment",
        " 12_000",
        " no",
        " ~",
    ]
)
_FILLER = st.sampled_from(["", "# a comment", "   ", "#", "# ---"])


@st.composite
def front_matters(draw: st.DrawFn) -> str:
    keys = draw(st.lists(_KEYS, min_size=0, max_size=5, unique=True))
    lines: list[str] = []
    for key in keys:
        lines.extend(draw(st.lists(_FILLER, max_size=2)))
        lines.extend(f"{key}:{draw(_VALUES)}".split("\n"))
    lines.extend(draw(st.lists(_FILLER, max_size=2)))
    return "\n".join(["---", *lines, "---", "# Body", "", "It has 7.2 billion parameters.", ""])
