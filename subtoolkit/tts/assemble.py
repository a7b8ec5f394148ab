"""The audio timeline: segments and silences laid end to end on one clock, levelled, exported.

pydub's traps, and how they are avoided here:

- ``AudioSegment.silent()`` defaults to 11025 Hz; mixing that in would resample the whole
  track. Silence is always made at the internal 24 kHz.
- ``a.append(b)`` crossfades 100 ms by default, eating 100 ms per join and shifting every later
  segment; ``a + b`` in a loop copies the whole track at each step (quadratic on an
  hour-long episode). Each part's samples are written once, levelled, into one buffer the
  length of the track instead, so the track is exactly the sum of its parts and is held once
  (plus the bytes handed out at the end), never also as a list of levelled copies whose freed
  memory the allocator would keep.
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


def _piece_ms(part: TrackPart) -> int:
    """How long a part lasts before its pause: its audio padded to a whole millisecond, or its silence."""
    if part.audio is None:
        return part.silence_ms
    return -(-part.audio.samples // SAMPLES_PER_MS)


def assemble(
    parts: list[TrackPart],
    *,
    target_dbfs: float | None = DEFAULT_TARGET_DBFS,
    peak_ceiling_dbfs: float = DEFAULT_PEAK_CEILING_DBFS,
) -> Track:
    """Lay ``parts`` end to end: each starts where the previous one's pause ended.

    ``target_dbfs=None`` leaves levels alone. The track's length is known before any sample is
    levelled, so every part goes straight into one zeroed buffer (silences are never written);
    see the module notes for why not pydub's ``+`` or ``append``.
    """
    import numpy as np

    from subtoolkit.audio.pcm import apply_gain, pydub_audio_segment

    seg_cls = pydub_audio_segment()
    lengths = [_piece_ms(p) for p in parts]
    total_ms = sum(ms + p.pause_after_ms for ms, p in zip(lengths, parts))
    buf = np.zeros(total_ms * SAMPLES_PER_MS, dtype="<i2")
    placements: list[Placement] = []
    at_ms = 0
    for part, duration_ms in zip(parts, lengths):
        gain = 0.0
        if part.audio is not None:
            audio = part.audio.padded_to_ms()
            if target_dbfs is not None and part.normalize:
                gain = level_gain(audio, target_dbfs=target_dbfs, peak_ceiling_dbfs=peak_ceiling_dbfs)
                audio = apply_gain(audio, gain)
            # one part at a time through pydub (seconds of audio, freed at once): the track itself
            # is never a pydub segment, so its `+` and `append` traps cannot reach it
            piece = seg_cls(data=audio.pcm, sample_width=SAMPLE_WIDTH, frame_rate=SAMPLE_RATE, channels=CHANNELS)
            if (piece.frame_rate, piece.channels, piece.sample_width) != (SAMPLE_RATE, CHANNELS, SAMPLE_WIDTH):
                raise AssertionError("a part is not in the internal format")  # a bug, not a user error
            at = at_ms * SAMPLES_PER_MS
            buf[at : at + audio.samples] = np.frombuffer(piece.raw_data, dtype="<i2")
        placements.append(
            Placement(at_ms, duration_ms, part.pause_after_ms, round(gain, 2),
                      tuple(b.shifted(at_ms) for b in part.boundaries))
        )
        at_ms += duration_ms + part.pause_after_ms
    track = Audio(buf.tobytes())
    del buf  # one allocation, given straight back to the system
    if track.samples != at_ms * SAMPLES_PER_MS:
        raise AssertionError("track length does not match its parts")
    return Track(track, tuple(placements))


@dataclass(frozen=True)
class Cut:
    """A stretch of a source track laid on a new one: ``duration_ms`` from ``source_ms`` on the
    source, placed at ``start_ms``."""

    source_ms: int
    duration_ms: int
    start_ms: int


def lay_cuts(source: Audio, cuts: list[Cut], end_ms: int) -> Track:
    """A track of cuts from ``source`` in order, digital silence around them, ``end_ms`` long (or
    up to the last cut's end, if later). Levels are left alone.

    The cuts are read through views of ``source``, so each sample is copied once, into the new
    track: the source and the result are the only two timelines held (an hour of audio is
    ~170 MB a copy).
    """
    bytes_per_ms = SAMPLES_PER_MS * SAMPLE_WIDTH
    src = memoryview(source.pcm)
    gaps: list[int] = []
    at_ms = 0
    for cut in cuts:
        if cut.start_ms < at_ms or cut.duration_ms < 0 or cut.source_ms < 0:
            raise ValueError("cuts must be in order, not overlapping")
        if (cut.source_ms + cut.duration_ms) * bytes_per_ms > len(src):
            raise ValueError("a cut runs past the end of its source")
        gaps.append(cut.start_ms - at_ms)
        at_ms = cut.start_ms + cut.duration_ms
    gaps.append(max(end_ms - at_ms, 0))
    zeros = memoryview(bytes(max(gaps) * bytes_per_ms))
    chunks: list[memoryview] = [zeros[: gaps[0] * bytes_per_ms]]
    placements: list[Placement] = []
    for cut, pause in zip(cuts, gaps[1:]):
        chunks.append(src[cut.source_ms * bytes_per_ms : (cut.source_ms + cut.duration_ms) * bytes_per_ms])
        chunks.append(zeros[: pause * bytes_per_ms])
        placements.append(Placement(cut.start_ms, cut.duration_ms, pause, 0.0, ()))
    track = Audio(b"".join(chunks))
    if track.samples != (max(at_ms, end_ms)) * SAMPLES_PER_MS:
        raise AssertionError("track length does not match its cuts")
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
