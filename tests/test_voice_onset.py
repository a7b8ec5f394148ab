"""The energy-based speech detector that cue starts will be snapped to."""

from __future__ import annotations

import numpy as np
from voice_support import concat, tone

from subtoolkit.tts.base import Audio
from subtoolkit.tts.espeak import EspeakEngine
from subtoolkit.audio.onset import speech_onsets, speech_regions, speech_span


def noise(ms: int, dbfs: float, seed: int = 0) -> Audio:
    rng = np.random.default_rng(seed)
    n = ms * 24
    x = rng.normal(0, 10 ** (dbfs / 20), n)
    return Audio(np.clip(np.rint(x * 32767), -32768, 32767).astype("<i2").tobytes())


def test_regions_of_a_synthetic_signal() -> None:
    audio = concat(Audio.silence(300), tone(500), Audio.silence(400), tone(200, dbfs=-25), Audio.silence(100))
    r = speech_regions(audio)
    assert [(x.start_ms, x.end_ms) for x in r] == [(300, 800), (1200, 1400)]
    assert speech_onsets(audio) == [300, 1200]
    span = speech_span(audio)
    assert span is not None and (span.start_ms, span.end_ms) == (300, 1400)


def test_noise_floor_short_gaps_and_clicks() -> None:
    floor = lambda ms, s=0: noise(ms, -70, s)  # noqa: E731 - hiss of a quiet room
    audio = concat(floor(250), tone(300), floor(80, 1), tone(300), floor(400, 2), tone(20), floor(300, 3))
    r = speech_regions(audio)
    # the 80 ms stop is bridged, the 20 ms click is dropped, the hiss is not speech
    assert [(x.start_ms, x.end_ms) for x in r] == [(250, 930)]
    assert speech_regions(floor(500)) == [] or all(x.duration_ms == 0 for x in speech_regions(floor(500)))
    assert speech_regions(Audio.silence(500)) == [] and speech_span(Audio()) is None


def test_onset_of_real_speech_after_a_lead_in() -> None:
    speech = EspeakEngine().synthesize_sync("安全生产是民生大事。").audio
    own = speech_span(speech)
    assert own is not None
    padded = concat(Audio.silence(250), speech, Audio.silence(400))
    span = speech_span(padded)
    assert span is not None
    assert abs(span.start_ms - (250 + own.start_ms)) <= 10
    assert abs(span.end_ms - (250 + own.end_ms)) <= 10
    assert span.end_ms <= 250 + speech.duration_ms + 10
