"""The one audio format inside subtoolkit: 24 kHz, mono, signed 16-bit little-endian PCM.

Engines differ wildly (espeak-ng gives 22.05 kHz PCM from a C callback, edge-tts gives 24 kHz MP3
over a websocket), so everything is converted at the engine's edge into this format. 24 kHz is
edge-tts's native rate, so the online voice is never resampled, and at 24 kHz one millisecond is
exactly 24 samples, which lets the timeline keep integer-millisecond times that are also
sample-accurate. Lives in ``audio/`` because the levels, the speech detector and the voices all
speak it; it imports nothing heavy.
"""

from __future__ import annotations

from dataclasses import dataclass

SAMPLE_RATE = 24_000
"""Samples per second of every :class:`Audio` in the voice layer."""
SAMPLE_WIDTH = 2
"""Bytes per sample (signed 16-bit little-endian)."""
CHANNELS = 1
SAMPLES_PER_MS = SAMPLE_RATE // 1000
PCM_FORMAT = f"s16le/{SAMPLE_RATE}/{CHANNELS}"
"""Goes into cache keys: a change of internal format must not reuse old audio."""


@dataclass(frozen=True)
class Audio:
    """Mono PCM in the internal format. Bytes, not a numpy array, so that it pickles and
    hashes cheaply and the module stays importable without numpy."""

    pcm: bytes = b""

    def __post_init__(self) -> None:
        if len(self.pcm) % SAMPLE_WIDTH:
            raise ValueError("PCM length must be a whole number of 16-bit samples")

    def __repr__(self) -> str:
        """The length, not the samples: a voiceover's audio printed in full is gigabytes of text,
        and Python builds reprs where nobody reads them (asyncio.run formats the finished task,
        result included, when it restores the SIGINT handler), which cost 1.5 GB at the end of
        the sample's voiceover."""
        return f"Audio({self.samples} samples, {self.duration_ms:.0f} ms)"

    @property
    def samples(self) -> int:
        return len(self.pcm) // SAMPLE_WIDTH

    @property
    def duration_ms(self) -> float:
        return self.samples / SAMPLES_PER_MS

    @classmethod
    def silence(cls, ms: int) -> Audio:
        return cls(b"\x00" * (ms * SAMPLES_PER_MS * SAMPLE_WIDTH))

    def padded_to_ms(self) -> Audio:
        """Pad with < 1 ms of silence so the duration is a whole number of milliseconds.

        The track clock is in integer ms (like :class:`subtoolkit.model.Cue`); padding each
        segment, rather than rounding its start, keeps every start exactly on a sample.
        """
        rest = self.samples % SAMPLES_PER_MS
        if rest == 0:
            return self
        return Audio(self.pcm + b"\x00" * ((SAMPLES_PER_MS - rest) * SAMPLE_WIDTH))
