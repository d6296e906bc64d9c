"""report.html: the census summary as one self-contained page (inline SVG plots, inline CSS, no script).

Drawn from summary.json alone. Plots are made with matplotlib's object API (no pyplot, so no global backend
state) and embedded as SVG with text drawn as paths, so the page opens offline with nothing to fetch. Every
string that comes from a card (ids, quotes, errors) is HTML-escaped: cards are untrusted input.
"""

from __future__ import annotations

import html
import io
import itertools
import math
from collections import defaultdict
from typing import Any

from cardlint.census.rows import FIGURES

TAGS_SHOWN = 15
THRESHOLD_COLOURS = ("#c0392b", "#8e44ad", "#d35400", "#16a085", "#2c3e50", "#b7950b")

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 72rem;
       color: #222; line-height: 1.4; padding: 0 1rem; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.9rem; }
th, td { border: 1px solid #ddd; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f4f4f4; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
.facts { display: flex; gap: 1.5rem; flex-wrap: wrap; margin: 1rem 0; }
.fact { background: #f6f8fa; border-radius: 6px; padding: 0.5rem 1rem; }
.fact b { display: block; font-size: 1.4rem; }
.plot svg { max-width: 100%; height: auto; }
.quote { font-family: ui-monospace, monospace; font-size: 0.8rem; color: #555; }
.note { color: #555; font-size: 0.9rem; }
"""


def render_report(summary: dict[str, Any]) -> str:
    """The whole page as a string."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>cardlint census</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>cardlint census</h1>",
        _overview(summary),
        "<h2>Estimated training compute</h2>",
        _histogram_section(summary),
        "<h2>Policy thresholds in the population</h2>",
        _threshold_table(summary),
        "<h2>Disclosure of compute-relevant figures</h2>",
        _disclosure_section(summary),
        "<h2>Most common findings</h2>",
        _findings_table(summary),
        "<h2>Largest models by estimated compute</h2>",
        _largest_table(summary),
        _failures(summary),
        "</body></html>",
    ]
    return "\n".join(part for part in parts if part) + "\n"


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _pct(share: float | None) -> str:
    return "–" if share is None else f"{100 * share:.1f}%"


def _flop(value: float | None) -> str:
    if value is None or value <= 0:
        return "–"
    exponent = math.floor(math.log10(value))
    return f"{value / 10**exponent:.2f}e{exponent}"


def _overview(summary: dict[str, Any]) -> str:
    estimates = summary["estimates"]
    median = estimates["central_flop_quantiles"].get("p50")
    items = [
        ("cards", f"{summary['cards']:,}"),
        ("analysed", f"{summary['analysed']:,}"),
        ("failed", f"{summary['failed']:,}"),
        ("with a compute estimate", f"{estimates['cards_with_estimate']:,} ({_pct(estimates['share'])})"),
        ("median estimate", f"{_flop(median)} FLOP"),
    ]
    facts = "".join(f'<div class="fact"><b>{_e(value)}</b>{_e(label)}</div>' for label, value in items)
    planned, written = summary["partitions"]["planned"], summary["partitions"]["written"]
    partial = (
        f'<p class="note">Partial: {written} of {planned} partitions written; '
        "rerun the same command to finish.</p>"
        if written < planned
        else ""
    )
    return (
        f'<p class="note">Input {_e(summary.get("input"))}; policies as of {_e(summary.get("as_of"))}; '
        f'cardlint {_e(summary.get("cardlint"))}.</p><div class="facts">{facts}</div>{partial}'
        f"{_ids_note(summary.get('ids') or {})}"
    )


def _ids_note(ids: dict[str, Any]) -> str:
    """Where the model ids come from, so a reader knows which ones are Hub ids and which are not."""
    parts = []
    if ids.get("from") == "file names":
        parts.append(
            "Model ids are the READMEs' folder and file names (the input has no id column): they may not be "
            "Hub repo ids."
        )
    if ids.get("guessed"):
        parts.append(
            f"{ids['guessed']:,} ids end in “(guessed)”: the input itself marks them as inferred from a file "
            "name (split at the first underscore) rather than read from the Hub; they are kept as given."
        )
    return f'<p class="note">{_e(" ".join(parts))}</p>' if parts else ""


# ---------------------------------------------------------------- the histogram


def _histogram_section(summary: dict[str, Any]) -> str:
    histogram = summary["estimates"]["histogram"]
    if not histogram["log10_edges"]:
        return '<p class="note">No card gave enough figures for a compute estimate.</p>'
    widths = summary["estimates"]["interval_width_decades"]
    caption = (
        "Bars: cards by central estimate (quarter-decade bins). Lines: the same cards counted at the low and "
        "high ends of their intervals. Lower panel: interval width in decades (median, quartile bars) of the "
        f"cards in each bin; overall median width {_decades(widths.get('p50'))}. "
        "Dashed lines: policy thresholds."
    )
    return f'<div class="plot">{histogram_svg(summary)}</div><p class="note">{_e(caption)}</p>'


def _decades(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f} decades"


def histogram_svg(summary: dict[str, Any]) -> str:
    """The log-scale histogram of estimated compute with interval widths and every threshold, as SVG."""
    import matplotlib
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    histogram = summary["estimates"]["histogram"]
    edges = histogram["log10_edges"]
    lines = _threshold_lines(summary["thresholds"])
    left = min([edges[0], *[value for value, _ in lines]]) - 0.5
    right = max([edges[-1], *[value for value, _ in lines]]) + 0.5
    centres = [(a + b) / 2 for a, b in itertools.pairwise(edges)]
    bin_width = edges[1] - edges[0]
    with matplotlib.rc_context({"svg.fonttype": "path", "svg.hashsalt": "cardlint-census"}):
        figure = Figure(figsize=(11, 6.2), layout="constrained")
        top, bottom = figure.subplots(2, 1, sharex=True, height_ratios=(3, 1.2))
        top.bar(
            centres,
            histogram["central"],
            width=bin_width,
            color="#4a90d9",
            alpha=0.85,
            label="central estimate",
            edgecolor="#2d6da8",
            linewidth=0.4,
        )
        top.stairs(histogram["low"], edges, color="#27ae60", linewidth=1.4, label="interval low end")
        top.stairs(histogram["high"], edges, color="#e67e22", linewidth=1.4, label="interval high end")
        top.set_ylabel("cards")
        top.yaxis.set_major_locator(MaxNLocator(integer=True))
        top.set_title(f"Estimated training compute of {summary['estimates']['cards_with_estimate']:,} cards")
        width_mid = [value if value is not None else math.nan for value in histogram["width_p50"]]
        low_err = [
            m - (q or 0) if q is not None else 0
            for m, q in zip(width_mid, histogram["width_p25"], strict=True)
        ]
        high_err = [
            (q or 0) - m if q is not None else 0
            for m, q in zip(width_mid, histogram["width_p75"], strict=True)
        ]
        low_err = [0 if math.isnan(value) else value for value in low_err]
        high_err = [0 if math.isnan(value) else value for value in high_err]
        bottom.errorbar(
            centres,
            width_mid,
            yerr=[low_err, high_err],
            fmt="o",
            markersize=3,
            color="#555",
            ecolor="#999",
            capsize=2,
            linewidth=0.8,
        )
        bottom.set_ylabel("interval width\n(decades)")
        bottom.set_xlabel("training compute (FLOP, log scale)")
        bottom.set_ylim(bottom=0)
        for position, (value, label) in enumerate(lines):
            colour = THRESHOLD_COLOURS[position % len(THRESHOLD_COLOURS)]
            for axes in (top, bottom):
                axes.axvline(value, color=colour, linestyle="--", linewidth=1.3)
            top.text(
                value,
                0.98,
                f" {label}",
                rotation=90,
                va="top",
                ha="right",
                color=colour,
                transform=top.get_xaxis_transform(),
                fontsize=8,
                bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none", "pad": 1},
            )
        ticks = list(range(math.ceil(left), math.floor(right) + 1))
        bottom.set_xticks(ticks, [f"$10^{{{tick}}}$" for tick in ticks])
        bottom.set_xlim(left, right)
        top.legend(loc="upper left", fontsize=8)
        top.grid(axis="y", alpha=0.3)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return _strip_prolog(buffer.getvalue())


def _threshold_lines(table: list[dict[str, Any]]) -> list[tuple[float, str]]:
    """One line per distinct threshold value, labelled with every policy that uses it."""
    by_value: dict[float, list[str]] = defaultdict(list)
    for entry in table:
        if entry["value_flop"] and entry["value_flop"] > 0:
            modifier = entry.get("basis") == "modification"  # a share of the base model's compute
            by_value[entry["value_flop"]].append(
                f"{entry['policy']} (modifier, fallback)" if modifier else entry["policy"]
            )
    return [
        (math.log10(value), f"{_flop(value)}: " + ", ".join(sorted(set(names))))
        for value, names in sorted(by_value.items())
    ]


def _strip_prolog(svg: str) -> str:
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg


def _bar_svg(labels: list[str], shares: list[float], title: str) -> str:
    import matplotlib
    from matplotlib.figure import Figure

    with matplotlib.rc_context({"svg.fonttype": "path", "svg.hashsalt": "cardlint-census"}):
        figure = Figure(figsize=(7, 2.8), layout="constrained")
        axes = figure.subplots()
        axes.barh(labels[::-1], [100 * share for share in shares[::-1]], color="#4a90d9")
        axes.set_xlim(0, 100)
        axes.set_xlabel("% of analysed cards")
        axes.set_title(title)
        for y, share in enumerate(shares[::-1]):
            axes.text(100 * share + 1, y, f"{100 * share:.1f}%", va="center", fontsize=8)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return _strip_prolog(buffer.getvalue())


# ---------------------------------------------------------------- tables


def _threshold_table(summary: dict[str, Any]) -> str:
    rows = []
    for entry in summary["thresholds"]:
        bases = entry["counts"] or {
            "training": {status: 0 for status in ("below", "straddles", "above", "unknown")}
        }
        for basis, counts in bases.items():
            rows.append(
                "<tr>"
                f"<td>{_e(entry['policy'])}</td><td>{_e(entry['threshold'])}</td><td>{_e(entry['label'])}</td>"
                f"<td class=n>{_e(_flop(entry['value_flop']))}</td>"
                f"<td class=n>{_pct(entry['percentile'])}</td>"
                f"<td>{_e(basis)}</td>"
                + "".join(
                    f"<td class=n>{counts.get(s, 0):,}</td>"
                    for s in ("below", "straddles", "above", "unknown")
                )
                + "</tr>"
            )
    if not rows:
        return '<p class="note">No model-compute threshold in the selected policies.</p>'
    return (
        '<p class="note">Percentile: share of cards with an estimate whose central estimate is below the '
        "threshold. Counts: cards whose interval lies below, straddles or lies above it "
        "(unknown: no estimate); "
        "cards a threshold's conditions rule out are not counted.</p>"
        "<table><tr><th>policy</th><th>threshold</th><th>label</th><th>FLOP</th><th>percentile</th>"
        "<th>basis</th><th>below</th><th>straddles</th><th>above</th><th>unknown</th></tr>"
        + "".join(rows)
        + "</table>"
    )


def _disclosure_section(summary: dict[str, Any]) -> str:
    overall = summary["disclosure"]["overall"]
    figures = list(FIGURES)
    chart = (
        _bar_svg(figures, [overall["rates"][f] for f in figures], "Cards stating each figure")
        if overall["cards"]
        else ""
    )
    header = (
        "<tr><th>pipeline tag</th><th>cards</th>" + "".join(f"<th>{_e(f)}</th>" for f in figures) + "</tr>"
    )

    def line(name: str, group: dict[str, Any]) -> str:
        cells = "".join(f"<td class=n>{_pct(group['rates'][f])}</td>" for f in figures)
        return f"<tr><td>{_e(name)}</td><td class=n>{group['cards']:,}</td>{cells}</tr>"

    tags = list(summary["disclosure"]["by_pipeline_tag"].items())
    body = line("all cards", overall) + "".join(line(tag, group) for tag, group in tags[:TAGS_SHOWN])
    more = (
        f'<p class="note">{len(tags) - TAGS_SHOWN} more tags in summary.json.</p>'
        if len(tags) > TAGS_SHOWN
        else ""
    )
    kinds = "; ".join(f"{figure}: {', '.join(kinds)}" for figure, kinds in summary["figures"].items())
    return (
        f'<div class="plot">{chart}</div>'
        '<p class="note">A card discloses a figure when it states one of these fact kinds about its own '
        "model "
        f"(figures cardlint derives do not count): {_e(kinds)}.</p>"
        f"<table>{header}{body}</table>{more}"
    )


def _findings_table(summary: dict[str, Any]) -> str:
    if not summary["findings"]:
        return '<p class="note">No findings.</p>'
    rows = "".join(
        f"<tr><td>{_e(item['code'])}</td><td>{_e(item['name'])}</td><td>{_e(item['severity'])}</td>"
        f"<td class=n>{item['cards']:,}</td><td class=n>{_pct(item['share'])}</td></tr>"
        for item in summary["findings"]
    )
    return (
        "<table><tr><th>code</th><th>rule</th><th>severity</th><th>cards</th><th>share</th></tr>"
        f"{rows}</table>"
    )


def _largest_table(summary: dict[str, Any]) -> str:
    if not summary["largest"]:
        return '<p class="note">No estimates.</p>'
    rows = []
    for item in summary["largest"]:
        flop = item["flop"]
        evidence = "<br>".join(
            f"{_e(ev['kind'])} = {_e(_value(ev['value']))} (line {_e(ev['line'])}, {_e(ev['origin'])})"
            + (f' <span class="quote">“{_e(ev["quote"])}”</span>' if ev.get("quote") else "")
            for ev in item["evidence"]
        )
        rows.append(
            f"<tr><td>{_e(item['id'])}</td><td>{_e(item['pipeline_tag'])}</td>"
            f"<td class=n>{_e(_flop(flop['central']))}</td>"
            f"<td class=n>{_e(_flop(flop['low']))} – {_e(_flop(flop['high']))}</td>"
            f"<td>{_e(item['driver'])}</td><td>{evidence or '–'}</td></tr>"
        )
    return (
        "<table><tr><th>model</th><th>pipeline tag</th><th>central FLOP</th><th>interval</th><th>method</th>"
        "<th>evidence in the card</th></tr>" + "".join(rows) + "</table>"
    )


def _value(value: Any) -> str:
    if isinstance(value, float) and abs(value) >= 1e6:
        return _flop(value)
    if isinstance(value, float) and value.is_integer():
        return f"{int(value):,}"
    return str(value)


def _failures(summary: dict[str, Any]) -> str:
    if not summary["failed"]:
        return ""
    rows = "".join(
        f"<tr><td>{_e(item['id'])}</td><td>{_e(item['error'])}</td></tr>" for item in summary["failures"]
    )
    return (
        f"<h2>Cards that failed ({summary['failed']:,})</h2>"
        '<p class="note">Each is a row with its error in the results; the rest of the run went on.</p>'
        f"<table><tr><th>model</th><th>error</th></tr>{rows}</table>"
    )
