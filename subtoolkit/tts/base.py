"""The contract every TTS engine meets, and the one audio format the voice layer speaks.

Engines differ wildly (espeak-ng gives 22.05 kHz PCM from a C callback, edge-tts gives 24 kHz MP3
over a websocket), so everything is converted at the engine's edge into one internal format
(:mod:`subtoolkit.audio.format`).

This module imports nothing heavy: the CLI and the cache import it to build keys and requests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from typing import Any, Literal, Protocol, runtime_checkable

from subtoolkit.audio.format import (  # noqa: F401 - the engines' contract names the format
    CHANNELS,
    PCM_FORMAT,
    SAMPLE_RATE,
    SAMPLE_WIDTH,
    SAMPLES_PER_MS,
    Audio,
)
from subtoolkit.errors import VoiceError


@dataclass(frozen=True)
class Boundary:
    """A stretch of the audio the engine attributes to a piece of text, in ms from the audio start.

    ``kind`` is ``"sentence"`` or ``"word"``. Sentence texts are the script's text (so that a
    retimer can match them to cues); word texts are whatever the engine reports.
    """

    kind: Literal["sentence", "word"]
    start_ms: int
    end_ms: int
    text: str

    def shifted(self, ms: int) -> Boundary:
        return Boundary(self.kind, self.start_ms + ms, self.end_ms + ms, self.text)

    def to_json(self) -> dict[str, object]:
        return {"kind": self.kind, "start_ms": self.start_ms, "end_ms": self.end_ms, "text": self.text}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Boundary:
        kind = d["kind"]
        if kind not in ("sentence", "word"):
            raise ValueError(f"unknown boundary kind {kind!r}")
        return cls(kind, int(d["start_ms"]), int(d["end_ms"]), str(d["text"]))


@dataclass(frozen=True)
class Synthesis:
    """What an engine returns for one text: the audio and the boundaries it knows."""

    audio: Audio
    boundaries: tuple[Boundary, ...] = ()
    requests: int = 1
    """How many engine requests it took (edge: one per sentence, plus retries)."""


@runtime_checkable
class Engine(Protocol):
    """A text-to-speech engine.

    ``version`` goes into cache keys, so it must change whenever the same text could sound
    different (library version, voice data, our own rate mapping). ``prepare`` returns the text
    the engine will actually speak; the cache is keyed on it, so a change to the number readings
    re-renders exactly the segments whose spoken form changed.

    An engine may also offer ``release()``: the renderer calls it once a run has rendered
    everything, so that working memory it no longer needs (the neural voice's interpreters) is
    given back before the whole track is assembled. It must leave the engine usable.
    """

    name: str
    default_voice: str
    max_concurrency: int

    @property
    def version(self) -> str: ...

    def prepare(self, text: str) -> str: ...

    async def synthesize(self, text: str, *, voice: str, rate: int = 0) -> Synthesis: ...


_RATE = re.compile(r"^\s*([+-]?)\s*(\d+)\s*%?\s*$")


def parse_rate(value: str | int) -> int:
    """A rate as edge-tts writes it (``+10%``) or as a plain percentage, to an int.

    >>> parse_rate("+10%"), parse_rate("-25%"), parse_rate("0"), parse_rate(15)
    (10, -25, 0, 15)
    """
    if isinstance(value, int):
        return value
    m = _RATE.match(value)
    if not m:
        raise VoiceError(f"invalid rate {value!r}", hint="write a signed percentage such as +0%, +15% or -10%")
    n = int(m.group(2))
    return -n if m.group(1) == "-" else n


def format_rate(rate: int) -> str:
    """The signed form edge-tts insists on (``10%`` is rejected, ``+10%`` accepted).

    >>> format_rate(0), format_rate(12), format_rate(-5)
    ('+0%', '+12%', '-5%')
    """
    return f"{rate:+d}%"


class SegmentKind(str, Enum):
    """Voiced segments go to the engine; placeholders hold time on the track (an interview
    estimated at N ms, a caption or heading holding its title-card time)."""

    VOICED = "voiced"
    PLACEHOLDER = "placeholder"


@dataclass(frozen=True)
class SegmentRequest:
    """One piece of the voiceover, in track order.

    ``block`` indexes the blocks of ``subtoolkit parse --json``; several segments may share a
    block when a paragraph is rendered cue by cue. ``voice=None`` means the engine's default.
    ``duration_ms`` is the length of a placeholder (ignored for voiced segments);
    ``pause_after_ms`` is silence appended after the segment on the track.
    """

    block: int
    text: str
    kind: SegmentKind = SegmentKind.VOICED
    voice: str | None = None
    rate: int = 0
    duration_ms: int = 0
    pause_after_ms: int = 0

    def __post_init__(self) -> None:
        if self.duration_ms < 0 or self.pause_after_ms < 0:
            raise ValueError("durations and pauses cannot be negative")
        if self.kind is SegmentKind.VOICED and not self.text.strip():
            raise ValueError(f"voiced segment of block {self.block} has no text")

    @classmethod
    def placeholder(cls, block: int, duration_ms: int, *, text: str = "", pause_after_ms: int = 0) -> SegmentRequest:
        return cls(block, text, SegmentKind.PLACEHOLDER, duration_ms=duration_ms, pause_after_ms=pause_after_ms)


class SegmentFailed(VoiceError):
    """A voiced segment could not be rendered after the last retry.

    Carries the segment's position, block and text so that the CLI (and a re-run) can say
    exactly what failed; everything rendered before it is already in the cache.
    """

    def __init__(self, index: int, block: int, text: str, cause: str, *, rendered: int = 0,
                 from_cache: int = 0) -> None:
        self.index, self.block, self.text, self.cause = index, block, text, cause
        self.rendered, self.from_cache = rendered, from_cache
        short = text if len(text) <= 40 else text[:38] + "……"
        super().__init__(
            f"segment {index} (block {block}) failed: {cause}: “{short}”",
            hint=f"{rendered + from_cache} segment(s) done are cached; rerun to resume",
        )

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild_failed, (self.index, self.block, self.text, self.cause, self.rendered, self.from_cache))


def _rebuild_failed(index: int, block: int, text: str, cause: str, rendered: int, from_cache: int) -> SegmentFailed:
    return SegmentFailed(index, block, text, cause, rendered=rendered, from_cache=from_cache)
