"""Helpers the benchmarks share: the sample text, bigger scripts made from it, a best-of timer."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_PATH = ROOT / "seeds" / "shengming-zhongyu-taishan.txt"
SAMPLE = SAMPLE_PATH.read_text(encoding="utf-8")


def best_of(fn: Callable[[], object], repeat: int = 3) -> float:
    """Fastest of ``repeat`` runs: the one least disturbed by other work on a shared machine."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def script_of_size(megabytes: float) -> str:
    """The sample repeated to about ``megabytes`` of UTF-8, each copy keeping its title line."""
    unit = SAMPLE.rstrip("\n") + "\n"
    return unit * max(1, round(megabytes * 1_000_000 / len(unit.encode("utf-8"))))
