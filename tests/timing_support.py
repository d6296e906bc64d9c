"""CPU timing for the growth tests: best of several runs with the cyclic garbage collector paused, whose full
collections grow with everything the test process holds (noise, not the code under test)."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable


def best_cpu(function: Callable[[str], object], text: str, runs: int = 2) -> float:
    """Best CPU seconds of `runs` calls of `function(text)`."""
    best = float("inf")
    gc.collect()
    gc.disable()
    try:
        for _ in range(runs):
            started = time.process_time()
            function(text)
            best = min(best, time.process_time() - started)
    finally:
        gc.enable()
    return best
