"""The timeline assembler: exact timing, exact silences, levelled segments, WAV and MP3 out."""

from __future__ import annotations

import wave
from pathlib import Path

import pytest
from voice_support import concat, tone

from subtoolkit.errors import OutputError
from subtoolkit.tts.assemble import TrackPart, assemble, export_track
from subtoolkit.audio.pcm import decode_mp3, gated_rms_dbfs, peak_dbfs, pydub_audio_segment
from subtoolkit.tts.base import SAMPLES_PER_MS, Audio, Boundary
from subtoolkit.tts.espeak import EspeakEngine
from subtoolkit.audio.onset import speech_span


def odd_parts() -> list[TrackPart]:
    # Sample counts that are not whole milliseconds, mixed with placeholders and pauses.
    return [
        TrackPart(tone(0, samples=24_001, dbfs=-14), pause_after_ms=250,
                  boundaries=(Boundary("sentence", 10, 900, "甲"),)),
        TrackPart(None, silence_ms=1_337, pause_after_ms=0),
        TrackPart(tone(0, samples=7_213, dbfs=-30), pause_after_ms=333),
        TrackPart(None, silence_ms=2_000, pause_after_ms=120),
        TrackPart(tone(0, samples=12_000, dbfs=-20)),
    ]


def test_starts_are_the_sum_of_durations_and_pauses_sample_exact() -> None:
    parts = odd_parts()
    track = assemble(parts, target_dbfs=None)
    expected_durations = [1001, 1337, 301, 2000, 500]  # audio padded up to whole ms
    assert [p.duration_ms for p in track.placements] == expected_durations
    at = 0
    for part, pl, dur in zip(parts, track.placements, expected_durations):
        assert pl.start_ms == at
        if part.audio is not None:
            a = pl.start_ms * SAMPLES_PER_MS * 2
            # The audio is on the track byte for byte where the placement says.
            assert track.audio.pcm[a : a + len(part.audio.pcm)] == part.audio.pcm
        at += dur + part.pause_after_ms
    # No crossfade, nothing lost: the track is exactly the sum of its parts.
    assert track.audio.samples == at * SAMPLES_PER_MS
    assert track.duration_ms == 1001 + 250 + 1337 + 301 + 333 + 2000 + 120 + 500
    assert track.placements[0].boundaries == (Boundary("sentence", 10, 900, "甲"),)
    assert track.placements[2].start_ms == 1001 + 250 + 1337


def test_placeholders_and_pauses_are_exact_digital_silence() -> None:
    track = assemble(odd_parts(), target_dbfs=None)
    pl = track.placements[1]
    hole = track.slice(pl.start_ms - 250, pl.end_ms)  # the pause before it, then the placeholder
    assert hole.samples == (250 + 1337) * SAMPLES_PER_MS
    assert set(hole.pcm) == {0}
    # The pydub default (11025 Hz) would have given 14740 samples for 1337 ms, not 32088.
    assert pydub_audio_segment().silent(duration=1337).frame_rate == 11025


def test_loudness_is_normalised_across_segments() -> None:
    speech = EspeakEngine().synthesize_sync("生命重于泰山，人民的生命安全高于一切。").audio
    quiet_speech = Audio(speech.pcm)
    from subtoolkit.audio.pcm import apply_gain

    quiet_speech = apply_gain(speech, -18)
    parts = [
        TrackPart(tone(800, dbfs=-8), pause_after_ms=100),
        TrackPart(tone(800, dbfs=-34), pause_after_ms=100),
        TrackPart(speech, pause_after_ms=100),
        TrackPart(quiet_speech, pause_after_ms=100),
        TrackPart(None, silence_ms=500),
    ]
    before = [gated_rms_dbfs(p.audio) for p in parts if p.audio is not None]
    assert max(before) - min(before) > 20  # type: ignore[type-var, operator]
    track = assemble(parts, target_dbfs=-20.0)
    levels = [gated_rms_dbfs(track.slice(pl.start_ms, pl.end_ms)) for pl in track.placements[:4]]
    for level in levels:
        assert level is not None and abs(level - (-20.0)) < 0.5, levels
    assert track.placements[4].gain_db == 0.0
    assert peak_dbfs(track.audio) <= -1.0 + 0.01  # type: ignore[operator]


def test_gain_is_limited_by_the_peak_ceiling() -> None:
    # Quiet speech with one loud click: reaching -20 dB RMS would clip the click.
    quiet = tone(1000, dbfs=-40)
    click = tone(0, samples=48, dbfs=-3, freq=3000)
    audio = concat(quiet, click, quiet)
    track = assemble([TrackPart(audio)], target_dbfs=-20.0, peak_ceiling_dbfs=-1.0)
    assert peak_dbfs(track.audio) <= -1.0 + 0.01  # type: ignore[operator]
    assert track.placements[0].gain_db < 20


def test_wav_export_is_the_track_exactly(tmp_path: Path) -> None:
    track = assemble(odd_parts())
    path = export_track(track, tmp_path / "out" / "x.voiceover.wav")
    with wave.open(str(path), "rb") as w:
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (24_000, 1, 2)
        assert w.readframes(w.getnframes()) == track.audio.pcm
    assert [p.name for p in path.parent.iterdir()] == ["x.voiceover.wav"]  # no temporary left


def test_mp3_export_uses_the_bundled_ffmpeg(tmp_path: Path) -> None:
    import imageio_ffmpeg

    speech = EspeakEngine().synthesize_sync("生命重于泰山。").audio
    track = assemble([TrackPart(None, silence_ms=400), TrackPart(speech, pause_after_ms=300)])
    path = track.export(tmp_path / "x.voiceover.mp3")
    from subtoolkit.audio.ffmpeg import ffmpeg_exe

    assert ffmpeg_exe() == imageio_ffmpeg.get_ffmpeg_exe()
    assert pydub_audio_segment().converter != imageio_ffmpeg.get_ffmpeg_exe()  # no global patch of pydub
    data = path.read_bytes()
    assert data[:3] == b"ID3" or data[0] == 0xFF
    back = decode_mp3(data)
    assert abs(back.duration_ms - track.duration_ms) < 120  # encoder delay and padding only
    span = speech_span(back)
    assert span is not None and 380 < span.start_ms < 520


def test_export_refuses_unknown_formats_and_leaves_nothing(tmp_path: Path) -> None:
    track = assemble([TrackPart(None, silence_ms=10)])
    with pytest.raises(OutputError, match="unsupported"):
        export_track(track, tmp_path / "x.ogg")
    assert list(tmp_path.iterdir()) == []


def test_silences_are_exact_for_any_length() -> None:
    """24000 × 4.001 s in floating point is one sample short; every part must still land exactly."""
    from subtoolkit.tts.assemble import TrackPart, assemble

    parts = [TrackPart(None, ms, pause) for ms, pause in ((4001, 7), (1003, 0), (2999, 13), (1, 1))]
    track = assemble(parts, target_dbfs=None)
    starts = [p.start_ms for p in track.placements]
    assert starts == [0, 4008, 5011, 8023]
    assert track.duration_ms == 8025


def test_audio_repr_names_the_length_not_the_samples() -> None:
    """asyncio.run formats its finished task, result included, when it restores the SIGINT
    handler: a repr holding the samples made the sample's voiceover peak 1.5 GB higher."""
    minute = Audio.silence(60_000)
    assert repr(minute) == "Audio(1440000 samples, 60000 ms)"
    assert len(repr([minute] * 500)) < 20_000


def test_wav_is_written_from_the_track_as_wav_bytes_would_make_it(tmp_path: Path) -> None:
    # The WAV goes straight from the track's PCM into the file (no in-memory copy of an hour of
    # audio); its bytes, header included, are those of the in-memory writer.
    from subtoolkit.audio.ffmpeg import wav_bytes, write_wav

    track = assemble(odd_parts())
    path = write_wav(tmp_path / "x.wav", track.audio.pcm, rate=24_000)
    assert path.read_bytes() == wav_bytes(track.audio.pcm, rate=24_000)
    assert len(path.read_bytes()) == 44 + len(track.audio.pcm)


def test_cuts_are_laid_as_the_assembled_clips_would_be() -> None:
    # The voiceover lays stretches of the rendered track through views of it (one copy of the
    # speech, into the new track); the result is the track assembling copies of them would give.
    from subtoolkit.tts.assemble import Cut, lay_cuts

    source = assemble(odd_parts())
    cuts = [Cut(5, 700, 120), Cut(1_300, 80, 820), Cut(4_000, 300, 900), Cut(0, 3, 5_000)]
    for end_ms in (6_500, 4_000):  # silence to a later end; or the track ends with its last cut
        laid = lay_cuts(source.audio, cuts, end_ms)
        parts, at = [], 0
        for c in cuts:
            if parts:
                parts[-1] = TrackPart(parts[-1].audio, parts[-1].silence_ms, c.start_ms - at)
            else:
                parts.append(TrackPart(None, c.start_ms))
            parts.append(TrackPart(source.slice(c.source_ms, c.source_ms + c.duration_ms)))
            at = c.start_ms + c.duration_ms
        parts[-1] = TrackPart(parts[-1].audio, parts[-1].silence_ms, max(end_ms - at, 0))
        expected = assemble(parts, target_dbfs=None)
        assert laid.audio.pcm == expected.audio.pcm
        assert laid.duration_ms == max(end_ms, 5_003)
        assert [(p.start_ms, p.duration_ms) for p in laid.placements] == [(c.start_ms, c.duration_ms) for c in cuts]
    with pytest.raises(ValueError, match="overlapping"):
        lay_cuts(source.audio, [Cut(0, 100, 50), Cut(0, 100, 100)], 1_000)
    with pytest.raises(ValueError, match="past the end"):
        lay_cuts(source.audio, [Cut(source.duration_ms - 10, 20, 0)], 1_000)
