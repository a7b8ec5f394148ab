"""The voice layer's PCM: MP3 in and out of the internal format, and the level measurements the
assembler needs. ffmpeg itself is run by :mod:`subtoolkit.audio.ffmpeg`."""

from __future__ import annotations

import math
import warnings
from typing import TYPE_CHECKING, Any

from subtoolkit.errors import VoiceError
from subtoolkit.audio.format import CHANNELS, SAMPLE_RATE, SAMPLE_WIDTH, SAMPLES_PER_MS, Audio

if TYPE_CHECKING:
    from pydub import AudioSegment


def pydub_audio_segment() -> type[AudioSegment]:
    """``pydub.AudioSegment``, imported quietly; used only for in-memory PCM, never with ffmpeg.

    pydub looks for ``ffmpeg`` on PATH when it is imported and warns when there is none; we do
    not need it there (:mod:`subtoolkit.audio.ffmpeg` runs the binary), so the warning is muted,
    as is audioop's DeprecationWarning on Python 3.11+. pydub's global ``converter`` is left alone.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        from pydub import AudioSegment
    segment: type[AudioSegment] = AudioSegment
    return segment


def to_segment(audio: Audio) -> AudioSegment:
    """An internal-format :class:`Audio` as a pydub segment (no copy of the format guesswork)."""
    seg_cls = pydub_audio_segment()
    return seg_cls(data=audio.pcm, sample_width=SAMPLE_WIDTH, frame_rate=SAMPLE_RATE, channels=CHANNELS)


def decode_mp3(data: bytes) -> Audio:
    """MP3 bytes (what an engine sent) to internal PCM through ffmpeg."""
    from subtoolkit.audio import ffmpeg

    if not data:
        raise VoiceError("no MP3 data to decode")
    got = ffmpeg.decode(data, rate=SAMPLE_RATE, sample_format="s16le", input_format="mp3", error=VoiceError,
                        failed="cannot decode MP3 audio", hint="the engine sent damaged audio")
    return Audio(got.data)


def encode_mp3(audio: Audio, bitrate: str = "48k") -> bytes:
    """Internal PCM to a bare MP3 stream (no ID3, no Xing frame): frames only, like edge-tts's
    service sends. Used by the local test server and benchmarks."""
    from subtoolkit.audio import ffmpeg

    return ffmpeg.encode_mp3(audio.pcm, rate=SAMPLE_RATE, bitrate=bitrate, error=VoiceError)


def samples_array(audio: Audio) -> Any:
    """The samples as a numpy int16 array (a view, no copy)."""
    import numpy as np

    return np.frombuffer(audio.pcm, dtype="<i2")


def gated_rms_dbfs(audio: Audio, *, block_ms: int = 50, gate_db: float = 20.0, floor_dbfs: float = -60.0
                   ) -> float | None:
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
