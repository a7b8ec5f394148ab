"""Segments in, one levelled track and its manifest out.

The orchestrator looks every voiced segment up in the cache first (so the progress bar knows
at once how much real work there is), renders the misses with bounded concurrency, stores each
render the moment it finishes (a later failure must not lose it), and assembles the track only
when every segment has audio. A segment that fails for good stops new renders from starting,
lets the ones in flight finish into the cache, and raises :class:`SegmentFailed`: no track,
no manifest, no partial file, and a re-run resumes from the cache.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from subtoolkit import fsio
from subtoolkit.errors import SubtoolkitError, VoiceError
from subtoolkit.tts.assemble import DEFAULT_TARGET_DBFS, Track, TrackPart, assemble
from subtoolkit.tts.base import Audio, Boundary, Engine, SegmentFailed, SegmentKind, SegmentRequest, Synthesis
from subtoolkit.tts.cache import RenderCache, cache_key


@dataclass(frozen=True)
class RenderProgress:
    """A snapshot for a progress bar, sent after the cache lookup and after every segment.

    ``to_render``/``chars_to_render`` cover only the cache misses, so an ETA computed from
    ``chars_done`` is not fooled by the instant cache hits.
    """

    total: int
    done: int
    rendered: int
    from_cache: int
    failed: int
    to_render: int
    chars_to_render: int
    chars_done: int
    elapsed_s: float
    index: int | None = None


ProgressCallback = Callable[[RenderProgress], None]


@dataclass(frozen=True)
class RenderSummary:
    """What a run did. ``from_cache`` counts voiced segments not rendered in this run (found in
    the cache, or the same text as an earlier segment); ``requests`` counts engine requests,
    retries included."""

    segments: int
    voiced: int
    placeholders: int
    rendered: int
    from_cache: int
    failed: int
    audio_ms: int
    requests: int
    elapsed_s: float
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class RenderedSegment:
    """One segment on the track: where it sits, what was heard, where it came from.

    ``boundaries`` are the engine's sentence (or word) boundaries moved onto the track clock;
    ``audio`` is the segment's levelled audio as placed (placeholders: silence).
    """

    index: int
    request: SegmentRequest
    start_ms: int
    duration_ms: int
    boundaries: tuple[Boundary, ...]
    voice: str | None
    cache_key: str | None
    cached: bool
    gain_db: float
    readings: str | None = None
    """Tone-numbered pinyin as read, from engines that read through pinyin (neural)."""

    @property
    def end_ms(self) -> int:
        return self.start_ms + self.duration_ms

    @property
    def voiced(self) -> bool:
        return self.request.kind is SegmentKind.VOICED


@dataclass
class RenderResult:
    engine: str
    engine_version: str
    segments: list[RenderedSegment]
    track: Track
    summary: RenderSummary

    def segment_audio(self, index: int) -> Audio:
        """The audio of segment ``index`` as it sits on the track (levelled)."""
        s = self.segments[index]
        return self.track.slice(s.start_ms, s.end_ms)

    def manifest(self) -> dict[str, Any]:
        """One entry per rendered (voiced) segment, in the shape the issue fixes."""
        return {
            "engine": self.engine,
            "segments": [
                {
                    "block": s.request.block,
                    "text": s.request.text,
                    "voice": s.voice,
                    "start_ms": s.start_ms,
                    "duration_ms": s.duration_ms,
                    "cache_key": s.cache_key,
                    "cached": s.cached,
                    **({"pinyin": s.readings} if s.readings is not None else {}),
                }
                for s in self.segments
                if s.voiced
            ],
        }

    def write_manifest(self, path: str | Path) -> Path:
        return fsio.write_text(path, json.dumps(self.manifest(), ensure_ascii=False, indent=2) + "\n")

    def export(self, path: str | Path, format: Literal["wav", "mp3"] | None = None, *, bitrate: str = "64k") -> Path:
        return self.track.export(path, format, bitrate=bitrate)


@dataclass
class _Job:
    key: str
    voice: str
    indices: list[int]
    text: str
    rate: int
    synthesis: Synthesis | None = None
    cached: bool = False


async def render_segments(
    segments: list[SegmentRequest],
    engine: Engine,
    *,
    concurrency: int | None = None,
    cache: RenderCache | None = None,
    progress: ProgressCallback | None = None,
    target_dbfs: float | None = DEFAULT_TARGET_DBFS,
) -> RenderResult:
    """Render ``segments`` with ``engine`` and lay them on one track, in order.

    ``concurrency`` (default: the engine's own limit) bounds how many segments render at
    once; the engine's limit still caps its requests. Identical (engine, voice, rate, text)
    segments are rendered once. ``cache=None`` renders everything and stores nothing.
    """
    t0 = time.perf_counter()
    limit = min(concurrency or engine.max_concurrency, engine.max_concurrency)
    if limit < 1:
        raise VoiceError(f"concurrency {concurrency} must be at least 1")
    version = engine.version
    jobs: dict[str, _Job] = {}
    keys: dict[int, str] = {}
    voices: dict[int, str] = {}
    for i, seg in enumerate(segments):
        if seg.kind is not SegmentKind.VOICED:
            continue
        voice = seg.voice or engine.default_voice
        key = cache_key(engine.name, version, voice, seg.rate, engine.prepare(seg.text))
        keys[i], voices[i] = key, voice
        job = jobs.get(key)
        if job is None:
            jobs[key] = _Job(key, voice, [i], seg.text, seg.rate)
        else:
            job.indices.append(i)

    warnings: list[str] = []
    if cache is not None:
        for job in jobs.values():
            hit = cache.get(job.key)
            if hit is not None:
                job.synthesis, job.cached = hit, True
    misses = [j for j in jobs.values() if j.synthesis is None]
    counts = {"rendered": 0, "failed": 0, "requests": 0, "chars_done": 0}
    voiced_total = len(keys)
    chars_to_render = sum(len(j.text) for j in misses)

    from_cache = sum(len(j.indices) for j in jobs.values() if j.cached)

    def report(index: int | None) -> None:
        if progress is None:
            return
        rendered_segments = sum(len(j.indices) for j in misses if j.synthesis is not None)
        progress(
            RenderProgress(
                total=voiced_total,
                done=from_cache + rendered_segments,
                rendered=counts["rendered"],
                from_cache=from_cache,
                failed=counts["failed"],
                to_render=len(misses),
                chars_to_render=chars_to_render,
                chars_done=counts["chars_done"],
                elapsed_s=time.perf_counter() - t0,
                index=index,
            )
        )

    report(None)
    failure: tuple[_Job, VoiceError] | None = None
    sem = asyncio.Semaphore(limit)

    async def run(job: _Job) -> None:
        nonlocal failure
        async with sem:
            if failure is not None:
                return  # a segment failed for good: start nothing new
            try:
                syn = await engine.synthesize(job.text, voice=job.voice, rate=job.rate)
            except VoiceError as exc:
                counts["failed"] += 1
                if failure is None:
                    failure = (job, exc)
                report(job.indices[0])
                return
        if syn.audio.samples == 0:  # an engine bug must not become a silent gap
            counts["failed"] += 1
            if failure is None:
                failure = (job, VoiceError("the engine returned no audio"))
            return
        job.synthesis = syn
        counts["rendered"] += 1
        counts["requests"] += syn.requests
        counts["chars_done"] += len(job.text)
        if cache is not None:
            try:
                describe = {"engine": engine.name, "version": version, "voice": job.voice, "rate": job.rate, "text": job.text}
                await asyncio.to_thread(cache.put, job.key, syn, describe=describe)
            except (SubtoolkitError, OSError, ValueError) as exc:
                warnings.append(f"could not cache segment {job.indices[0]}: {exc}")
        report(job.indices[0])

    tasks = [asyncio.ensure_future(run(j)) for j in misses]
    try:
        await asyncio.gather(*tasks)
    except BaseException:
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise

    if failure is not None:
        job, exc = failure
        i = job.indices[0]
        raise SegmentFailed(i, segments[i].block, segments[i].text, exc.what, rendered=counts["rendered"], from_cache=from_cache)

    parts: list[TrackPart] = []
    for i, seg in enumerate(segments):
        if seg.kind is SegmentKind.VOICED:
            syn = jobs[keys[i]].synthesis
            assert syn is not None
            parts.append(TrackPart(syn.audio, pause_after_ms=seg.pause_after_ms, boundaries=syn.boundaries))
        else:
            parts.append(TrackPart(None, silence_ms=seg.duration_ms, pause_after_ms=seg.pause_after_ms))
    track = await asyncio.to_thread(assemble, parts, target_dbfs=target_dbfs)

    readings_of = getattr(engine, "readings", None)
    first_of_job = {j.indices[0] for j in jobs.values()}
    placed: list[RenderedSegment] = []
    for i, (seg, pl) in enumerate(zip(segments, track.placements)):
        voiced = seg.kind is SegmentKind.VOICED
        cached = voiced and (jobs[keys[i]].cached or i not in first_of_job)
        placed.append(
            RenderedSegment(
                index=i,
                request=seg,
                start_ms=pl.start_ms,
                duration_ms=pl.duration_ms,
                boundaries=pl.boundaries,
                voice=voices.get(i),
                cache_key=keys.get(i),
                cached=cached,
                gain_db=pl.gain_db,
                readings=readings_of(seg.text) if voiced and readings_of is not None else None,
            )
        )
    summary = RenderSummary(
        segments=len(segments),
        voiced=voiced_total,
        placeholders=len(segments) - voiced_total,
        rendered=counts["rendered"],
        from_cache=sum(1 for s in placed if s.voiced and s.cached),
        failed=0,
        audio_ms=track.duration_ms,
        requests=counts["requests"],
        elapsed_s=time.perf_counter() - t0,
        warnings=tuple(warnings),
    )
    return RenderResult(engine.name, version, placed, track, summary)


def render_segments_sync(segments: list[SegmentRequest], engine: Engine, **kwargs: Any) -> RenderResult:
    """:func:`render_segments` for callers without an event loop (the CLI)."""
    return asyncio.run(render_segments(segments, engine, **kwargs))
