"""Small pieces every CI renderer shares: repository-relative paths, ordering, fingerprints, number formats.

The renderers are pure functions of the reports; these helpers keep them agreeing with each other, so a
finding has the same path, order and fingerprint in SARIF, annotations, JUnit and JSON Lines.
"""

from __future__ import annotations

import os
import posixpath
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from cardlint.core.regex_store import compile_pattern
from cardlint.types import CardReport, Estimate, Finding, Location, Severity, ThresholdStatus

# Where the project lives; SARIF informationUri and the rule help links point here.
PROJECT_URL = "https://github.com/cardlint/cardlint"
RULES_DOC_URL = f"{PROJECT_URL}/blob/main/docs/rules.md"

# How serious a threshold status is for a reader deciding whether to look closer: a card we cannot place is
# more worrying than one clearly below, and less than one that may cross.
THRESHOLD_STATUS_ORDER = ("below", "unknown", "straddles", "above")
NO_THRESHOLDS = "none"

SEVERITY_ORDER = (Severity.ERROR, Severity.WARNING, Severity.INFO)

_WHITESPACE = compile_pattern(r"\s+")
_NUMBER = compile_pattern(r"\d+(?:[.,]\d+)*(?:[eE][+-]?\d+)?")


def rule_help_uri(code: str, name: str) -> str:
    """The rule's section in the generated rules page (GitHub's heading anchor for '# CL101 some-name')."""
    return f"{RULES_DOC_URL}#{code.lower()}-{name}"


def has_scheme(path: str) -> bool:
    """True for hf://… and other non-file URIs (a Windows drive letter is not a scheme)."""
    scheme = urlsplit(path).scheme
    return len(scheme) > 1


def relative_path(path: str, root: str | None = None) -> str:
    """`path` as a POSIX path relative to `root` (default: the working directory), as GitHub expects.

    Paths outside the root and URIs such as hf://org/name/README.md are returned unchanged (POSIX slashes):
    they cannot be made repository-relative, and guessing would put annotations on the wrong file.
    """
    if not path or path == "-" or has_scheme(path):
        return path
    base = os.path.abspath(root if root is not None else os.getcwd())
    absolute = os.path.abspath(path)
    try:
        relative = os.path.relpath(absolute, base)
    except ValueError:  # another drive on Windows
        return absolute.replace(os.sep, "/")
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return path.replace(os.sep, "/")
    return posixpath.normpath(relative.replace(os.sep, "/"))


def artifact_uri(path: str, root: str | None = None) -> str:
    """A URI reference for SARIF: the relative path, percent-encoded (spaces and the like)."""
    relative = relative_path(path, root)
    if has_scheme(relative):
        return relative
    return quote(relative, safe="/-._~!$&'()*+,;=:@")


def position(location: Location) -> str:
    """'12:3', '12' or '' for a location without a line."""
    return ":".join(str(part) for part in (location.line, location.column) if part is not None)


def finding_sort_key(finding: Finding) -> tuple[str, int, int, str]:
    location = finding.location
    return (location.path, location.line or 0, location.column or 0, finding.code)


def ordered_findings(report: CardReport) -> list[Finding]:
    """Findings of one card in file order, so every format lists them the same way."""
    return sorted(report.findings, key=finding_sort_key)


def severity_counts(reports: Iterable[CardReport]) -> Counter[Severity]:
    """Findings per severity; a card that could not be read counts as one error."""
    counts: Counter[Severity] = Counter()
    for report in reports:
        if report.error:
            counts[Severity.ERROR] += 1
        for item in report.findings:
            counts[item.severity] += 1
    return counts


def plural(count: int, word: str, many: str | None = None) -> str:
    """'1 error', '2 errors'; `many` for words whose plural is not word + s ('fixes')."""
    return f"{count} {word}" if count == 1 else f"{count} {many or word + 's'}"


def counts_phrase(counts: Counter[Severity]) -> str:
    """'2 errors, 1 warning, 3 notes' with zero counts left out; 'no findings' when all are zero."""
    words = ((Severity.ERROR, "error"), (Severity.WARNING, "warning"), (Severity.INFO, "note"))
    parts = [plural(counts[severity], word) for severity, word in words if counts[severity]]
    return ", ".join(parts) if parts else "no findings"


def highest_threshold_status(statuses: Iterable[ThresholdStatus]) -> str:
    """The most serious status among `statuses` (see THRESHOLD_STATUS_ORDER), or 'none' without thresholds."""
    ranks = [THRESHOLD_STATUS_ORDER.index(s.status) for s in statuses if s.status in THRESHOLD_STATUS_ORDER]
    return THRESHOLD_STATUS_ORDER[max(ranks)] if ranks else NO_THRESHOLDS


def format_flop(value: float | None) -> str:
    """Compute in two significant figures, '3.2e24'; '?' when unknown."""
    if value is None:
        return "?"
    text = f"{value:.2g}"
    return text.replace("e+", "e").replace("e0", "e").replace("e-0", "e-")


def interval_phrase(estimate: Estimate | None) -> str:
    """'3.2e24 FLOP (1.1e24–8e24)', or a short reason when there is no estimate."""
    if estimate is None:
        return "not estimated"
    interval = estimate.training_flop
    if interval is None:
        return f"unknown ({estimate.reason})" if estimate.reason else "unknown"
    return f"{format_flop(interval.central)} FLOP ({format_flop(interval.low)}–{format_flop(interval.high)})"


def normalized_line(report: CardReport, finding: Finding) -> str:
    """The offending line's text, whitespace collapsed; the message when the card's lines are not at hand."""
    line = finding.location.line
    known = line is not None and 1 <= line <= len(report.lines)
    text = report.lines[line - 1] if known and line is not None else finding.message
    return _WHITESPACE.sub(" ", text).strip()


@dataclass(frozen=True)
class Fingerprinted:
    finding: Finding
    fingerprint: str


def fingerprinted(report: CardReport, root: str | None = None) -> Iterator[Fingerprinted]:
    """The card's findings in file order, each with a fingerprint that survives unrelated lines moving.

    The hash covers rule, repository-relative path, the offending line's normalised text, the message with its
    numbers blanked (several findings of one rule often share a line, e.g. disclosures anchored at the front
    matter; fixing one must not renumber the others, and a changed estimate must not re-open them) and the
    occurrence index among identical keys — never the line number.
    """
    seen: Counter[tuple[str, ...]] = Counter()
    for item in ordered_findings(report):
        path = relative_path(item.location.path, root)
        skeleton = _NUMBER.sub("#", _WHITESPACE.sub(" ", item.message).strip())
        key = (item.code, path, normalized_line(report, item), skeleton)
        occurrence = seen[key]
        seen[key] += 1
        digest = _sha256_hex("\0".join((*key, str(occurrence))).encode("utf-8"))
        yield Fingerprinted(item, digest[:32])


def _sha256_hex(data: bytes) -> str:
    """hashlib, imported on first use: only the formats that fingerprint findings need it (its OpenSSL
    binding is a visible part of a one-card run's start-up)."""
    import hashlib

    return hashlib.sha256(data).hexdigest()
