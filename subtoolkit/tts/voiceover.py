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
from typing import Any

from subtoolkit.errors import VoiceError
from subtoolkit.model import BlockKind, Script, Timeline
from subtoolkit.subtitles.profiles import Profile
from subtoolkit.subtitles.timecode import fps_label
from subtoolkit.subtitles.timing import SpeechModel, _Planned, place, plan_block

LEAD_MS = 20  # speech starts this long after its cue's first frame (under one frame at 25–50 fps)
TAIL_MS = 20  # and the cue stays up at least this long after the speech ends


@dataclass
class VoiceoverResult:
    timeline: Timeline
    audio_path: Path
    manifest_path: Path
    engine: str
    summary: Any  # subtoolkit.tts.RenderSummary
    segments: list[dict[str, Any]]
    problems: list[Any]  # subtoolkit.subtitles.validate.Problem of the retimed track


def _requests(planned: list[_Planned], script: Script, *, voice: str | None, interview_voice: str | None, rate: int) -> list[Any]:
    from subtoolkit.tts import SegmentKind, SegmentRequest

    out = []
    for p in planned:
        voiced = p.kind is BlockKind.NARRATION or (p.kind is BlockKind.INTERVIEW and interview_voice)
        if voiced:
            v = interview_voice if p.kind is BlockKind.INTERVIEW else voice
            out.append(SegmentRequest(p.block, p.piece.source, SegmentKind.VOICED, voice=v, rate=rate))
        else:
            hold = round(p.speak_ms or p.show_ms)
            out.append(SegmentRequest.placeholder(p.block, max(hold, 1), text=p.piece.source))
    return out


def _measured(p: _Planned, speech_ms: int) -> _Planned:
    """The plan of a cue with the voice's own speaking time (plus the lead and tail around it);
    time the eye needed beyond the estimated speech stays on top."""
    need = float(speech_ms + LEAD_MS + TAIL_MS)
    return replace(p, speak_ms=need, show_ms=need + max(p.show_ms - p.speak_ms, 0.0))


def render_voiceover(
    script: Script,
    profile: Profile,
    out_dir: Path,
    stem: str,
    *,
    engine: str = "espeak",
    fps: Fraction = Fraction(25),
    start_frame: int = 0,
    cache_dir: Path | None = None,
    use_cache: bool = True,
    voice: str | None = None,
    interview_voice: str | None = None,
    rate: str | int = 0,
    concurrency: int | None = None,
    audio_format: str = "wav",
    formats: tuple[str, ...] = ("srt", "vtt", "json"),
    blocks: range | None = None,
    progress: Callable[[float], None] | None = None,
    on_progress: Callable[[Any], None] | None = None,
    warn: Callable[[str], None] | None = None,
    pinyin: tuple[Any, ...] = (),
) -> VoiceoverResult:
    """Render, measure, place, assemble and write ``stem.voiceover.*`` into ``out_dir``.

    ``blocks`` limits the run to a range of block indexes (the demo renders the first section).
    ``pinyin`` holds pronunciation dictionary entries (:mod:`subtoolkit.tts.pinyin`) for the
    neural engine; the manifest then records each segment's reading as tone-numbered pinyin.
    """
    import asyncio

    from subtoolkit.subtitles.formats.common import SPOKEN
    from subtoolkit.fsio import write_text
    from subtoolkit.subtitles.tracks import write_tracks
    from subtoolkit.tts.assemble import TrackPart, assemble  # the module, not the package's lazy name
    from subtoolkit.tts.base import SAMPLE_WIDTH, SAMPLES_PER_MS, Audio, parse_rate
    from subtoolkit.tts.cache import RenderCache
    from subtoolkit.tts.choose import choose_engine
    from subtoolkit.audio.onset import speech_span
    from subtoolkit.tts.render import render_segments

    model = SpeechModel.from_profile(profile)
    chosen = [i for i in range(len(script.blocks)) if blocks is None or i in blocks]
    planned: list[_Planned] = []
    for i in chosen:
        planned.extend(plan_block(i, script.blocks[i], profile, model, fps))
    if not planned:
        raise VoiceError("nothing to voice: the script has no cues", hint="check the script")
    rate_pct = parse_rate(rate)
    requests = _requests(planned, script, voice=voice, interview_voice=interview_voice, rate=rate_pct)

    def bar(p: Any) -> None:
        if on_progress is not None:
            on_progress(p)
        if progress is not None and p.total:
            progress(p.done / p.total)

    async def run() -> Any:
        eng = await choose_engine(engine, concurrency=concurrency, warn=warn, pinyin=pinyin)
        cache = RenderCache(cache_dir, read=use_cache) if cache_dir is not None else RenderCache(read=use_cache)
        return await render_segments(requests, eng, concurrency=concurrency, cache=cache, progress=bar)

    result = asyncio.run(run())

    # measure: where the speech of each voiced cue starts and ends inside its rendering
    spans: dict[int, tuple[int, int]] = {}
    for k, seg in enumerate(result.segments):
        if seg.voiced:
            audio = result.segment_audio(k)
            span = speech_span(audio)
            if span is None:
                raise VoiceError(f"the {result.engine} engine returned silence for block {seg.request.block}: {seg.request.text[:30]}", hint="try another engine or voice")
            spans[k] = (span.start_ms, span.end_ms)
    remeasured = [_measured(p, spans[k][1] - spans[k][0]) if k in spans else p for k, p in enumerate(planned)]
    cues = place(remeasured, script.blocks, profile, fps, start_frame)
    timeline = Timeline(tuple(cues), fps=float(fps_label(fps)), profile=profile.name)

    # lay the audio: each voiced cue's speech begins LEAD_MS after the cue's start
    BYTES_PER_MS = SAMPLES_PER_MS * SAMPLE_WIDTH
    parts: list[Any] = []
    at = 0
    manifest_segments = []
    for k, (seg, cue) in enumerate(zip(result.segments, cues)):
        if k not in spans:
            continue
        onset, offset = spans[k]
        audio = result.segment_audio(k)
        a = max(onset - LEAD_MS, 0)
        b = min(offset + TAIL_MS, int(audio.duration_ms))
        clip = Audio(audio.pcm[a * BYTES_PER_MS : b * BYTES_PER_MS])
        start = cue.start_ms + LEAD_MS - (onset - a)
        if start < at:
            raise VoiceError("rendered segments overlap on the track", hint="a bug: please report it")  # place() keeps gaps
        if parts:
            prev = parts[-1]
            parts[-1] = TrackPart(prev.audio, prev.silence_ms, start - at + prev.pause_after_ms, prev.boundaries, prev.normalize)
        else:
            parts.append(TrackPart(None, start, 0, (), False))
        parts.append(TrackPart(clip, 0, 0, (), False))
        at = start + (b - a)
        manifest_segments.append({
            "block": seg.request.block, "text": seg.request.text, "voice": seg.voice, "start_ms": start,
            "duration_ms": b - a, "cache_key": seg.cache_key, "cached": seg.cached,
            **({"pinyin": seg.readings} if seg.readings is not None else {}),
        })
    end = max(c.end_ms for c in cues)
    if parts:
        last = parts[-1]
        parts[-1] = TrackPart(last.audio, last.silence_ms, max(end - at, 0) + last.pause_after_ms, last.boundaries, last.normalize)
    else:
        parts.append(TrackPart(None, end, 0, (), False))
    track = assemble(parts, target_dbfs=None)  # segments were levelled when rendered

    out_dir.mkdir(parents=True, exist_ok=True)
    audio_path = out_dir / f"{stem}.voiceover.{audio_format}"
    track.export(audio_path, audio_format)  # type: ignore[arg-type]
    _, problems = write_tracks(timeline, out_dir, f"{stem}.voiceover", formats=formats, language_tag=profile.language, include=SPOKEN, profile=profile, title=script.title)
    import json

    manifest = {"engine": result.engine, "segments": manifest_segments}
    manifest_path = write_text(out_dir / f"{stem}.voiceover.manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
    return VoiceoverResult(timeline, audio_path, manifest_path, result.engine, result.summary, manifest_segments, problems)

