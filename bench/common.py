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


def _tree_rss_kib(root: int) -> int:
    """Resident memory of ``root`` and all its descendants now (KiB), from /proc (Linux)."""
    import os

    parent: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status", encoding="ascii", errors="replace") as f:
                fields = dict(line.split(":", 1) for line in f if ":" in line)
        except OSError:  # gone while we looked
            continue
        pid = int(entry)
        parent[pid] = int(fields.get("PPid", "0").strip() or 0)
        rss[pid] = int(fields.get("VmRSS", "0 kB").split()[0]) if "VmRSS" in fields else 0
    tree, grew = {root}, True
    while grew:
        more = {p for p, pp in parent.items() if pp in tree and p not in tree}
        tree |= more
        grew = bool(more)
    return sum(rss.get(p, 0) for p in tree)


def run_with_peak_memory(cmd: list[str], *, env: dict[str, str] | None = None, every_s: float = 0.1
                         ) -> tuple[int, float, float, float, str]:
    """Run ``cmd``; return (exit code, wall seconds, peak MB of the whole process tree, peak MB of
    its largest single process, stderr).

    The tree's resident memory is summed over the process and all its descendants every
    ``every_s`` seconds; a peak shorter than that can be missed, so the largest single process's
    own peak (``wait4``'s ``ru_maxrss``, exact) is returned beside it. Start the child before the
    calling process grows: Linux carries a process's peak across ``exec``, so a child forked from a
    1 GB benchmark reports at least 1 GB there.
    """
    import os
    import subprocess
    import tempfile

    peak = 0
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, env=env)
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            peak = max(peak, _tree_rss_kib(proc.pid))
            time.sleep(every_s)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    return proc.returncode, wall, peak / 1024, usage.ru_maxrss / 1024, stderr
