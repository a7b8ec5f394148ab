"""A silent MP3 of any length, written in milliseconds without running an encoder.

The report's player needs an audio track the length of the film to drive its subtitle tracks,
even when no voice was rendered. Encoding 47 minutes of silence took ffmpeg 1–2 s; but an MP3
encoder fed silence settles after four frames into one frame it repeats until the input ends.
So the file is those four opening frames and that steady frame repeated: what the encoder
would write, without the encoder.

The frames are MPEG-2.5 Layer III, 8 kHz mono, 8 kbit/s (72 bytes, 72 ms each), taken from::

    ffmpeg -f lavfi -i anullsrc=r=8000:cl=mono -t 3 -c:a libmp3lame -b:a 8k -write_xing 0 -f mp3 out.mp3

(frames 0–3, then frame 4, which frames 5–39 repeat byte for byte).
"""

from __future__ import annotations

import base64
import math
from pathlib import Path

FRAME_MS = 72  # 576 samples at 8 kHz
_OPENING = base64.b64decode(
    "/+MYxAAAAANIAAAAAExBTUU0LjEgKGFscGhhIDApVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVMQU1FNC4xIChhbHBoYSAwKVVV"
    "/+MYxDsAAANIAAAAAFVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVMQU1FNC4xIChhbHBoYSAwKVVV"
    "/+MYxHYAAANIAAAAAFVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVMQU1FNC4xIChhbHBoYSAwKVVV"
    "/+MYxLEAAANIAAAAAFVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVMQU1FNC4xIChhbHBoYSAwKVVV"
)
_STEADY = base64.b64decode(
    "/+MYxMQAAANIAAAAAFVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVMQU1FNC4xIChhbHBoYSAwKVVV"
)


def silent_mp3(seconds: float) -> bytes:
    """MP3 bytes that play silence for at least ``seconds`` (at least the five frames above).

    >>> len(silent_mp3(1.0)) // 72, len(silent_mp3(3600)) // 72
    (14, 50000)
    """
    frames = max(5, math.ceil(seconds * 1000 / FRAME_MS))
    return _OPENING + _STEADY * (frames - len(_OPENING) // len(_STEADY))


def write_silent_mp3(path: Path, seconds: float) -> None:
    """``path`` holds ``seconds`` of silence, written atomically."""
    from subtoolkit.fsio import write_bytes

    write_bytes(path, silent_mp3(seconds))
