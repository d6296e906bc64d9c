"""Put the planned `training_compute` block into a card's text, then prove the edit damaged nothing.

Three cases: no block yet (append it before the closing `---`), an empty block such as the one `cardlint init`
writes (replace it), and an author's block (add only the keys it lacks, lined up with its children). After the
edit the card is parsed again: every other key must read back identically, the body must be byte-identical
and the new values must read back as planned; otherwise the edit is dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cardlint.card.document import Card, parse_card
from cardlint.fix.disclosure import (
    DISCLOSURE_KEY,
    ESTIMATE_FIELDS,
    SOURCE_KEY,
    Disclosure,
    LineShift,
    expected_values,
    plan_disclosure,
    render_block,
    render_children,
)
from cardlint.fix.edits import (
    EditRefused,
    child_indent,
    editable_card,
    find_block,
    insertion_line,
    replace_lines,
)
from cardlint.report.common import plural
from cardlint.types import Estimate, Fact

Analysis = Callable[[str, str], tuple[list[Fact], "Estimate | None"]]


@dataclass(frozen=True)
class DisclosureOutcome:
    text: str
    message: str = ""
    line: int | None = None
    notes: list[str] = field(default_factory=list)
    safety: str = "safe"  # unsafe when the written training_flop narrows what cardlint will estimate
    held_back: str | None = None  # the part left out because it was unsafe and unsafe fixes were off


def write_disclosure(text: str, path: str, analyse: Analysis, *, unsafe: bool = False) -> DisclosureOutcome:
    """Return the card text with the disclosure written or completed (or unchanged, with notes saying why)."""
    try:
        card = editable_card(text)
    except EditRefused as exc:
        quiet = card_without_front_matter(text)  # the held-back unsafe fix already says so
        return DisclosureOutcome(text, notes=[] if quiet else [f"compute disclosure not written: {exc}"])
    data: dict[str, Any] = card.metadata
    existing = data.get(DISCLOSURE_KEY)
    if existing is not None and not isinstance(existing, dict):
        return DisclosureOutcome(text, notes=[f"`{DISCLOSURE_KEY}` is not a mapping; left as it is"])
    facts, estimate = analyse(text, path)
    block = find_block(card, DISCLOSURE_KEY) if DISCLOSURE_KEY in data else None
    own_lines = range(block.start + 1, block.end + 1) if block else None
    plan = plan_disclosure(facts, estimate, existing=existing, own_block_lines=own_lines, card_path=path)
    notes = list(plan.notes)
    if not plan:
        return DisclosureOutcome(text, notes=notes)
    try:
        return _write(text, card, plan, path, analyse, notes, unsafe)
    except EditRefused as exc:
        return DisclosureOutcome(text, notes=[*notes, f"compute disclosure not written: {exc}"])


def _write(
    text: str, card: Card, plan: Disclosure, path: str, analyse: Analysis, notes: list[str], unsafe: bool
) -> DisclosureOutcome:
    new_text, message, line = _edit(text, card, plan)
    safety, held_back = "safe", None
    declared = card.metadata.get(DISCLOSURE_KEY)
    scope_stated = isinstance(declared, dict) and declared.get("scope") not in (None, "", "unknown")
    survives = "training_flop" not in plan.key_names() or _interval_survives(new_text, path, analyse, plan)
    if not (scope_stated and survives) and "training_flop" in plan.key_names():
        # A training_flop in the block is the provider's declaration: its scope (final run, cumulative) is
        # the author's to state, so lint asks for it (CL205) once the figure is there. Unless the author's own
        # block already states the scope (and the estimate reads the written interval back whole), writing it
        # is an unsafe fix.
        if unsafe:
            safety = "unsafe"
            message += "; training_flop is a declaration: state its scope"
            if not survives:
                message += " (read back narrower than the estimate)"
        else:
            held_back = "training_flop: a declared figure whose scope only the author can state"
            plan = plan.without(ESTIMATE_FIELDS)
            if not plan:
                return DisclosureOutcome(text, notes=notes, held_back=held_back)
            new_text, message, line = _edit(text, card, plan)
    problem = _damage(card, new_text, plan)
    if problem is not None:
        return DisclosureOutcome(text, notes=[*notes, f"compute disclosure not written: {problem}"])
    return DisclosureOutcome(new_text, message, line, notes, safety, held_back)


def _interval_survives(new_text: str, path: str, analyse: Analysis, plan: Disclosure) -> bool:
    """Whether linting the edited card still sees at least the interval the block states."""
    values = expected_values(plan)
    _facts, estimate = analyse(new_text, path)
    if estimate is None or estimate.training_flop is None:
        return False
    low, high = values["training_flop_low"], values["training_flop_high"]
    if not isinstance(low, (int, float)) or not isinstance(high, (int, float)):
        return False
    tolerance = 1e-9
    return estimate.training_flop.low <= low * (1 + tolerance) and estimate.training_flop.high >= high * (
        1 - tolerance
    )


def _edit(text: str, card: Card, plan: Disclosure) -> tuple[str, str, int]:
    """The card text with `plan` written in, a message saying what was done, and the line it starts on."""
    fm = card.front_matter
    assert fm is not None and fm.end_line is not None
    data: dict[str, Any] = card.metadata
    existing = data.get(DISCLOSURE_KEY)
    block = find_block(card, DISCLOSURE_KEY) if DISCLOSURE_KEY in data else None
    if block is None:
        new_lines = render_block(plan)
        at = insertion_line(text, new_lines)
        new_lines = render_block(plan, shift=LineShift(at + 1, len(new_lines)))
        new_text = replace_lines(text, at, at, new_lines)
        message, line = f"wrote `{DISCLOSURE_KEY}` ({plural(len(plan.entries), 'value')})", at + 1
    elif not existing:  # `training_compute:` with only template comments, or `{}`
        removed = block.end - block.start
        new_lines = render_block(plan)
        new_lines = render_block(plan, shift=LineShift(block.end + 1, len(new_lines) - removed))
        new_text = replace_lines(text, block.start, block.end, new_lines)
        message, line = (
            f"filled the empty `{DISCLOSURE_KEY}` ({plural(len(plan.entries), 'value')})",
            block.start + 1,
        )
    else:
        indent = child_indent(card, DISCLOSURE_KEY)
        with_sources = SOURCE_KEY not in existing
        children = render_children(plan, indent=indent, with_sources=with_sources)
        shift = LineShift(block.end + 1, len(children))
        children = render_children(plan, indent=indent, shift=shift, with_sources=with_sources)
        new_text = replace_lines(text, block.end, block.end, children)
        message, line = f"added {', '.join(plan.key_names())} to `{DISCLOSURE_KEY}`", block.end + 1
    return new_text, message, line


def _damage(before: Card, new_text: str, plan: Disclosure) -> str | None:
    """Why the edited text is not exactly the old card plus the planned values, or None when it is."""
    after = parse_card(new_text)
    fm = after.front_matter
    if fm is None or fm.error is not None or not isinstance(fm.data, dict):
        return "the edited front matter would not parse"
    old, new = before.metadata, fm.data
    if {k: v for k, v in new.items() if k != DISCLOSURE_KEY} != {
        k: v for k, v in old.items() if k != DISCLOSURE_KEY
    }:
        return "another key would change"
    block = new.get(DISCLOSURE_KEY)
    if not isinstance(block, dict):
        return f"`{DISCLOSURE_KEY}` would not read back as a mapping"
    for key, value in (old.get(DISCLOSURE_KEY) or {}).items():
        if block.get(key) != value:
            return f"the existing `{DISCLOSURE_KEY}.{key}` would change"
    for key, value in expected_values(plan).items():
        if block.get(key) != value or isinstance(block.get(key), bool):
            return f"`{DISCLOSURE_KEY}.{key}` would read back as {block.get(key)!r}, not {value!r}"
    if after.body != before.body:
        return "the body would change"
    return None


def card_without_front_matter(text: str) -> bool:
    return not parse_card(text).has_front_matter_opening
