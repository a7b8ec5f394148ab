"""``build``: every deliverable of an episode from one script, written all-or-nothing.

The stages run in order (parse → timeline → voice → variants → deliverables) into a temporary
folder beside the target; only a build that finished is renamed into place, so a failed script
never leaves half its files behind and an earlier good build survives a failed rebuild.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from subtoolkit.errors import SubtoolkitError
from subtoolkit.text.ingest import SCRIPT_SUFFIXES  # one definition, shared with ingest and convert

if TYPE_CHECKING:  # imported where they are used: a folder build's parent only hands paths to its workers
    from subtoolkit.jobs.base import Clock, Progress, Reporter, Warn
    from subtoolkit.jobs.outputs import Outputs
    from subtoolkit.model import Script, Timeline
    from subtoolkit.subtitles.profiles import Profile
    from subtoolkit.subtitles.validate import Problem


@dataclass(frozen=True)
class BuildOptions:
    out_root: Path = Path("output")
    voice: str = "offline"  # offline (neural when installed, else espeak) | neural | espeak | edge | auto | none
    variants: tuple[str, ...] = ()
    profile: str = "netflix-zh-hans"
    fps: str = "25"
    start: str = "00:00:00:00"
    formats: tuple[str, ...] = ("srt", "vtt", "ass", "json")
    encoding: str | None = None
    interview_span: str = "auto"
    cache_dir: Path | None = None
    voice_name: str | None = None
    interview_voice: str | None = None
    calibrate: Path | None = None  # a subtitle file timed to the same narrator
    pinyin: tuple[Any, ...] = ()  # pronunciation dictionary entries for the neural voice


@dataclass
class BuildResult:
    script: Path
    out_dir: Path | None = None
    ok: bool = False
    error: str | None = None
    runtime_ms: int = 0
    cues: int = 0
    warnings: int = 0
    files: list[str] = field(default_factory=list)
    stage_seconds: dict[str, float] = field(default_factory=dict)
    sections: list[tuple[str, int]] = field(default_factory=list)
    timed_by: str = "estimate"  # or "<engine> voiceover"
    notes: list[str] = field(default_factory=list)  # warnings said during the build


@dataclass
class _Player:
    """What the report's player plays, and the timeline it shows."""

    timeline: Timeline
    audio_src: str
    note: str
    engine: str = ""
    problems: list[Problem] = field(default_factory=list)


def build_script(script_path: Path, options: BuildOptions, progress: Progress | None = None,
                 warn: Warn | None = None) -> BuildResult:
    """Build one script into ``options.out_root / <script stem>``; raises SubtoolkitError on bad input."""
    from subtoolkit.fsio import write_text
    from subtoolkit.jobs.base import Clock, Reporter, load_script, narrator_pace
    from subtoolkit.jobs.outputs import Outputs
    from subtoolkit.subtitles.formats.common import SPOKEN
    from subtoolkit.subtitles.profiles import load_profile
    from subtoolkit.subtitles.tracks import make_timeline, summarize, write_tracks

    result = BuildResult(script=script_path)

    def note(message: str) -> None:
        result.notes.append(message)
        if warn is not None:
            warn(message)

    report = Reporter.of(progress, note)
    result.stage_seconds = report.seconds
    clock = Clock.parse(options.fps, options.start)
    profile = load_profile(options.profile)
    stem = script_path.stem
    with Outputs(options.out_root / stem, whole=True) as out:  # the folder is checked before any work
        script = load_script(script_path, encoding=options.encoding, interview_span=options.interview_span)
        report.stage("parse", 0.1)
        pace = narrator_pace(profile, calibrate=options.calibrate)
        timeline = make_timeline(script, profile, fps=clock.fps, start_frame=clock.start_frame, rate=pace.rate,
                                 pause_scale=pace.pause_scale, interview_rate=pace.interview_rate)
        timeline = replace(timeline, drop_frame=clock.drop_frame)  # the paperwork counts as --start does
        report.stage("timing", 0.3)
        write_text(out.path("blocks.json"), json.dumps(script.to_json(), ensure_ascii=False, indent=2) + "\n")
        _, problems = write_tracks(timeline, out.stage, stem, formats=options.formats, language_tag=profile.language,
                                   include=SPOKEN, profile=profile, title=script.title)
        report.stage("subtitles", 0.4)
        player = _player(script, profile, clock, timeline, out, stem, options, report)
        player.problems = player.problems if player.engine else problems
        variants, other_problems = _variants(script, profile, timeline, player.timeline, out, stem, options)
        if options.variants:
            report.stage("variants", 0.85)
        _paperwork(script, timeline, out, options.variants)
        report.stage("documents", 0.9)
        _report_page(script, profile, player, variants, out)
        report.stage("report", 0.97)
        out.commit()
    s = summarize(script, player.timeline)
    result.ok = True
    result.out_dir = out.folder
    result.runtime_ms = s.runtime_ms
    result.cues = s.dialogue_cues
    result.warnings = len(player.problems) + other_problems
    result.sections = [(sec.name, sec.duration_ms) for sec in s.sections]
    result.timed_by = f"{player.engine} voiceover" if player.engine else "estimate"
    result.files = sorted(p.name for p in out.committed)
    report.progress("done", 1.0)
    return result


def _player(script: Script, profile: Profile, clock: Clock, timeline: Timeline, out: Outputs, stem: str,
            options: BuildOptions, report: Reporter) -> _Player:
    """The scratch voiceover (its retimed tracks become the player's), or a silent track."""
    from subtoolkit.tts.voiceover import has_voice

    if options.voice != "none" and has_voice(script, interview_voice=options.interview_voice):
        from subtoolkit.jobs.voiceover import VoiceOptions, voice_into  # voice engines, imported only when asked for

        voicing = VoiceOptions(engine=options.voice, voice=options.voice_name, interview_voice=options.interview_voice,
                               cache_dir=options.cache_dir, audio_format="mp3", pinyin=options.pinyin)
        vo = voice_into(script, profile, clock, out.stage, stem, voicing,
                        progress=lambda _s, f: report.progress("voiceover", 0.4 + 0.4 * f), warn=report.warn)
        report.stage("voiceover", 0.8)
        note = f"Scratch voiceover by the {vo.engine} engine; subtitles retimed to it."
        # the retimed track's problems come from its write, where it was validated
        return _Player(replace(vo.timeline, drop_frame=timeline.drop_frame), vo.audio_path.name, note, vo.engine,
                       vo.problems)
    from subtoolkit.audio.silence import write_silent_mp3  # a repeated silent frame, not encoded

    last = max((c.end_ms for c in timeline.cues), default=0)
    write_silent_mp3(out.path("silence.mp3"), max(last / 1000 + 1, 1.0))
    report.stage("silence", 0.8)
    if options.voice == "none":
        why = "No voice was rendered (--voice none)"
    else:
        why = "Nothing in this script is spoken, so no voice was rendered"
        report.warn(f"{script.source}: nothing is spoken in this script; the report plays a silent track")
    note = f"{why}: the player runs on a silent track the length of the estimated film."
    return _Player(timeline, "silence.mp3", note)


def _variants(script: Script, profile: Profile, timeline: Timeline, player: Timeline, out: Outputs, stem: str,
              options: BuildOptions) -> tuple[dict[str, Timeline], int]:
    """The Traditional tracks (and the voiceover's); the timelines by tag and their problem count."""
    if not options.variants:
        return {}, 0
    from subtoolkit.chinese.variants import write_variant_tracks

    made, found = write_variant_tracks(timeline, out.stage, stem, configs=options.variants, formats=options.formats,
                                       profile=profile, title=script.title)
    count = len(found)
    if player is not timeline:  # the voiceover's retimed tracks get their variants too
        made, found = write_variant_tracks(player, out.stage, f"{stem}.voiceover", configs=options.variants,
                                           formats=("srt", "vtt", "json"), profile=profile, title=script.title)
        count += len(found)
    return made, count


def _paperwork(script: Script, timeline: Timeline, out: Outputs, variants: tuple[str, ...] = ()) -> None:
    from subtoolkit.deliver.paperwork import captions_csv, names_csv, narration_docx, narration_md
    from subtoolkit.fsio import atomic_path, write_text

    write_text(out.path("names.csv"), names_csv(script, timeline), bom=True)
    if variants:  # the graphics department of each Traditional version needs its names too
        from subtoolkit.chinese.convert import get_converter

        for config in variants:
            conv = get_converter(config)
            write_text(out.path(f"names.{conv.language_tag}.csv"), conv.convert(names_csv(script, timeline)), bom=True)
    write_text(out.path("captions.csv"), captions_csv(script, timeline), bom=True)
    write_text(out.path("narration.md"), narration_md(script, timeline))
    with atomic_path(out.path("narration.docx")) as tmp:
        narration_docx(script, timeline).save(str(tmp))


def _report_page(script: Script, profile: Profile, player: _Player, variants: dict[str, Timeline],
                 out: Outputs) -> None:
    from subtoolkit.deliver.report import render_report
    from subtoolkit.fsio import write_text

    page = render_report(script, player.timeline, profile=profile, problems=player.problems, variants=variants,
                         audio_src=player.audio_src, audio_note=player.note, language_tag=profile.language)
    write_text(out.path("report.html"), page)


TRACE_ENV = "SUBTOOLKIT_TRACE"
"""Name of the variable that, set to a file path, makes a folder build log where its wall time goes."""


def trace(event: str, at: float | None = None, cpu: float | None = None) -> None:
    """One line of a folder build's timing trace, if ``$SUBTOOLKIT_TRACE`` names a file.

    The parent and every worker append to the same file: ``clock  pid  cpu  event``, where the clock
    is the system's boot clock in seconds (one clock for every process, unlike ``perf_counter``) and
    cpu is the process's own CPU seconds so far. ``bench/bench_build.py --trace`` reads it. Off, it
    costs one environment look-up.
    """
    path = os.environ.get(TRACE_ENV)
    if not path:
        return
    now = _boot_clock() if at is None else at
    used = time.process_time() if cpu is None else cpu
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:  # one short write with O_APPEND: lines of different processes never interleave
        os.write(fd, f"{now:.6f}\t{os.getpid()}\t{used:.6f}\t{event}\n".encode())
    finally:
        os.close(fd)


def trace_process_start(role: str) -> None:
    """Trace when this process was started (from ``/proc``: before any of its Python ran)."""
    if not os.environ.get(TRACE_ENV):
        return
    try:
        with open("/proc/self/stat", "rb") as f:
            ticks = int(f.read().rsplit(b")", 1)[1].split()[19])  # field 22: start time in ticks since boot
        started = ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return
    trace(f"{role} process started", at=started, cpu=0.0)


def _boot_clock() -> float:
    return time.clock_gettime(getattr(time, "CLOCK_BOOTTIME", time.CLOCK_MONOTONIC))


_worker_queue: object = None  # a worker process's progress queue, set by init_worker


def init_worker(queue: object) -> None:
    """Process-pool initializer: the worker's progress queue, handed over when the process starts.

    A ``multiprocessing.Queue`` (unlike a manager's queue) can only be inherited, not sent with a
    task; in exchange a ``put`` never waits for another process to be scheduled, which on a busy
    machine cost a folder build much of its second core.
    """
    import atexit

    global _worker_queue
    _worker_queue = queue
    atexit.register(_leave_at_once)
    trace_process_start("worker")
    trace("worker ready")


def _leave_at_once() -> None:
    """A pool worker's exit, once the pool has let it go: its progress flushed, then gone.

    The interpreter's own exit would first free every object one by one (jieba's dictionary and the
    caches of the subtitle core); that took a worker 0.04-0.15 s, and the command waits for its
    workers before it ends. Every output was renamed into place and every result sent before the pool
    let the worker go, so there is nothing left to tidy.
    """
    import sys

    queue = _worker_queue
    if queue is not None:
        queue.close()  # type: ignore[attr-defined]
        queue.join_thread()  # type: ignore[attr-defined]  # progress still in the pipe's feeder
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (AttributeError, OSError, ValueError):
            pass
    trace("worker gone")
    os._exit(0)


def build_worker(args: tuple[Path, BuildOptions, object]) -> BuildResult:
    """Process-pool entry: never raises, so one bad script cannot stop the others.

    Progress goes to the queue in ``args``, or else to the one :func:`init_worker` set.
    """
    path, options, queue = args
    queue = queue if queue is not None else _worker_queue

    def progress(stage: str, frac: float) -> None:
        if queue is not None:
            queue.put((str(path), stage, frac))  # type: ignore[attr-defined]

    trace(f"script start {path.name}")
    result = build_reported(path, options, progress)
    trace(f"script end {path.name}")
    return result


def build_reported(path: Path, options: BuildOptions, progress: Progress) -> BuildResult:
    """One script of a batch, whatever happens: a failure becomes its result, never an exception,
    so one bad script cannot stop the others (in a local pool or on a cluster's worker)."""
    try:
        return build_script(path, options, progress)
    except SubtoolkitError as exc:
        return BuildResult(script=path, ok=False, error=exc.render())
    except Exception as exc:  # noqa: BLE001 - reported per script, the batch goes on
        return BuildResult(script=path, ok=False, error=f"internal error: {type(exc).__name__}: {exc}")


def largest_first(paths: list[Path]) -> list[Path]:
    """The order a folder's scripts are handed to the workers: by size, largest first (then by name).

    Build time grows with a script's length; a long script started last would keep one worker busy
    while the others sit idle at the end of the batch.
    """
    def size(p: Path) -> int:
        try:
            return p.stat().st_size
        except OSError:
            return 0  # reported by its build

    return sorted(paths, key=lambda p: (-size(p), str(p)))


def scripts_in(folder: Path) -> list[Path]:
    """The scripts of a folder build: every file ``ingest`` reads (hidden files left out)."""
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and p.suffix.lower() in SCRIPT_SUFFIXES and not p.name.startswith("."))
