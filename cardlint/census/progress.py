"""Progress of a census on stderr, counted in cards: rich's bar on a terminal, a line per step otherwise.

The driver advances it as each partition's future completes, so it works the same on a LocalCluster and on a
remote scheduler, and stdout stays free for anything a user pipes.
"""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO


class CensusProgress:
    """`start(total, already_done)`, `advance(cards)` per finished partition, `stop()`."""

    def __init__(self, stream: TextIO | None = None, enabled: bool = True) -> None:
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self._bar: Any = None
        self._task: Any = None
        self._total = 0
        self._done = 0
        self._started = 0.0
        self._last_line = 0.0

    def start(self, total: int, already_done: int) -> None:
        self._total, self._done, self._started = total, already_done, time.monotonic()
        if not self.enabled:
            return
        if self.stream.isatty():
            try:
                from rich.console import Console
                from rich.progress import (
                    BarColumn,
                    MofNCompleteColumn,
                    Progress,
                    TextColumn,
                    TimeElapsedColumn,
                    TimeRemainingColumn,
                )
            except ImportError:
                pass
            else:
                self._bar = Progress(
                    TextColumn("census"),
                    BarColumn(),
                    MofNCompleteColumn(),
                    TextColumn("cards"),
                    TimeElapsedColumn(),
                    TimeRemainingColumn(),
                    console=Console(file=self.stream),
                )
                self._bar.start()
                self._task = self._bar.add_task("census", total=total, completed=already_done)
                return
        self._line(force=True)

    def advance(self, cards: int) -> None:
        self._done += cards
        if not self.enabled:
            return
        if self._bar is not None:
            self._bar.update(self._task, advance=cards)
        else:
            self._line()

    def stop(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
        elif self.enabled:
            self._line(force=True)

    def _line(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last_line < 2.0:
            return
        self._last_line = now
        share = 100.0 * self._done / self._total if self._total else 100.0
        print(f"census: {self._done}/{self._total} cards ({share:.0f}%)", file=self.stream, flush=True)
