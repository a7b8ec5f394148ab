"""Helpers shared by the voice tests: synthetic audio, a call-counting engine, the fake server."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable
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
