"""Helpers shared by the voice tests: synthetic audio, a call-counting engine, the fake server, and the
retiming invariants every engine's voiceover must meet."""

from __future__ import annotations

import asyncio
import json
import math
import wave
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

from subtoolkit.tts.base import SAMPLE_RATE, Audio, Synthesis
from edge_server import FakeEdgeServer, edge_tts_pointed_at

T = TypeVar("T")


def tone(ms: float, *, dbfs: float = -12.0, freq: float = 220.0, samples: int | None = None) -> Audio:
    """A sine whose RMS is ``dbfs`` (so its gated RMS is known exactly)."""
    import numpy as np

    n = samples if samples is not None else int(round(ms * SAMPLE_RATE / 1000))
    amp = math.sqrt(2) * 10 ** (dbfs / 20)
    t = np.arange(n) / SAMPLE_RATE
    return Audio(np.rint(amp * 32767 * np.sin(2 * np.pi * freq * t)).astype("<i2").tobytes())


def concat(*parts: Audio) -> Audio:
    return Audio(b"".join(p.pcm for p in parts))


class CountingEngine:
    """Wraps an engine and counts what it was asked to render (cache tests)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.name = inner.name
        self.default_voice = inner.default_voice
        self.max_concurrency = inner.max_concurrency
        self.calls: list[tuple[str, str, int]] = []

    @property
    def version(self) -> str:
        return self.inner.version

    def prepare(self, text: str) -> str:
        return self.inner.prepare(text)

    async def synthesize(self, text: str, *, voice: str, rate: int = 0) -> Synthesis:
        self.calls.append((text, voice, rate))
        return await self.inner.synthesize(text, voice=voice, rate=rate)


def with_fake_edge(fn: Callable[[FakeEdgeServer], Awaitable[T]], **server_options: Any) -> T:
    """Run ``fn(server)`` in a fresh event loop with edge-tts pointed at a fake server."""

    async def main() -> T:
        async with FakeEdgeServer(**server_options) as server:
            with edge_tts_pointed_at(server):
                return await fn(server)

    return asyncio.run(main())


class SleepRecorder:
    """An ``asyncio.sleep`` stand-in that records the backoff delays and barely waits."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        await asyncio.sleep(0)


def read_wav(path: Path) -> Audio:
    """A voiceover WAV in the internal format (anything else is a failure of the test)."""
    with wave.open(str(path)) as w:
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (24000, 1, 2)
        return Audio(w.readframes(w.getnframes()))


def assert_cues_sit_on_speech(folder: Path, stem: str, *, frame_ms: int = 40) -> None:
    """Every stretch of speech lies inside a narration cue, and each cue starts on its speech
    within one frame: what retiming promises, whichever engine spoke."""
    from subtoolkit.audio.onset import speech_regions

    audio = read_wav(folder / f"{stem}.voiceover.wav")
    timeline = json.loads((folder / f"{stem}.voiceover.zh-Hans.json").read_text(encoding="utf-8"))
    cues = [c for c in timeline["cues"] if c["kind"] == "narration"]
    regions = speech_regions(audio, min_silence_ms=60)
    assert len(cues) > 80 and len(regions) >= len(cues)
    for r in regions:  # every stretch of speech lies inside a cue
        assert any(c["start_ms"] <= r.start_ms and r.end_ms <= c["end_ms"] for c in cues), r
    for c in cues:  # and each cue starts on its speech, within one frame
        onsets = [r.start_ms for r in regions if c["start_ms"] - frame_ms <= r.start_ms <= c["end_ms"]]
        assert onsets and 0 <= min(onsets) - c["start_ms"] < frame_ms, c
