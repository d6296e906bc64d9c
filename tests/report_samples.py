"""One fixed set of card reports, and a small fixed catalogue, that every CI-format test renders.

The catalogue is ours (not rules/rules.yaml) so golden outputs do not change each time a rule is added.
The cards are invented; the findings exercise what renderers must survive: pipes, percent signs, colons,
commas and newlines in messages and titles, related locations, policies, fix hints, a card with no findings
and a card that could not be read.
"""

from __future__ import annotations

import os

from cardlint.config.catalogue import Catalogue, Rule
from cardlint.types import (
    CardReport,
    Estimate,
    Finding,
    Interval,
    Location,
    MethodEstimate,
    Severity,
    ThresholdStatus,
)

ROOT = os.path.abspath(os.sep + os.path.join("srv", "repo"))


def rule(code: str, name: str, severity: Severity, summary: str) -> Rule:
    return Rule(
        code=code,
        name=name,
        family=code[:3] + "xx",
        severity=severity,
        summary=summary,
        fix_safety="none",
        instruments=("eu-ai-act-gpai",) if code.startswith("CL4") else (),
        what=f"Checks that {summary[0].lower()}{summary[1:]}",
        why="Readers and regulators rely on it.",
        example="```yaml\nlicense: ???\n```",
        fix="State it in the front matter.",
    )


def sample_catalogue() -> Catalogue:
    rules = [
        rule("CL101", "missing-license", Severity.ERROR, "The card metadata declares no license."),
        rule(
            "CL205",
            "undisclosed-training-tokens",
            Severity.WARNING,
            "The card does not state training tokens.",
        ),
        rule("CL310", "parameter-count-mismatch", Severity.ERROR, "Two parameter counts disagree."),
        rule("CL420", "near-threshold", Severity.INFO, "The compute interval straddles a threshold."),
    ]
    return Catalogue({item.code: item for item in rules})


def _path(*parts: str) -> str:
    return os.path.join(ROOT, *parts)


ALPHA_LINES = [
    "---",
    "language: en",
    "params: 7B",
    "---",
    "# Alpha 7B",
    "",
    "| Model | Parameters |",
    "|---|---|",
    "| Alpha | 6.9B |",
    "",
    "We trained on a lot of tokens.",
    "We trained on a lot of tokens.",
]


def sample_reports() -> list[CardReport]:
    alpha = _path("models", "alpha-7b", "README.md")
    beta = _path("models", "beta v2", "MODEL_CARD.md")
    broken = _path("models", "broken", "README.md")
    estimate = Estimate(
        training_flop=Interval(4.0e24, 8.4e24, 1.6e25),
        driver="architecture",
        reason="6·N·D from parameters and tokens",
        methods=(
            MethodEstimate(
                "architecture", Interval(4.0e24, 8.4e24, 1.6e25), (), "6 * 7e9 * 2e14", ("dense",)
            ),
        ),
    )
    thresholds = [
        ThresholdStatus("eu-ai-act-gpai", "systemic-risk", 1e25, ">", "straddles", -0.08, "training_tokens"),
        ThresholdStatus("ca-sb53", "frontier-model", 1e26, ">", "below", -1.08),
    ]
    alpha_findings = [
        Finding(
            "CL310",
            "Parameters: 7B in the metadata but 6.9B in the table | 1.4% apart",
            Location(alpha, 3, 9, 3, 11),
            name="parameter-count-mismatch",
            severity=Severity.ERROR,
            fix="Use one figure: 6.9B, or 7B rounded, in both places",
            related=(Location(alpha, 9, 11, 9, 15),),
        ),
        Finding(
            "CL101",
            "No `license` key in the front matter",
            Location(alpha, 1, 1, 4, 4),
            name="missing-license",
            severity=Severity.ERROR,
        ),
        Finding(
            "CL205",
            "Training tokens are not stated, only 'a lot'\nEU AI Act Annex XI 2(d) asks for them",
            Location(alpha, 11, 1),
            name="undisclosed-training-tokens",
            severity=Severity.WARNING,
            policy="eu-ai-act-gpai",
        ),
        Finding(
            "CL205",
            "Training tokens are not stated, only 'a lot'\nEU AI Act Annex XI 2(d) asks for them",
            Location(alpha, 12, 1),
            name="undisclosed-training-tokens",
            severity=Severity.WARNING,
            policy="eu-ai-act-gpai",
        ),
        Finding(
            "CL420",
            "Compute 4e24–1.6e25 FLOP straddles 1e25 (100% of it is uncertain, 50%:50%)",
            Location(alpha, 5, 1),
            name="near-threshold",
            severity=Severity.INFO,
            policy="eu-ai-act-gpai",
        ),
    ]
    return [
        CardReport(
            target=alpha,
            path=alpha,
            subject="Alpha 7B",
            estimate=estimate,
            thresholds=thresholds,
            findings=alpha_findings,
            lines=list(ALPHA_LINES),
        ),
        CardReport(
            target=beta,
            path=beta,
            subject="beta|v2 <b>",
            estimate=Estimate(
                training_flop=Interval(1.0e21, 2.0e21, 4.0e21), driver="reported", reason="stated in the card"
            ),
            thresholds=[ThresholdStatus("eu-ai-act-gpai", "systemic-risk", 1e25, ">", "below", -3.7)],
        ),
        CardReport(target=broken, path=broken, error="not UTF-8 text: byte 0xff at offset 12"),
    ]


def many_findings_report(count_per_level: int) -> CardReport:
    """A card with `count_per_level` findings of each severity, to exercise the annotation cap."""
    path = _path("models", "noisy", "README.md")
    findings = [
        Finding(code, f"finding {number}", Location(path, number + 1, 1), name=name, severity=severity)
        for code, name, severity in (
            ("CL101", "missing-license", Severity.ERROR),
            ("CL205", "undisclosed-training-tokens", Severity.WARNING),
            ("CL420", "near-threshold", Severity.INFO),
        )
        for number in range(count_per_level)
    ]
    return CardReport(target=path, path=path, findings=findings)
