"""Where speech starts and stops inside rendered audio, from its energy.

A cue should appear when the voice starts, not when the engine's leading silence starts
(edge-tts leaves ~100 ms, espeak a little less). Engines' boundaries are approximate, so the
audio itself is the reference: short-time energy in 10 ms frames, a threshold relative to the
loudest frame (so quiet and loud renders behave alike) with an absolute floor, and hysteresis
so that a soft initial consonant is kept with the vowel that follows it.
"""

from __future__ import annotations

from dataclasses import dataclass

from subtoolkit.audio.format import SAMPLES_PER_MS, Audio


@dataclass(frozen=True)
class SpeechRegion:
    """A stretch of speech, in ms from the start of the audio analysed."""

    start_ms: int
    end_ms: int

    @property
    def duration_ms(self) -> int:
        return self.end_ms - self.start_ms


def frame_levels_db(audio: Audio, frame_ms: int = 10) -> list[float]:
    """RMS level of each ``frame_ms`` frame in dBFS (-inf-safe: silence is -120)."""
    import numpy as np

    x = np.frombuffer(audio.pcm, dtype="<i2").astype(np.float64) / 32768.0
    n = frame_ms * SAMPLES_PER_MS
    frames = -(-len(x) // n)
    if frames == 0:
        return []
    padded = np.zeros(frames * n)
    padded[: len(x)] = x
    power = np.mean(padded.reshape(frames, n) ** 2, axis=1)
    return [float(v) for v in 10 * np.log10(np.maximum(power, 1e-12))]


def speech_regions(
    audio: Audio,
    *,
    frame_ms: int = 10,
    relative_db: float = 35.0,
    floor_dbfs: float = -55.0,
    hysteresis_db: float = 10.0,
    min_speech_ms: int = 30,
    min_silence_ms: int = 150,
) -> list[SpeechRegion]:
    """Stretches of speech: frames louder than max(loudest − ``relative_db``, ``floor_dbfs``),
    widened to neighbouring frames within ``hysteresis_db`` below that, with gaps shorter than
    ``min_silence_ms`` bridged (the stops inside a word) and blips shorter than
    ``min_speech_ms`` dropped (clicks).
    """
    levels = frame_levels_db(audio, frame_ms)
    if not levels:
        return []
    threshold = max(max(levels) - relative_db, floor_dbfs)
    low = threshold - hysteresis_db
    core = [v > threshold for v in levels]
    if not any(core):
        return []
    n = len(levels)
    # Hysteresis: grow each core run outwards over frames above the lower threshold.
    active = core[:]
    for i in range(1, n):
        if not active[i] and active[i - 1] and levels[i] > low:
            active[i] = True
    for i in range(n - 2, -1, -1):
        if not active[i] and active[i + 1] and levels[i] > low:
            active[i] = True
    runs: list[list[int]] = []
    for i, on in enumerate(active):
        if on:
            if runs and runs[-1][1] == i:
                runs[-1][1] = i + 1
            else:
                runs.append([i, i + 1])
    bridged: list[list[int]] = []
    for run in runs:
        if bridged and (run[0] - bridged[-1][1]) * frame_ms < min_silence_ms:
            bridged[-1][1] = run[1]
        else:
            bridged.append(run)
    total_ms = int(audio.duration_ms)
    return [
        SpeechRegion(a * frame_ms, min(b * frame_ms, total_ms))
        for a, b in bridged
        if (b - a) * frame_ms >= min_speech_ms
    ]


def speech_span(audio: Audio, **kwargs: float) -> SpeechRegion | None:
    """From the first onset to the last offset, or ``None`` when nothing is voiced."""
    regions = speech_regions(audio, **kwargs)  # type: ignore[arg-type]
    if not regions:
        return None
    return SpeechRegion(regions[0].start_ms, regions[-1].end_ms)


def speech_onsets(audio: Audio, **kwargs: float) -> list[int]:
    """The start of every speech region, in ms: where cue starts may be snapped."""
    return [r.start_ms for r in speech_regions(audio, **kwargs)]  # type: ignore[arg-type]
