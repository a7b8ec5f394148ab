"""The aligner's reference voices: the offline neural voice when installed, espeak otherwise.

aeneas's route: the text is read by a synthetic voice whose timing we know, and the recording is
warped onto it. The voice layer's :class:`~subtoolkit.tts.espeak.EspeakEngine` (libespeak-ng
from a wheel, Mandarin ``cmn``, numbers verbalised the way a narrator reads them) needs no network
and no model download, which is what makes ``align`` usable in an edit suite. The neural voice (``subtoolkit voices
install``: FastSpeech2 + MB-MelGAN trained on a real speaker) is far nearer a human narrator than
espeak, so its readings give the aligner more contrast between right and wrong pairings; it is
the default when installed. Both are deterministic and offline; the report names the one used.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from subtoolkit.tts.text import speakable

if TYPE_CHECKING:
    from subtoolkit.align.reference import CueReference
    from subtoolkit.tts.base import Synthesis
    from subtoolkit.tts.cache import RenderCache
    from subtoolkit.tts.neural import NeuralEngine


@dataclass
class EspeakVoice:
    """Renders text with espeak-ng at ``rate`` percent off its normal pace (0 is the estimate's).

    libespeak-ng 1.52 is not bit-exact from call to call (the same sentence comes out a few
    samples longer or shorter, even after ``espeak_ng_SetRandSeed``), so two alignments of the
    same files can differ by a frame here and there; nothing the aligner reports depends on more.
    """

    rate: int = 0
    voice: str = "cmn"
    name: str = "espeak"

    def render(self, text: str) -> tuple[np.ndarray, int]:
        from subtoolkit.tts.base import SAMPLE_RATE
        from subtoolkit.tts.espeak import EspeakEngine

        if not speakable(text):
            return np.zeros(0, dtype=np.float32), SAMPLE_RATE  # nothing to say: no sound, no error
        return _samples(EspeakEngine().synthesize_sync(text, voice=self.voice, rate=self.rate))

    @property
    def version(self) -> str:
        from subtoolkit.tts.espeak import EspeakEngine

        return EspeakEngine().version



@dataclass
class NeuralVoice:
    """Renders text with the installed offline neural voice (24 kHz).

    With ``rendered`` (the voiceover's :class:`~subtoolkit.tts.cache.RenderCache`), a cue the
    scratch voiceover has already rendered is read from there instead of synthesised again: the
    voiceover renders one segment per cue, cut by the same planner the aligner uses, with this
    engine, and its cache key (:func:`~subtoolkit.tts.cache.segment_key`) holds everything that
    decides the samples (engine version, voice, pace, the symbols and pauses read, so a
    pronunciation dictionary that changes a cue's reading changes its key). A hit is therefore
    the very samples :meth:`render` would synthesise, and ``align`` after ``build`` reads the
    script in a fraction of the time. The cache is only read, never written.
    """

    rate: int = 0
    name: str = "neural"
    rendered: RenderCache | None = None

    def render(self, text: str) -> tuple[np.ndarray, int]:
        from subtoolkit.tts.base import SAMPLE_RATE
        from subtoolkit.tts.neural import _default_engine

        if not speakable(text):
            return np.zeros(0, dtype=np.float32), SAMPLE_RATE
        engine = _default_engine()
        synthesis = self._from_voiceover(engine, text)
        return _samples(synthesis if synthesis is not None else engine.synthesize_sync(text, rate=self.rate))

    def read_reference(self, text: str) -> CueReference | tuple[np.ndarray, int]:
        """The cue's analysed reading straight from the acoustic model's mel spectrogram, without
        the vocoder (:mod:`subtoolkit.align.melref`: a tenth of the cost); or, when the scratch
        voiceover has rendered the cue (``rendered``), those samples, which cost less still."""
        from subtoolkit.align.melref import features_from_mels
        from subtoolkit.align.reference import CueReference
        from subtoolkit.tts.base import SAMPLE_RATE
        from subtoolkit.tts.neural import _default_engine

        if not speakable(text):
            return np.zeros(0, dtype=np.float32), SAMPLE_RATE
        engine = _default_engine()
        hit = self._from_voiceover(engine, text)
        if hit is not None:
            return _samples(hit)
        frames, duration, onset, offset = features_from_mels(engine.mels_sync(text, rate=self.rate))
        return CueReference(text, frames, duration, onset, offset)

    def _from_voiceover(self, engine: NeuralEngine, text: str) -> Synthesis | None:
        """The cue as the scratch voiceover rendered it (``rendered``), or None."""
        if self.rendered is None:
            return None
        from subtoolkit.tts.cache import segment_key

        return self.rendered.get(segment_key(engine, engine.default_voice, self.rate, text))

    @property
    def version(self) -> str:
        from subtoolkit.align.melref import MAP_REVISION
        from subtoolkit.tts.neural import _default_engine

        return f"neural {_default_engine().version}; mel map r{MAP_REVISION}"

    @property
    def workers(self) -> int:
        """Cues read at once: the engine keeps one interpreter per core, each read without the GIL."""
        from subtoolkit.tts.neural import _default_engine

        return int(_default_engine().max_concurrency)


REFERENCES = ("auto", "neural", "espeak")


def reference_voice(name: str = "auto"):
    """The reference voice called ``name``; ``auto`` is the neural voice when it is installed."""
    from subtoolkit.errors import VoiceError
    from subtoolkit.tts.choose import neural_installed

    if name not in REFERENCES:
        raise VoiceError(f"unknown reference voice {name!r}", hint="use auto, neural or espeak")
    if name == "neural" or (name == "auto" and neural_installed()):
        if not neural_installed():
            from subtoolkit.tts.voices import runtime_problem

            problem = runtime_problem() or "the neural voice is not installed"
            raise VoiceError(problem, hint="run: subtoolkit voices install")
        return NeuralVoice()
    return EspeakVoice()


def _samples(synthesis: Synthesis) -> tuple[np.ndarray, int]:
    """A synthesis's 16-bit PCM as float samples in [-1, 1), at the engines' rate."""
    from subtoolkit.tts.base import SAMPLE_RATE

    return np.frombuffer(synthesis.audio.pcm, dtype="<i2").astype(np.float32) / 32768.0, SAMPLE_RATE
