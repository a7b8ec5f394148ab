"""Offline Mandarin through the libespeak-ng that the ``espeakng-loader`` wheel ships (1.52).

Why the library and not the ``espeak-ng`` command: Debian 12's command is 1.51, whose ``cmn``
voice turns many characters into pinyin and then reads the tone digit in English ("ming
four"); 1.52's ``cmn`` is correct, and the wheel makes it a pip-only dependency with no model
download. Why ctypes and not a subprocess: the wheel has no executable.

libespeak-ng keeps its state in process globals (one voice, one rate, one callback), so every
synthesis holds a process-wide lock and runs in a worker thread to keep the event loop free.
Synthesis is ~500x faster than real time, so the lock costs nothing that matters.

Some of that state outlives a synthesis and no API call resets it, not even
``espeak_Terminate``/``espeak_Initialize``: C statics such as the pitch-flutter index, the noise
generator and the glottal wave phase carry over into the next text. The same text then sounds
slightly different (other samples, a length a few samples apart) depending on what the process
said before it — and a voiceover resumed from the cache, whose segments were rendered by other
runs, came out different from an uninterrupted one. So every synthesis gets the library loaded
afresh (``dlopen`` after ``dlclose``: under 2 ms), and a text's audio depends on nothing but the
text, voice and rate.

That alone is not enough: ``espeak_Initialize`` seeds espeak's own noise generator (the aspiration
and breath noise of ``wavegen.c``/``klatt.c``) from the wall clock, so the same text rendered in
another second came out with other noise samples. Every fresh library is therefore seeded with
:data:`NOISE_SEED` (``espeak_ng_SetRandSeed``, exported by 1.52) before it reads anything; the noise
is still noise, only the same noise every time. :func:`noise_seed` sets another seed for a while,
so a test can measure over many renderings of the same texts instead of one.
"""

from __future__ import annotations

import asyncio
import ctypes
import functools
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from subtoolkit.errors import VoiceError
from subtoolkit.audio.format import SAMPLE_RATE, Audio
from subtoolkit.tts.base import Boundary, Synthesis
from subtoolkit.tts.text import speakable, spoken_form, split_sentences

BASE_WPM = 205
"""espeak's words per minute at rate +0%. At 205 its cmn voice reads about 4 syllables a second
with pauses, the pace of documentary narration in the design notes (the library default, 175,
is a little slow)."""
MIN_WPM, MAX_WPM = 80, 450
"""espeak-ng's own limits; above 450 it silently stops speeding up."""
WRAPPER_REVISION = 3
"""Bump when this module changes how a text becomes audio (resampling, rate mapping; 2: a fresh
library for every synthesis, so cached audio no longer depends on what was rendered before it;
3: its noise generator seeded with :data:`NOISE_SEED`, not with the clock)."""
NOISE_SEED = 1
"""The seed of espeak's noise generator for every synthesis (see the module docstring)."""
_seed = NOISE_SEED

# speak_lib.h
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_POS_CHARACTER = 1
_CHARS_UTF8 = 1
_EVENT_LIST_TERMINATED = 0
_EVENT_SENTENCE = 2
_EVENT_END = 5
_EVENT_MSG_TERMINATED = 6
_PARAM_RATE = 1


class _Event(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", ctypes.c_char * 8),
    ]


_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event))


@dataclass
class _Raw:
    pcm: bytearray
    sentences: list[tuple[int, int]]  # (0-based character position in the spoken text, audio ms)
    end_ms: int


_LOCK = threading.Lock()
"""One libespeak-ng per process at a time: it keeps its state in process globals."""


@contextmanager
def noise_seed(seed: int) -> Iterator[None]:
    """Seed espeak's noise generator with ``seed`` instead of :data:`NOISE_SEED` in this block
    (process-wide: tests measure over seeds with it; production code has no reason to)."""
    global _seed
    before, _seed = _seed, seed
    try:
        yield
    finally:
        _seed = before


class _Library:
    """The library loaded and initialised for one use (see the module docstring for why).

    Open it with :meth:`session`, which holds the process-wide lock and unloads it afterwards.
    """

    def __init__(self) -> None:
        try:
            import espeakng_loader
        except ImportError as exc:  # pragma: no cover - it is a hard dependency
            raise VoiceError("the espeak engine needs the espeakng-loader package",
                             hint="pip install espeakng-loader") from exc
        try:
            lib = ctypes.CDLL(espeakng_loader.get_library_path())
            data_path = espeakng_loader.get_data_path()
        except (OSError, RuntimeError) as exc:
            raise VoiceError(f"cannot load libespeak-ng ({exc})", hint="reinstall espeakng-loader") from exc
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_Initialize.restype = ctypes.c_int
        lib.espeak_Info.argtypes = [ctypes.c_void_p]
        lib.espeak_Info.restype = ctypes.c_char_p
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetVoiceByName.restype = ctypes.c_int
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_SetParameter.restype = ctypes.c_int
        lib.espeak_SetSynthCallback.argtypes = [_CALLBACK]
        lib.espeak_SetSynthCallback.restype = None
        lib.espeak_Synth.argtypes = [
            ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int, ctypes.c_uint,
            ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p,
        ]
        lib.espeak_Synth.restype = ctypes.c_int
        lib.espeak_Synchronize.restype = ctypes.c_int
        lib.espeak_TextToPhonemes.argtypes = [ctypes.POINTER(ctypes.c_void_p), ctypes.c_int, ctypes.c_int]
        lib.espeak_TextToPhonemes.restype = ctypes.c_char_p
        lib.espeak_ng_SetRandSeed.argtypes = [ctypes.c_long]
        lib.espeak_ng_SetRandSeed.restype = ctypes.c_int
        rate = lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, data_path.encode(), 0)
        if rate <= 0:
            raise VoiceError(f"libespeak-ng failed to initialise with data at {data_path}",
                             hint="reinstall espeakng-loader")
        lib.espeak_ng_SetRandSeed(_seed)  # after Initialize, which seeds it from the clock
        self.lib = lib
        self.rate = rate
        self.version = (lib.espeak_Info(None) or b"?").decode()
        self._sink: _Raw | None = None
        # Keep a reference: a collected ctypes callback would crash the process.
        self._callback = _CALLBACK(self._on_audio)
        lib.espeak_SetSynthCallback(self._callback)

    @classmethod
    @contextmanager
    def session(cls) -> Iterator[_Library]:
        """The library freshly loaded, for this caller alone; unloaded when the block ends, so the
        next session starts from the state a new process would have."""
        with _LOCK:
            lib = cls()
            try:
                yield lib
            finally:
                lib._unload()

    def _unload(self) -> None:
        """Terminate and unload; the next ``CDLL`` of the path maps the library anew, statics reset."""
        import _ctypes

        self.lib.espeak_Terminate()
        handle = self.lib._handle
        del self.lib
        if sys.platform.startswith("win"):
            _ctypes.FreeLibrary(handle)  # type: ignore[attr-defined]
        else:
            _ctypes.dlclose(handle)

    def _on_audio(self, wav: Any, count: int, events: Any) -> int:
        sink = self._sink
        if sink is None:
            return 1  # nobody is listening: abort
        if wav and count > 0:
            sink.pcm += ctypes.string_at(wav, count * 2)
        i = 0
        while events[i].type != _EVENT_LIST_TERMINATED:
            ev = events[i]
            if ev.type == _EVENT_SENTENCE:
                sink.sentences.append((ev.text_position - 1, ev.audio_position))
            elif ev.type in (_EVENT_END, _EVENT_MSG_TERMINATED):
                sink.end_ms = max(sink.end_ms, ev.audio_position)
            i += 1
        return 0

    def phonemes(self, text: str, voice: str) -> str:
        """espeak's phoneme mnemonics for ``text``, clause by clause (diagnostics and tests)."""
        buf = ctypes.create_string_buffer(text.encode("utf-8"))
        ptr = ctypes.c_void_p(ctypes.addressof(buf))
        out: list[str] = []
        if self.lib.espeak_SetVoiceByName(voice.encode()) != 0:
            raise VoiceError(f"espeak-ng has no voice {voice!r}", hint="use cmn (Mandarin) or yue (Cantonese)")
        while ptr.value:
            res = self.lib.espeak_TextToPhonemes(ctypes.byref(ptr), _CHARS_UTF8, 0)
            out.append((res or b"").decode("utf-8", errors="replace").strip())
        return " ".join(x for x in out if x)

    def synth(self, text: str, voice: str, wpm: int) -> _Raw:
        data = text.encode("utf-8")
        if self.lib.espeak_SetVoiceByName(voice.encode()) != 0:
            raise VoiceError(f"espeak-ng has no voice {voice!r}", hint="use cmn (Mandarin) or yue (Cantonese)")
        self.lib.espeak_SetParameter(_PARAM_RATE, wpm, 0)
        self._sink = _Raw(bytearray(), [], 0)
        try:
            err = self.lib.espeak_Synth(data, len(data) + 1, 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None)
            if err == 0:
                err = self.lib.espeak_Synchronize()
            raw = self._sink
        finally:
            self._sink = None
        if err != 0:
            raise VoiceError(f"espeak-ng failed (error {err})", hint="report the text that caused it")
        return raw


@functools.lru_cache(maxsize=1)
def _library_version() -> str:
    with _Library.session() as lib:
        return lib.version


def resample_to_internal(pcm: bytes | bytearray, rate: int) -> Audio:
    """Linear-interpolation resampling of s16 mono PCM to the internal 24 kHz.

    espeak's formant voice has little energy near Nyquist, so linear interpolation is
    transparent enough for a scratch track and avoids a dependency on scipy or a subprocess.
    """
    if rate == SAMPLE_RATE or not pcm:
        return Audio(bytes(pcm))
    import numpy as np

    src = np.frombuffer(bytes(pcm), dtype="<i2").astype(np.float64)
    n_out = max(1, round(len(src) * SAMPLE_RATE / rate))
    x = np.arange(n_out) * (rate / SAMPLE_RATE)
    out = np.interp(x, np.arange(len(src)), src)
    return Audio(np.clip(np.rint(out), -32768, 32767).astype("<i2").tobytes())


class EspeakEngine:
    """Offline Mandarin (voice ``cmn``; ``yue`` for Cantonese) from the bundled libespeak-ng.

    Rates map to words per minute around :data:`BASE_WPM`; a rate outside espeak's range is an
    error rather than a silent clamp. Boundaries: one sentence boundary per sentence of the
    script text, timed by espeak's own sentence events (espeak has no usable word events for
    Chinese: it reports one-character lengths for multi-character words).
    """

    name = "espeak"
    default_voice = "cmn"
    max_concurrency = 1

    @property
    def version(self) -> str:
        return f"espeak-ng {_library_version()}; wpm {BASE_WPM}; r{WRAPPER_REVISION}"

    def prepare(self, text: str) -> str:
        return "".join(spoken_form(p) for p in split_sentences(text))

    @staticmethod
    def wpm(rate: int) -> int:
        """Words per minute for a rate in percent.

        >>> EspeakEngine.wpm(0), EspeakEngine.wpm(20), EspeakEngine.wpm(-50)
        (205, 246, 102)
        """
        wpm = round(BASE_WPM * (100 + rate) / 100)
        if not MIN_WPM <= wpm <= MAX_WPM:
            lo = -(100 - MIN_WPM * 100 // BASE_WPM)
            hi = MAX_WPM * 100 // BASE_WPM - 100
            raise VoiceError(f"rate {rate:+d}% is outside what espeak-ng can speak",
                             hint=f"use a rate between {lo:+d}% and {hi:+d}%")
        return wpm

    def synthesize_raw(self, text: str, *, voice: str | None = None, rate: int = 0
                       ) -> tuple[_Raw, int, list[str], list[str]]:
        """espeak's own samples (at its own rate, returned too), with the sentence pieces read."""
        voice = voice or self.default_voice
        wpm = self.wpm(rate)
        if not speakable(text):
            raise VoiceError(f"nothing to read in “{text[:40]}”", hint="a voiced segment needs letters or digits")
        pieces = split_sentences(text)
        spoken = [spoken_form(p) for p in pieces]
        with _Library.session() as lib:
            raw = lib.synth("".join(spoken), voice, wpm)
            rate_hz = lib.rate
        return raw, rate_hz, pieces, spoken

    def synthesize_sync(self, text: str, *, voice: str | None = None, rate: int = 0) -> Synthesis:
        """Blocking synthesis, for callers without an event loop."""
        raw, raw_rate, pieces, spoken = self.synthesize_raw(text, voice=voice, rate=rate)
        audio = resample_to_internal(raw.pcm, raw_rate)
        if audio.samples == 0:
            raise VoiceError(f"espeak-ng produced no audio for “{text[:40]}”", hint="the text may have nothing to read")
        return Synthesis(audio, _sentence_boundaries(pieces, spoken, raw.sentences, audio.duration_ms))

    async def synthesize(self, text: str, *, voice: str, rate: int = 0) -> Synthesis:
        return await asyncio.to_thread(self.synthesize_sync, text, voice=voice, rate=rate)

    def phonemes(self, text: str, voice: str | None = None) -> str:
        """What espeak will say, as phoneme mnemonics: ``生命`` → ``s.'@55N m'i51N``.

        A Mandarin reading has tone numbers on syllables; the Debian 1.51 bug shows up here as
        ``(en)`` switches ("ming four").
        """
        with _Library.session() as lib:
            return lib.phonemes(spoken_form(text), voice or self.default_voice)


def _sentence_boundaries(
    pieces: list[str], spoken: list[str], events: list[tuple[int, int]], total_ms: float
) -> tuple[Boundary, ...]:
    """Map espeak's sentence events (positions in the spoken text) back to the script's pieces.

    Each piece starts at its first sentence event; a piece espeak did not treat as a sentence of
    its own is merged into the one before, so no script text is left without a time.
    """
    spans: list[tuple[int, int]] = []  # spoken-text char span of each piece
    pos = 0
    for s in spoken:
        spans.append((pos, pos + len(s)))
        pos += len(s)
    starts: dict[int, int] = {}
    for char_pos, ms in events:
        for i, (a, b) in enumerate(spans):
            if a <= char_pos < b:
                starts.setdefault(i, ms)
                break
    timed: list[tuple[int, str]] = []
    for i, piece in enumerate(pieces):
        if i in starts and (not timed or starts[i] > timed[-1][0]):
            timed.append((starts[i], piece))
        elif timed:
            timed[-1] = (timed[-1][0], timed[-1][1] + piece)
        else:
            timed.append((0, piece))
    end = int(round(total_ms))
    out: list[Boundary] = []
    for k, (start, piece) in enumerate(timed):
        stop = timed[k + 1][0] if k + 1 < len(timed) else end
        out.append(Boundary("sentence", min(start, end), min(stop, end), piece))
    return tuple(out)
