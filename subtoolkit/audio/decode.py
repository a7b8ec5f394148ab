"""Recordings in, mono PCM out: the only place the aligner touches audio files.

Every format a voice session produces (WAV, MP3, M4A/AAC, FLAC, even a video with a sound track)
goes through the ffmpeg that the ``imageio-ffmpeg`` wheel ships, in a subprocess, to 16 kHz mono
float samples: one rate for every file whatever it was recorded at, and nothing to install with
apt. ffmpeg honours the encoder-delay (gapless) information of MP3 and AAC files, so a file's
first sample is the first sample the editor's timeline plays.

Failures become one-line :class:`~subtoolkit.errors.InputError` s naming the file: missing, not
audio, empty.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from subtoolkit.errors import InputError

RATE = 16_000
"""Analysis rate: the mel filterbank stops at 7.6 kHz, so nothing above 8 kHz is needed."""

_STREAM = re.compile(r"Audio:\s*([\w-]+)[^,]*,\s*(\d+)\s*Hz")


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


def ffmpeg_exe() -> str:
    import imageio_ffmpeg

    return str(imageio_ffmpeg.get_ffmpeg_exe())


def check_recording_path(path: str | Path) -> Path:
    """The refusals that need no decoding: a path that is missing or is a folder."""
    p = Path(path)
    if not p.exists():
        raise InputError("recording not found", path=str(p), hint="check the path")
    if p.is_dir():
        raise InputError("is a folder, not a recording", path=str(p), hint="give the audio files themselves")
    return p


def decode(path: str | Path, *, rate: int = RATE, timeout: float = 1800.0) -> Decoded:
    """Decode ``path``'s first audio stream to mono float32 at ``rate``."""
    p = check_recording_path(path)
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "info", "-i", str(p), "-map", "0:a:0", "-vn",
           "-ac", "1", "-ar", str(rate), "-f", "f32le", "-"]
    try:
        r = subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise InputError("decoding took too long", path=str(p), hint="is this a complete audio file?") from None
    except OSError as exc:
        raise InputError(f"cannot run ffmpeg ({exc.strerror})", path=str(p), hint="reinstall imageio-ffmpeg") from None
    err = r.stderr.decode("utf-8", "replace")
    if r.returncode != 0:
        raise InputError(f"not a readable audio file ({_ffmpeg_reason(err)})", path=str(p), hint="give a WAV, MP3, M4A or FLAC recording")
    samples = np.frombuffer(r.stdout, dtype="<f4").copy()
    if len(samples) == 0:
        raise InputError("recording holds no audio", path=str(p), hint="check the file plays in a media player")
    m = _STREAM.search(err)
    codec, source_rate = (m.group(1), int(m.group(2))) if m else (None, None)
    return Decoded(p, samples, rate, codec, source_rate)


def _ffmpeg_reason(stderr: str) -> str:
    """ffmpeg's last meaningful line, without the path it repeats."""
    lines = [l.strip() for l in stderr.splitlines() if l.strip()]
    for line in reversed(lines):
        low = line.lower()
        if "matches no streams" in low or "does not contain any stream" in low:
            return "no audio stream in it"
        if "invalid data" in low:
            return "ffmpeg: invalid data found when processing input"
    tail = lines[-1] if lines else "ffmpeg failed"
    tail = tail.split(": ", 1)[-1] if ": " in tail else tail
    return "ffmpeg: " + tail[:120]
