"""pydub and ffmpeg set up once, safely, plus the level measurements the assembler needs.

pydub looks for ``ffmpeg`` on PATH when it is imported and warns when there is none; a pip
install has no system ffmpeg, so :func:`pydub_audio_segment` points pydub at the binary that the
``imageio-ffmpeg`` wheel ships. MP3 decoding passes ``codec="mp3"`` because otherwise pydub
calls ``ffprobe``, which imageio-ffmpeg does not ship.
"""

from __future__ import annotations

import io
import math
import warnings
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from subtoolkit.errors import VoiceError
from subtoolkit.audio.format import CHANNELS, SAMPLE_RATE, SAMPLE_WIDTH, SAMPLES_PER_MS, Audio

if TYPE_CHECKING:
    from pydub import AudioSegment


@lru_cache(maxsize=1)
def ffmpeg_exe() -> str:
    """The ffmpeg binary: ``$IMAGEIO_FFMPEG_EXE``, else the one inside the imageio-ffmpeg wheel."""
    try:
        import imageio_ffmpeg

        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except Exception as exc:  # noqa: BLE001 - imageio raises RuntimeError, ImportError, OSError
        raise VoiceError(f"no ffmpeg available ({exc})", hint="pip install imageio-ffmpeg, or set IMAGEIO_FFMPEG_EXE") from exc


def pydub_audio_segment() -> type[AudioSegment]:
    """``pydub.AudioSegment`` with its converter set to imageio-ffmpeg's binary."""
    with warnings.catch_warnings():
        # "Couldn't find ffmpeg" (we set it next) and audioop's 3.11+ DeprecationWarning.
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        from pydub import AudioSegment
    exe = ffmpeg_exe()
    if AudioSegment.converter != exe:
        AudioSegment.converter = exe
    return AudioSegment


def to_segment(audio: Audio) -> AudioSegment:
    """An internal-format :class:`Audio` as a pydub segment (no copy of the format guesswork)."""
    seg_cls = pydub_audio_segment()
    return seg_cls(data=audio.pcm, sample_width=SAMPLE_WIDTH, frame_rate=SAMPLE_RATE, channels=CHANNELS)


def from_segment(seg: AudioSegment) -> Audio:
    """Any pydub segment converted to the internal format."""
    seg = seg.set_channels(CHANNELS).set_sample_width(SAMPLE_WIDTH).set_frame_rate(SAMPLE_RATE)
    return Audio(bytes(seg.raw_data))


def decode_mp3(data: bytes) -> Audio:
    """MP3 bytes to internal PCM through ffmpeg."""
    if not data:
        raise VoiceError("no MP3 data to decode")
    seg_cls = pydub_audio_segment()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            seg = seg_cls.from_file(io.BytesIO(data), format="mp3", codec="mp3")
    except Exception as exc:  # noqa: BLE001 - pydub raises CouldntDecodeError, OSError, IndexError
        raise VoiceError(f"cannot decode MP3 audio ({type(exc).__name__})", hint="the engine sent damaged audio") from exc
    return from_segment(seg)


def encode_mp3(audio: Audio, bitrate: str = "48k") -> bytes:
    """Internal PCM to a bare MP3 stream (no ID3, no Xing frame): frames only, like edge-tts's
    service sends. Used by the local test server and benchmarks."""
    import subprocess

    cmd = [
        ffmpeg_exe(), "-hide_banner", "-loglevel", "error",
        "-f", "s16le", "-ar", str(SAMPLE_RATE), "-ac", "1", "-i", "pipe:0",
        "-c:a", "libmp3lame", "-b:a", bitrate, "-write_xing", "0", "-id3v2_version", "0", "-f", "mp3", "pipe:1",
    ]
    proc = subprocess.run(cmd, input=audio.pcm, capture_output=True, check=False)
    if proc.returncode != 0 or not proc.stdout:
        raise VoiceError(f"ffmpeg could not encode MP3: {proc.stderr.decode(errors='replace').strip()[:200]}")
    return proc.stdout


def samples_array(audio: Audio) -> Any:
    """The samples as a numpy int16 array (a view, no copy)."""
    import numpy as np

    return np.frombuffer(audio.pcm, dtype="<i2")


def gated_rms_dbfs(audio: Audio, *, block_ms: int = 50, gate_db: float = 20.0, floor_dbfs: float = -60.0) -> float | None:
    """The level of the speech in a segment, ignoring its pauses, in dBFS (sine peak = 0 dBFS
    - 3 dB; full-scale square = 0 dBFS).

    Plain RMS would call a sentence with long pauses quieter than the same voice without them,
    and normalising on it would make pauses loud. Like EBU R128's relative gate (without its
    K-weighting), only blocks within ``gate_db`` of the loudest block count. Returns ``None``
    for silence.
    """
    import numpy as np

    x = samples_array(audio).astype(np.float64) / 32768.0
    n = block_ms * SAMPLES_PER_MS
    blocks = len(x) // n
    if blocks == 0:
        if len(x) == 0:
            return None
        ms = float(np.mean(x * x))
        return None if ms <= 0 else 10 * math.log10(ms)
    power = np.mean(x[: blocks * n].reshape(blocks, n) ** 2, axis=1)
    with np.errstate(divide="ignore"):
        db = 10 * np.log10(power)
    loud = db > floor_dbfs
    if not loud.any():
        return None
    keep = loud & (db > db[loud].max() - gate_db)
    return float(10 * math.log10(float(np.mean(power[keep]))))


def peak_dbfs(audio: Audio) -> float | None:
    import numpy as np

    x = samples_array(audio)
    if len(x) == 0:
        return None
    peak = int(np.max(np.abs(x.astype(np.int32))))
    return None if peak == 0 else 20 * math.log10(peak / 32768.0)


def apply_gain(audio: Audio, gain_db: float) -> Audio:
    """Scale the samples by ``gain_db``, saturating rather than wrapping around."""
    if gain_db == 0:
        return audio
    import numpy as np

    x = samples_array(audio).astype(np.float64) * (10 ** (gain_db / 20))
    return Audio(np.clip(np.rint(x), -32768, 32767).astype("<i2").tobytes())
