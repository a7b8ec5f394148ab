"""A loopback websocket server that speaks edge-tts's protocol, for tests and benchmarks.

The real service is unreachable in CI and unpredictable anyway, so the edge engine is tested
by pointing the *real* edge-tts client (``edge_tts.communicate.WSS_URL``) at this server. It
answers like the service: ``turn.start``, ``audio.metadata`` boundaries in 100-ns ticks,
binary frames (2-byte header length, headers, MP3 bytes) with 48 kbps CBR MP3 at 24 kHz, and
``turn.end``. It can also misbehave on demand: drop the connection (before or in the middle of
the audio), answer the handshake with an HTTP status (403/429/503…), send no audio, or stall.

Faults are given two ways, because an HTTP status must be chosen at the handshake, before the
client has said what it wants read:

- ``server.queue("429", "drop")``: the next connections, whatever their text, in order;
- ``server.on_text("第二句", "no_audio", "no_audio")``: connections whose text contains the
  given string (post-handshake faults only), in order; once used up, the text is answered.

Only loopback addresses are accepted.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import uuid
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import unescape

from subtoolkit.tts.base import SAMPLE_RATE, Audio

FRAME_BYTES = 144
"""One MPEG-2 layer III frame at 24 kHz and 48 kbps: 72 × 48000 / 24000 bytes, no padding."""
FRAME_MS = 24
"""576 samples at 24 kHz."""
LEAD_FRAMES = 4
"""Silence before and after the voice, as the service leaves (~100 ms)."""
PATH = "/consumer/speech/synthesize/readaloud/edge/v1"
TOKEN = "6A5AA1D4EAFF4E9FB37E23D68491D6F4"

Fault = Literal["ok", "drop", "drop_mid", "no_audio", "stall", "bad_frame"]
"""Post-handshake behaviours; a string of digits (``"429"``) answers the handshake with that
HTTP status instead."""


@dataclass
class ReceivedRequest:
    """What one connection asked for (after the handshake)."""

    text: str
    voice: str
    rate: str
    query: dict[str, str]
    config: dict[str, Any]
    fault: str = "ok"


@dataclass
class _State:
    requests: list[ReceivedRequest] = field(default_factory=list)
    connections: int = 0
    active: int = 0
    peak: int = 0
    handshake_faults: int = 0


def _tone_mp3(seconds: float) -> bytes:
    import numpy as np

    from subtoolkit.audio.pcm import encode_mp3

    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    # A vowel-ish tone: a 180 Hz fundamental with two harmonics, at about -12 dBFS.
    x = 0.25 * (np.sin(2 * np.pi * 180 * t) + 0.5 * np.sin(2 * np.pi * 360 * t) + 0.25 * np.sin(2 * np.pi * 540 * t))
    return encode_mp3(Audio((x * 32767 * 0.9).astype("<i2").tobytes()))


@lru_cache(maxsize=1)
def _frames() -> tuple[bytes, bytes]:
    """(tone frames, silence frames): bare CBR frame streams that can be cut at any frame."""
    from subtoolkit.audio.pcm import encode_mp3

    tone = _tone_mp3(30.0)
    silence = encode_mp3(Audio.silence(1000))
    for stream in (tone, silence):
        if len(stream) % FRAME_BYTES or any(stream[i] != 0xFF for i in range(0, len(stream), FRAME_BYTES)):
            raise RuntimeError("ffmpeg did not produce 144-byte CBR frames")
    return tone, silence


def _ticks(ms: float) -> int:
    return int(round(ms * 10_000))


def _text_message(path: str, body: str, request_id: str) -> str:
    return f"X-RequestId:{request_id}\r\nContent-Type:application/json; charset=utf-8\r\nPath:{path}\r\n\r\n{body}"


def _binary_message(audio: bytes, request_id: str, content_type: str | None = "audio/mpeg") -> bytes:
    # The service's layout: 2-byte length L, L bytes of headers ending in CRLF, then the audio.
    # edge-tts slices the headers as message[:L] (so the length bytes prefix the first header
    # and the final CRLF falls off) and the audio as message[L + 2:]: Path must not come first.
    headers = f"X-RequestId:{request_id}\r\n"
    if content_type:
        headers += f"Content-Type:{content_type}\r\n"
    headers += "X-StreamId:0\r\nPath:audio\r\n"
    head = headers.encode()
    return len(head).to_bytes(2, "big") + head + audio


def _parse_text_frame(data: str) -> tuple[dict[str, str], str]:
    head, _, body = data.partition("\r\n\r\n")
    headers = {}
    for line in head.split("\r\n"):
        k, _, v = line.partition(":")
        headers[k] = v
    return headers, body


def _parse_ssml(ssml: str) -> tuple[str, str, str]:
    import re

    voice = re.search(r"<voice name='([^']*)'>", ssml)
    rate = re.search(r"rate='([^']*)'", ssml)
    text = re.search(r"<prosody[^>]*>(.*)</prosody>", ssml, re.S)
    return (
        voice.group(1) if voice else "",
        rate.group(1) if rate else "",
        unescape(text.group(1), {"&apos;": "'", "&quot;": '"'}) if text else "",
    )


class FakeEdgeServer:
    """``async with FakeEdgeServer() as server:`` serves on 127.0.0.1 until the block ends.

    ``ms_per_char`` sets how long the answer to a text is (voiced characters only) in ``tone``
    mode; ``audio="espeak"`` answers with the espeak engine's rendering of the text instead
    (slower, but real speech with real pauses). ``latency_s`` delays every answer, as a
    distant service would.
    """

    def __init__(
        self,
        *,
        ms_per_char: float = 100.0,
        latency_s: float = 0.0,
        audio: Literal["tone", "espeak"] = "tone",
        chunk_frames: int = 8,
        host: str = "127.0.0.1",
    ) -> None:
        if host not in ("127.0.0.1", "::1", "localhost"):
            raise ValueError("the fake edge server listens on loopback only")
        self.ms_per_char = ms_per_char
        self.latency_s = latency_s
        self.audio_mode = audio
        self.chunk_frames = chunk_frames
        self.host = host
        self.state = _State()
        self._queue: deque[str] = deque()
        self._by_text: list[tuple[str, deque[str]]] = []
        self._runner: Any = None
        self.port = 0

    # -- scripting -------------------------------------------------------------------------

    def queue(self, *faults: str) -> None:
        """The next connections misbehave in this order (``"ok"`` answers normally)."""
        self._queue.extend(faults)

    def on_text(self, needle: str, *faults: str) -> None:
        """Connections whose text contains ``needle`` misbehave in this order."""
        for f in faults:
            if f.isdigit():
                raise ValueError("an HTTP status is chosen at the handshake, before the text is known: use queue()")
        self._by_text.append((needle, deque(faults)))

    @property
    def requests(self) -> list[ReceivedRequest]:
        return self.state.requests

    @property
    def peak_concurrency(self) -> int:
        return self.state.peak

    @property
    def wss_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"ws://{host}:{self.port}{PATH}?TrustedClientToken={TOKEN}"

    # -- lifecycle -------------------------------------------------------------------------

    async def __aenter__(self) -> FakeEdgeServer:
        from aiohttp import web

        if self.audio_mode == "tone":
            await asyncio.to_thread(_frames)
        app = web.Application()
        app.router.add_get(PATH, self._handle)
        self._runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=0.5, access_log=None)
        await self._runner.setup()
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.bind((self.host, 0))
        self.port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # -- serving ---------------------------------------------------------------------------

    def _next_fault(self, text: str | None) -> str | None:
        if text is None:
            return self._queue.popleft() if self._queue else None
        for needle, faults in self._by_text:
            if needle in text and faults:
                return faults.popleft()
        return None

    async def _handle(self, request: Any) -> Any:
        from aiohttp import WSMsgType, web

        st = self.state
        st.connections += 1
        st.active += 1
        st.peak = max(st.peak, st.active)
        try:
            fault = self._next_fault(None)
            if fault is not None and fault.isdigit():
                st.handshake_faults += 1
                await asyncio.sleep(self.latency_s / 4)
                return web.Response(status=int(fault), text=f"fake edge: HTTP {fault}")
            ws = web.WebSocketResponse(compress=True)
            await ws.prepare(request)
            config: dict[str, Any] = {}
            ssml = None
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                headers, body = _parse_text_frame(msg.data)
                if headers.get("Path") == "speech.config":
                    config = json.loads(body)
                elif headers.get("Path") == "ssml":
                    ssml = body
                    break
            if ssml is None:
                return ws
            voice, rate, text = _parse_ssml(ssml)
            by_text = self._next_fault(text)
            fault = by_text or fault or "ok"
            query = {k: v[0] for k, v in parse_qs(urlsplit(str(request.url)).query).items()}
            st.requests.append(ReceivedRequest(text, voice, rate, query, config, fault))
            if self.latency_s:
                await asyncio.sleep(self.latency_s)
            await self._answer(request, ws, text, config, fault)
            return ws
        finally:
            st.active -= 1

    async def _answer(self, request: Any, ws: Any, text: str, config: dict[str, Any], fault: str) -> None:
        rid = uuid.uuid4().hex
        if fault == "stall":
            await asyncio.sleep(3600)
            return
        if fault == "drop":
            request.transport.close()
            return
        await ws.send_str(_text_message("turn.start", '{"context":{"serviceTag":"fake"}}', rid))
        mp3, boundaries = await self._render(text)
        options = config.get("context", {}).get("synthesis", {}).get("audio", {}).get("metadataoptions", {})
        word = options.get("wordBoundaryEnabled") == "true"
        if fault != "no_audio":
            for start_ms, dur_ms, piece in boundaries:
                meta = {
                    "Metadata": [
                        {
                            "Type": "WordBoundary" if word else "SentenceBoundary",
                            "Data": {"Offset": _ticks(start_ms), "Duration": _ticks(dur_ms),
                                     "text": {"Text": piece, "Length": len(piece), "BoundaryType": "SentenceBoundary"}},
                        }
                    ]
                }
                await ws.send_str(_text_message("audio.metadata", json.dumps(meta, ensure_ascii=False), rid))
            step = self.chunk_frames * FRAME_BYTES
            chunks = [mp3[i : i + step] for i in range(0, len(mp3), step)]
            for n, chunk in enumerate(chunks):
                if fault == "drop_mid" and n >= max(1, len(chunks) // 2):
                    request.transport.close()
                    return
                if fault == "bad_frame" and n == 1:
                    await ws.send_bytes(b"\x00")
                    return
                await ws.send_bytes(_binary_message(chunk, rid))
            await ws.send_bytes(_binary_message(b"", rid, content_type=None))
        await ws.send_str(_text_message("turn.end", "{}", rid))
        await ws.close()

    async def _render(self, text: str) -> tuple[bytes, list[tuple[float, float, str]]]:
        """MP3 bytes for ``text`` and its sentence boundaries (start ms, duration ms, text)."""
        from subtoolkit.tts.text import speakable, split_sentences

        sentences = [s for s in split_sentences(text) if speakable(s)] or [text]
        if self.audio_mode == "espeak":
            from subtoolkit.audio.pcm import encode_mp3
            from subtoolkit.tts.espeak import EspeakEngine

            syn = await EspeakEngine().synthesize(text, voice="cmn")
            mp3 = await asyncio.to_thread(encode_mp3, syn.audio)
            return mp3, [(b.start_ms, b.end_ms - b.start_ms, b.text.strip()) for b in syn.boundaries]
        tone, silence = _frames()
        lead = silence[: LEAD_FRAMES * FRAME_BYTES]
        body = bytearray()
        boundaries = []
        at = LEAD_FRAMES * FRAME_MS
        for s in sentences:
            voiced = sum(1 for c in s if c.isalnum())
            frames = max(2, round(voiced * self.ms_per_char / FRAME_MS))
            boundaries.append((float(at), float(frames * FRAME_MS), s.strip()))
            # Each sentence restarts the tone stream: its first frame needs no bit reservoir.
            body += tone[: frames * FRAME_BYTES]
            at += frames * FRAME_MS
            body += silence[: 2 * FRAME_BYTES]  # a short pause between sentences
            at += 2 * FRAME_MS
        return bytes(lead + body + lead), boundaries


@contextmanager
def edge_tts_pointed_at(server: FakeEdgeServer) -> Iterator[None]:
    """Make the real edge-tts client talk to ``server`` for the duration of the block.

    edge-tts reads its module global ``WSS_URL`` at call time. Its aiohttp session trusts the
    environment, so loopback is added to ``NO_PROXY`` as well.
    """
    import edge_tts.communicate as comm

    old_url = comm.WSS_URL
    old_env = {k: os.environ.get(k) for k in ("NO_PROXY", "no_proxy")}
    comm.WSS_URL = server.wss_url
    for k in old_env:
        os.environ[k] = ",".join(x for x in ("127.0.0.1", "localhost", "::1", old_env[k]) if x)
    try:
        yield
    finally:
        comm.WSS_URL = old_url
        for k, v in old_env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
