"""``voiceover``: script → plan → rendered segments → measured timeline and track, committed together.

The voice engines are asynchronous (edge-tts speaks websockets); this job is where the event loop
starts and ends, so everything below it stays an ordinary coroutine or a pure function.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from subtoolkit.jobs.base import Clock, Progress, Reporter, Warn, load_script
from subtoolkit.jobs.outputs import Outputs
from subtoolkit.model import BlockKind, Script
from subtoolkit.subtitles.profiles import Profile
from subtoolkit.tts.voiceover import VoiceoverResult, lay_voiceover, plan_voiceover, render_plan, write_voiceover

if TYPE_CHECKING:
    from subtoolkit.tts.render import ProgressCallback


@dataclass(frozen=True)
class VoiceOptions:
    """How the narration is voiced (shared by ``voiceover`` and ``build``)."""

    engine: str = "espeak"  # espeak | neural | offline | edge | auto
    voice: str | None = None
    interview_voice: str | None = None
    rate: str | int = 0
    concurrency: int | None = None
    cache_dir: Path | None = None
    use_cache: bool = True
    audio_format: str = "wav"
    pinyin: tuple[Any, ...] = ()  # pronunciation dictionary entries for the neural voice


@dataclass(frozen=True)
class VoiceoverOptions:
    out_dir: Path = Path("output")
    voice: VoiceOptions = VoiceOptions()
    sections: int = 0  # voice only the first N sections; 0 = all
    profile: str = "netflix-zh-hans"
    fps: str = "25"
    encoding: str | None = None
    interview_span: str = "auto"


def sections_range(script: Script, count: int) -> range | None:
    """Blocks of the first ``count`` sections (section 1 is everything before the first heading)."""
    if count <= 0:
        return None
    headings = [i for i, b in enumerate(script.blocks) if b.kind is BlockKind.HEADING]
    stop = headings[count - 1] if count - 1 < len(headings) else len(script.blocks)
    return range(0, stop)


def voice_into(script: Script, profile: Profile, clock: Clock, folder: Path, stem: str, options: VoiceOptions, *,
               blocks: range | None = None, formats: tuple[str, ...] = ("srt", "vtt", "json"),
               progress: Progress | None = None, on_progress: ProgressCallback | None = None,
               warn: Warn | None = None) -> VoiceoverResult:
    """Plan, render, measure and lay the voiceover, and write its files into ``folder`` (a staging folder)."""
    from subtoolkit.tts.render import RenderProgress

    plan = plan_voiceover(script, profile, clock.fps, blocks=blocks, voice=options.voice,
                          interview_voice=options.interview_voice, rate=options.rate)

    def bar(p: RenderProgress) -> None:
        if on_progress is not None:
            on_progress(p)
        if progress is not None and p.total:
            progress("voiceover", p.done / p.total)

    rendered = asyncio.run(render_plan(plan, engine=options.engine, cache_dir=options.cache_dir,
                                       use_cache=options.use_cache, concurrency=options.concurrency,
                                       on_progress=bar, warn=warn, pinyin=options.pinyin))
    vo = lay_voiceover(plan, rendered, script, profile, clock.fps, clock.start_frame)
    del rendered  # its track (the segments as rendered) is not needed to write the laid one
    audio, manifest, problems = write_voiceover(vo, folder, stem, profile=profile, title=script.title,
                                                audio_format=options.audio_format, formats=formats)
    return VoiceoverResult(vo.timeline, audio, manifest, vo.engine, vo.summary, vo.segments, problems)


def run_voiceover(script_path: Path, options: VoiceoverOptions, progress: Progress | None = None,
                  warn: Warn | None = None, on_progress: ProgressCallback | None = None) -> VoiceoverResult:
    """Write ``<stem>.voiceover.*`` into ``options.out_dir``, all or none."""
    from subtoolkit.subtitles.profiles import load_profile

    report = Reporter.of(progress, warn)
    clock = Clock.parse(options.fps)
    profile = load_profile(options.profile)
    with Outputs(options.out_dir) as out:  # checked before minutes of rendering
        script = load_script(script_path, encoding=options.encoding, interview_span=options.interview_span,
                             warn=report.warn)
        result = voice_into(script, profile, clock, out.stage, script_path.stem, options.voice,
                            blocks=sections_range(script, options.sections), progress=report.progress,
                            on_progress=on_progress, warn=report.warn)
        out.commit()
    result.audio_path = out.final(result.audio_path)
    result.manifest_path = out.final(result.manifest_path)
    report.stage("done", 1.0)
    return result


def render_voiceover(script: Script, profile: Profile, out_dir: Path, stem: str, *, fps: Fraction = Fraction(25),
                     start_frame: int = 0, blocks: range | None = None,
                     formats: tuple[str, ...] = ("srt", "vtt", "json"), progress: Progress | None = None,
                     on_progress: ProgressCallback | None = None, warn: Warn | None = None,
                     **voice: Any) -> VoiceoverResult:
    """The voiceover of a parsed script, its files committed together into ``out_dir``: for library
    callers who hold a :class:`~subtoolkit.model.Script` already (``voice`` are :class:`VoiceOptions`)."""
    with Outputs(out_dir) as out:
        result = voice_into(script, profile, Clock(fps, start_frame), out.stage, stem, VoiceOptions(**voice),
                            blocks=blocks, formats=formats, progress=progress, on_progress=on_progress, warn=warn)
        out.commit()
    result.audio_path = out.final(result.audio_path)
    result.manifest_path = out.final(result.manifest_path)
    return result
