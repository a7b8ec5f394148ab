"""The scratch voiceover: render the narration, lay it on the film's clock, retime the subtitles.

The estimator's plan (:func:`subtoolkit.subtitles.timing.plan_block`) says which cues exist and how long
each needs; the voice engine renders every narration cue (one request per cue, well under the
engines' request limits). Each rendered cue is measured — where its speech starts and ends — and
the cues are placed again with the *measured* speaking time, on the frame grid and with the
profile's gaps (:func:`subtoolkit.subtitles.timing.place`). The audio is then laid so that each cue's speech
starts :data:`LEAD_MS` after its cue's first frame: cue starts sit on speech onsets (within a
frame) and every stretch of speech lies inside its cue. Interviews are silent placeholders of
their estimated length unless an interview voice is given; captions and headings hold their
title-card time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from subtoolkit.errors import VoiceError
from subtoolkit.model import BlockKind, Script, Timeline
from subtoolkit.subtitles.profiles import Profile
from subtoolkit.subtitles.timecode import fps_label
from subtoolkit.subtitles.timing import SpeechModel, _Planned, place, plan_block

if TYPE_CHECKING:
    from subtoolkit.tts.assemble import Cut, Track
    from subtoolkit.tts.base import SegmentRequest
    from subtoolkit.tts.render import ProgressCallback, RenderResult, RenderSummary
    from subtoolkit.subtitles.validate import Problem

LEAD_MS = 20  # speech starts this long after its cue's first frame (under one frame at 25–50 fps)
TAIL_MS = 20  # and the cue stays up at least this long after the speech ends


@dataclass(frozen=True)
class VoicePlan:
    """What to render: the estimator's cues of the chosen blocks and one request per cue."""

    planned: list[_Planned]
    requests: list[SegmentRequest]


@dataclass
class Voiceover:
    """The rendered voiceover laid on the film's clock: the retimed subtitles and the track."""

    timeline: Timeline
    track: Track
    engine: str
    summary: RenderSummary
    segments: list[dict[str, Any]]  # the manifest's entries, one per voiced cue


@dataclass
class VoiceoverResult:
    timeline: Timeline
    audio_path: Path
    manifest_path: Path
    engine: str
    summary: Any  # subtoolkit.tts.RenderSummary
    segments: list[dict[str, Any]]
    problems: list[Any]  # subtoolkit.subtitles.validate.Problem of the retimed track


def _requests(planned: list[_Planned], script: Script | None = None, *, voice: str | None,
              interview_voice: str | None, rate: int) -> list[SegmentRequest]:
    from subtoolkit.tts import SegmentKind, SegmentRequest

    out = []
    for p in planned:
        if _voiced(p.kind, interview_voice):
            v = interview_voice if p.kind is BlockKind.INTERVIEW else voice
            out.append(SegmentRequest(p.block, p.piece.source, SegmentKind.VOICED, voice=v, rate=rate))
        else:
            hold = round(p.speak_ms or p.show_ms)
            out.append(SegmentRequest.placeholder(p.block, max(hold, 1), text=p.piece.source))
    return out


def _voiced(kind: BlockKind, interview_voice: str | None) -> bool:
    return kind is BlockKind.NARRATION or (kind is BlockKind.INTERVIEW and bool(interview_voice))


def has_voice(script: Script, *, interview_voice: str | None = None, blocks: range | None = None) -> bool:
    """Whether any chosen block is read by a voice (narration, or interviews given a voice)."""
    return any(_voiced(b.kind, interview_voice) and b.text.strip() for i, b in enumerate(script.blocks)
               if blocks is None or i in blocks)


def plan_voiceover(script: Script, profile: Profile, fps: Fraction, *, blocks: range | None = None,
                   voice: str | None = None, interview_voice: str | None = None, rate: str | int = 0) -> VoicePlan:
    """The cues to voice and their requests; pure. Refuses a script with nothing to say."""
    from subtoolkit.tts.base import parse_rate

    model = SpeechModel.from_profile(profile)
    planned: list[_Planned] = []
    for i in range(len(script.blocks)):
        if blocks is None or i in blocks:
            planned.extend(plan_block(i, script.blocks[i], profile, model, fps))
    requests = _requests(planned, voice=voice, interview_voice=interview_voice, rate=parse_rate(rate))
    if not any(_voiced(p.kind, interview_voice) for p in planned):
        unvoiced = "" if interview_voice else " (interviews are not voiced)"
        what = "no cues" if not planned else "no narration" + unvoiced
        raise VoiceError(f"nothing to voice: the script has {what}", path=script.source,
                         hint="check the script" + ("" if interview_voice or not planned else
                                                    ", or pass --interview-voice to voice its interviews"))
    return VoicePlan(planned, requests)


async def render_plan(plan: VoicePlan, *, engine: str = "espeak", cache_dir: Path | None = None, use_cache: bool = True,
                      concurrency: int | None = None, on_progress: ProgressCallback | None = None,
                      warn: Callable[[str], None] | None = None, pinyin: tuple[Any, ...] = ()) -> RenderResult:
    """Render every request of ``plan`` with the chosen engine, through the segment cache.

    ``pinyin`` holds pronunciation dictionary entries (:mod:`subtoolkit.tts.pinyin`) for the
    neural engine; the manifest then records each segment's reading as tone-numbered pinyin.
    """
    from subtoolkit.tts.cache import RenderCache
    from subtoolkit.tts.choose import choose_engine
    from subtoolkit.tts.render import render_segments

    eng = await choose_engine(engine, concurrency=concurrency, warn=warn, pinyin=pinyin)
    cache = RenderCache(cache_dir, read=use_cache) if cache_dir is not None else RenderCache(read=use_cache)
    return await render_segments(plan.requests, eng, concurrency=concurrency, cache=cache, progress=on_progress)


def _measured(p: _Planned, speech_ms: int) -> _Planned:
    """The plan of a cue with the voice's own speaking time (plus the lead and tail around it);
    time the eye needed beyond the estimated speech stays on top."""
    need = float(speech_ms + LEAD_MS + TAIL_MS)
    return replace(p, speak_ms=need, show_ms=need + max(p.show_ms - p.speak_ms, 0.0))


def _speech_spans(rendered: RenderResult) -> dict[int, tuple[int, int]]:
    """Where the speech of each voiced cue starts and ends inside its rendering (ms)."""
    from subtoolkit.audio.onset import speech_span

    spans: dict[int, tuple[int, int]] = {}
    for k, seg in enumerate(rendered.segments):
        if seg.voiced:
            span = speech_span(rendered.segment_audio(k))
            if span is None:
                raise VoiceError(f"the {rendered.engine} engine returned silence for block {seg.request.block}: "
                                 f"{seg.request.text[:30]}", hint="try another engine or voice")
            spans[k] = (span.start_ms, span.end_ms)
    return spans


def lay_voiceover(plan: VoicePlan, rendered: RenderResult, script: Script, profile: Profile, fps: Fraction,
                  start_frame: int = 0) -> Voiceover:
    """Measure the rendered speech, place the cues again with it, and lay the audio under them."""
    from subtoolkit.tts.assemble import lay_cuts

    spans = _speech_spans(rendered)
    remeasured = [_measured(p, spans[k][1] - spans[k][0]) if k in spans else p for k, p in enumerate(plan.planned)]
    cues = place(remeasured, script.blocks, profile, fps, start_frame)
    timeline = Timeline(tuple(cues), fps=float(fps_label(fps)), profile=profile.name)
    cuts, manifest = _lay_cuts(rendered, cues, spans)
    # segments were levelled when rendered; the speech is copied once, from the rendered track
    track = lay_cuts(rendered.track.audio, cuts, max(c.end_ms for c in cues))
    return Voiceover(timeline, track, rendered.engine, rendered.summary, manifest)


def _lay_cuts(rendered: RenderResult, cues: list[Any], spans: dict[int, tuple[int, int]]
              ) -> tuple[list[Cut], list[dict[str, Any]]]:
    """Where each voiced cue's speech (with its lead and tail) goes: beginning :data:`LEAD_MS`
    after the cue's start."""
    from subtoolkit.tts.assemble import Cut

    cuts: list[Cut] = []
    manifest: list[dict[str, Any]] = []
    at = 0
    for k, (seg, cue) in enumerate(zip(rendered.segments, cues)):
        if k not in spans:
            continue
        onset, offset = spans[k]
        a = max(onset - LEAD_MS, 0)
        b = min(offset + TAIL_MS, seg.duration_ms)
        start = cue.start_ms + LEAD_MS - (onset - a)
        if start < at:
            # place() keeps gaps, so this is a bug
            raise VoiceError("rendered segments overlap on the track", hint="a bug: please report it")
        cuts.append(Cut(seg.start_ms + a, b - a, start))
        at = start + (b - a)
        manifest.append(seg.manifest_entry(start, b - a))
    return cuts, manifest


def write_voiceover(vo: Voiceover, folder: Path, stem: str, *, profile: Profile, title: str | None = None,
                    audio_format: str = "wav", formats: tuple[str, ...] = ("srt", "vtt", "json"),
                    ) -> tuple[Path, Path, list[Problem]]:
    """Write ``stem.voiceover.<audio_format>``, its retimed tracks and its manifest into ``folder``."""
    import json

    from subtoolkit.fsio import write_text
    from subtoolkit.subtitles.formats.common import SPOKEN
    from subtoolkit.subtitles.tracks import write_tracks

    _, problems = write_tracks(vo.timeline, folder, f"{stem}.voiceover", formats=formats,
                               language_tag=profile.language, include=SPOKEN, profile=profile, title=title)
    audio_path = vo.track.export(folder / f"{stem}.voiceover.{audio_format}", audio_format)  # type: ignore[arg-type]
    manifest = {"engine": vo.engine, "segments": vo.segments}
    manifest_path = write_text(folder / f"{stem}.voiceover.manifest.json",
                               json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
    return audio_path, manifest_path, problems
