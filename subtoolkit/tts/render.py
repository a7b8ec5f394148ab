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
from subtoolkit.audio.format import Audio
from subtoolkit.tts.base import Boundary, Engine, SegmentFailed, SegmentKind, SegmentRequest, Synthesis
from subtoolkit.tts.cache import RenderCache, segment_key


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

    def manifest_entry(self, start_ms: int | None = None, duration_ms: int | None = None) -> dict[str, Any]:
        """This segment in a manifest (optionally where it was laid instead of where it was rendered)."""
        return {
            "block": self.request.block, "text": self.request.text, "voice": self.voice,
            "start_ms": self.start_ms if start_ms is None else start_ms,
            "duration_ms": self.duration_ms if duration_ms is None else duration_ms,
            "cache_key": self.cache_key, "cached": self.cached,
            **({"pinyin": self.readings} if self.readings is not None else {}),
        }

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
        return {"engine": self.engine, "segments": [s.manifest_entry() for s in self.segments if s.voiced]}

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
    limit = min(concurrency or engine.max_concurrency, engine.max_concurrency)
    if limit < 1:
        raise VoiceError(f"concurrency {concurrency} must be at least 1")
    run = _Run(segments, engine, cache, progress)
    run.look_up_cache()
    try:
        await run.render_misses(limit)
    finally:
        release_engine(engine)
    track = await asyncio.to_thread(assemble, run.parts(), target_dbfs=target_dbfs)
    return run.result(track)


def release_engine(engine: Engine) -> None:
    """Let an engine give back its working memory once everything is rendered, before the
    whole-timeline work (the neural voice's interpreters: some 200 MB per worker, more than the
    assembled track). Engines without a ``release()`` hold nothing worth giving back."""
    release = getattr(engine, "release", None)
    if callable(release):
        release()


class _Run:
    """One rendering run: the distinct texts to render, what the cache held, the counts so far."""

    def __init__(self, segments: list[SegmentRequest], engine: Engine, cache: RenderCache | None,
                 progress: ProgressCallback | None) -> None:
        self.t0 = time.perf_counter()
        self.segments = segments
        self.engine = engine
        self.version = engine.version
        self.cache = cache
        self.progress = progress
        self.jobs: dict[str, _Job] = {}
        self.keys: dict[int, str] = {}
        self.voices: dict[int, str] = {}
        for i, seg in enumerate(segments):
            if seg.kind is not SegmentKind.VOICED:
                continue
            voice = seg.voice or engine.default_voice
            key = segment_key(engine, voice, seg.rate, seg.text, version=self.version)
            self.keys[i], self.voices[i] = key, voice
            job = self.jobs.get(key)
            if job is None:
                self.jobs[key] = _Job(key, voice, [i], seg.text, seg.rate)
            else:
                job.indices.append(i)
        self.warnings: list[str] = []
        self.misses: list[_Job] = []
        self.from_cache = 0
        self.counts = {"rendered": 0, "failed": 0, "requests": 0, "chars_done": 0}
        self.failure: tuple[_Job, VoiceError] | None = None

    def look_up_cache(self) -> None:
        """Every voiced segment looked up first, so the progress bar knows the real work at once."""
        if self.cache is not None:
            for job in self.jobs.values():
                hit = self.cache.get(job.key)
                if hit is not None:
                    job.synthesis, job.cached = hit, True
        self.misses = [j for j in self.jobs.values() if j.synthesis is None]
        self.from_cache = sum(len(j.indices) for j in self.jobs.values() if j.cached)
        self.report(None)

    def report(self, index: int | None) -> None:
        if self.progress is None:
            return
        rendered_segments = sum(len(j.indices) for j in self.misses if j.synthesis is not None)
        self.progress(RenderProgress(
            total=len(self.keys), done=self.from_cache + rendered_segments, rendered=self.counts["rendered"],
            from_cache=self.from_cache, failed=self.counts["failed"], to_render=len(self.misses),
            chars_to_render=sum(len(j.text) for j in self.misses), chars_done=self.counts["chars_done"],
            elapsed_s=time.perf_counter() - self.t0, index=index,
        ))

    async def render_misses(self, limit: int) -> None:
        """Render the cache misses, at most ``limit`` at once; the first failure for good stops new
        renders from starting and is raised once the ones in flight have finished (into the cache)."""
        sem = asyncio.Semaphore(limit)

        async def one(job: _Job) -> None:
            async with sem:
                if self.failure is not None:
                    return  # a segment failed for good: start nothing new
                try:
                    syn = await self.engine.synthesize(job.text, voice=job.voice, rate=job.rate)
                except VoiceError as exc:
                    self._failed(job, exc)
                    self.report(job.indices[0])
                    return
            if syn.audio.samples == 0:  # an engine bug must not become a silent gap
                self._failed(job, VoiceError("the engine returned no audio"))
                return
            await self._done(job, syn)

        tasks = [asyncio.ensure_future(one(j)) for j in self.misses]
        try:
            await asyncio.gather(*tasks)
        except BaseException:
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise
        if self.failure is not None:
            job, exc = self.failure
            i = job.indices[0]
            seg = self.segments[i]
            raise SegmentFailed(i, seg.block, seg.text, exc.what, rendered=self.counts["rendered"],
                                from_cache=self.from_cache)

    def _failed(self, job: _Job, exc: VoiceError) -> None:
        self.counts["failed"] += 1
        if self.failure is None:
            self.failure = (job, exc)

    async def _done(self, job: _Job, syn: Synthesis) -> None:
        """Keep a finished render, and store it at once: a later failure must not lose it."""
        job.synthesis = syn
        self.counts["rendered"] += 1
        self.counts["requests"] += syn.requests
        self.counts["chars_done"] += len(job.text)
        if self.cache is not None:
            try:
                describe = {"engine": self.engine.name, "version": self.version, "voice": job.voice, "rate": job.rate,
                            "text": job.text}
                await asyncio.to_thread(self.cache.put, job.key, syn, describe=describe)
            except (SubtoolkitError, OSError, ValueError) as exc:
                self.warnings.append(f"could not cache segment {job.indices[0]}: {exc}")
        self.report(job.indices[0])

    def parts(self) -> list[TrackPart]:
        parts: list[TrackPart] = []
        for i, seg in enumerate(self.segments):
            if seg.kind is SegmentKind.VOICED:
                syn = self.jobs[self.keys[i]].synthesis
                assert syn is not None
                parts.append(TrackPart(syn.audio, pause_after_ms=seg.pause_after_ms, boundaries=syn.boundaries))
            else:
                parts.append(TrackPart(None, silence_ms=seg.duration_ms, pause_after_ms=seg.pause_after_ms))
        return parts

    def result(self, track: Track) -> RenderResult:
        first_of_job = {j.indices[0] for j in self.jobs.values()}
        readings_of = getattr(self.engine, "readings", None)
        placed: list[RenderedSegment] = []
        for i, (seg, pl) in enumerate(zip(self.segments, track.placements)):
            voiced = seg.kind is SegmentKind.VOICED
            cached = voiced and (self.jobs[self.keys[i]].cached or i not in first_of_job)
            placed.append(RenderedSegment(
                index=i, request=seg, start_ms=pl.start_ms, duration_ms=pl.duration_ms, boundaries=pl.boundaries,
                voice=self.voices.get(i), cache_key=self.keys.get(i), cached=cached, gain_db=pl.gain_db,
                readings=readings_of(seg.text) if voiced and readings_of is not None else None,
            ))
        voiced_total = len(self.keys)
        summary = RenderSummary(
            segments=len(self.segments), voiced=voiced_total, placeholders=len(self.segments) - voiced_total,
            rendered=self.counts["rendered"], from_cache=sum(1 for s in placed if s.voiced and s.cached), failed=0,
            audio_ms=track.duration_ms, requests=self.counts["requests"], elapsed_s=time.perf_counter() - self.t0,
            warnings=tuple(self.warnings),
        )
        return RenderResult(self.engine.name, self.version, placed, track, summary)


def render_segments_sync(segments: list[SegmentRequest], engine: Engine, **kwargs: Any) -> RenderResult:
    """:func:`render_segments` for callers without an event loop (the CLI)."""
    return asyncio.run(render_segments(segments, engine, **kwargs))
