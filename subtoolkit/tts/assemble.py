"""The audio timeline: segments and silences laid end to end on one clock, levelled, exported.

pydub's traps, and how they are avoided here:

- ``AudioSegment.silent()`` defaults to 11025 Hz; mixing that in would resample the whole
  track. Silence is always made at the internal 24 kHz.
- ``a.append(b)`` crossfades 100 ms by default, eating 100 ms per join and shifting every later
  segment; ``a + b`` in a loop copies the whole track at each step (quadratic on an
  hour-long episode). The raw frames of all parts are joined once instead, so the track is
  exactly the sum of its parts.
- Every part is padded to a whole millisecond first, so integer-ms starts are also exact
  sample positions (24 samples per ms).

Levels: each voiced part is brought to a common gated RMS level (pauses ignored, see
:func:`subtoolkit.audio.pcm.gated_rms_dbfs`), with its gain limited so that peaks stay under
a ceiling. Edge voices and espeak differ by 10 dB or more, and interview scratch voices differ
from narration; an editor wants one fader position.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from subtoolkit.errors import OutputError
from subtoolkit.audio.format import CHANNELS, SAMPLE_RATE, SAMPLE_WIDTH, SAMPLES_PER_MS, Audio
from subtoolkit.tts.base import Boundary

if TYPE_CHECKING:
    from pydub import AudioSegment

DEFAULT_TARGET_DBFS = -20.0
"""Gated RMS of speech on the track: about -23 LUFS programme loudness for a voice-only mix,
the EBU R128 broadcast target."""
DEFAULT_PEAK_CEILING_DBFS = -1.0


@dataclass(frozen=True)
class TrackPart:
    """One part of the timeline: audio, or ``silence_ms`` of silence when ``audio`` is None,
    then ``pause_after_ms`` of silence."""

    audio: Audio | None = None
    silence_ms: int = 0
    pause_after_ms: int = 0
    boundaries: tuple[Boundary, ...] = ()
    normalize: bool = True

    def __post_init__(self) -> None:
        if self.silence_ms < 0 or self.pause_after_ms < 0:
            raise ValueError("silences cannot be negative")


@dataclass(frozen=True)
class Placement:
    """Where a part landed: ``start_ms`` and ``duration_ms`` on the track clock (the pause
    after it not included), the gain applied and its boundaries moved onto the track clock."""

    start_ms: int
    duration_ms: int
    pause_after_ms: int
    gain_db: float
    boundaries: tuple[Boundary, ...]

    @property
    def end_ms(self) -> int:
        return self.start_ms + self.duration_ms


@dataclass(frozen=True)
class Track:
    """The assembled track (internal PCM) and where each part sits on it."""

    audio: Audio
    placements: tuple[Placement, ...]

    @property
    def duration_ms(self) -> int:
        return self.audio.samples // SAMPLES_PER_MS

    def to_pydub(self) -> AudioSegment:
        from subtoolkit.audio.pcm import to_segment

        return to_segment(self.audio)

    def slice(self, start_ms: int, end_ms: int) -> Audio:
        """The track's audio between two times (sample-exact)."""
        a, b = start_ms * SAMPLES_PER_MS * SAMPLE_WIDTH, end_ms * SAMPLES_PER_MS * SAMPLE_WIDTH
        return Audio(self.audio.pcm[a:b])

    def export(self, path: str | Path, format: Literal["wav", "mp3"] | None = None, *, bitrate: str = "64k") -> Path:
        return export_track(self, path, format, bitrate=bitrate)


def level_gain(audio: Audio, *, target_dbfs: float, peak_ceiling_dbfs: float) -> float:
    """The gain (dB) that brings ``audio`` to ``target_dbfs`` without peaks above the ceiling."""
    from subtoolkit.audio.pcm import gated_rms_dbfs, peak_dbfs

    level = gated_rms_dbfs(audio)
    peak = peak_dbfs(audio)
    if level is None or peak is None:
        return 0.0
    return min(target_dbfs - level, peak_ceiling_dbfs - peak)


def _silence(seg_cls: type[AudioSegment], ms: int) -> AudioSegment:
    """Exactly ``ms`` of silence: pydub's ``silent()`` computes its length in floating point and
    can come out one sample short (24000 × 4.001 s), which would shift every later part."""
    return seg_cls(data=Audio.silence(ms).pcm, sample_width=SAMPLE_WIDTH, frame_rate=SAMPLE_RATE, channels=CHANNELS)


def assemble(
    parts: list[TrackPart],
    *,
    target_dbfs: float | None = DEFAULT_TARGET_DBFS,
    peak_ceiling_dbfs: float = DEFAULT_PEAK_CEILING_DBFS,
) -> Track:
    """Lay ``parts`` end to end: each starts where the previous one's pause ended.

    ``target_dbfs=None`` leaves levels alone. The pydub segment is built once from the joined
    frames (see the module notes for why not ``+`` or ``append``).
    """
    from subtoolkit.audio.pcm import apply_gain, pydub_audio_segment

    seg_cls = pydub_audio_segment()
    chunks: list[bytes] = []
    placements: list[Placement] = []
    at_ms = 0
    for part in parts:
        gain = 0.0
        if part.audio is not None:
            audio = part.audio.padded_to_ms()
            if target_dbfs is not None and part.normalize:
                gain = level_gain(audio, target_dbfs=target_dbfs, peak_ceiling_dbfs=peak_ceiling_dbfs)
                audio = apply_gain(audio, gain)
            piece = seg_cls(data=audio.pcm, sample_width=SAMPLE_WIDTH, frame_rate=SAMPLE_RATE, channels=CHANNELS)
        else:
            piece = _silence(seg_cls, part.silence_ms)
        pause = _silence(seg_cls, part.pause_after_ms)
        for p in (piece, pause):
            if (p.frame_rate, p.channels, p.sample_width) != (SAMPLE_RATE, CHANNELS, SAMPLE_WIDTH):
                raise AssertionError("a part is not in the internal format")  # a bug, not a user error
        duration_ms = len(piece.raw_data) // (SAMPLE_WIDTH * SAMPLES_PER_MS)
        placements.append(
            Placement(at_ms, duration_ms, part.pause_after_ms, round(gain, 2),
                      tuple(b.shifted(at_ms) for b in part.boundaries))
        )
        chunks += [piece.raw_data, pause.raw_data]
        at_ms += duration_ms + part.pause_after_ms
    track = Audio(b"".join(chunks))
    if track.samples != at_ms * SAMPLES_PER_MS:
        raise AssertionError("track length does not match its parts")
    return Track(track, tuple(placements))


def export_track(track: Track, path: str | Path, format: Literal["wav", "mp3"] | None = None, *,
                 bitrate: str = "64k") -> Path:
    """Write the track as WAV (sample-exact) or MP3 (ffmpeg from imageio-ffmpeg), atomically.

    MP3 adds the encoder's start delay (~50 ms) for players that ignore the LAME gapless tag,
    so WAV is the deliverable to time subtitles against.
    """
    path = Path(path)
    fmt = format or path.suffix.lstrip(".").lower()
    if fmt not in ("wav", "mp3"):
        raise OutputError(f"unsupported audio format {fmt!r}", path=path, hint="use .wav or .mp3")
    if fmt == "wav":
        from subtoolkit.audio.ffmpeg import write_wav

        return write_wav(path, track.audio.pcm, rate=SAMPLE_RATE, channels=CHANNELS, width=SAMPLE_WIDTH)
    from subtoolkit.audio.ffmpeg import write_mp3

    return write_mp3(path, track.audio.pcm, rate=SAMPLE_RATE, bitrate=bitrate)
