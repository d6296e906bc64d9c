"""Figures a card gives for the series its model belongs to ("Foo v1" in the card of foo-v1-4).

A card of one checkpoint of a series often reports the compute of the whole series under a heading that names
it (`**Foo v1** **Estimated Emissions**` above `Hours used: 150000` in the card of foo-v1-4, where v1-1 to
v1-4 were trained one after another). Such a figure is the card's to report, but it is not the checkpoint's
own run: it covers the earlier checkpoints too. It keeps its place among the card's facts, with a note naming
the series, so that the estimate of a fine-tune can take it as cumulative compute, base models included,
instead of the fine-tune's own.
"""

from __future__ import annotations

import re
from dataclasses import replace

from cardlint.core.regex_store import compile_pattern
from cardlint.extract.layout import HEADING, PROSE, Layout
from cardlint.extract.prose_context import join_notes
from cardlint.extract.subject import normalise, subject_names, subject_norms
from cardlint.types import Fact

SERIES = "series figure"  # note prefix: "series figure: Foo v1"

_VERSION = compile_pattern(r"v?\d{1,3}", re.IGNORECASE)
_SEPARATORS = compile_pattern(r"[-_. ]+")
# A line that is only bold text heads what follows: `**Foo v1** **Estimated Emissions**`.
_BOLD_LINE = compile_pattern(r"\s{0,3}(?:(?:\*\*|__)[^*_\n]{1,80}(?:\*\*|__)\s*){1,4}:?\s*")
_BOLD_REACH = 12  # lines above a figure in which a bold line still heads it
_KINDS = frozenset(
    {
        "device_hours", "training_duration_days", "training_flop", "energy_mwh", "co2_tonnes",
        "training_tokens", "hardware_type", "hardware_count", "power_watts_per_device",
    }
)  # fmt: skip


def series_of(subject: str | None) -> tuple[str, ...]:
    """Normalised names of the series the subject's names place it in: a name whose last two parts are
    versions, minus the last ("stable-diffusion-v1-4" -> "stablediffusionv1"). A size ("llama-2-7b") or a
    word ("whisper-large-v3") in last place names no series."""
    found: list[str] = []
    for name in subject_names(subject):
        parts = [part for part in _SEPARATORS.split(name) if part]
        if len(parts) < 3 or not all(_VERSION.fullmatch(part) for part in parts[-2:]):
            continue
        series = normalise("".join(parts[:-1]))
        if len(series) >= 4:
            found.append(series)
    return tuple(dict.fromkeys(found))


def series_in(title: str, series: tuple[str, ...], own: tuple[str, ...]) -> str | None:
    """The words of a heading that name the series itself, not the card's model nor a sibling ("Foo v1" of
    "Foo v1 Estimated Emissions", but nothing of "Foo v1-4" or "Foo v1.5"): the series' name followed by no
    further version digit."""
    flat = normalise(title)
    if any(name in flat for name in own):
        return None
    for name in series:
        at = flat.find(name)
        while at >= 0:
            after = flat[at + len(name) : at + len(name) + 1]
            if not after.isdigit():
                return _words_to(title, at + len(name))
            at = flat.find(name, at + 1)
    return None


def _words_to(title: str, count: int) -> str:
    """The title up to its `count`-th letter or digit (the end of a name matched in its normalised form)."""
    seen = 0
    for index, char in enumerate(title):
        if normalise(char):
            seen += 1
            if seen == count:
                return _plain(title[: index + 1])
    return _plain(title)


def series_figures(facts: list[Fact], layout: Layout, subject: str | None) -> list[Fact]:
    """The card's own compute figures under a heading (or a bold line heading their section's text) that
    names the subject's series, noted as the series' figures."""
    series = series_of(subject)
    if not series:
        return facts
    own = subject_norms(subject)
    result = []
    for fact in facts:
        line = fact.location.line or 0
        if fact.subject is None and fact.kind in _KINDS and line and fact.origin != "yaml":
            named = next(filter(None, (series_in(t, series, own) for t in _titles_over(layout, line))), None)
            if named is not None:
                fact = replace(fact, note=join_notes(fact.note, f"{SERIES}: {named}"))
        result.append(fact)
    return result


def _titles_over(layout: Layout, line: int) -> list[str]:
    """The headings enclosing `line`, innermost first, after the nearest bold-only prose line above it when no
    heading comes between (looked for within a few lines: it heads the text just below it)."""
    titles = list(reversed(layout.headings(line)))
    for number in range(line - 1, max(layout.card.body_start_line, line - _BOLD_REACH) - 1, -1):
        if layout.kinds[number] == HEADING:
            break
        if layout.kinds[number] == PROSE and _BOLD_LINE.fullmatch(layout.card.lines[number - 1]):
            titles.insert(0, layout.card.lines[number - 1])
            break
    return titles


def _plain(title: str) -> str:
    return " ".join(re.sub(r"\*\*|__|[#*_]", " ", title).split()).strip(" :")


def series_name(facts: list[Fact]) -> str | None:
    """The series whose figures these are, when every one of them is a series figure."""
    names = {
        note.split(": ", 1)[-1]
        for fact in facts
        for note in (fact.note or "").split("; ")
        if note.startswith(SERIES)
    }
    if not facts or not all(is_series_figure(fact) for fact in facts):
        return None
    return next(iter(sorted(names)), None)


def is_series_figure(fact: Fact) -> bool:
    return any(note.startswith(SERIES) for note in (fact.note or "").split("; "))
