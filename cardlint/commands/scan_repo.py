"""One repo of a scan: its card and base-model cards loaded, analysed and turned into one record."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import click

from cardlint.commands.scan_output import Record
from cardlint.sources import LoadedTarget, SourceError

Analyser = Callable[[LoadedTarget, bool], Record]  # (loaded card, is a base model) -> record fields


@dataclass
class RepoScanner:
    """Loads one repo (and its base models, once per run) and turns it into one record."""

    analyser: Analyser
    offline: bool = False
    lineage: bool = True
    with_config: bool = True
    limits: Any = None
    _bases: dict[str, Record] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        from cardlint.core.limits import DEFAULT_LIMITS
        from cardlint.sources.hub_lineage import BaseCardCache

        self.limits = self.limits or DEFAULT_LIMITS
        self.base_cards = BaseCardCache()

    def scan(self, target: str) -> Record:
        from cardlint.sources.hub import load_hub_target
        from cardlint.sources.hub_lineage import base_chain
        from cardlint.sources.hub_target import parse_hub_target

        started = time.monotonic()
        try:
            ref = parse_hub_target(target)
            if ref is None:
                raise SourceError(f"{target}: not a Hub model id (org/name or org/name@revision)")
            # a repo already read as some fine-tune's base costs nothing more
            known = self.base_cards.peek(ref.repo_id) if ref.revision is None else None
            loaded = known or load_hub_target(
                ref, offline=self.offline, limits=self.limits, with_config=self.with_config
            )
        except SourceError as exc:
            return {"target": target, "status": "error", "error": str(exc)}
        record: Record = {
            "target": target,
            "status": "ok",
            "repo_id": loaded.repo_id,
            "revision": loaded.revision,
        }
        record["hub"] = _hub_summary(loaded)
        try:
            record.update(self.analyser(loaded, False))
            if self.lineage:
                chain, notes = base_chain(
                    loaded, offline=self.offline, limits=self.limits, cache=self.base_cards
                )
                record["lineage"] = [self._base_record(base) for base in chain]
                record["lineage_notes"] = notes
        except Exception as exc:  # one broken card must not stop an audit of thousands
            return {
                "target": target,
                "status": "error",
                "error": f"{target}: internal error: {type(exc).__name__}: {exc}",
            }
        record["seconds"] = round(time.monotonic() - started, 3)
        return record

    def _base_record(self, base: LoadedTarget) -> Record:
        key = base.repo_id or base.target
        with self._lock:
            known = self._bases.get(key)
        if known is None:
            estimate = self.analyser(base, True).get("estimate") or {}
            known = {
                "repo_id": key,
                "revision": base.revision,
                "training_flop": estimate.get("training_flop"),
            }
            with self._lock:
                self._bases[key] = known
        return known


def _hub_summary(loaded: LoadedTarget) -> Record:
    info = loaded.sidecars.hub_info
    keys = ("gated", "private", "pipeline_tag", "library_name", "last_modified", "safetensors_parameters")
    summary = {key: info.get(key) for key in keys}
    summary["problems"] = list(loaded.sidecars.problems)
    return summary


def pipeline_analyser(settings: Any) -> Analyser:
    """The real analysis: cardlint.pipeline.analysis.analyse with one Environment shared by every worker."""
    from cardlint.pipeline.analysis import Environment, Stages, analyse
    from cardlint.report.json import estimate_to_dict, threshold_to_dict

    environment = Environment(settings=settings, policies=_policies(settings))

    def run(loaded: LoadedTarget, is_base: bool) -> Record:
        report = analyse(loaded, environment, Stages(estimate=True, checks=not is_base))
        estimate = estimate_to_dict(report.estimate) or {}
        own = [fact for fact in report.facts if fact.subject is None]
        counts = Counter(finding.severity.value for finding in report.findings)
        return {
            "subject": report.subject,
            "facts": [
                {
                    "kind": fact.kind,
                    "value": fact.value,
                    "unit": fact.unit,
                    "origin": fact.origin,
                    "line": fact.location.line,
                    "derived": fact.derived,
                }
                for fact in own
            ],
            "disclosed": sorted({fact.kind for fact in own if not fact.derived}),
            "estimate": {key: estimate.get(key) for key in ("training_flop", "driver", "reason")},
            "thresholds": [threshold_to_dict(status) for status in report.thresholds],
            "findings": {
                "total": len(report.findings),
                **{level: counts.get(level, 0) for level in ("error", "warning", "info")},
                "codes": dict(sorted(Counter(finding.code for finding in report.findings).items())),
            },
        }

    return run


def _policies(settings: Any) -> list[Any]:
    from cardlint.app.session import UsageFailure, policies_or_fail

    try:
        return policies_or_fail(settings)
    except UsageFailure as exc:
        raise click.UsageError(str(exc)) from None
