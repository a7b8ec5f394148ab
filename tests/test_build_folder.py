"""``build FOLDER`` on local worker processes: the order scripts go out in, the timing trace, and a
worker that dies.

The trace is what ``bench/bench_build.py --trace`` reads to say where a folder build's wall time
went; these tests check that it accounts for every script and process, not how fast anything is.
"""

from __future__ import annotations

import os
import shutil
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from conftest import SAMPLE
from typer.testing import CliRunner

from subtoolkit.cli import app
from subtoolkit.cli.build_cmd import _outcome
from subtoolkit.jobs.build import TRACE_ENV, largest_first


def test_the_longest_scripts_go_out_first(tmp_path: Path) -> None:
    sizes = {"a.txt": 10, "b.txt": 300, "c.txt": 10, "d.txt": 2000, "e.txt": 0}
    for name, size in sizes.items():
        (tmp_path / name).write_text("字" * size, encoding="utf-8")
    paths = sorted(tmp_path.iterdir())
    order = [p.name for p in largest_first(paths)]
    assert order == ["d.txt", "b.txt", "a.txt", "c.txt", "e.txt"]  # equal sizes keep their names' order
    assert largest_first([tmp_path / "gone.txt", *paths])[-1].name == "gone.txt"  # unreadable: last, still built


def _events(log: Path) -> list[tuple[float, int, float, str]]:
    rows = []
    for line in log.read_text(encoding="utf-8").splitlines():
        at, pid, cpu, event = line.split("\t", 3)
        rows.append((float(at), int(pid), float(cpu), event))
    return rows


def test_a_traced_folder_build_accounts_for_every_script_and_process(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "scripts"
    src.mkdir()
    names = [f"ep{n}.txt" for n in range(1, 5)]
    for name in names:
        shutil.copy(SAMPLE, src / name)
    (src / "empty.txt").write_bytes(b"")  # a failure is traced like any script
    log = tmp_path / "trace.tsv"
    monkeypatch.setenv(TRACE_ENV, str(log))
    r = CliRunner().invoke(app, ["build", str(src), "-o", str(tmp_path / "out"), "--voice", "none", "--jobs", "2"])
    assert r.exit_code == 1 and "empty.txt: empty file" in r.stderr
    rows = _events(log)
    parent = os.getpid()  # the runner calls the command in this process
    said = [e for _, pid, _, e in rows if pid == parent]
    for event in ("command parsed", "folder scanned", "pool made", "scripts submitted", "all results in",
                  "summary printed"):
        assert said.count(event) == 1, event
    assert sorted(e.removeprefix("result in ") for e in said if e.startswith("result in ")) == sorted(
        [*names, "empty.txt"])
    workers = {pid for _, pid, _, e in rows if e == "worker ready"}
    assert len(workers) == 2 and parent not in workers
    ran: list[str] = []
    for pid in workers:
        own = [(at, cpu, e) for at, p, cpu, e in rows if p == pid]
        events = [e for _, _, e in own]
        assert events[0] == "worker process started" and events[1] == "worker ready"
        assert events[-1] == "worker gone"  # left once its progress was flushed, after its last script
        starts = [e.removeprefix("script start ") for e in events if e.startswith("script start ")]
        ends = [e.removeprefix("script end ") for e in events if e.startswith("script end ")]
        assert starts == ends  # one script at a time, each finished
        ran += starts
        assert [cpu for _, cpu, _ in own] == sorted(cpu for _, cpu, _ in own)  # its own CPU clock
        assert [at for at, _, _ in own[1:]] == sorted(at for at, _, _ in own[1:])  # [0] is from /proc, in ticks
    assert sorted(ran) == sorted([*names, "empty.txt"])  # every script built once, by a worker
    gone = max(at for at, pid, _, e in rows if e == "worker gone")
    assert gone >= max(at for at, pid, _, e in rows if e.startswith("script end"))


def test_without_the_variable_nothing_is_traced(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv(TRACE_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    src = tmp_path / "scripts"
    src.mkdir()
    shutil.copy(SAMPLE, src / "ep.txt")
    r = CliRunner().invoke(app, ["build", str(src), "-o", str(tmp_path / "out"), "--voice", "none", "--jobs", "1"])
    assert r.exit_code == 0, r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "scripts"]


def test_a_worker_that_died_fails_its_script_and_says_why() -> None:
    dead: Future = Future()
    dead.set_exception(BrokenProcessPool("A process in the process pool was terminated abruptly"))
    r = _outcome(dead, Path("ep7.txt"))
    assert not r.ok and r.script == Path("ep7.txt")
    assert r.error is not None and r.error.startswith("ep7.txt: ") and "BrokenProcessPool" in r.error
    fine: Future = Future()
    fine.set_result("the result")
    assert _outcome(fine, Path("ep8.txt")) == "the result"


def test_the_batch_display_shows_the_running_and_the_failed_jobs_only() -> None:
    from subtoolkit.cli.progress import BatchBar

    bar = BatchBar(4)

    def shown() -> dict[str, str]:
        return {t.description: t.fields["stage"] for t in bar.bar.tasks}

    assert shown() == {"4 scripts": "0 done"}
    bar.update("/s/a.txt", "parse", 0.1)
    bar.update("/s/b.txt", "timing", 0.3)
    assert shown() == {"4 scripts": "0 done", "a.txt": "parse", "b.txt": "timing"}
    bar.finish("/s/a.txt", ok=True)
    bar.update("/s/a.txt", "report", 0.97)  # a late message of a finished job moves nothing back
    bar.finish("/s/c.txt", ok=False)  # failed before it said anything
    bar.update("/s/b.txt", "subtitles", 0.4)
    assert shown() == {"4 scripts": "1 done, 1 failed", "b.txt": "subtitles", "c.txt": "FAILED"}
    bar.finish("/s/b.txt", ok=True)
    bar.finish("/s/b.txt", ok=False)  # said twice: counted once
    bar.finish("/s/d.txt", ok=True, label="episode d")
    assert shown() == {"4 scripts": "3 done, 1 failed", "c.txt": "FAILED"}
    overall = bar.bar.tasks[0]
    assert overall.completed == overall.total == 4
