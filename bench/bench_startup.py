"""What a user waits for: the sample in a fresh process, and the CPU of ``--help``.

Each figure is the best of several runs of the real command (the installed ``subtoolkit`` of this
venv) in a new process, beside a reference measured in the same run: a Python process that reads
the sample and converts it with OpenCC (the cheapest whole-script job a Chinese toolkit can do,
interpreter start and a C++ library load included). Goals from issue 15 are printed beside them.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import SAMPLE_PATH

BIN = Path(sys.executable).parent / "subtoolkit"
OPENCC_JOB = (
    "import opencc, sys; t = open(sys.argv[1], encoding='utf-8').read(); "
    "open(sys.argv[2], 'w', encoding='utf-8').write(opencc.OpenCC('s2t').convert(t))"
)


def bytecode_note() -> str:
    """Whether this checkout's modules start from cached bytecode. An installed wheel always has it;
    an editable checkout run with PYTHONDONTWRITEBYTECODE=1 compiles every module of ours on every
    start (about 0.01 s of --help, 0.03 s of ``subtitles``)."""
    import importlib.util

    spec = importlib.util.find_spec("subtoolkit.errors")
    assert spec is not None and spec.origin is not None
    cached = importlib.util.cache_from_source(spec.origin)
    return "cached" if Path(cached).is_file() else "compiled from source at every start (no __pycache__)"


def run(cmd: list[str], repeat: int = 5) -> tuple[float, float]:
    """Best wall time and best CPU time (user + system of the child) over ``repeat`` runs."""
    best_wall = best_cpu = float("inf")
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        wall = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if r.returncode not in (0, 2):  # 2: a usage error, on purpose
            raise SystemExit(f"{' '.join(cmd)} failed: {r.stderr[-500:]}")
        best_wall = min(best_wall, wall)
        best_cpu = min(best_cpu, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    return best_wall, best_cpu


def main() -> None:
    with tempfile.TemporaryDirectory() as d:
        ref_wall, ref_cpu = run([sys.executable, "-c", OPENCC_JOB, str(SAMPLE_PATH), str(Path(d) / "t.txt")])
        print(f"reference: a Python process converting the sample with OpenCC: {ref_wall:.2f} s wall, "
              f"{ref_cpu:.2f} s CPU")
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; "
              f"subtoolkit's bytecode: {bytecode_note()}\n")
        sample = str(SAMPLE_PATH)
        rows = [
            ("subtitles SAMPLE (fresh process)", [str(BIN), "subtitles", sample, "-o", d], "wall", 1.0),
            ("build SAMPLE --voice none", [str(BIN), "build", sample, "-o", d, "--voice", "none"], "wall", 1.5),
            ("subtoolkit --help", [str(BIN), "--help"], "cpu", 0.15),
            ("subtoolkit subtitles --help", [str(BIN), "subtitles", "--help"], "cpu", 0.15),
            ("an argument error (--rate x)", [str(BIN), "subtitles", str(SAMPLE_PATH), "--rate", "x"], "cpu", 0.15),
        ]
        print(f"{'command':<34} {'wall s':>7} {'CPU s':>6} {'x ref':>6}  goal (issue 15)")
        for name, cmd, measure, goal in rows:
            wall, cpu = run(cmd)
            ratio = wall / ref_wall if measure == "wall" else cpu / ref_cpu
            met = (wall if measure == "wall" else cpu) <= goal
            verdict = "met" if met else "NOT met"
            print(f"{name:<34} {wall:7.2f} {cpu:6.2f} {ratio:6.1f}  {measure} <= {goal:g} s: {verdict}")


if __name__ == "__main__":
    main()
