"""Where the time of ``build`` goes, stage by stage, on the sample script without voice; and how a
folder build scales with cores.

Stage times come from the build's own stage clock; each is also shown as a share of the whole
and as a multiple of one OpenCC s2t pass over the script measured in the same run.

The folder figure is ``build FOLDER --voice none`` over 50 copies of the sample (each an
episode-sized script) with ``--jobs 1`` and then ``--jobs 2``, through the real command: the ratio
of the two wall times is the speed-up of a second core (issue 15 asks for >= 1.8). The machine
may be shared: each is the best of ``--repeat`` rounds (default 2), each round running one worker,
two workers and, before each, the machine's own speed-up (one plain CPU loop in a process, then two
at once); on a machine busy with other work that reference falls too, and the build cannot beat it.
``--folder-only`` skips the stages.

``--trace`` runs the builds with ``$SUBTOOLKIT_TRACE`` set and prints, for the fastest run of each
width, where its wall time went: the command's start-up, each worker's start, warm-up (its first
script against the median) and scripts, the gap between the workers' last scripts, the summary and
the exit. It also predicts the speed-up on idle cores from CPU times, which other people's load
moves far less than wall times. ``--against DIR`` times the code in DIR (``git archive`` of an older
commit) in the same rounds, with ``PYTHONPATH=DIR``.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from subtoolkit.jobs.build import BuildOptions, build_script

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "seeds" / "shengming-zhongyu-taishan.txt"


TRACE_ENV = "SUBTOOLKIT_TRACE"  # subtoolkit.jobs.build.TRACE_ENV, named here so that --against runs older code

_LOOP = "s = 0\nfor i in range(20_000_000):\n    s += i"


def loop_wall(n: int) -> float:
    """Wall time of ``n`` plain CPU loops started at once (the machine's own scaling)."""
    t0 = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-c", _LOOP]) for _ in range(n)]
    for p in procs:
        p.wait()
    return time.perf_counter() - t0


def _clock() -> float:
    return time.clock_gettime(getattr(time, "CLOCK_BOOTTIME", time.CLOCK_MONOTONIC))  # the trace's clock


def rotated_copies(text: str, copies: int) -> list[str]:
    """``copies`` pairwise distinct versions of ``text``, its Han characters moved within groups of
    similar frequency as in ``bench_subtitles.py`` (copy n by n % 31 + 1 places, and from the 32nd
    on once more within groups offset by half a group): the same length and shape, but no clause of
    one is met again in another, so no memo of the subtitle core is paid by a second script."""
    from bench_subtitles import GROUP, rotation  # beside this script

    out = []
    for n in range(copies):
        t = text.translate(rotation(text, n % (GROUP - 1) + 1))
        if n >= GROUP - 1:
            t = t.translate(rotation(text, n // (GROUP - 1), GROUP // 2))
        out.append(t)
    return out


def folder_scaling(scripts: int = 50, repeat: int = 2, trace: bool = False, against: Path | None = None,
                   unique: bool = False) -> None:
    """Wall time of one folder build with one worker process and with two (and the same for the code
    at ``against``, run from that folder on ``PYTHONPATH``, in the same rounds)."""
    exe = Path(sys.executable).parent / "subtoolkit"
    text = SAMPLE.read_text(encoding="utf-8")
    codes: list[tuple[str, Path | None]] = [("this checkout", None)] + ([(str(against), against)] if against else [])
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d) / "scripts"
        folder.mkdir()
        texts = rotated_copies(text, scripts) if unique else [text] * scripts
        for n, t in enumerate(texts):
            (folder / f"ep{n + 1:03d}.txt").write_text(t, encoding="utf-8")
        inf = float("inf")
        walls = {(c, j): inf for c, _ in codes for j in (1, 2)}
        cpus = dict(walls)
        loops = {1: inf, 2: inf}
        traces: dict[str, dict[int, list[Run]]] = {c: {1: [], 2: []} for c, _ in codes}
        load = os.getloadavg()[0]
        # Rounds alternate one worker, two workers and the two references (and the code compared
        # against), so a load that comes and goes on a shared machine falls on each side alike; each
        # figure is its best over the rounds.
        for _ in range(repeat):
            for code, path in codes:
                for jobs in (1, 2):
                    loops[jobs] = min(loops[jobs], loop_wall(jobs))
                    env = dict(os.environ)
                    if path is not None:
                        env["PYTHONPATH"] = str(path)
                    log = Path(d) / f"trace-{len(traces[code][1])}-{jobs}-{codes.index((code, path))}.tsv"
                    if trace:
                        env[TRACE_ENV] = str(log)
                    before = resource.getrusage(resource.RUSAGE_CHILDREN)
                    t0, c0 = time.perf_counter(), _clock()
                    cmd = [str(exe), "build", str(folder), "-o", str(Path(d) / f"out{jobs}"), "--voice", "none",
                           "--jobs", str(jobs)]
                    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
                    walls[code, jobs] = min(walls[code, jobs], time.perf_counter() - t0)
                    if trace and log.is_file():  # older code may have no trace
                        traces[code][jobs].append(Run.read(log, c0, _clock()))
                    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the command and its workers
                    used = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
                    cpus[code, jobs] = min(cpus[code, jobs], used)
                    if r.returncode:
                        raise SystemExit(f"folder build failed: {r.stderr[-500:]}")
        machine = 2 * loops[1] / loops[2]
    kind = "distinct rotated copies of the sample" if unique else "copies of the sample"
    print(f"\nbuild FOLDER of {scripts} {kind} --voice none (best of {repeat}; {os.cpu_count()} cores here, "
          f"load average {load:.1f} before, {os.getloadavg()[0]:.1f} after):")
    for code, _ in codes:
        speedup = walls[code, 1] / walls[code, 2]
        busy = " (the machine's own is below it: busy)" if machine < 1.8 else ""
        met = "met" if speedup >= 1.8 else "NOT met" + busy
        print(f"  {code}: --jobs 1: {walls[code, 1]:.1f} s   --jobs 2: {walls[code, 2]:.1f} s   speed-up "
              f"{speedup:.2f}x (goal >= 1.8x, issue 15: {met})")
        print(f"    CPU of the whole command: --jobs 1 {cpus[code, 1]:.2f} s, --jobs 2 {cpus[code, 2]:.2f} s "
              f"(the second worker's start and warm-up: {cpus[code, 2] - cpus[code, 1]:+.2f} s)")
    print(f"  reference: two plain CPU loops at once against one: {machine:.2f}x (2.0 on two idle cores)")
    for code, _ in codes if trace else ():
        if traces[code][1] and traces[code][2]:
            print(f"\n  {code}, traced:")
            explain(traces[code])
        else:
            print(f"\n  {code} wrote no trace (older than $SUBTOOLKIT_TRACE)")


@dataclass
class Worker:
    """One worker process of a traced folder build (times in seconds from the command's start)."""

    started: float = 0.0
    ready: float = 0.0
    ready_cpu: float = 0.0  # the interpreter's start and imports, before its first script
    scripts: list[tuple[float, float, float]] = field(default_factory=list)  # (start, end, CPU) per script

    @property
    def busy_cpu(self) -> float:
        return self.ready_cpu + sum(cpu for _, _, cpu in self.scripts)


@dataclass
class Run:
    """A folder build read back from its ``$SUBTOOLKIT_TRACE`` file."""

    wall: float
    parent: dict[str, tuple[float, float]]  # event -> (time, the parent's CPU then)
    workers: list[Worker]

    @classmethod
    def read(cls, log: Path, began: float, ended: float) -> Run:
        parent_pid = None
        parent: dict[str, tuple[float, float]] = {}
        workers: dict[str, Worker] = {}
        open_scripts: dict[str, tuple[float, float]] = {}
        for line in log.read_text(encoding="utf-8").splitlines():
            at, pid, cpu_s, event = line.split("\t", 3)
            t, cpu = float(at) - began, float(cpu_s)
            if event == "parent process started":
                parent_pid = pid
            if pid == parent_pid:
                parent.setdefault(event, (t, cpu))
                continue
            w = workers.setdefault(pid, Worker())
            if event == "worker process started":
                w.started = t
            elif event == "worker ready":
                w.ready, w.ready_cpu = t, cpu
            elif event.startswith("script start"):
                open_scripts[pid] = (t, cpu)
            elif event.startswith("script end"):
                t0, cpu0 = open_scripts.pop(pid)
                w.scripts.append((t0, t, cpu - cpu0))
        return cls(ended - began, parent, sorted(workers.values(), key=lambda w: w.started))


def explain(traces: dict[int, list[Run]]) -> None:
    """Where the wall time of the fastest traced run of each width went, and what it predicts on idle cores.

    The prediction adds CPU times, which other people's load hardly moves: the command's own start-up
    up to handing out the scripts; the workers' start-up and scripts, handed out again as a pool
    would on idle cores (:func:`idle_cores`); the command's own CPU in the meantime, which takes a
    share of the workers' cores when there is no core left for it; and the command's tail, from the
    last script's end until the command is gone, as measured (mostly waiting: for the last result to
    be noticed, for the workers to exit; the summary itself is a few hundredths of a second).
    """
    predicted = {}
    for jobs, runs in traces.items():
        run = min(runs, key=lambda r: r.wall)
        p = run.parent
        submitted_t, submitted_cpu = p["scripts submitted"]
        results_t, results_cpu = p["all results in"]
        printed_t, printed_cpu = p["summary printed"]
        cpus = [s[2] for w in run.workers for s in w.scripts]
        median = sorted(cpus)[len(cpus) // 2]
        print(f"\n  --jobs {jobs}, traced (fastest of {len(runs)}: {run.wall:.2f} s wall):")
        print(f"    command start-up to scripts handed out  {submitted_t:5.2f} s  (CPU {submitted_cpu:.2f} s; "
              f"the arguments parsed at {p['command parsed'][0]:.2f} s)")
        for n, w in enumerate(run.workers, 1):
            first = w.scripts[0][2] if w.scripts else 0.0
            gaps = sum(b[0] - a[1] for a, b in zip(w.scripts, w.scripts[1:]))
            print(f"    worker {n}: started {w.started:.2f} s, ready {w.ready:.2f} s (CPU {w.ready_cpu:.2f} s), "
                  f"first script at {w.scripts[0][0] if w.scripts else 0:.2f} s; {len(w.scripts)} scripts, "
                  f"CPU {w.busy_cpu - w.ready_cpu:.2f} s; first {first:.3f} s against a median {median:.3f} s "
                  f"(warm-up {first - median:+.3f} s); idle between scripts {gaps:.3f} s; last ended "
                  f"{w.scripts[-1][1] if w.scripts else 0:.2f} s")
        last = max(w.scripts[-1][1] for w in run.workers if w.scripts)
        first_done = min(w.scripts[-1][1] for w in run.workers if w.scripts)
        print(f"    the workers' last scripts ended {last - first_done:.2f} s apart; last result in "
              f"{results_t - last:+.3f} s after; summary printed {printed_t - results_t:.3f} s later "
              f"(CPU {printed_cpu - results_cpu:.3f} s); command gone {run.wall - printed_t:.3f} s after that")
        head = submitted_cpu
        middle = results_cpu - submitted_cpu  # the command's own CPU while the workers build
        tail = run.wall - last  # waits more than works (for the last result, for the workers to exit): wall
        work = idle_cores(run.workers, jobs)
        share = middle / jobs if jobs > 1 else 0.0  # with one worker the command has a core of its own
        predicted[jobs] = head + work + share + tail
        print(f"    predicted on idle cores: start-up {head:.2f} + workers {work:.2f} + the command meanwhile "
              f"{share:.2f} (CPU {middle:.2f}) + tail {tail:.2f} = {predicted[jobs]:.2f} s")
    if 1 in predicted and 2 in predicted:
        print(f"  predicted speed-up on two idle cores: {predicted[1] / predicted[2]:.2f}x")


def idle_cores(workers: list[Worker], jobs: int) -> float:
    """How long the workers would take on idle cores: each starts after its own start-up CPU with its
    own first (warm-up) script, then takes the batch's other scripts as they come, at their CPU time."""
    free = sorted(w.ready_cpu + (w.scripts[0][2] if w.scripts else 0.0) for w in workers)[:jobs]
    rest = sorted(((t0, cpu) for w in workers for t0, _, cpu in w.scripts[1:]))
    for _, cpu in rest:
        free.sort()
        free[0] += cpu
    return max(free)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--folder-only", action="store_true")
    ap.add_argument("--scripts", type=int, default=50)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--trace", action="store_true",
                    help="where each folder build's wall time went, from the timestamps of the command and its workers")
    ap.add_argument("--against", type=Path, metavar="DIR",
                    help="also time the code in DIR (e.g. from git archive), run with PYTHONPATH=DIR, "
                    "in the same rounds")
    ap.add_argument("--unique", action="store_true",
                    help="a folder of distinct scripts (rotated copies of the sample) rather than identical copies, "
                    "whose repeated clauses the subtitle core's memos serve from the second script on")
    args = ap.parse_args()
    if not args.folder_only:
        stages()
    folder_scaling(args.scripts, args.repeat, args.trace, args.against, args.unique)


def stages() -> None:
    import opencc

    text = SAMPLE.read_text(encoding="utf-8")
    cc = opencc.OpenCC("s2t")
    t0 = time.perf_counter()
    for _ in range(20):
        cc.convert(text)
    t_cc = (time.perf_counter() - t0) / 20
    runs = []
    for _ in range(3):
        with tempfile.TemporaryDirectory() as d:
            t0 = time.perf_counter()
            r = build_script(SAMPLE, BuildOptions(out_root=Path(d), voice="none"))
            runs.append((time.perf_counter() - t0, r.stage_seconds))
    total, stages = min(runs, key=lambda x: x[0])
    print(f"build --voice none on {SAMPLE.name} ({len(text)} characters): {total:.2f} s (best of 3); one OpenCC s2t "
          f"pass: {t_cc * 1000:.2f} ms\n")
    print(f"{'stage':<12} {'seconds':>8} {'share':>7} {'x opencc':>9}")
    for name, secs in stages.items():
        print(f"{name:<12} {secs:8.3f} {secs / total:7.1%} {secs / t_cc:9.0f}")


if __name__ == "__main__":
    main()
