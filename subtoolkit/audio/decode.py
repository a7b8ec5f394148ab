"""Recordings in, mono PCM out: the only place the aligner touches audio files.

Every format a voice session produces (WAV, MP3, M4A/AAC, FLAC, even a video with a sound track)
goes through ffmpeg (:mod:`subtoolkit.audio.ffmpeg`) to 16 kHz mono
float samples: one rate for every file whatever it was recorded at, and nothing to install with
apt. ffmpeg honours the encoder-delay (gapless) information of MP3 and AAC files, so a file's
first sample is the first sample the editor's timeline plays.

Failures become one-line :class:`~subtoolkit.errors.InputError` s naming the file: missing, not
audio, empty.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from subtoolkit.errors import InputError

RATE = 16_000
"""Analysis rate: the mel filterbank stops at 7.6 kHz, so nothing above 8 kHz is needed."""


@dataclass(frozen=True)
class Decoded:
    """One recording as mono samples at :data:`RATE`, with what ffmpeg said it was."""

    path: Path
    samples: np.ndarray
    rate: int
    codec: str | None
    source_rate: int | None

    @property
    def duration_ms(self) -> int:
        return int(round(len(self.samples) / self.rate * 1000))


def check_recording_path(path: str | Path) -> Path:
    """The refusals that need no decoding: a path that is missing or is a folder."""
    p = Path(path)
    if not p.exists():
        raise InputError("recording not found", path=str(p), hint="check the path")
    if p.is_dir():
        raise InputError("is a folder, not a recording", path=str(p), hint="give the audio files themselves")
    return p


def probe(path: str | Path) -> Path:
    """Refuse at once a path that is missing, a folder, or not audio (ffmpeg reads its first second)."""
    from subtoolkit.audio import ffmpeg

    p = check_recording_path(path)
    ffmpeg.run(["-i", str(p), "-map", "0:a:0", "-t", "1", "-f", "null", "-"], error=InputError,
               failed="not a readable audio file", path=p, timeout=60, hint=_HINT)
    return p


_HINT = "give a WAV, MP3, M4A or FLAC recording"


def decode(path: str | Path, *, rate: int = RATE, timeout: float = 1800.0) -> Decoded:
    """Decode ``path``'s first audio stream to mono float32 at ``rate``."""
    from subtoolkit.audio import ffmpeg

    p = check_recording_path(path)
    got = ffmpeg.decode(p, rate=rate, error=InputError, failed="not a readable audio file", timeout=timeout,
                        hint=_HINT)
    samples = np.frombuffer(got.data, dtype="<f4").copy()
    if len(samples) == 0:
        raise InputError("recording holds no audio", path=str(p), hint="check the file plays in a media player")
    return Decoded(p, samples, rate, got.codec, got.source_rate)
