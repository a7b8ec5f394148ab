"""``build``: every deliverable of an episode from one script, written all-or-nothing.

The stages run in order (parse → timeline → voice → variants → deliverables) into a temporary
folder beside the target; only a build that finished is renamed into place, so a failed script
never leaves half its files behind and an earlier good build survives a failed rebuild.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from subtoolkit.errors import SubtoolkitError
from subtoolkit.subtitles.formats.common import SPOKEN
from subtoolkit.fsio import DIR_MODE, atomic_path, write_text
from subtoolkit.model import Timeline
from subtoolkit.text.ingest import SCRIPT_SUFFIXES  # one definition, shared with ingest and convert

Progress = Callable[[str, float], None]  # (stage description, fraction done)


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


def _silence_mp3(path: Path, seconds: float) -> None:
    """A silent track the length of the film, so the report's player works without a voice
    (written from a repeated silent frame, not encoded: see :mod:`subtoolkit.audio.silence`)."""
    from subtoolkit.audio.silence import write_silent_mp3

    write_silent_mp3(path, max(seconds, 1.0))


def build_script(script_path: Path, options: BuildOptions, progress: Progress | None = None) -> BuildResult:
    """Build one script into ``options.out_root / <script stem>``; raises SubtoolkitError on bad input."""
    from subtoolkit.deliver.paperwork import captions_csv, names_csv, narration_docx, narration_md
    from subtoolkit.text.ingest import read_source
    from subtoolkit.text.parse import parse_lines
    from subtoolkit.text.style import default_style
    from subtoolkit.subtitles.profiles import load_profile
    from subtoolkit.deliver.report import render_report
    from subtoolkit.subtitles.tracks import make_timeline, summarize, write_tracks
    from subtoolkit.subtitles.timecode import is_drop_frame, parse_fps, parse_smpte

    report = progress or (lambda _s, _f: None)
    result = BuildResult(script=script_path)
    clock = time.perf_counter
    stage_t = clock()

    def stage(name: str, frac: float) -> None:
        nonlocal stage_t
        now = clock()
        report(name, frac)
        result.stage_seconds[name] = result.stage_seconds.get(name, 0.0) + (now - stage_t)
        stage_t = now

    fps = parse_fps(options.fps)
    start_frame = parse_smpte(options.start, fps)
    profile = load_profile(options.profile)
    source = read_source(script_path, encoding=options.encoding)
    script = parse_lines(source.lines, path=str(script_path), interview_span=options.interview_span, style=default_style())  # type: ignore[arg-type]
    stage("parse", 0.1)
    rate, pause_scale, interview_rate = None, 1.0, None
    if options.calibrate is not None:
        from subtoolkit.subtitles.calibrate import fit, read_reference
        from subtoolkit.errors import InputError

        try:
            cal = fit(read_reference(options.calibrate), profile)
        except ValueError as exc:
            raise InputError(f"calibration failed: {exc}", path=str(options.calibrate), hint="use a reference timed to continuous narration") from None
        rate, pause_scale, interview_rate = cal.rate, cal.pause_scale, cal.interview_rate
    timeline = make_timeline(script, profile, fps=fps, start_frame=start_frame, rate=rate, pause_scale=pause_scale,
                             interview_rate=interview_rate)
    timeline = replace(timeline, drop_frame=is_drop_frame(options.start))  # the paperwork counts as --start does
    stage("timing", 0.3)

    target = options.out_root / script_path.stem
    options.out_root.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{script_path.stem}.partial-", dir=options.out_root))
    os.chmod(work, DIR_MODE)
    try:
        write_text(work / "blocks.json", json.dumps(script.to_json(), ensure_ascii=False, indent=2) + "\n")
        tag = profile.language
        written, problems = write_tracks(timeline, work, script_path.stem, formats=options.formats, language_tag=tag,
                                         include=SPOKEN, profile=profile, title=script.title)
        stage("subtitles", 0.4)

        audio_src: str | None = None
        audio_note = ""
        player_timeline = timeline
        vo_engine = ""
        if options.voice != "none":
            from subtoolkit.tts.voiceover import render_voiceover  # voice engines, imported only when asked for

            vo = render_voiceover(script, profile, work, script_path.stem, engine=options.voice, fps=fps,
                                  start_frame=start_frame, cache_dir=options.cache_dir, voice=options.voice_name,
                                  interview_voice=options.interview_voice, audio_format="mp3", pinyin=options.pinyin,
                                  progress=lambda f: report("voiceover", 0.4 + 0.4 * f))
            player_timeline = replace(vo.timeline, drop_frame=timeline.drop_frame)
            audio_src = vo.audio_path.name
            audio_note = f"Scratch voiceover by the {vo.engine} engine; subtitles retimed to it."
            vo_engine = vo.engine
            problems = vo.problems  # validated when its tracks were written
            stage("voiceover", 0.8)
        else:
            last = max((c.end_ms for c in timeline.cues), default=0)
            _silence_mp3(work / "silence.mp3", last / 1000 + 1)
            audio_src = "silence.mp3"
            audio_note = "No voice was rendered (--voice none): the player runs on a silent track the length of the estimated film."
            stage("silence", 0.8)

        variant_timelines: dict[str, Timeline] = {}
        other_problems = 0  # the Traditional tracks' own (the report lists the player track's)
        if options.variants:
            from subtoolkit.chinese.variants import write_variant_tracks

            variant_timelines, found = write_variant_tracks(
                timeline, work, script_path.stem, configs=options.variants, formats=options.formats,
                profile=profile, title=script.title)
            other_problems += len(found)
            if player_timeline is not timeline:  # the voiceover's retimed tracks get their variants too
                variant_timelines, found = write_variant_tracks(
                    player_timeline, work, f"{script_path.stem}.voiceover", configs=options.variants,
                    formats=("srt", "vtt", "json"), profile=profile, title=script.title)
                other_problems += len(found)
            stage("variants", 0.85)

        write_text(work / "names.csv", names_csv(script, timeline), bom=True)
        if options.variants:  # the graphics department of each Traditional version needs its names too
            from subtoolkit.chinese.convert import get_converter

            for config in options.variants:
                conv = get_converter(config)
                write_text(work / f"names.{conv.language_tag}.csv", conv.convert(names_csv(script, timeline)), bom=True)
        write_text(work / "captions.csv", captions_csv(script, timeline), bom=True)
        write_text(work / "narration.md", narration_md(script, timeline))
        with atomic_path(work / "narration.docx") as tmp:
            narration_docx(script, timeline).save(str(tmp))
        stage("documents", 0.9)
        page = render_report(script, player_timeline, profile=profile, problems=problems, variants=variant_timelines,
                             audio_src=audio_src, audio_note=audio_note, language_tag=tag)
        write_text(work / "report.html", page)
        stage("report", 0.97)
        _swap_into_place(work, target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    s = summarize(script, player_timeline)
    result.ok = True
    result.out_dir = target
    result.runtime_ms = s.runtime_ms
    result.cues = s.dialogue_cues
    result.warnings = len(problems) + other_problems
    result.sections = [(sec.name, sec.duration_ms) for sec in s.sections]
    result.timed_by = "estimate" if player_timeline is timeline else f"{vo_engine} voiceover"
    result.files = sorted(p.name for p in target.iterdir())
    report("done", 1.0)
    return result


def _swap_into_place(work: Path, target: Path) -> None:
    """Replace ``target`` with the finished ``work`` folder; the old build goes only once the new one is in."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        os.replace(target, old)
    os.replace(work, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


_worker_queue: object = None  # a worker process's progress queue, set by init_worker


def init_worker(queue: object) -> None:
    """Process-pool initializer: the worker's progress queue, handed over when the process starts.

    A ``multiprocessing.Queue`` (unlike a manager's queue) can only be inherited, not sent with a
    task; in exchange a ``put`` never waits for another process to be scheduled, which on a busy
    machine cost a folder build much of its second core.
    """
    global _worker_queue
    _worker_queue = queue


def build_worker(args: tuple[Path, BuildOptions, object]) -> BuildResult:
    """Process-pool entry: never raises, so one bad script cannot stop the others.

    Progress goes to the queue in ``args``, or else to the one :func:`init_worker` set.
    """
    path, options, queue = args
    queue = queue if queue is not None else _worker_queue

    def progress(stage: str, frac: float) -> None:
        if queue is not None:
            queue.put((str(path), stage, frac))  # type: ignore[attr-defined]

    try:
        return build_script(path, options, progress)
    except SubtoolkitError as exc:
        return BuildResult(script=path, ok=False, error=exc.render())
    except Exception as exc:  # noqa: BLE001 - reported per script, the batch goes on
        return BuildResult(script=path, ok=False, error=f"internal error: {type(exc).__name__}: {exc}")


def scripts_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in SCRIPT_SUFFIXES and not p.name.startswith("."))
