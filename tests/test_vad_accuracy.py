"""The speech detector against the truth, in noise, on three voices; and the same detector timing
the voiceover's cues.

Sessions are built as the aligner's tests build theirs (``align_helpers.build_session``): three
narration blocks read a piece at a time, with pauses and breaths between, at 16 kHz, clean and
under pink noise 20 dB below the speech. The truth is where the builder put each piece:

- **found**: the share of frames inside a piece that the detector marks as speech;
- **marked**: the share of pause frames (gaps of 150 ms or more between pieces, less 50 ms at
  each edge, breaths included) that it marks as speech.

The bar is 95 % found and at most 5 % marked, at 20 dB and clean, for the neural voice and for
espeak. The human recording (``../shared/dev-audio``, six readings as three speakers) is one
utterance whose own inner pauses (up to 300 ms, 25–40 dB under its peak) count as speech in its
truth and sink under the noise at 20 dB, so its bar for speech found there is 90 %. No setting of
the detector is tuned to one of them: the same defaults read all three. Run with ``-s`` for the
figures.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from align_helpers import ROOT, SAMPLE, Clip, build_session, human_clip, mini_script

from subtoolkit.align.plan import block_text, narration_blocks
from subtoolkit.audio.decode import decode
from subtoolkit.audio.features import analyse, voicing_at
from subtoolkit.audio.format import Audio
from subtoolkit.audio.onset import speech_span
from subtoolkit.audio.vad import detect
from subtoolkit.text.ingest import read_source
from subtoolkit.text.parse import parse_lines

SHARED = ROOT.parent / "shared"
RATE = 16000
PAUSE_MS, COLLAR_MS = 150.0, 50.0


@dataclass(frozen=True)
class Scored:
    found: float
    marked: float
    minutes: float
    detect_s: float
    analyse_s: float


class _Once:
    """A reader that renders each text once: the clean and the noisy session read the same."""

    def __init__(self, reader: object) -> None:
        self.reader, self.memo = reader, {}  # type: ignore[var-annotated]
        self.whole = getattr(reader, "whole", False)

    def render(self, text: str) -> tuple[np.ndarray, int]:
        if text not in self.memo:
            self.memo[text] = self.reader.render(text)  # type: ignore[attr-defined]
        return self.memo[text]  # type: ignore[no-any-return]


def _best(fn, repeat: int = 5) -> float:  # type: ignore[no-untyped-def]
    """CPU seconds of the fastest of ``repeat`` runs (the least disturbed on a shared machine)."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.process_time()
        fn()
        best = min(best, time.process_time() - t0)
    return best


def _score(x: np.ndarray, atoms: list[tuple[float, float]]) -> Scored:
    frames = analyse(x, RATE, with_voicing=False)
    speech = detect(frames, voicing_of=lambda idx: voicing_at(x, RATE, idx))
    detect_s = _best(lambda: detect(frames, voicing_of=lambda idx: voicing_at(x, RATE, idx)))
    analyse_s = _best(lambda: analyse(x, RATE, with_voicing=False))
    n = len(frames)
    got = speech.mask(n)
    t = np.arange(n) * 10.0 + 5.0
    truth = np.zeros(n, dtype=bool)
    pause = np.zeros(n, dtype=bool)
    for a, b in atoms:
        truth |= (t >= a) & (t < b)
    for end, start in zip([0.0] + [b for _, b in atoms], [a for a, _ in atoms] + [n * 10.0]):
        if start - end >= PAUSE_MS:
            pause |= (t >= end + COLLAR_MS) & (t < start - COLLAR_MS)
    assert truth.sum() > 1000 and pause.sum() > 300  # enough of both to score
    return Scored(float(got[truth].mean()), float(got[pause].mean()), len(x) / RATE / 60, detect_s, analyse_s)


def _sessions(name: str, tmp: Path, readers_of) -> dict[str, Scored]:  # type: ignore[no-untyped-def]
    """Score the voice ``name`` clean and at 20 dB (same reading, same pauses)."""
    script, blocks, readers = readers_of(tmp)
    out: dict[str, Scored] = {}
    for cond, snr in (("clean", None), ("20 dB", 20.0)):
        s = build_session(script, tmp / cond.replace(" ", ""), blocks=blocks, readers=readers, snr_db=snr,
                          sample_rate=RATE, seed=11)
        out[cond] = _score(decode(s.files[0]).samples, [(a.onset_ms, a.offset_ms) for a in s.atoms])
        sc = out[cond]
        print(f"\n[vad] {name}, {cond}: {sc.found:.1%} of speech found, {sc.marked:.1%} of pauses marked "
              f"({sc.minutes:.1f} min; detector {sc.detect_s / sc.minutes:.3f} s/min, "
              f"{sc.detect_s / sc.analyse_s:.2f}x the frame analysis)")
    return out


def _mini(tmp: Path, make) -> tuple[object, list[int], dict[int, object]]:  # type: ignore[no-untyped-def]
    script = parse_lines(read_source(mini_script(tmp)).lines)
    blocks = narration_blocks(script)[:3]
    return script, blocks, {b: _Once(make()) for b in blocks}


@pytest.fixture(scope="module")
def neural(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Scored]:
    from subtoolkit.align.voice import NeuralVoice
    from subtoolkit.tts.choose import neural_installed

    if not neural_installed():
        pytest.skip("the neural voice is not installed (subtoolkit voices install)")
    return _sessions("neural voice", tmp_path_factory.mktemp("vad-neural"), lambda tmp: _mini(tmp, NeuralVoice))


@pytest.fixture(scope="module")
def espeak(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Scored]:
    from subtoolkit.align.voice import EspeakVoice

    return _sessions("espeak", tmp_path_factory.mktemp("vad-espeak"), lambda tmp: _mini(tmp, EspeakVoice))


def _human(tmp: Path) -> tuple[object, list[int], dict[int, object]]:
    text, samples, rate = human_clip(SHARED)
    path = tmp / "human.txt"
    path.write_text("解说词：\n《测试》\n" + (text + "\n") * 6, encoding="utf-8")
    script = parse_lines(read_source(path).lines)
    blocks = narration_blocks(script)
    speakers = (1.0, 1.12, 0.92, 1.0, 1.06, 0.96)  # as itself, lower and slower, higher and faster
    return script, blocks, {b: Clip(text, samples, rate, k) for b, k in zip(blocks, speakers)}


@pytest.fixture(scope="module")
def human(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Scored]:
    return _sessions("human recording", tmp_path_factory.mktemp("vad-human"), _human)


@pytest.mark.parametrize("cond", ["20 dB", "clean"])
def test_the_neural_voice_is_found_and_its_pauses_left_alone(neural: dict[str, Scored], cond: str) -> None:
    assert neural[cond].found >= 0.95 and neural[cond].marked <= 0.05


@pytest.mark.parametrize("cond", ["20 dB", "clean"])
def test_espeak_is_found_and_its_pauses_left_alone(espeak: dict[str, Scored], cond: str) -> None:
    assert espeak[cond].found >= 0.95 and espeak[cond].marked <= 0.05


def test_a_human_voice_is_found_and_its_pauses_left_alone(human: dict[str, Scored]) -> None:
    assert human["clean"].found >= 0.95 and human["clean"].marked <= 0.05
    assert human["20 dB"].found >= 0.90 and human["20 dB"].marked <= 0.05


# ---------------------------------------------------------------------------------------------
# the same detector times the voiceover's cues


@pytest.mark.parametrize("rate", [16000, 24000, 44100])
def test_the_energy_the_onsets_read_is_the_aligners(rate: int) -> None:
    """``energy_frames`` (the cue timer's cheaper path) gives the frame analysis' own energy."""
    from subtoolkit.audio.vad import energy_frames

    rng = np.random.default_rng(rate)
    x = (rng.normal(size=rate * 3) * np.repeat(rng.uniform(0.001, 0.3, 30), rate // 10)).astype(np.float32)
    ours, theirs = energy_frames(x, rate).energy_db, analyse(x, rate, with_voicing=False).energy_db
    assert ours.shape == theirs.shape and np.max(np.abs(ours - theirs)) < 1e-3


def _cues(k: int) -> list[str]:
    script = parse_lines(read_source(SAMPLE).lines)
    pieces: list[str] = []
    for b in narration_blocks(script):
        pieces += [p for p in re.split(r"(?<=[，。！？；])", block_text(script.blocks[b])) if len(p) >= 4]
    return pieces[:k]


def _true_span(x: np.ndarray) -> tuple[float, float]:
    """The tests' convention (``align_helpers``: within 40 dB of the peak of the 5 ms envelope),
    read on 1 ms blocks (24 kHz)."""
    n5, n1 = len(x) // 120, len(x) // 24
    peak = np.sqrt(np.mean(x[: n5 * 120].reshape(n5, 120) ** 2, axis=1)).max()
    env = np.sqrt(np.mean(x[: n1 * 24].reshape(n1, 24) ** 2, axis=1))
    on = np.flatnonzero(env > peak * 10 ** (-40 / 20))
    return float(on[0]), float(on[-1] + 1)


def _pcm(x: np.ndarray) -> Audio:
    return Audio(np.clip(np.rint(x * 32767), -32768, 32767).astype("<i2").tobytes())


@pytest.mark.parametrize("engine", ["espeak", "neural"])
def test_cue_onsets_are_read_to_the_millisecond_and_hold_in_noise(engine: str) -> None:
    """Rendered cues of the sample: their speech found within a few ms of the truth, clean; and
    under pink noise 20 dB down (a render mixed into a room), still within a frame or two, where
    a threshold set from the loudest frame alone would take the noise for speech."""
    from align_helpers import _pink

    if engine == "neural":
        from subtoolkit.tts.choose import neural_installed
        from subtoolkit.tts.neural import synthesize

        if not neural_installed():
            pytest.skip("the neural voice is not installed (subtoolkit voices install)")
        renders = [synthesize(t).audio for t in _cues(24)]
    else:
        from subtoolkit.tts.espeak import EspeakEngine

        eng = EspeakEngine()
        renders = [eng.synthesize_sync(t).audio for t in _cues(24)]
    rng = np.random.default_rng(3)
    clean: list[float] = []
    starts: list[float] = []
    ends: list[float] = []
    for a in renders:
        x = np.frombuffer(a.pcm, dtype="<i2").astype(np.float32) / 32768.0
        truth = _true_span(x)
        span = speech_span(a)
        assert span is not None
        clean += [span.start_ms - truth[0], span.end_ms - truth[1]]
        lead = np.zeros(7200, dtype=np.float32)  # 300 ms of room before and after the cue
        padded = np.concatenate([lead, x, lead])
        rms = float(np.sqrt(np.mean(x[int(truth[0] * 24) : int(truth[1] * 24)] ** 2)))
        span = speech_span(_pcm(padded + _pink(len(padded), rng) * rms * 0.1))
        assert span is not None
        starts.append(span.start_ms - 300 - truth[0])
        ends.append(span.end_ms - 300 - truth[1])
    c, s, e = np.abs(clean), np.abs(starts), np.abs(ends)
    print(f"\n[onsets] {engine}, {len(renders)} cues: clean |error| median {np.median(c):.0f} ms, "
          f"p95 {np.percentile(c, 95):.0f} ms; at 20 dB starts median {np.median(starts):+.0f} ms, "
          f"|p95| {np.percentile(s, 95):.0f} ms, ends median {np.median(ends):+.0f} ms, "
          f"|p95| {np.percentile(e, 95):.0f} ms")
    assert np.percentile(c, 95) <= 8
    # the quiet ends of words sink under the noise (the truth reaches 40 dB under the peak, the
    # noise sits about 30 under it): an onset a few ms late and an offset some tens early is what
    # can be seen; the room before and after the cue (300 ms each) is never taken for speech
    assert np.median(s) <= 15 and np.percentile(s, 95) <= 60
    assert np.median(e) <= 80 and np.percentile(e, 95) <= 200
