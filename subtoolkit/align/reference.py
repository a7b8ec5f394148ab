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
from typing import TYPE_CHECKING, Protocol

import numpy as np

from subtoolkit.audio.features import HOP_S, Frames, analyse
from subtoolkit.audio.resample import resample as _resample

if TYPE_CHECKING:
    from subtoolkit.align.refcache import ReferenceCache


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


ANALYSIS_RATE = 16_000
"""The rate recordings are decoded to; the reference is brought to it too (half the FFT work
of 24 kHz, and nothing above 8 kHz is compared anyway)."""


def analyse_reference(samples: np.ndarray, rate: int, text: str = "") -> CueReference:
    """One cue's reading analysed on its own (see :func:`analyse_references` for many)."""
    return analyse_references([(text, np.asarray(samples, dtype=np.float32), rate)])[0]


GAP_FRAMES = 4
"""Silence between readings analysed together: no analysis window reaches across it."""
BATCH_S = 60
"""Seconds of readings analysed together: big enough to amortise the calls, small enough that
one FFT over the batch stays cheap."""


def analyse_references(readings: Sequence[tuple[str, np.ndarray, int]]) -> list[CueReference]:
    """Analyse many readings in one pass: one resampling and one feature extraction over all of
    them laid end to end (each padded to whole frames, with silence between), then cut apart.

    A cue's frames come out exactly as if it were analysed alone, at a fraction of the cost of
    a hundred small FFT calls.
    """
    out: list[CueReference | None] = [None] * len(readings)
    batches: list[tuple[int, list[int]]] = []  # (rate, readings), each batch about a minute long
    filled = 0
    for k, (_, x, rate) in enumerate(readings):
        if not batches or batches[-1][0] != rate or filled > BATCH_S * rate:
            batches.append((rate, []))
            filled = 0
        batches[-1][1].append(k)
        filled += len(x)
    for rate, ks in batches:
        target = ANALYSIS_RATE if rate > ANALYSIS_RATE and rate % 100 == 0 else rate
        hop_in = int(round(rate * HOP_S))  # samples per 10 ms frame, before and after resampling
        hop_out = int(round(target * HOP_S))
        parts: list[np.ndarray] = []
        spans: list[tuple[int, int]] = []  # frame ranges in the joint analysis
        at = 0
        for k in ks:
            x = readings[k][1]
            frames = -(-len(x) // hop_in)
            parts.append(np.zeros(GAP_FRAMES * hop_in, dtype=np.float32))
            padded = np.zeros(frames * hop_in, dtype=np.float32)
            padded[: len(x)] = x
            parts.append(padded)
            at += GAP_FRAMES
            spans.append((at, at + frames))
            at += frames
        parts.append(np.zeros(GAP_FRAMES * hop_in, dtype=np.float32))
        joint = np.concatenate(parts)
        if target != rate:
            joint = _resample(joint, rate, target)
        rng = np.random.default_rng(len(joint))  # deterministic: same texts, same reference
        joint = joint + rng.normal(0.0, 10 ** (DITHER_DB / 20), len(joint)).astype(np.float32)
        frames_all = analyse(joint[: at * hop_out + GAP_FRAMES * hop_out], target, with_voicing=False)
        for k, (a, b) in zip(ks, spans):
            text, x, _ = readings[k]
            onset, offset = sound_edges(x, rate)
            part = Frames(frames_all.energy_db[a:b], frames_all.voicing[a:b], frames_all.logmel[a:b])
            out[k] = CueReference(text, part, len(x) / rate * 1000, onset, offset)
    return [r for r in out if r is not None]


def _read(voice: Voice, texts: Sequence[str]) -> list[tuple[np.ndarray, int] | CueReference]:
    """``voice``'s readings of ``texts``, in order; several at once when it can (its ``workers``:
    the neural voice runs one interpreter per core without the GIL, so two cores read twice as fast).

    A voice with a ``read_reference(text)`` method may answer with the analysed reading itself
    (the neural voice derives it from its mel spectrogram, :mod:`subtoolkit.align.melref`) or
    with samples; one without is asked to ``render`` samples."""
    read = getattr(voice, "read_reference", voice.render)
    workers = min(int(getattr(voice, "workers", 1)), len(texts))
    if workers <= 1:
        return [read(t) for t in texts]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(read, texts))


def reference_renderer(voice: Voice, cache: ReferenceCache | None = None
                       ) -> Callable[[Sequence[str]], list[CueReference]]:
    """Render texts with ``voice``, once per distinct text (retries of a block reuse its cues).

    With ``cache`` (:mod:`subtoolkit.align.refcache`), a text analysed by an earlier run is read
    back instead of synthesised, and what is synthesised is stored for the next run.
    """
    memo: dict[str, CueReference] = {}

    def render(texts: Sequence[str]) -> list[CueReference]:
        missing = [t for t in dict.fromkeys(texts) if t not in memo]
        if cache is not None:
            for t in missing:
                hit = cache.get(t)
                if hit is not None:
                    memo[t] = hit
            missing = [t for t in missing if t not in memo]
        if missing:
            read = _read(voice, missing)
            readings = [(t, np.asarray(r[0], dtype=np.float32), r[1])
                        for t, r in zip(missing, read) if not isinstance(r, CueReference)]
            analysed = iter(analyse_references(readings))
            for t, r in zip(missing, read):
                memo[t] = r if isinstance(r, CueReference) else next(analysed)
                if cache is not None:
                    cache.put(memo[t])
        return [memo[t] for t in texts]

    return render
