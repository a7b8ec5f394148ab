"""``subtitles``: script → timeline → subtitle files (and Traditional variants), committed together."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from subtoolkit.errors import ScriptError
from subtoolkit.jobs.base import Clock, Pace, Progress, Reporter, Warn, load_script, narrator_pace
from subtoolkit.jobs.outputs import Outputs
from subtoolkit.model import BlockKind, Script, Timeline
from subtoolkit.subtitles.formats.common import SPOKEN
from subtoolkit.subtitles.validate import Problem


@dataclass(frozen=True)
class SubtitlesOptions:
    out_dir: Path = Path("output")
    formats: tuple[str, ...] = ("srt", "vtt", "ass", "json")
    profile: str = "netflix-zh-hans"
    fps: str = "25"
    start: str = "00:00:00:00"
    rate: float | None = None
    calibrate: Path | None = None  # a subtitle file timed to the same narrator
    variants: tuple[str, ...] = ()
    user_dict: Path | None = None
    include: frozenset[BlockKind] = SPOKEN
    force: bool = False
    eol: str = "\n"
    bom: bool = False
    encoding: str | None = None
    interview_span: str = "auto"


@dataclass
class SubtitlesResult:
    script: Script
    timeline: Timeline
    pace: Pace
    files: dict[str, Path] = field(default_factory=dict)  # "srt", "zh-Hant-TW.srt", … → committed path
    problems: list[Problem] = field(default_factory=list)
    variant_problems: list[tuple[str, Problem, Timeline]] = field(default_factory=list)


def check_spoken(script: Script, timeline: Timeline, include: frozenset[BlockKind], warn: Warn) -> None:
    """Refuse a script with nothing spoken, unless on-screen text was asked for (then warn).

    Subtitles time what is said; a script without narration or interviews is most often the
    wrong file, and a 1-byte SRT would pass for a success.
    """
    if any(c.kind.spoken for c in timeline.cues):
        return
    if any(c.kind in include for c in timeline.cues):
        warn(f"{script.source or 'the script'}: nothing is spoken in this script; the tracks carry only on-screen text")
        return
    raise ScriptError("nothing is spoken in this script (no narration or interview)", path=script.source,
                      hint="check the file, or pass --include captions,headings,title to subtitle its on-screen text")


def run_subtitles(script_path: Path, options: SubtitlesOptions, progress: Progress | None = None,
                  warn: Warn | None = None) -> SubtitlesResult:
    """Write ``<stem>.<tag>.<fmt>`` for the script and each variant into ``options.out_dir``, all or none."""
    from subtoolkit.chinese.variants import write_variant_tracks
    from subtoolkit.subtitles.profiles import load_profile
    from subtoolkit.subtitles.tracks import make_timeline, output_paths, write_tracks

    report = Reporter.of(progress, warn)
    clock = Clock.parse(options.fps, options.start)
    profile = load_profile(options.profile)
    with Outputs(options.out_dir) as out:  # the folder is checked before any work
        script = load_script(script_path, encoding=options.encoding, interview_span=options.interview_span,
                             warn=report.warn)
        pace = narrator_pace(profile, rate=options.rate, calibrate=options.calibrate)
        timeline = make_timeline(script, profile, fps=clock.fps, rate=pace.rate, pause_scale=pace.pause_scale,
                                 start_frame=clock.start_frame, interview_rate=pace.interview_rate)
        check_spoken(script, timeline, options.include, report.warn)
        report.stage("timing", 0.4)
        stem = script_path.stem
        written, problems = write_tracks(timeline, out.stage, stem, formats=options.formats,
                                         language_tag=profile.language, include=options.include, profile=profile,
                                         title=script.title, eol=options.eol, bom=options.bom, force=options.force)
        result = SubtitlesResult(script, timeline, pace, problems=problems)
        if options.variants:
            made, found = write_variant_tracks(timeline, out.stage, stem, configs=options.variants,
                                               formats=options.formats, profile=profile, title=script.title,
                                               include=options.include, user_dict=options.user_dict,
                                               eol=options.eol, bom=options.bom, force=options.force)
            result.variant_problems = [(tag, p, made[tag]) for tag, p in found]
            for tag in made:
                paths = output_paths(out.stage, stem, tag, options.formats)
                written.update({f"{tag}.{k}": v for k, v in paths.items()})
        report.stage("subtitles", 0.9)
        out.commit()
    result.files = {k: out.final(v) for k, v in written.items()}
    report.stage("done", 1.0)
    return result
