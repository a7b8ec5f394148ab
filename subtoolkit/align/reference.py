"""The synthetic reading the recording is compared with, one cue at a time.

Each cue is synthesised on its own, so the reference knows exactly where every cue begins and
ends (espeak reports no usable word times for Chinese); the alignment then only has to carry those
boundaries over to the recording. The voice is anything with a ``render(text)`` method that
returns mono samples and their rate, which keeps the core testable with a tone generator and
lets the offline espeak engine be plugged in at the edge.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from subtoolkit.align.features import Frames, analyse


class Voice(Protocol):
    """A deterministic offline reader. ``name`` identifies it in the report."""

    name: str

    def render(self, text: str) -> tuple[np.ndarray, int]:
        """Mono float32 samples in [-1, 1] and their sample rate."""
        ...


DITHER_DB = -75.0
"""Synthetic silence is digital zero, whose log spectrum no microphone ever produces; a whisper
of noise keeps the reference's quietest frames on the same scale as a recording's."""


EDGE_DB = -40.0
"""Where a clean reading's sound begins and ends: its 5 ms envelope crosses this, re its peak."""


@dataclass(frozen=True)
class CueReference:
    """The analysed synthetic reading of one cue, with the exact ends of its sound (ms)."""

    text: str
    frames: Frames
    duration_ms: float
    onset_ms: float = 0.0
    offset_ms: float = 0.0


def sound_edges(x: np.ndarray, rate: int, edge_db: float = EDGE_DB) -> tuple[float, float]:
    """First and last ms of sound in a clean signal (0, 0 when there is none)."""
    hop = max(1, rate // 200)
    n = len(x) // hop
    if n == 0:
        return 0.0, 0.0
    env = np.sqrt(np.mean(np.asarray(x[: n * hop], dtype=np.float64).reshape(n, hop) ** 2, axis=1))
    loud = np.flatnonzero(env > env.max() * 10 ** (edge_db / 20))
    if not len(loud) or env.max() <= 0:
        return 0.0, 0.0
    return float(loud[0] * hop / rate * 1000), float((loud[-1] + 1) * hop / rate * 1000)


def analyse_reference(samples: np.ndarray, rate: int, text: str = "") -> CueReference:
    x = np.asarray(samples, dtype=np.float32)
    onset, offset = sound_edges(x, rate)
    if len(x):
        rng = np.random.default_rng(len(x))  # deterministic: same text, same reference
        x = x + rng.normal(0.0, 10 ** (DITHER_DB / 20), len(x)).astype(np.float32)
    return CueReference(text, analyse(x, rate), len(x) / rate * 1000, onset, offset)


def reference_renderer(voice: Voice) -> Callable[[Sequence[str]], list[CueReference]]:
    """Render texts with ``voice``, once per distinct text (retries of a block reuse its cues)."""
    cache: dict[str, CueReference] = {}

    def render(texts: Sequence[str]) -> list[CueReference]:
        out = []
        for t in texts:
            if t not in cache:
                samples, rate = voice.render(t)
                cache[t] = analyse_reference(samples, rate, t)
            out.append(cache[t])
        return out

    return render
