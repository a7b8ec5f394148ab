"""The offline neural voice: FastSpeech2 + Multi-band MelGAN on LiteRT, read through our front end.

One model call turns a phrase's symbols (:mod:`subtoolkit.tts.pinyin`) into a mel spectrogram and
per-symbol durations; the vocoder turns the mel into 24 kHz audio, the internal format, so nothing
is resampled here. A segment is read phrase by phrase (sentences, and long sentences cut at their
commas) with short silences between, and each sentence gets a boundary with its script text.

Determinism: the acoustic model draws dropout noise from LiteRT's ``RANDOM_UNIFORM`` (see
:mod:`subtoolkit.tts.voices`). That op seeds its generator when the interpreter *prepares* it and
advances it on every run, so a second reading of the same text would differ. Every call therefore
makes the interpreter prepare again (a resize to a throw-away shape, then to the real one) and
the same text gives the same samples whatever was read before, in whichever worker.

Concurrency: each worker thread takes a private pair of interpreters from a pool (interpreters
are not thread-safe); LiteRT runs the graph without holding the GIL, so two workers use two cores.

Memory: an interpreter pair costs about 200 MB, most of it the vocoder's working memory, which
LiteRT never shrinks (see :data:`VOCODER_FRAMES`). The engine renders on its own threads, one per
worker (each thread that allocates gets its own malloc arena, and asyncio's shared pool would
spread the renders over six), and :meth:`NeuralEngine.release` gives the interpreters back once a
voiceover has rendered everything, before the whole-timeline work starts.
"""

from __future__ import annotations

import os
import queue
import sys
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property, lru_cache, partial
from pathlib import Path
from typing import Any

from subtoolkit.errors import VoiceError
from subtoolkit.tts.base import SAMPLES_PER_MS, Audio, Boundary, Synthesis
from subtoolkit.tts.pinyin import FRONT_END_REVISION, PinyinEntry, Reading, phrase_marks, read

HOP_SAMPLES = 300
"""Audio samples per mel frame (12.5 ms at 24 kHz): the unit of the model's durations."""
BASE_PACE = 1.1
"""Duration scale at rate +0%. The corpus voice reads about 5 syllables a second; documentary
narration, and the profiles' ``narration_rate``, is nearer 4 to 4.5."""
MIN_RATE, MAX_RATE = -50, 100
WRAPPER_REVISION = 2
"""Bump when this module changes how symbols become audio (pace, pauses, level conversion)."""
MAX_WORKERS = 4
VOCODER_FRAMES = 160
"""Mel frames (2 s of audio) the vocoder turns into sound at once; see :meth:`_Runtime.vocode`.
The vocoder's memory grows with its window (about 0.5 MB a frame, context included: 160 + 2 × 32
frames take some 50 MB less per worker than 240 + 2 × 32) and its work with the share of context
(about 6 % more vocoder time than 240); the samples are the same either way (measured)."""
VOCODER_CONTEXT = 32
"""Frames of context each side of a window: with 32 the joined audio equals one pass over the
whole mel sample for sample (measured); 16 already differs by under 1 % of full scale."""


def default_workers() -> int:
    """Interpreters run at once by default: one per core, at most :data:`MAX_WORKERS`."""
    return max(1, min(os.cpu_count() or 1, MAX_WORKERS))


_announced = threading.Lock()
_announced_done = False


@contextmanager
def _quiet_stderr_once() -> Iterator[None]:
    """Silence file descriptor 2 the first time LiteRT sets up its CPU delegate in this process:
    it prints an INFO line there that would land in the middle of the CLI's own output."""
    global _announced_done
    with _announced:
        if _announced_done:
            yield
            return
        _announced_done = True
        sys.stderr.flush()
        saved = os.dup(2)
        try:
            with open(os.devnull, "wb") as null:
                os.dup2(null.fileno(), 2)
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)


class _Runtime:
    """One acoustic + vocoder interpreter pair. Not thread-safe: one caller at a time."""

    def __init__(self, acoustic: Path, vocoder: Path, symbol_to_id: dict[str, int]) -> None:
        from ai_edge_litert.interpreter import Interpreter

        self.ids = symbol_to_id
        self.acoustic = Interpreter(model_path=str(acoustic), num_threads=1)
        with _quiet_stderr_once():
            self.acoustic.allocate_tensors()  # LiteRT announces its CPU delegate here, once per process
        self.vocoder = Interpreter(model_path=str(vocoder), num_threads=1)
        self._a_in = self.acoustic.get_input_details()
        outs = {d["name"]: d["index"] for d in self.acoustic.get_output_details()}
        try:
            self._mel, self._durations = outs["Identity_1"], outs["Identity_2"]  # mel after the postnet, durations
        except KeyError as exc:
            raise VoiceError(
                f"the acoustic model has no output {exc}", hint="reinstall the voice: subtoolkit voices install --force"
            ) from None
        self._v_in = self.vocoder.get_input_details()[0]["index"]
        self._v_out = self.vocoder.get_output_details()[0]["index"]

    def render(self, symbols: Sequence[str], pace: float) -> tuple[Any, Any]:
        """float32 audio at 24 kHz and the frames each symbol lasted."""
        mel, durations = self.mel(symbols, pace)
        return self.vocode(mel), durations

    def mel(self, symbols: Sequence[str], pace: float) -> tuple[Any, Any]:
        """The acoustic model alone: the mel spectrogram the vocoder would read, shape (1, frames,
        80), one frame per :data:`HOP_SAMPLES` of audio, and the frames each symbol lasted. A
        tenth of the vocoder's cost: what the aligner's reference needs (see :mod:`subtoolkit.align.melref`)."""
        import numpy as np

        try:
            ids = [self.ids[s] for s in symbols] + [self.ids["eos"]]
        except KeyError as exc:
            raise VoiceError(f"the voice has no symbol {exc}", hint="a front-end bug: please report the text") from None
        a = self.acoustic
        a.resize_tensor_input(self._a_in[0]["index"], [1, len(ids) + 1])  # forces a fresh prepare: see module notes
        a.resize_tensor_input(self._a_in[0]["index"], [1, len(ids)])
        a.allocate_tensors()
        inputs = (
            np.array([ids], np.int32),
            np.array([0], np.int32),  # speaker 0: the corpus has one
            np.array([pace], np.float32),
            np.array([1.0], np.float32),
            np.array([1.0], np.float32),
        )
        for detail, value in zip(self._a_in, inputs):
            a.set_tensor(detail["index"], value)
        a.invoke()
        mel = a.get_tensor(self._mel).copy()
        durations = a.get_tensor(self._durations).reshape(-1)[: len(symbols)].copy()
        return mel, durations

    def vocode(self, mel: Any) -> Any:
        """The vocoder over ``mel`` in windows of :data:`VOCODER_FRAMES` with
        :data:`VOCODER_CONTEXT` frames of context each side, cropped and joined.

        The vocoder's working memory grows with its input (about 0.5 MB a frame: 400 MB for an
        8-second phrase, per worker) and is never given back while the interpreter lives; windows
        bound it. It is convolutional, so with enough context a window's middle is the same as in
        one pass over the whole mel.
        """
        import numpy as np

        frames = mel.shape[1]
        out = []
        for start in range(0, frames, VOCODER_FRAMES):
            a, b = max(0, start - VOCODER_CONTEXT), min(frames, start + VOCODER_FRAMES + VOCODER_CONTEXT)
            v = self.vocoder
            v.resize_tensor_input(self._v_in, [1, b - a, mel.shape[2]])
            v.allocate_tensors()
            v.set_tensor(self._v_in, np.ascontiguousarray(mel[:, a:b]))
            v.invoke()
            wave = v.get_tensor(self._v_out).reshape(-1)
            keep = min(VOCODER_FRAMES, frames - start)
            out.append(wave[(start - a) * HOP_SAMPLES : (start - a + keep) * HOP_SAMPLES].copy())
        return np.concatenate(out)


@dataclass
class _Pool:
    """Interpreter pairs, made on demand up to ``size``, each used by one thread at a time."""

    acoustic: Path
    vocoder: Path
    ids: dict[str, int]
    size: int
    _free: queue.LifoQueue[_Runtime] = field(default_factory=queue.LifoQueue)
    _made: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @contextmanager
    def runtime(self) -> Iterator[_Runtime]:
        try:
            rt = self._free.get_nowait()
        except queue.Empty:
            with self._lock:
                make = self._made < self.size
                if make:
                    self._made += 1
            rt = _Runtime(self.acoustic, self.vocoder, self.ids) if make else self._free.get()
        try:
            yield rt
        finally:
            self._free.put(rt)

    def release(self) -> int:
        """Drop the idle interpreter pairs (made again on demand): their working memory, some
        200 MB each, goes back to the system. A pair in use is kept. Returns how many were dropped."""
        dropped = 0
        while True:
            try:
                self._free.get_nowait()
            except queue.Empty:
                break
            with self._lock:
                self._made -= 1
            dropped += 1
        if dropped:
            _trim_heap()
        return dropped


def _trim_heap() -> None:
    """Ask the C allocator to hand freed memory back to the system (glibc's ``malloc_trim``).

    glibc keeps much of what dropped interpreters freed (packed weights, many blocks under its
    mmap threshold) in its free lists, where the process's resident size still counts it: about
    150 MB after a two-worker run, measured. Elsewhere (no glibc) this does nothing.
    """
    import ctypes

    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError, TypeError):
        return
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    trim(0)


_pools_lock = threading.Lock()
"""Held while :func:`_pool` looks up or makes a pool: see :attr:`NeuralEngine.pool`."""


@lru_cache(maxsize=4)
def _pool(folder: str, size: int) -> _Pool:
    import json

    from subtoolkit.tts.voices import find_voice, runtime_problem

    problem = runtime_problem()
    if problem:
        raise VoiceError(problem)
    voice = find_voice(Path(folder).parent.parent, verify=True)
    if voice is None:
        raise VoiceError("the neural voice is not installed", path=folder, hint="run: subtoolkit voices install")
    ids = json.loads(voice.mapper.read_text(encoding="utf-8"))["symbol_to_id"]
    return _Pool(voice.acoustic, voice.vocoder, ids, size)


def to_pcm(samples: Any) -> bytes:
    """float audio in [-1, 1] to the internal s16le PCM (saturating)."""
    import numpy as np

    x = np.array(samples, dtype=np.float64)  # one float64 working copy, scaled, rounded and clipped in place
    x *= 32767.0
    np.rint(x, out=x)
    np.clip(x, -32768, 32767, out=x)
    return x.astype("<i2").tobytes()


def pace_for(rate: int) -> float:
    """The model's duration scale for a rate in percent (+25% reads in 1/1.25 of the time).

    >>> pace_for(0), round(pace_for(10), 4), pace_for(-50)
    (1.1, 1.0, 2.2)
    """
    if not MIN_RATE <= rate <= MAX_RATE:
        raise VoiceError(
            f"rate {rate:+d}% is outside what the neural voice can read",
            hint=f"use a rate between {MIN_RATE:+d}% and {MAX_RATE:+d}%",
        )
    return BASE_PACE * 100 / (100 + rate)


class NeuralEngine:
    """The offline neural Mandarin voice ``baker`` (see the module notes).

    ``pinyin`` entries (a user's pronunciation dictionary) win over the front end's own readings.
    ``root`` is the data folder the voice is installed in (default: the user's).
    """

    name = "neural"
    default_voice = "baker"

    def __init__(
        self, *, pinyin: Sequence[PinyinEntry] = (), root: Path | None = None, workers: int | None = None
    ) -> None:
        from subtoolkit.tts.voices import voice_dir

        self.entries = tuple(pinyin)
        self.folder = voice_dir(root)
        self.max_concurrency = workers or default_workers()
        self._pool: _Pool | None = None
        self._readings: dict[str, Reading] = {}
        self._threads: ThreadPoolExecutor | None = None
        self._threads_lock = threading.Lock()

    @property
    def pool(self) -> _Pool:
        """The interpreter pool, shared by engines of the same voice folder and size. Made under a
        lock: concurrent first renders each found no pool and made their own (``lru_cache`` does
        not hold back a second caller while the first computes), every one with its own ~200 MB
        interpreter pairs, four pairs for two workers (measured)."""
        if self._pool is None:
            with _pools_lock:
                if self._pool is None:
                    self._pool = _pool(str(self.folder), self.max_concurrency)
        return self._pool

    @cached_property
    def version(self) -> str:
        """Everything the samples depend on besides the text. Found once per engine: each cache
        key holds it (the aligner asks once per cue) and each package version is a METADATA file
        parsed by the email parser, half a millisecond apiece."""
        from importlib.metadata import version

        from subtoolkit.tts.voices import PREPARED, ACOUSTIC, VOCODER

        self.pool  # noqa: B018 - fails here, clearly, when the voice is missing or damaged
        return (
            f"baker {PREPARED[ACOUSTIC][:12]}/{PREPARED[VOCODER][:12]}; litert {version('ai-edge-litert')}; "
            f"pypinyin {version('pypinyin')}; jieba {version('jieba')}; front end r{FRONT_END_REVISION}; "
            f"pace {BASE_PACE}; r{WRAPPER_REVISION}"
        )

    def reading(self, text: str) -> Reading:
        hit = self._readings.get(text)
        if hit is None:
            hit = self._readings[text] = read(text, self.entries)
        return hit

    def prepare(self, text: str) -> str:
        """The symbols and pauses the model will read: dictionary edits re-render what they touch."""
        return self.reading(text).key()

    def readings(self, text: str) -> str:
        """Tone-numbered pinyin as read (the manifest's ``pinyin``)."""
        return self.reading(text).pinyin

    def synthesize_sync(self, text: str, *, voice: str | None = None, rate: int = 0) -> Synthesis:
        """Blocking synthesis (for callers without an event loop, and worker threads)."""
        if voice not in (None, self.default_voice):
            raise VoiceError(f"the neural engine has no voice {voice!r}", hint=f"use {self.default_voice}")
        pace = pace_for(rate)
        reading = self.reading(text)
        chunks: list[bytes] = []
        boundaries: list[Boundary] = []
        at = start = 0  # samples: so far, and where the current sentence began
        with self.pool.runtime() as rt:
            for k, phrase in enumerate(reading.phrases):
                samples, _durations = rt.render(phrase_marks(phrase), pace)
                pcm = to_pcm(samples)
                chunks.append(pcm)
                at += len(pcm) // 2
                if phrase.ends_sentence:
                    boundaries.append(
                        Boundary("sentence", start // SAMPLES_PER_MS, at // SAMPLES_PER_MS, phrase.sentence)
                    )
                if k < len(reading.phrases) - 1:
                    chunks.append(b"\x00\x00" * (phrase.pause_after_ms * SAMPLES_PER_MS))
                    at += phrase.pause_after_ms * SAMPLES_PER_MS
                    if phrase.ends_sentence:
                        start = at
        audio = Audio(b"".join(chunks))
        if audio.samples == 0:
            raise VoiceError(f"the neural voice produced no audio for “{text[:40]}”")
        return Synthesis(audio, tuple(boundaries))

    def mels_sync(self, text: str, *, rate: int = 0) -> list[tuple[Any, int]]:
        """What :meth:`synthesize_sync` would vocode, without vocoding it: each phrase's mel
        spectrogram (frames × 80, :data:`HOP_SAMPLES` of audio a frame) and the ms of silence laid
        after it. The same symbols, pace and pauses, so the audio :meth:`synthesize_sync` makes of
        the same text lasts exactly ``sum(frames) * HOP_SAMPLES`` samples plus the pauses."""
        pace = pace_for(rate)
        reading = self.reading(text)
        out: list[tuple[Any, int]] = []
        with self.pool.runtime() as rt:
            for k, phrase in enumerate(reading.phrases):
                mel, _durations = rt.mel(phrase_marks(phrase), pace)
                out.append((mel[0], phrase.pause_after_ms if k < len(reading.phrases) - 1 else 0))
        return out

    async def synthesize(self, text: str, *, voice: str, rate: int = 0) -> Synthesis:
        """:meth:`synthesize_sync` on the engine's own threads, one per worker (see the module notes)."""
        with self._threads_lock:
            if self._threads is None:
                self._threads = ThreadPoolExecutor(self.max_concurrency, thread_name_prefix="neural")
            threads = self._threads
        import asyncio  # here: the aligner and other synchronous callers never need the event loop's 12 ms import

        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(threads, partial(self.synthesize_sync, text, voice=voice, rate=rate))

    def release(self) -> None:
        """Give back the working memory of a finished run: the render threads and the idle
        interpreters. The engine stays usable; the next rendering makes them again (~0.1 s)."""
        with self._threads_lock:
            threads, self._threads = self._threads, None
        if threads is not None:
            threads.shutdown(wait=True, cancel_futures=True)  # after a failure: start nothing more
        if self._pool is not None:
            self._pool.release()


@lru_cache(maxsize=1)
def _default_engine() -> NeuralEngine:
    return NeuralEngine()


def synthesize(text: str, *, rate: int = 0, pinyin: Sequence[PinyinEntry] = ()) -> Synthesis:
    """Text to speech as a plain function: the installed voice, 24 kHz s16le mono PCM.

    For callers outside the voiceover (the aligner's reference voice): same text, same samples.
    """
    engine = NeuralEngine(pinyin=pinyin) if pinyin else _default_engine()
    return engine.synthesize_sync(text, rate=rate)


def render_pcm(text: str, *, rate: int = 0) -> bytes:
    """Just the PCM of :func:`synthesize` (24 kHz, mono, s16le)."""
    return synthesize(text, rate=rate).audio.pcm
