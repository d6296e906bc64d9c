"""The scan's files: the repo ids it reads, the JSON Lines output it resumes from, and the summary.

Resume state is the output file itself (the repos already in it are skipped), and the summary is computed
by reading it back, so both cover runs that were interrupted and resumed.
"""

from __future__ import annotations

import heapq
import json
import os
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from cardlint.report.common import plural

LARGEST_SHOWN = 10


Record = dict[str, Any]


def read_repo_file(path: str) -> Iterator[str]:
    """Repo ids from a file, one per line; blank lines and # comments skipped; `-` is standard input."""
    handle: IO[str] = sys.stdin if path == "-" else open(path, encoding="utf-8")  # noqa: SIM115
    try:
        for line in handle:
            text = line.split("#", 1)[0].strip()
            if text:
                yield text
    finally:
        if handle is not sys.stdin:
            handle.close()


def prepare_output(path: Path) -> set[str]:
    """Targets already scanned successfully, after cutting off a half-written last line (a hard kill)."""
    done: set[str] = set()
    if not path.exists():
        return done
    with path.open("rb+") as handle:
        data_end = handle.seek(0, os.SEEK_END)
        if data_end:
            handle.seek(data_end - 1)
            if handle.read(1) != b"\n":
                handle.seek(0)
                content = handle.read()
                handle.truncate(content.rfind(b"\n") + 1)
    for record in iter_records(path):
        if record.get("status") == "ok" and isinstance(record.get("target"), str):
            done.add(record["target"])
    return done


def iter_records(path: Path) -> Iterator[Record]:
    """The records of an output file, skipping lines that are not JSON objects."""
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict):
                yield record


@dataclass
class ScanSummary:
    """Counts over an output file: disclosures, threshold standings, the largest estimates."""

    repos: int = 0
    errors: int = 0
    disclosed: Counter[str] = field(default_factory=Counter)
    standings: dict[str, Counter[str]] = field(default_factory=dict)
    largest: list[tuple[float, str, float, float]] = field(default_factory=list)

    @classmethod
    def of(cls, records: Iterable[Record]) -> ScanSummary:
        latest_ok: set[str] = set()
        failed: set[str] = set()
        summary = cls()
        for record in records:
            target = record.get("target")
            if not isinstance(target, str):
                continue
            if record.get("status") != "ok":
                if target not in latest_ok:
                    failed.add(target)
                continue
            if target in latest_ok:
                continue
            latest_ok.add(target)
            failed.discard(target)
            summary._add(record)
        summary.errors = len(failed)
        return summary

    def _add(self, record: Record) -> None:
        self.repos += 1
        self.disclosed.update(record.get("disclosed") or [])
        for status in record.get("thresholds") or []:
            key = f"{status.get('policy')} {status.get('threshold')} ({status.get('basis', 'training')})"
            self.standings.setdefault(key, Counter())[str(status.get("status"))] += 1
        flop = ((record.get("estimate") or {}).get("training_flop")) or None
        if flop and isinstance(flop.get("central"), (int, float)):
            item = (
                float(flop["central"]),
                str(record.get("repo_id") or record["target"]),
                flop["low"],
                flop["high"],
            )
            if len(self.largest) < LARGEST_SHOWN:
                heapq.heappush(self.largest, item)
            else:
                heapq.heappushpop(self.largest, item)

    def render(self) -> str:
        lines = [f"Scanned {plural(self.repos, 'repo')} ({self.errors} could not be read)."]
        if self.disclosed:
            lines += ["", "Disclosed figure            repos   share"]
            for kind, count in sorted(self.disclosed.items(), key=lambda item: (-item[1], item[0])):
                lines.append(f"  {kind:<26}{count:>5}  {count / max(self.repos, 1):>6.0%}")
        if self.standings:
            width = max(len(key) for key in self.standings) + 2
            lines += [
                "",
                f"{'Threshold':<{width + 2}}{'below':>7}{'straddles':>10}{'above':>7}{'unknown':>9}",
            ]
            for key in sorted(self.standings):
                row = self.standings[key]
                counts = f"{row['below']:>7}{row['straddles']:>10}{row['above']:>7}{row['unknown']:>9}"
                lines.append(f"  {key:<{width}}{counts}")
        if self.largest:
            lines += ["", "Largest estimates (FLOP, central [low - high])"]
            for central, repo, low, high in sorted(self.largest, reverse=True):
                lines.append(f"  {repo:<44}{central:9.2e}  [{low:.2e} - {high:.2e}]")
        return "\n".join(lines) + "\n"
