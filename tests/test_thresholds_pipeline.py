"""End to end through the real pipeline (facts, estimate, statuses, checks, engine) on cards we wrote."""

from __future__ import annotations

import datetime as dt

from policy_support import CARDS

from cardlint.config.settings import Settings
from cardlint.pipeline.analysis import Environment, analyse
from cardlint.policy.loading import select_policies
from cardlint.sources import LoadedTarget


def findings_of(name: str, ids: list[str] | None = None, as_of: dt.date = dt.date(2026, 11, 26)):
    raw = (CARDS / name).read_bytes()
    settings = Settings(select=("CL2", "CL4"), as_of=as_of)
    env = Environment(settings=settings, policies=select_policies(ids, [], as_of))
    return analyse(LoadedTarget("README.md", "README.md", raw), env)


def test_frontier_card_is_above_the_eu_presumption_through_the_pipeline() -> None:
    report = findings_of("frontier-405b.md")
    systemic = [s for s in report.thresholds if s.policy == "eu-ai-act" and s.threshold_id == "systemic-risk"]
    assert systemic and systemic[0].status == "above"
    sb53 = [s for s in report.thresholds if s.policy == "us-ca-sb53"]
    assert sb53 and sb53[0].status == "below"
    exceeded = [f for f in report.findings if f.code == "CL402"]
    assert [f.policy for f in exceeded] == ["eu-ai-act"]
    assert exceeded[0].severity.value == "warning" and exceeded[0].name == "threshold-exceeded"
    assert any(f.code == "CL201" for f in report.findings)


def test_small_bert_fine_tune_gets_no_disclosure_or_threshold_findings() -> None:
    report = findings_of("bert-trainer.md")
    assert report.findings == []


def test_revoked_order_applies_when_judged_in_2024() -> None:
    report = findings_of("frontier-405b.md", as_of=dt.date(2024, 6, 1))
    assert {s.policy for s in report.thresholds} == {"us-eo-14110"}
    assert {s.status for s in report.thresholds if s.threshold_id == "dual-use-general"} == {"below"}
