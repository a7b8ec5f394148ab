"""The one door to ffmpeg: decode, encode and resample in a subprocess, one error mapping.

The binary is the one the ``imageio-ffmpeg`` wheel ships (or ``$IMAGEIO_FFMPEG_EXE``): nothing to
install with apt, and the same build on every machine. Every call goes through :func:`run`, so
a missing binary, a timeout or a failed conversion always reads the same way, as the error class
the caller names: :class:`~subtoolkit.errors.InputError` for a user's recording that cannot be
read, :class:`~subtoolkit.errors.VoiceError` for audio an engine sent, and
:class:`~subtoolkit.errors.OutputError` for a file we could not encode.

No global state: pydub is never pointed at this binary (its converter is a class attribute every
user of pydub in the process shares); the few things pydub did with ffmpeg are done here.
"""

from __future__ import annotations

import re
import subprocess
import wave
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from subtoolkit.errors import OutputError, SubtoolkitError

_STREAM = re.compile(r"Audio:\s*([\w-]+)[^,]*,\s*(\d+)\s*Hz")


@lru_cache(maxsize=1)
def ffmpeg_exe() -> str:
    """The ffmpeg binary: ``$IMAGEIO_FFMPEG_EXE``, else the one inside the imageio-ffmpeg wheel."""
    try:
        import imageio_ffmpeg

        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except Exception as exc:  # noqa: BLE001 - imageio raises RuntimeError, ImportError, OSError
        raise SubtoolkitError(f"no ffmpeg available ({exc})",
                              hint="pip install imageio-ffmpeg, or set IMAGEIO_FFMPEG_EXE") from None


def run(args: list[str], *, failed: str, error: type[SubtoolkitError], path: str | Path | None = None,
        data: bytes | None = None, timeout: float = 1800.0, hint: str | None = None,
        loglevel: str = "error") -> subprocess.CompletedProcess[bytes]:
    """Run ffmpeg with ``args``; any failure becomes ``error("<failed> (<ffmpeg's reason>)")``."""
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", loglevel, *args]
    where = str(path) if path is not None else None
    try:
        r = subprocess.run(cmd, input=data, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise error(f"{failed} (ffmpeg took more than {timeout:.0f} s)", path=where, hint=hint) from None
    except OSError as exc:
        raise error(f"cannot run ffmpeg ({exc.strerror})", path=where, hint="reinstall imageio-ffmpeg") from None
    if r.returncode != 0:
        raise error(f"{failed} ({reason(r.stderr.decode('utf-8', 'replace'))})", path=where, hint=hint)
    return r


def reason(stderr: str) -> str:
    """ffmpeg's last meaningful line, without the path it repeats."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in reversed(lines):
        low = line.lower()
        if "matches no streams" in low or "does not contain any stream" in low:
            return "no audio stream in it"
        if "invalid data" in low:
            return "ffmpeg: invalid data found when processing input"
    tail = lines[-1] if lines else "ffmpeg failed"
    tail = tail.split(": ", 1)[-1] if ": " in tail else tail
    return "ffmpeg: " + tail[:120]


@dataclass(frozen=True)
class Stream:
    """Raw samples out of ffmpeg, with what it said the source was."""

    data: bytes
    codec: str | None
    source_rate: int | None


def decode(source: Path | bytes, *, rate: int, sample_format: str = "f32le", input_format: str | None = None,
           error: type[SubtoolkitError], failed: str = "cannot decode the audio", hint: str | None = None,
           timeout: float = 1800.0, path: str | Path | None = None) -> Stream:
    """The first audio stream of a file (or of ``bytes``) as mono ``sample_format`` at ``rate``.

    ffmpeg honours the encoder-delay (gapless) information of MP3 and AAC, so a file's first
    sample is the first sample an editor's timeline plays. ``input_format="mp3"`` also selects
    ffmpeg's fixed-point MP3 decoder, the one every earlier version of the voice cache used.
    """
    before = ["-f", input_format, "-c:a", input_format] if input_format == "mp3" else []
    src = "pipe:0" if isinstance(source, bytes) else str(source)
    # one decoder thread and one filter thread: the same samples (checked on WAV, MP3 and FLAC) for
    # about a tenth less CPU; FLAC's frame threads and the resampler's pool only add handoffs, and
    # the caller decodes beside other work anyway
    args = ["-filter_threads", "1", *before, "-threads", "1", "-i", src, "-map", "0:a:0", "-vn", "-ac", "1",
            "-ar", str(rate), "-f", sample_format, "pipe:1"]
    if path is None and not isinstance(source, bytes):
        path = source
    r = run(args, failed=failed, error=error, path=path, data=source if isinstance(source, bytes) else None,
            timeout=timeout, hint=hint, loglevel="info")
    m = _STREAM.search(r.stderr.decode("utf-8", "replace"))
    codec, source_rate = (m.group(1), int(m.group(2))) if m else (None, None)
    return Stream(r.stdout, codec, source_rate)


def encode_mp3(pcm: bytes, *, rate: int, bitrate: str = "48k", bare: bool = True,
               error: type[SubtoolkitError] = OutputError, path: str | Path | None = None) -> bytes:
    """Mono 16-bit PCM to MP3. ``bare``: frames only (no ID3, no Xing frame), like edge-tts's service
    sends; otherwise a file with the usual tags for players."""
    tags = ["-write_xing", "0", "-id3v2_version", "0"] if bare else []
    args = ["-f", "s16le", "-ar", str(rate), "-ac", "1", "-i", "pipe:0", "-c:a", "libmp3lame", "-b:a", bitrate,
            *tags, "-f", "mp3", "pipe:1"]
    r = run(args, failed="cannot encode MP3", error=error, path=path, data=pcm)
    if not r.stdout:
        raise error("encoding MP3 gave no data", path=str(path) if path else None)
    return r.stdout


def wav_bytes(pcm: bytes, *, rate: int, channels: int = 1, width: int = 2) -> bytes:
    """A WAV file of ``pcm`` (sample-exact: no codec in between)."""
    import io

    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(width)
        w.setframerate(rate)
        w.writeframes(pcm)
    return buf.getvalue()


def write_wav(path: Path, pcm: bytes, *, rate: int, channels: int = 1, width: int = 2) -> Path:
    """The WAV file of :func:`wav_bytes`, written atomically straight from ``pcm``: an hour of
    audio is not copied into a second buffer (and a third, ``BytesIO.getvalue``) on its way out."""
    from subtoolkit.fsio import atomic_path

    with atomic_path(path) as tmp, wave.open(str(tmp), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(width)
        w.setframerate(rate)
        w.setnframes(len(pcm) // (channels * width))  # the header is right at once, never patched
        w.writeframes(pcm)
    return path


def write_mp3(path: Path, pcm: bytes, *, rate: int, bitrate: str = "64k") -> Path:
    """An MP3 file of mono 16-bit ``pcm``, written atomically (ffmpeg writes the temporary itself,
    so it can go back and fill in the Xing header players read the duration from)."""
    from subtoolkit.fsio import atomic_path

    with atomic_path(path) as tmp:
        run(["-f", "s16le", "-ar", str(rate), "-ac", "1", "-i", "pipe:0", "-b:a", bitrate, "-f", "mp3", "-y", str(tmp)],
            failed="cannot encode MP3", error=OutputError, path=path, data=pcm)
    return path
