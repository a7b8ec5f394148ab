"""The offline engine: real Mandarin speech from the bundled libespeak-ng, measured."""

from __future__ import annotations

import asyncio

import pytest

from subtoolkit.errors import VoiceError
from subtoolkit.audio.pcm import gated_rms_dbfs, peak_dbfs
from subtoolkit.tts.espeak import EspeakEngine
from subtoolkit.audio.onset import frame_levels_db, speech_span
from subtoolkit.tts.text import spoken_form, split_for_requests, split_sentences

SENTENCE = "生命重于泰山，人民的生命安全高于一切。"


@pytest.fixture(scope="module")
def engine() -> EspeakEngine:
    return EspeakEngine()


def duration(engine: EspeakEngine, text: str, rate: int = 0) -> float:
    return engine.synthesize_sync(text, rate=rate).audio.duration_ms


def test_speech_is_mandarin_not_tone_digits_in_english(engine: EspeakEngine) -> None:
    # Debian 12's espeak-ng 1.51 reads 命 as English "ming four"; 1.52 gives tone numbers.
    ph = engine.phonemes("生命重于泰山")
    assert "(en)" not in ph
    assert "m'i51N" in ph and "th'ai51" in ph
    assert engine.version.startswith("espeak-ng 1.52")


def test_audio_is_speech_not_silence(engine: EspeakEngine) -> None:
    syn = engine.synthesize_sync(SENTENCE)
    audio = syn.audio
    levels = frame_levels_db(audio)
    voiced = sum(1 for v in levels if v > -45) / len(levels)
    assert voiced > 0.6, voiced
    assert peak_dbfs(audio) > -20  # type: ignore[operator]
    level = gated_rms_dbfs(audio)
    assert level is not None and level > -35
    span = speech_span(audio)
    assert span is not None and span.start_ms < 100 and span.end_ms > audio.duration_ms - 300
    # 17 syllables at about 4 per second.
    assert 3000 < audio.duration_ms < 6000


def test_duration_grows_with_text(engine: EspeakEngine) -> None:
    one = duration(engine, SENTENCE)
    two = duration(engine, SENTENCE * 2)
    four = duration(engine, SENTENCE * 4)
    assert one < two < four
    assert 1.8 < two / one < 2.2
    assert 3.6 < four / one < 4.4


def test_duration_shrinks_with_a_faster_rate(engine: EspeakEngine) -> None:
    slow, normal, fast = (duration(engine, SENTENCE, r) for r in (-30, 0, 50))
    assert slow > normal > fast
    assert 1.3 < normal / fast < 1.7
    assert 1.2 < slow / normal < 1.6


def test_numbers_are_verbalised_before_synthesis(engine: EspeakEngine, monkeypatch: pytest.MonkeyPatch) -> None:
    from subtoolkit.tts import espeak

    assert engine.prepare("占80.6%，2020年") == "占百分之八十点六，二零二零年"
    with espeak._Library.session() as lib:
        # Unverbalised, espeak reads % in English; the engine never lets it see the raw form.
        assert "(en)" in lib.phonemes("占80.6%", "cmn")
    assert "(en)" not in engine.phonemes("占80.6%")
    seen: list[str] = []
    real = espeak._Library.synth
    monkeypatch.setattr(espeak._Library, "synth", lambda self, text, voice,
                        wpm: seen.append(text) or real(self, text, voice, wpm))
    a = engine.synthesize_sync("占80.6%").audio
    b = engine.synthesize_sync("占百分之八十点六").audio
    assert seen == ["占百分之八十点六", "占百分之八十点六"]
    assert a.pcm == b.pcm  # the same spoken text, the same audio


def test_audio_depends_on_the_text_alone(engine: EspeakEngine) -> None:
    """espeak-ng carries state from one synthesis into the next (pitch flutter, noise, wave
    phase); each synthesis must start as a new process would, whatever was said before."""
    text = "安全生产是民生大事，一丝一毫不能放松。"
    first = engine.synthesize_sync(text).audio.pcm
    engine.synthesize_sync("要以对人民极端负责的精神抓好安全生产工作，站在人民群众的角度想问题。")
    assert engine.synthesize_sync(text).audio.pcm == first
    assert engine.synthesize_sync(text, rate=20).audio.pcm != first


def test_sentence_boundaries_cover_the_audio_with_script_text(engine: EspeakEngine) -> None:
    text = "第一句话。第二句话比较长一些！2020年，第三句？"
    syn = engine.synthesize_sync(text)
    b = syn.boundaries
    assert [x.text for x in b] == ["第一句话。", "第二句话比较长一些！", "2020年，第三句？"]
    assert b[0].start_ms == 0 and b[-1].end_ms == round(syn.audio.duration_ms)
    assert all(x.end_ms == y.start_ms for x, y in zip(b, b[1:]))
    assert b[1].end_ms - b[1].start_ms > b[0].end_ms - b[0].start_ms


def test_async_interface_and_bad_parameters(engine: EspeakEngine) -> None:
    syn = asyncio.run(engine.synthesize("你好。", voice="cmn"))
    assert syn.audio.samples > 0
    with pytest.raises(VoiceError, match="no voice"):
        engine.synthesize_sync("你好", voice="no-such-voice")
    with pytest.raises(VoiceError, match="outside"):
        engine.synthesize_sync("你好", rate=200)
    with pytest.raises(VoiceError, match="no audio|nothing"):
        engine.synthesize_sync("")


def test_text_shaping() -> None:
    assert split_sentences("一。“二？”三") == ["一。", "“二？”", "三"]
    assert "".join(split_sentences("甲。乙！丙")) == "甲。乙！丙"
    assert spoken_form("ＧＤＰ增长5%") == "G D P增长百分之五"
    long = "这是一个没有任何标点的很长的句子" * 60
    pieces = split_for_requests(long, 300)
    assert "".join(pieces) == long and all(len(p.encode()) <= 300 for p in pieces)
