"""``subtoolkit build``: every deliverable of an episode (or a folder of episodes) in one command."""

from __future__ import annotations

import os
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from subtoolkit.cli.app import app, eprint, handle_errors, stdout_console
from subtoolkit.cli.options import (
    ENCODING_OPT, FPS_OPT, PINYIN_OPT, PROFILE_OPT, SPAN_OPT, Span, load_pinyin, split_list,
)


class Voice(str, Enum):
    offline = "offline"
    neural = "neural"
    espeak = "espeak"
    edge = "edge"
    auto = "auto"
    none = "none"


@app.command("build")
@handle_errors
def build_command(
    target: Path = typer.Argument(..., help="A script (.txt, .md, .docx) or a folder of scripts.", show_default=False),
    output: Path = typer.Option(
        Path("output"), "--output", "-o",
        help="Root folder; each script gets output/<script-name>/.",
    ),
    voice: Voice = typer.Option(
        Voice.offline, "--voice",
        help="Scratch voiceover engine: offline (the neural voice when installed with 'subtoolkit voices install', "
        "else espeak; no network), neural, espeak, edge (online), auto (edge, else offline), or none.",
    ),
    variants: str = typer.Option("", "--variants", help="Traditional Chinese tracks to add, e.g. s2twp,s2hk."),
    profile_name: str = PROFILE_OPT,
    fps: str = FPS_OPT,
    start: str = typer.Option(
        "00:00:00:00", "--start",
        help="Timecode of the first frame (HH:MM:SS:FF; HH:MM:SS;FF is drop-frame at "
        "29.97/59.94 fps, and the paperwork follows).",
    ),
    formats: str = typer.Option("srt,vtt,ass,json", "--format", "-f", help="Subtitle formats to write."),
    cache_dir: Optional[Path] = typer.Option(
        None, "--cache-dir",
        help="Where rendered voice segments are cached (default: the platform's cache folder).",
    ),
    calibrate: Optional[Path] = typer.Option(
        None, "--calibrate",
        help="Fit the narration pace from an .srt/.vtt timed to the same narrator (e.g. the previous episode).",
    ),
    jobs: int = typer.Option(0, "--jobs", "-j", help="Scripts built at once for a folder (default: one per core)."),
    scheduler: Optional[str] = typer.Option(
        None, "--scheduler",
        help="Build a folder's scripts on the Dask cluster whose scheduler listens here (tcp://HOST:8786); needs the "
        "cluster extra and a filesystem the workers share. See README, Large batches.",
    ),
    encoding: Optional[str] = ENCODING_OPT,
    interview_span: Span = SPAN_OPT,
    pinyin: Optional[Path] = PINYIN_OPT,
) -> None:
    """Build every deliverable of an episode: blocks, subtitles, voiceover, Traditional variants, paperwork and a report page.

    Writes output/<script-name>/ with blocks.json, the subtitle tracks (x.zh-Hans.srt/.vtt/.ass/.json and each variant), the scratch voiceover with its retimed tracks, names.csv (name supers for graphics), captions.csv (on-screen text with in/out timecodes), narration.docx and narration.md (the voice talent's script with timecodes) and report.html (runtime, timeline, QC and a player; open it in a browser, no network needed). A build is written all-or-nothing: a failed script leaves no half-written folder.

    Given a folder, every script in it is built in parallel, one process per core (or on a Dask cluster with --scheduler); a failing script is reported and the others go on; the exit code is 1 if any failed.

    [bold]Examples[/bold]

      subtoolkit build seeds/shengming-zhongyu-taishan.txt
      subtoolkit build episodes/ --variants s2twp,s2hk --voice none
      subtoolkit build ep3.docx --voice edge --fps 23.976 --start 01:00:00:00
      subtoolkit build /archive/scripts -o /archive/out --scheduler tcp://scheduler:8786
    """  # noqa: E501 - one paragraph a line: typer keeps line breaks in --help
    from subtoolkit.jobs.build import BuildOptions, scripts_in, trace, trace_process_start
    from subtoolkit.errors import InputError

    trace_process_start("parent")
    trace("command parsed")

    opts = BuildOptions(
        out_root=output,
        voice=voice.value,
        variants=tuple(split_list(variants)),
        profile=profile_name,
        fps=fps,
        start=start,
        formats=tuple(split_list(formats)),
        encoding=encoding,
        interview_span=interview_span.value,
        cache_dir=cache_dir,
        calibrate=calibrate,
        pinyin=load_pinyin(pinyin) if voice.value != "none" else (),
    )
    from subtoolkit.fsio import ensure_folder

    ensure_folder(output)  # refused in one line before any script is read, not once per script
    workers: list = []
    if target.is_dir():
        scripts = scripts_in(target)
        trace("folder scanned")
        if not scripts:
            raise InputError("no scripts in this folder", path=str(target), hint="put .txt, .md or .docx scripts in it")
        if scheduler:
            results = _build_on_cluster(scripts, opts, scheduler)
        else:
            results, workers = _build_many(scripts, opts, jobs or os.cpu_count() or 1)
    else:
        if scheduler:
            raise typer.BadParameter("builds a folder of scripts", param_hint="--scheduler")
        results = [_build_one(target, opts)]
    _print_results(results)
    trace("summary printed")
    for worker in workers:
        worker.join()  # let go with the last result, they have exited meanwhile
    trace("workers joined")
    if any(not r.ok for r in results):
        raise typer.Exit(code=1)


def _build_one(path: Path, opts):
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from subtoolkit.jobs.build import build_script

    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[stage]}"),
                  TimeElapsedColumn(), transient=True) as bar:
        task = bar.add_task(path.name, total=1.0, stage="")
        result = build_script(path, opts, lambda stage, frac: bar.update(task, completed=frac, stage=stage))
    return result


def _build_many(paths: list[Path], opts, jobs: int):
    """The folder's scripts in ``jobs`` worker processes, shown on a :class:`BatchBar`.

    Returns the results in the order of ``paths`` as soon as the last is in, and the worker processes,
    already let go: they exit while the summary is printed, and the caller joins them.
    """
    import functools
    import multiprocessing as mp
    from concurrent.futures import Future, ProcessPoolExecutor

    from subtoolkit.jobs.build import BuildResult, build_worker, init_worker, largest_first, trace

    from subtoolkit.cli.progress import watched

    ctx = mp.get_context("spawn")  # fresh interpreters: no inherited locks or jieba state
    q = ctx.Queue()  # a put never waits for another process; results wake the loop below through it too
    # The workers get it at their start to send each script's stages, but only for a bar someone
    # watches: piped, the bar is drawn once at the end, and 8 messages a script only woke this
    # process (a share of the workers' cores when there are two) for nothing.
    live = watched()
    workers = max(1, min(jobs, len(paths)))
    others = set(mp.active_children())
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=init_worker,
                               initargs=(q if live else None,))
    trace("pool made")
    try:
        # The workers are started (and sent their scripts) before the bar is set up, so their interpreters
        # start while this process imports rich. The longest scripts go first, so that the last to start
        # are short ones and the workers run out of work close together.
        futures: dict[str, Future] = {}
        for p in largest_first(paths):
            futures[str(p)] = pool.submit(build_worker, (p, opts, None))
        for key, f in futures.items():
            # A finished script wakes the loop below through the same queue as the progress (stage None),
            # so the last result is seen the moment it arrives, not at the next poll.
            f.add_done_callback(functools.partial(_wake, q, key))
        trace("scripts submitted")
        mine = [p for p in mp.active_children() if p not in others]  # the pool's (shutdown(wait=False) forgets them)
        from subtoolkit.cli.progress import BatchBar  # rich is imported while the workers start

        bar = BatchBar(len(paths), live=live)
        trace("bar built")
        results: dict[str, BuildResult] = {}
        with bar:
            while len(results) < len(futures):
                key, stage, frac = q.get()
                if key in results:
                    continue  # a late message must not move a finished bar back
                if stage is not None:
                    bar.update(key, stage, frac)
                    continue
                r = results[key] = _outcome(futures[key], Path(key))
                trace(f"result in {r.script.name}")
                bar.finish(key, r.ok)
            trace("all results in")
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
        q.close()
    trace("bar closed")
    return [results[str(p)] for p in paths], mine


def _wake(q, key: str, _future: object) -> None:
    """A future's done callback: tell the build loop that ``key``'s result is in."""
    try:
        q.put((key, None, 1.0))
    except ValueError:  # the queue is closed: the batch was interrupted and nobody reads it any more
        pass


def _outcome(future, path: Path):
    """A finished future's result; a worker that died (killed, out of memory) fails its script, not the batch."""
    from subtoolkit.jobs.build import BuildResult

    try:
        return future.result()
    except Exception as exc:  # noqa: BLE001 - e.g. BrokenProcessPool: reported per script like any failure
        return BuildResult(script=path, ok=False, error=f"{path}: its worker process failed: {type(exc).__name__}: "
                           f"{exc}")


def _build_on_cluster(paths: list[Path], opts, address: str):
    """The folder on a Dask cluster (:mod:`subtoolkit.jobs.cluster`), with the same bar as a local build."""
    from subtoolkit.cli.progress import BatchBar
    from subtoolkit.jobs.cluster import build_on_cluster

    with BatchBar(len(paths)) as bar:
        def progress(script: str, stage: str, frac: float, worker: str) -> None:
            if worker:
                bar.update(script, stage, frac)  # from a worker: a retried build may report again
            else:
                bar.finish(script, stage == "done")  # the batch's own word once the result is in

        return build_on_cluster(paths, opts, address, progress)


def _print_results(results) -> None:
    from rich.table import Table

    from subtoolkit.subtitles.timecode import clock

    console = stdout_console()
    for r in results:
        for note in r.notes:
            eprint(f"warning: {note}")
        if not r.ok:
            eprint(f"error: {r.error}")
    if len(results) == 1 and results[0].ok:
        r = results[0]
        console.print(f"[bold]{r.script.name}[/bold]: runtime [bold]{clock(r.runtime_ms)}[/bold] ({r.timed_by}), "
                      f"{r.cues} subtitle cues, {r.warnings} QC warnings")
        table = Table(box=None, padding=(0, 2), show_header=False)
        for name, ms in r.sections:
            table.add_row(name, clock(ms))
        console.print(table)
        console.print(f"report: {r.out_dir / 'report.html'}", highlight=False)
        return
    table = Table(title="build summary", padding=(0, 1))
    table.add_column("script")
    table.add_column("result")
    table.add_column("runtime", justify="right")
    table.add_column("cues", justify="right")
    table.add_column("output / error", overflow="fold")
    for r in results:
        if r.ok:
            table.add_row(r.script.name, "[green]ok[/green]", clock(r.runtime_ms), str(r.cues),
                          str(r.out_dir / "report.html"))
        else:
            table.add_row(r.script.name, "[red]failed[/red]", "", "", r.error or "")
    console.print(table)
