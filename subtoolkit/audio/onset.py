"""Where speech starts and stops inside rendered audio: the speech detector, in milliseconds.

A cue should appear when the voice starts, not when the engine's leading silence starts
(edge-tts leaves ~100 ms, espeak a little less). Engines' boundaries are approximate, so the
audio itself is the reference, read by the same detector the aligner reads recordings with
(:mod:`subtoolkit.audio.vad`: energy against the noise floor, a voice in every run, unvoiced
consonants kept beside it), with its edges taken to the millisecond. One thing differs for a
render: it may be speech from its first sample to its last, with no pause to show a floor
(espeak leaves 10–30 ms), and its quietest 50 ms are then speech. So its floor is read over
:data:`FLOOR_WINDOW` frames, and where that finds nothing 30 dB below the speech, the floor is
put :data:`FLOOR_DEPTH_DB` below it (a render is studio-clean): edges are then where the sound
rises 45 dB below the speech level, as the tests' truth and a listener have them.
"""

from __future__ import annotations

from dataclasses import dataclass

from subtoolkit.audio.format import SAMPLE_RATE, SAMPLES_PER_MS, Audio

FLOOR_WINDOW = 20
"""200 ms: a pause between sentences lasts that long, the quiet end of a syllable does not."""
FLOOR_DEPTH_DB = 48.0
CLEAN_DB = 40.0
"""A render this far above its floor is clean: the closure before a plosive (a dip of up to
30 ms) does not cut the consonant's burst off its syllable."""


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


def speech_regions(audio: Audio, *, min_silence_ms: int = 150) -> list[SpeechRegion]:
    """Stretches of speech, to the millisecond; silences shorter than ``min_silence_ms`` (the
    stops inside a word, the breath between two words) do not split one."""
    import numpy as np

    from subtoolkit.audio.vad import VadSettings, edges_ms, speech_in

    if audio.samples == 0:
        return []
    x = np.frombuffer(audio.pcm, dtype="<i2").astype(np.float32) / 32768.0
    settings = VadSettings(min_pause=max(1, -(-min_silence_ms // 10)), floor_window=FLOOR_WINDOW,
                           floor_depth=FLOOR_DEPTH_DB, clean_db=CLEAN_DB)
    _, speech = speech_in(x, SAMPLE_RATE, settings)
    out: list[SpeechRegion] = []
    for a, b in edges_ms(x, SAMPLE_RATE, speech):
        if b > a:
            out.append(SpeechRegion(int(round(a)), int(round(b))))
    return out


def speech_span(audio: Audio, *, min_silence_ms: int = 150) -> SpeechRegion | None:
    """From the first onset to the last offset, or ``None`` when nothing is voiced."""
    regions = speech_regions(audio, min_silence_ms=min_silence_ms)
    if not regions:
        return None
    return SpeechRegion(regions[0].start_ms, regions[-1].end_ms)


def speech_onsets(audio: Audio, *, min_silence_ms: int = 150) -> list[int]:
    """The start of every speech region, in ms: where cue starts may be snapped."""
    return [r.start_ms for r in speech_regions(audio, min_silence_ms=min_silence_ms)]
