"""The neural reference read from the acoustic model's mel spectrogram (``subtoolkit/align/melref.py``).

Without the voice: the frame grid, the silences and the sound's ends follow from the phrases'
lengths and the map. With the voice installed: the mel-derived features come near the vocoded
reading's analysis (the reference they replace), far nearer than unrelated frames, and the
renderer uses them without ever running the vocoder.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from subtoolkit.align.melref import (
    CONTEXT, INPUTS, MODEL_BANDS, OUTPUTS, distances_to_reading, features_from_mels, floor_features, shipped_map,
)
from subtoolkit.align.reference import CueReference, analyse_references, reference_renderer, sound_edges
from subtoolkit.audio.features import N_MELS


def _table(level: float) -> np.ndarray:
    """A map that reads the frame's own band 0 as every output, plus ``level``."""
    t = np.zeros((INPUTS + 1, OUTPUTS))
    t[CONTEXT * MODEL_BANDS, :] = 1.0
    t[-1, :] = level
    return t


def test_the_shipped_map_has_its_shape_and_is_not_trivial() -> None:
    m = shipped_map()
    assert m.shape == (INPUTS + 3, OUTPUTS)
    assert np.abs(m[:INPUTS]).max() > 0.1 and np.all(np.isfinite(m))
    assert np.all(np.diff(m[-2]) > 0) and np.all(np.diff(m[-1]) > 0)  # the energy's knots rise
    q = len(m[-1]) // 4  # over speech (the lowest quarter is the dither's floor), the measured range is the wider
    assert m[-1, -1] - m[-1, q] > m[-2, -1] - m[-2, q]


def test_frames_duration_and_silences_follow_the_phrases() -> None:
    mel = np.zeros((80, MODEL_BANDS))  # 1 s of constant sound, then 300 ms of pause, then 0.5 s
    frames, duration, onset, offset = features_from_mels([(mel, 300), (mel[:40], 0)], _table(10.0))
    assert duration == pytest.approx(1000 + 300 + 500)
    assert len(frames) == 180  # 10 ms frames
    floor_mel, floor_energy = floor_features()
    assert np.allclose(frames.logmel[5], np.logaddexp(10.0, floor_mel), atol=1e-4)
    assert np.allclose(frames.logmel[110:128], floor_mel, atol=1e-4)  # the pause reads as the dither alone
    assert frames.energy_db[115] == pytest.approx(floor_energy, abs=1e-3)
    assert (onset, offset) == (0.0, 1800.0)  # steady sound from the first frame to the last


def test_the_ends_of_the_sound_are_placed_between_frames_by_their_levels() -> None:
    mel = np.full((40, MODEL_BANDS), -100.0)
    mel[10:30, 0] = 0.0  # loud from frame 10 to 29 (125 ms to 375 ms)
    mel[9, 0] = -40.0  # the frame before is exactly at the edge level: the crossing is at its middle
    mel[30, 0] = -60.0  # the frame after is well below: the crossing is 2/3 of the way from frame 29
    _, _, onset, offset = features_from_mels([(mel, 0)], _table(0.0), edge_db=-40.0)
    assert onset == pytest.approx(9 * 12.5 + 6.25)
    assert offset == pytest.approx(29 * 12.5 + 6.25 + 12.5 * 40 / 60)


def test_the_renderer_takes_analysed_readings_as_they_come() -> None:
    """A voice answering with analysed readings for some texts and samples for others."""
    rate = 16000

    class Mixed:
        name = "mixed"

        def __init__(self) -> None:
            self.rendered: list[str] = []

        def render(self, text: str) -> tuple[np.ndarray, int]:
            self.rendered.append(text)
            t = np.arange(int(0.05 * len(text) * rate)) / rate
            return (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32), rate

        def read_reference(self, text: str) -> Any:
            if text.startswith("mel"):
                frames, duration, onset, offset = features_from_mels([(np.zeros((8, MODEL_BANDS)), 0)], _table(1.0))
                return CueReference(text, frames, duration, onset, offset)
            return self.render(text)

    voice = Mixed()
    refs = reference_renderer(voice)(["mel one", "audio one", "mel one", "audio two"])
    assert [r.text for r in refs] == ["mel one", "audio one", "mel one", "audio two"]
    assert voice.rendered == ["audio one", "audio two"]
    assert refs[0].duration_ms == pytest.approx(100.0) and len(refs[0].frames) == 10
    assert refs[1].duration_ms == pytest.approx(450.0) and refs[1].offset_ms > 400


# ---------------------------------------------------------------------------------------------
# with the voice


@pytest.fixture(scope="module")
def readings() -> list[tuple[list[tuple[np.ndarray, int]], np.ndarray]]:
    """Four cues of the sample's narration: each phrase's mel with its pause, and the vocoded audio
    the neural engine's own synthesis gives for the same text."""
    from subtoolkit.tts.choose import neural_installed

    if not neural_installed():
        pytest.skip("the neural voice is not installed (subtoolkit voices install)")
    from subtoolkit.tts.neural import _default_engine

    texts = ["一些人对安全的重视停留在口头上，事故就在松懈中发生。",
             "我们从中强烈地感受到，习近平总书记对安全生产念兹在兹，亲力亲为。",
             "数字也许枯燥，但最具说服力。",
             "二零二零年，全国共发生各类生产安全事故三万八千起，死亡两万七千四百一十二人。"]
    engine = _default_engine()
    out = []
    for text in texts:
        pcm = engine.synthesize_sync(text).audio.pcm
        out.append((engine.mels_sync(text), np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0))
    return out


def test_mel_features_come_near_the_vocoded_readings(readings) -> None:  # type: ignore[no-untyped-def]
    near, far, ends = [], [], []
    rng = np.random.default_rng(1)
    for phrases, audio in readings:
        ref = analyse_references([("", audio, 24000)])[0]
        frames, duration, onset, offset = features_from_mels(phrases)
        assert len(frames) == len(ref.frames) and duration == pytest.approx(ref.duration_ms, abs=0.05)
        d_near, d_far, keep = distances_to_reading(ref.frames, frames, rng)
        near += list(d_near)
        far += list(d_far)
        # the frames the aligner keeps are the same ones, give or take the edges of the sound
        kept = frames.energy_db > np.percentile(ref.frames.energy_db, 97) - 40
        assert np.mean(kept == keep) > 0.95
        on, off = sound_edges(audio, 24000)
        ends += [onset - on, offset - off]
    print(f"\n[mel reference] cepstral distance to the vocoded reading: median {np.median(near):.2f}, "
          f"unrelated frames {np.median(far):.2f}; sound ends |error| max {np.abs(ends).max():.1f} ms")
    assert np.median(near) < 0.45 * np.median(far)
    assert np.abs(ends).max() <= 20.0


def test_the_sound_starts_as_far_before_a_deep_threshold_as_in_the_vocoded_reading(readings) -> None:  # type: ignore[no-untyped-def]
    """What a cue start on a pause rests on (``hidden_lead`` in the aligner): how long the sound
    runs before its energy clears a clean recording's threshold, 45 dB under the speech level.
    The model's 50 ms mel windows smeared each onset into frames the analysis window cannot
    reach, so the threshold was crossed 10-20 ms early and neural cue starts came out late."""
    leads = []
    for phrases, audio in readings:
        ref = analyse_references([("", audio, 24000)])[0]
        frames, _, onset, _ = features_from_mels(phrases)
        level = float(np.percentile(ref.frames.energy_db, 97))
        first_voc = int(np.flatnonzero(ref.frames.energy_db > level - 45)[0]) * 10 - ref.onset_ms
        first_mel = int(np.flatnonzero(frames.energy_db > level - 45)[0]) * 10 - onset
        leads.append(first_mel - first_voc)
    print(f"\n[mel reference] lead before a -45 dB threshold, mel less vocoded: {np.round(leads).tolist()} ms")
    assert np.max(np.abs(leads)) <= 10


def test_the_neural_reference_never_runs_the_vocoder(readings, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from subtoolkit.align.voice import NeuralVoice
    from subtoolkit.tts.neural import _Runtime

    def refuse(self: Any, mel: Any) -> Any:
        raise AssertionError("the vocoder ran")

    monkeypatch.setattr(_Runtime, "vocode", refuse)
    text = "数字也许枯燥，但最具说服力。"
    ref = reference_renderer(NeuralVoice())([text])[0]
    assert ref.text == text and len(ref.frames) > 100 and ref.frames.logmel.shape[1] == N_MELS
    assert 0 < ref.onset_ms < ref.offset_ms <= ref.duration_ms
