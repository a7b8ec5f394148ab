"""CPU time of ``parse_lines`` on the sample repeated to 1 MB, against another checkout's parser.

usage: .venv/bin/python bench/bench_parse_cpu.py [--baseline DIR [--python PY]] [--rounds N]

Each side runs in its own process (the baseline with ``PYTHONPATH=DIR``, its own interpreter if
given), parses the same text once to warm up and then seven times; the best CPU time (process
time, not wall clock: the machine is shared) is kept. Rounds alternate between the two sides and
the ratio of each round is printed, then the median ratio.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

_CHILD = """
import sys, time
sys.path.insert(0, {bench!r})
from common import script_of_size
from subtoolkit.text.ingest import normalise_line, split_lines
from subtoolkit.text.parse import parse_lines
lines = [normalise_line(l) for l in split_lines(script_of_size(1))]
parse_lines(lines)
best = float("inf")
for _ in range(7):
    t = time.process_time()
    parse_lines(lines)
    best = min(best, time.process_time() - t)
print(best)
"""


def cpu_seconds(python: str, checkout: Path) -> float:
    """Best CPU seconds of one parse with ``checkout``'s parser; run from a neutral folder so that
    the current directory (first on ``sys.path`` under ``-c``) cannot pick the package."""
    env = dict(os.environ, PYTHONPATH=str(checkout))
    out = subprocess.run([python, "-c", _CHILD.format(bench=str(HERE))], env=env, capture_output=True, text=True,
                         check=True, cwd=tempfile.gettempdir())
    return float(out.stdout.strip())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--baseline", help="a checkout of the project whose parser is the reference")
    ap.add_argument("--python", help="the baseline's interpreter (default: this one)")
    ap.add_argument("--rounds", type=int, default=5)
    a = ap.parse_args()
    if a.baseline is None:
        print(f"parse_lines, 1 MB: {cpu_seconds(sys.executable, HERE.parent):.4f} s CPU (best of 7)")
        return
    ratios = []
    print(f"{'baseline s':>10} {'this s':>8} {'ratio':>6}")
    for _ in range(a.rounds):
        base = cpu_seconds(a.python or sys.executable, Path(a.baseline).resolve())
        this = cpu_seconds(sys.executable, HERE.parent)
        ratios.append(this / base)
        print(f"{base:10.4f} {this:8.4f} {this / base:6.3f}")
    print(f"median ratio (this / baseline): {statistics.median(ratios):.3f}")


if __name__ == "__main__":
    main()
