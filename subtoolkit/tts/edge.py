"""The online engine: Microsoft Edge's read-aloud voices through edge-tts.

What the service and the client library get wrong, and what this adapter does about it
(details and sources in ``research/tts.md``):

- edge-tts never splits Chinese text that has no spaces or newlines, and long requests come
  back incomplete: every request here is one sentence (a longer sentence is cut at clauses),
  far under the 4 KB limit.
- ``Communicate.stream()`` works once per instance: every attempt builds a fresh one.
- The service drops connections, answers 403/429/503 or sends no audio, sometimes at random:
  those are retried with exponential backoff and jitter (a longer base for 429/503, whose
  blocks last minutes); errors in our own parameters are not retried.
- A connection dropped after some audio ends edge-tts's stream *without an error*, handing
  back truncated audio. The adapter checks that every byte received was followed by
  ``turn.end`` (edge-tts's ``state["cumulative_audio_bytes"]`` only counts completed turns)
  and retries otherwise, so a truncated sentence never reaches the cache.
- Concurrency is bounded by a semaphore (default 4, hard cap 8): the maintainer calls 40+
  parallel connections abuse, and the limits are per IP.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from subtoolkit.errors import VoiceError
from subtoolkit.audio.format import SAMPLES_PER_MS, Audio
from subtoolkit.tts.base import Boundary, Synthesis, format_rate
from subtoolkit.tts.text import speakable, split_for_requests

DEFAULT_VOICE = "zh-CN-YunyangNeural"
"""A male news voice (Professional, Reliable): the closest to a documentary narrator."""
DEFAULT_CONCURRENCY = 4
MAX_CONCURRENCY = 8
TICKS_PER_MS = 10_000
"""edge-tts reports boundary offsets in 100-ns ticks."""


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently a failed request is retried.

    ``attempts`` counts the first try. The wait before attempt *k+1* is drawn from
    [d/2, d] with d = min(cap, base × 2^(k-1)) ("equal jitter": never a zero wait, yet
    parallel requests that failed together do not come back together).
    """

    attempts: int = 4
    base_s: float = 1.0
    throttled_base_s: float = 5.0
    cap_s: float = 30.0

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("attempts must be at least 1")

    def delay(self, failed_attempt: int, *, throttled: bool, rng: random.Random) -> float:
        """Seconds to wait after the ``failed_attempt``-th attempt (1-based) failed.

        >>> p = RetryPolicy(base_s=1, cap_s=30)
        >>> [1 / 2 <= p.delay(1, throttled=False, rng=random.Random(0)) <= 1,
        ...  4 / 2 <= p.delay(3, throttled=False, rng=random.Random(0)) <= 4,
        ...  15 <= p.delay(9, throttled=False, rng=random.Random(0)) <= 30]
        [True, True, True]
        """
        base = self.throttled_base_s if throttled else self.base_s
        ceiling = min(self.cap_s, base * 2 ** (failed_attempt - 1))
        return ceiling / 2 + rng.uniform(0, ceiling / 2)


class _Truncated(Exception):
    """Audio arrived but the turn never ended: the connection was dropped mid-answer."""


@dataclass(frozen=True)
class _Verdict:
    retry: bool
    throttled: bool
    reason: str


def classify(exc: BaseException) -> _Verdict:
    """Is this failure the service's (retry) or ours (stop)? And is it throttling?"""
    import aiohttp
    from edge_tts import exceptions as ex

    if isinstance(exc, aiohttp.ClientResponseError):  # incl. WSServerHandshakeError
        status = exc.status
        if status in (429, 503):
            return _Verdict(True, True, f"HTTP {status}")
        if status in (403, 408) or status >= 500:
            return _Verdict(True, False, f"HTTP {status}")
        return _Verdict(False, False, f"HTTP {status} {exc.message}".strip())
    if isinstance(exc, ex.NoAudioReceived):
        return _Verdict(True, False, "no audio received")
    if isinstance(exc, _Truncated):
        return _Verdict(True, False, "connection dropped mid-answer")
    if isinstance(exc, ex.EdgeTTSException):
        return _Verdict(True, False, f"{type(exc).__name__}: {exc}")
    if isinstance(exc, TimeoutError):
        return _Verdict(True, False, "timed out")
    if isinstance(exc, (aiohttp.ClientError, OSError)):
        return _Verdict(True, False, f"connection failed ({type(exc).__name__})")
    if isinstance(exc, VoiceError):  # damaged MP3
        return _Verdict(True, False, exc.what)
    return _Verdict(False, False, f"{type(exc).__name__}: {exc}")


class EdgeRequestFailed(VoiceError):
    """One request (one sentence) failed for good; the orchestrator names the segment."""

    def __init__(self, text: str, attempts: int, reason: str, *, retried: bool = True) -> None:
        self.text, self.attempts, self.reason = text, attempts, reason
        what = (f"edge-tts failed after {attempts} attempt(s): {reason}" if retried
                else f"edge-tts refused the request: {reason}")
        hint = (
            "check the network; if it is a 403, upgrade edge-tts (Microsoft changes the token); "
            "or use --engine espeak"
            if retried
            else "check the voice name (like zh-CN-YunyangNeural) and the rate (like +10%)"
        )
        super().__init__(what, hint=hint)

    def __reduce__(self) -> tuple[object, ...]:
        return (EdgeRequestFailed, (self.text, self.attempts, self.reason))


CommunicateFactory = Callable[..., Any]


class EdgeEngine:
    """edge-tts with one request per sentence, retries, and bounded concurrency.

    ``communicate_factory`` replaces ``edge_tts.Communicate`` (unit tests); ``sleep`` and
    ``rng`` make the backoff observable and deterministic. ``request_timeout`` bounds one
    attempt end to end, because a stalled service would otherwise hold a connection until
    edge-tts's socket timeout.
    """

    name = "edge"
    default_voice = DEFAULT_VOICE

    def __init__(
        self,
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
        retry: RetryPolicy = RetryPolicy(),
        connect_timeout: int = 10,
        receive_timeout: int = 60,
        request_timeout: float = 120.0,
        max_request_bytes: int = 1200,
        proxy: str | None = None,
        communicate_factory: CommunicateFactory | None = None,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        if not 1 <= concurrency <= MAX_CONCURRENCY:
            raise VoiceError(
                f"edge concurrency {concurrency} is out of range",
                hint=f"use 1 to {MAX_CONCURRENCY}: more parallel connections get an IP throttled",
            )
        self.max_concurrency = concurrency
        self.retry = retry
        self.connect_timeout = connect_timeout
        self.receive_timeout = receive_timeout
        self.request_timeout = request_timeout
        self.max_request_bytes = max_request_bytes
        self.proxy = proxy
        self._factory = communicate_factory
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._sem: asyncio.Semaphore | None = None
        self._sem_loop: asyncio.AbstractEventLoop | None = None
        self.attempts_made = 0
        """Requests sent, retries included (for summaries and tests)."""

    @property
    def version(self) -> str:
        import edge_tts

        return f"edge-tts {edge_tts.__version__}"

    def prepare(self, text: str) -> str:
        # The service reads numbers itself, and better than our rules would make it.
        return text

    def _semaphore(self) -> asyncio.Semaphore:
        # A semaphore binds to the loop it first waits on; callers may run several loops.
        loop = asyncio.get_running_loop()
        if self._sem is None or self._sem_loop is not loop:
            self._sem = asyncio.Semaphore(self.max_concurrency)
            self._sem_loop = loop
        return self._sem

    def _communicate(self, text: str, voice: str, rate: int) -> Any:
        factory = self._factory
        if factory is None:
            import edge_tts

            factory = edge_tts.Communicate
        return factory(
            text,
            voice,
            rate=format_rate(rate),
            boundary="SentenceBoundary",
            connect_timeout=self.connect_timeout,
            receive_timeout=self.receive_timeout,
            proxy=self.proxy,
        )

    async def _once(self, text: str, voice: str, rate: int) -> tuple[bytes, list[Boundary]]:
        """One attempt: a fresh Communicate, the whole stream, and a completeness check."""
        comm = self._communicate(text, voice, rate)
        self.attempts_made += 1
        mp3 = bytearray()
        bounds: list[Boundary] = []
        async for chunk in comm.stream():
            kind = chunk.get("type")
            if kind == "audio":
                mp3 += chunk["data"]
            elif kind in ("SentenceBoundary", "WordBoundary"):
                start = chunk["offset"] / TICKS_PER_MS
                end = (chunk["offset"] + chunk["duration"]) / TICKS_PER_MS
                bounds.append(Boundary("sentence" if kind == "SentenceBoundary" else "word", round(start), round(end),
                                       chunk["text"]))
        state = getattr(comm, "state", None)
        if isinstance(state,
                      dict) and "cumulative_audio_bytes" in state and state["cumulative_audio_bytes"] != len(mp3):
            raise _Truncated()
        return bytes(mp3), bounds

    async def request(self, text: str, *, voice: str, rate: int = 0) -> tuple[Audio, list[Boundary], int]:
        """One sentence with retries: (audio, boundaries, attempts used)."""
        from subtoolkit.audio.pcm import decode_mp3

        last = ""
        for attempt in range(1, self.retry.attempts + 1):
            try:
                async with self._semaphore():
                    mp3, bounds = await asyncio.wait_for(self._once(text, voice, rate), self.request_timeout)
                audio = await asyncio.to_thread(decode_mp3, mp3)
                return audio, bounds, attempt
            except Exception as exc:  # noqa: BLE001 - classified below; cancellation is not an Exception
                verdict = classify(exc)
                if not verdict.retry:
                    raise EdgeRequestFailed(text, attempt, verdict.reason, retried=False) from exc
                last = verdict.reason
                if attempt < self.retry.attempts:
                    await self._sleep(self.retry.delay(attempt, throttled=verdict.throttled, rng=self._rng))
        raise EdgeRequestFailed(text, self.retry.attempts, last)

    async def synthesize(self, text: str, *, voice: str, rate: int = 0) -> Synthesis:
        """The text sentence by sentence, joined into one audio with boundaries on its clock."""
        pieces = split_for_requests(text, self.max_request_bytes)
        if not any(speakable(p) for p in pieces):
            raise VoiceError(f"nothing to read in “{text[:40]}”", hint="a voiced segment needs letters or digits")
        pcm = bytearray()
        bounds: list[Boundary] = []
        attempts = 0
        for piece in pieces:
            audio, piece_bounds, used = await self.request(piece, voice=voice, rate=rate)
            attempts += used
            offset_ms = len(pcm) / 2 / SAMPLES_PER_MS
            if piece_bounds:
                bounds.extend(
                    Boundary(b.kind, round(b.start_ms + offset_ms), round(b.end_ms + offset_ms), b.text)
                    for b in piece_bounds
                )
            pcm += audio.pcm
        return Synthesis(Audio(bytes(pcm)), tuple(bounds), requests=attempts)

    async def probe(self, timeout: float = 5.0) -> str | None:
        """``None`` when the service answers a tiny request within ``timeout``, else why not.

        One attempt, no retries: ``auto`` wants a fast answer, not perseverance.
        """
        try:
            mp3, _ = await asyncio.wait_for(self._once("你好。", self.default_voice, 0), timeout)
        except Exception as exc:  # noqa: BLE001
            return classify(exc).reason
        return None if mp3 else "no audio received"
