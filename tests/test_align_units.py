"""The aligner's parts on signals whose answer is known by construction (no TTS, fast)."""

from __future__ import annotations

import doctest
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from subtoolkit.align import dtw, plan, refcache
from subtoolkit.audio import features, vad
from subtoolkit.jobs import align as job
from subtoolkit.align.dtw import Units, diagonal_band, path_band, warp
from subtoolkit.audio.features import analyse, cepstra, voicing_at
from subtoolkit.align.layout import Span, lay_out
from subtoolkit.align.plan import block_text, plan_block_at_pace, plan_narration
from subtoolkit.text.punctuation import break_after
from subtoolkit.align.reference import _resample, analyse_reference, analyse_references, sound_edges
from subtoolkit.audio.vad import detect
from subtoolkit.model import BlockKind, Timeline
from subtoolkit.subtitles.profiles import load_profile
from subtoolkit.subtitles.timing import SpeechModel
from subtoolkit.subtitles.validate import errors, validate

RATE = 16000
PROFILE = load_profile("netflix-zh-hans")


@pytest.mark.parametrize("module", [dtw, features, job, plan, refcache, vad])
def test_doctests(module: object) -> None:
    failures, _ = doctest.testmod(module)  # type: ignore[arg-type]
    assert failures == 0


# ---------------------------------------------------------------------------------------------
# signals


def vowel(seconds: float, f0: float = 120.0, level: float = 0.1) -> np.ndarray:
    """Harmonics of ``f0`` shaped by three formants (an /a/), with a soft attack and release:
    voiced, like the nucleus of a Mandarin syllable."""
    t = np.arange(int(RATE * seconds)) / RATE
    x = np.zeros_like(t)
    for k in range(1, int(4000 / f0)):
        f = f0 * k
        gain = sum(np.exp(-0.5 * ((f - fc) / bw) ** 2) * a for fc, bw,
                   a in ((750, 120, 1.0), (1200, 150, 0.7), (2600, 250, 0.3)))
        x += (gain + 0.02) * np.sin(2 * np.pi * f * t)
    env = np.minimum(1.0, np.minimum(t, t[-1] - t) / 0.02)
    return (level * x * env / (np.sqrt(np.mean(x**2)) + 1e-12)).astype(np.float32)


def hiss(seconds: float, level: float, rng: np.random.Generator, low: float = 500, high: float = 4000) -> np.ndarray:
    """Band-limited noise: a breath when shaped, room tone when long."""
    n = int(RATE * seconds)
    spec = np.fft.rfft(rng.normal(size=n))
    f = np.fft.rfftfreq(n, 1 / RATE)
    spec[(f < low) | (f > high)] = 0
    x = np.fft.irfft(spec, n)
    x *= np.sin(np.linspace(0, np.pi, n)) ** 1.5
    return (level * x / (np.sqrt(np.mean(x**2)) + 1e-12)).astype(np.float32)


def test_voicing_separates_voice_from_breath() -> None:
    rng = np.random.default_rng(0)
    v = voicing_at(vowel(0.5), RATE, np.arange(10, 40))
    b = voicing_at(hiss(0.5, 0.05, rng), RATE, np.arange(10, 40))
    assert np.median(v) > 0.8
    assert np.median(b) < 0.3


def test_vad_finds_words_and_ignores_breaths_and_room_tone() -> None:
    """Three 'words' between pauses, a breath in a pause, room noise 25 dB down: runs within a
    frame or two of the truth, and the breath is not speech."""
    rng = np.random.default_rng(1)
    layout = [("pause", 0.6), ("word", 0.8), ("pause", 0.9), ("word", 1.2), ("breath", 0.5), ("word", 0.6),
              ("pause", 0.5)]
    parts, truth, t = [], [], 0.0
    for kind, secs in layout:
        if kind == "word":
            parts.append(vowel(secs))
            truth.append((t, t + secs))
        elif kind == "breath":
            parts += [np.zeros(int(RATE * 0.3), np.float32), hiss(0.35, 0.06, rng),
                      np.zeros(int(RATE * 0.3), np.float32)]
            secs = 0.95
        else:
            parts.append(np.zeros(int(RATE * secs), np.float32))
        t += secs
    x = np.concatenate(parts)
    x += (rng.normal(size=len(x)) * 0.003).astype(np.float32)  # room tone, about 30 dB down
    speech = detect(analyse(x, RATE))
    assert len(speech) == 3
    for (a, b), (s, e) in zip(truth, zip(speech.starts, speech.ends)):
        assert abs(s * 10 - a * 1000) <= 30
        assert abs(e * 10 - b * 1000) <= 30


def test_vad_says_silence_and_noise_hold_no_speech() -> None:
    rng = np.random.default_rng(2)
    assert len(detect(analyse(np.zeros(RATE * 2, np.float32), RATE))) == 0
    assert len(detect(analyse((rng.normal(size=RATE * 2) * 0.05).astype(np.float32), RATE))) == 0


def test_reference_batches_match_single_analysis_and_edges() -> None:
    rng = np.random.default_rng(5)
    a, b = vowel(0.7), vowel(0.3, f0=180)
    a = a + (rng.normal(size=len(a)) * 0.002).astype(np.float32)  # breathiness fills the top bands, as in a voice
    pad = np.zeros(2400, np.float32)
    one = analyse_reference(np.concatenate([pad, a, pad]), RATE, "a")
    both = analyse_references([("a", np.concatenate([pad, a, pad]), RATE), ("b", b, RATE)])
    assert len(both) == 2 and both[0].text == "a"
    loud = one.frames.energy_db > -40
    # same frames in the same places; only the dither differs (it shows in the empty top bands)
    mine, joint = cepstra(one.frames.logmel), cepstra(both[0].frames.logmel)
    diff = np.abs(mine[loud] - joint[loud])
    assert loud.sum() > 60 and diff.mean() < 0.05
    assert np.max(np.abs(one.frames.energy_db[loud] - both[0].frames.energy_db[loud])) < 0.05
    shifted = np.abs(mine[loud][1:] - joint[loud][:-1]).mean()
    assert shifted > 10 * diff.mean()  # the comparison would see a one-frame slip
    on, off = sound_edges(np.concatenate([pad, a, pad]), RATE)
    assert on == pytest.approx(150, abs=5) and off == pytest.approx(850, abs=5)


def test_resampling_keeps_a_tone_and_the_length() -> None:
    t = np.arange(24000 * 2 + 7) / 24000
    x = np.sin(2 * np.pi * 440 * t).astype(np.float32)
    y = _resample(x, 24000, 16000)
    assert len(y) == round(len(x) * 2 / 3)
    tt = np.arange(len(y)) / 16000
    assert np.max(np.abs(y[500:-500] - np.sin(2 * np.pi * 440 * tt[500:-500]))) < 1e-3


# ---------------------------------------------------------------------------------------------
# DTW


def units_of(rng: np.random.Generator, k: int, lo: int, hi: int) -> list[np.ndarray]:
    """Feature sequences that change smoothly, as speech does from one 10 ms frame to the next."""
    out = []
    for _ in range(k):
        n = int(rng.integers(lo, hi))
        raw = rng.normal(size=(n + 9, 12))
        smooth = np.stack([np.convolve(raw[:, d], np.hanning(10), mode="valid") for d in range(12)], axis=1)[:n]
        out.append((smooth / smooth.std()).astype(np.float32))
    return out


def stretch(x: np.ndarray, factor: float) -> np.ndarray:
    idx = np.clip(np.round(np.arange(int(len(x) * factor)) / factor).astype(int), 0, len(x) - 1)
    return x[idx]


@pytest.mark.parametrize("factor", [0.6, 1.0, 1.7])
def test_dtw_follows_a_pace_change_and_skips_a_missing_unit(factor: float) -> None:
    rng = np.random.default_rng(3)
    parts = units_of(rng, 6, 80, 160)
    s = np.vstack(parts)
    starts = np.cumsum([0] + [len(p) for p in parts[:-1]])
    rec, truth, at = [rng.normal(size=(25, 12)).astype(np.float32)], {}, 25  # a slate before
    for k, p in enumerate(parts):
        if k == 3:
            continue  # the talent skipped it
        w = stretch(p, factor)
        truth[k] = at
        rec.append(w)
        at += len(w)
    r = np.vstack(rec) + 0.3 * rng.normal(size=(at, 12)).astype(np.float32)
    lo, w = diagonal_band(len(r), len(s), len(s))
    path = warp(r, s, lo, w, garbage=3.0, garbage_cols=np.array([], dtype=np.int64),
                units=Units(starts, np.full(6, 15.0)))
    assert path.skipped_units == [3]
    for k, row in truth.items():
        assert abs(int(path.first_row[starts[k]]) - row) <= 2
    assert np.all(path.col_of_row[:20] == -1)  # the slate is garbage, not the first words


def test_dtw_puts_an_interruption_at_a_sentence_end_into_garbage() -> None:
    rng = np.random.default_rng(4)
    a, b = units_of(rng, 2, 100, 101)
    s = np.vstack([a, b])
    cough = rng.normal(size=(40, 12)).astype(np.float32) * 2
    r = np.vstack([a, cough, b]) + 0.2 * rng.normal(size=(240, 12)).astype(np.float32)
    lo, w = diagonal_band(len(r), len(s), len(s))
    path = warp(r, s, lo, w, garbage=3.0, garbage_cols=np.array([99]))
    assert path.first_row[100] == pytest.approx(140, abs=2)
    assert np.mean(path.col_of_row[100:140] == -1) > 0.9


def test_path_band_jumps_with_its_centre() -> None:
    centre = np.concatenate([np.arange(50), np.arange(50) + 400]).astype(float)
    lo, w = path_band(centre, 600, 10)
    assert w == 21 and lo[49] <= 49 <= lo[49] + w and lo[50] <= 400 <= lo[50] + w
    assert np.all(np.diff(lo) >= 0)


# ---------------------------------------------------------------------------------------------
# planning and layout


def test_plans_tile_each_block_and_say_where_a_pause_is_expected(sample_script_blocks) -> None:  # type: ignore[no-untyped-def]
    script = sample_script_blocks
    plans = plan_narration(script, PROFILE, SpeechModel.from_profile(PROFILE), Fraction(25), [2, 13])
    for b in (2, 13):
        mine = [p for p in plans if p.block == b]
        text = block_text(script.blocks[b])
        assert "".join(p.source for p in mine) == text
        assert [p.first for p in mine] == [0] + [p.last for p in mine[:-1]]
        assert mine[-1].brk == "paragraph"
    assert break_after("安全第一。") == "sentence" and break_after("树立安全") == "word"


def test_a_slower_pace_cuts_more_cues(sample_script_blocks) -> None:  # type: ignore[no-untyped-def]
    script = sample_script_blocks
    model = SpeechModel.from_profile(PROFILE)
    normal = plan_narration(script, PROFILE, model, Fraction(25), [13])
    slow = plan_block_at_pace(13, script.blocks[13], PROFILE, model, Fraction(25), 1.5)
    assert len(slow) > len(normal)
    assert "".join(p.source for p in slow) == "".join(p.source for p in normal)


@pytest.fixture(scope="module")
def sample_script_blocks():  # type: ignore[no-untyped-def]
    from align_helpers import SAMPLE

    from subtoolkit.text.ingest import read_source
    from subtoolkit.text.parse import parse_lines

    return parse_lines(read_source(SAMPLE).lines)


@st.composite
def speech_spans(draw: st.DrawFn) -> list[Span]:
    n = draw(st.integers(1, 25))
    t = draw(st.integers(0, 3000))
    spans = []
    for k in range(n):
        dur = draw(st.integers(150, 6500))
        width = draw(st.integers(1, 30))
        text = "安" * min(16, width)
        lines = (text,) if width <= 16 else (text, "全" * (width - 16))
        spans.append(Span(k, BlockKind.NARRATION, lines, t, t + dur))
        t += dur + draw(st.sampled_from([0, 0, 20, 80, 200, 600, 2000]))
    return spans


@given(speech_spans(), st.sampled_from(["25", "23.976", "29.97"]))
def test_layout_meets_the_profile_and_starts_on_the_voice(spans: list[Span], fps_name: str) -> None:
    from subtoolkit.subtitles.timecode import parse_fps

    fps = parse_fps(fps_name)
    cues = lay_out(spans, PROFILE, fps)
    tl = Timeline(tuple(cues), fps=float(fps), profile=PROFILE.name)
    assert errors(validate(tl, PROFILE)) == []
    assert all(a.start_ms < b.start_ms for a, b in zip(cues, cues[1:]))
    frame = 1000 / float(fps)
    for s, c in zip(spans, cues):
        assert c.end_ms >= min(s.end_ms - frame,
                               c.start_ms + PROFILE.min_ms - frame) or c.end_ms - c.start_ms >= PROFILE.max_ms - frame
        # in on the voice, or a little early to make room, or late only behind a cue that needed its minimum
        assert c.start_ms >= s.start_ms - 500 - frame


def test_layout_keeps_speech_starts_when_there_is_room() -> None:
    spans = [Span(0, BlockKind.NARRATION, ("安全生产",), 1000, 3000),
             Span(1, BlockKind.NARRATION, ("人民至上",), 3400, 5000)]
    a, b = lay_out(spans, PROFILE, Fraction(25))
    assert (a.start_ms, b.start_ms) == (1000, 3400)
    assert a.end_ms == 3320  # the 400 ms gap (10 frames) is closed to 2 frames


# ---------------------------------------------------------------------------------------------
# the null model and retakes


def test_subsequence_cost_is_zero_where_the_window_is_in_the_segment() -> None:
    from subtoolkit.align.null import subsequence_costs

    rng = np.random.default_rng(7)
    seg = rng.normal(size=(60, 12)).astype(np.float32)
    windows = np.stack([seg[20:35], rng.normal(size=(15, 12)).astype(np.float32)])
    costs = subsequence_costs(windows, np.stack([seg, seg]))
    assert costs[0] == pytest.approx(0.0, abs=1e-4) and costs[1] > 1.0


def test_null_model_tells_a_right_recording_from_a_wrong_one() -> None:
    """A recording of the reference's sequence (another 'voice': a fixed linear change and noise)
    matches far below the null; a recording of something else does not."""
    from subtoolkit.align.null import measure

    rng = np.random.default_rng(8)
    ref = np.vstack(units_of(rng, 8, 80, 120))
    mix = np.eye(12, dtype=np.float32) + 0.3 * rng.normal(size=(12, 12)).astype(np.float32)
    right = ref @ mix + 0.3 * rng.normal(size=ref.shape).astype(np.float32)
    wrong = np.vstack(units_of(np.random.default_rng(9), 8, 80, 120)) @ mix
    norm = lambda x: ((x - x.mean(0)) / x.std(0)).astype(np.float32)  # noqa: E731
    ok = measure(norm(right), norm(ref), np.random.default_rng(0), rows=40)
    bad = measure(norm(wrong), norm(ref), np.random.default_rng(0), rows=40)
    assert ok.z(ok.match, ok.rows) > 3 and bad.z(bad.match, bad.rows) < 2
    assert ok.match < ok.garbage < ok.null_mean
    # a stretch whose right pairing costs more (another voice) gets a higher garbage cost
    rows = ok.garbage_rows(len(right))
    assert rows.min() >= ok.garbage - 1e-9


def test_dtw_aligns_a_retaken_sentence_to_its_last_reading() -> None:
    from subtoolkit.align.dtw import Restarts

    rng = np.random.default_rng(10)
    a, b, c = units_of(rng, 3, 90, 110)
    s = np.vstack([a, b, c])
    starts = np.array([0, len(a), len(a) + len(b)])
    first_try = b[: len(b) * 2 // 3]  # read two thirds of b, stopped, and read it again
    clean = np.vstack([a, first_try, b, c])
    r = clean + 0.2 * rng.normal(size=clean.shape).astype(np.float32)
    lo, w = diagonal_band(len(r), len(s), len(s))
    ends = np.append(starts[1:], len(s)) - 1
    restarts = Restarts(starts, ends, np.arange(3), 2.0)
    path = warp(r, s, lo, w, garbage=3.0, garbage_cols=ends, units=Units(starts, np.full(3, 50.0)),
                restarts=restarts)
    second = len(a) + len(first_try)
    assert abs(int(path.first_row[starts[1]]) - second) <= 2  # b starts at its second reading
    assert np.mean(path.col_of_row[len(a) + 2 : second - 2] == -1) > 0.9  # the first try is unmatched


def test_an_abandoned_reading_the_coarse_path_saw_is_reported_whole() -> None:
    """The fine band cannot reach from the end of a long abandoned sentence back to its start, so
    the fine path leaves the reading unmatched and may match a row or two of it to the sentence's
    start; the coarse path's restart says which rows were the reading, and they are reported as
    one retake: not trimmed to the speech runs unmatched from end to end, nor padded with the
    tail of the word before it."""
    from subtoolkit.align import core
    from subtoolkit.align.dtw import Path

    # speech runs of 20 ms rows: the end of block 4 (30 rows), the abandoned reading of block 5's
    # first sentence (two runs, 60 and 80 rows), then block 5 read again (50 rows)
    runs = [30, 60, 80, 50]
    run = np.repeat(np.arange(len(runs)), runs)
    t0 = np.arange(len(run)) * 20 + run * 300  # 300 ms of silence between runs
    rec = core._Recording.__new__(core._Recording)
    rec.t0, rec.t1, rec.run = t0, t0 + 20, run
    rec.feats = np.zeros((len(run), 12), dtype=np.float32)
    m = len(run)
    col = np.full(m, -1)
    col[:29] = np.arange(29)  # block 4's last row let go: a sliver of its word
    col[169] = 40  # the fine path took the abandoned reading's last row as the sentence's start
    col[170:] = 41 + np.arange(50)
    path = Path(col, np.zeros(m), np.full(100, -1), np.full(100, -1))
    settings = core.Settings()
    found = core._unmatched(path, [], None, rec, settings, None, [(28, 172, 5)])  # type: ignore[arg-type]
    assert [(u.start_ms, u.end_ms, u.retake_of) for u in found] == [(int(t0[30]), int(t0[168] + 20), 5)]


# ---------------------------------------------------------------------------------------------
# the reference cache


class _CountingVoice:
    """A tone per text (its length from the text), counting the texts it was asked to read."""

    name = "tones"

    def __init__(self) -> None:
        self.read: list[str] = []

    def render(self, text: str) -> tuple[np.ndarray, int]:
        self.read.append(text)
        return np.concatenate([np.zeros(800, dtype=np.float32), vowel(0.2 + 0.05 * len(text))]), RATE


def test_a_second_run_reads_the_analysed_reference_back_instead_of_synthesising(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from subtoolkit.align.reference import reference_renderer
    from subtoolkit.align.refcache import ReferenceCache

    texts = ["一二三", "四五", "一二三四五六"]
    first_voice = _CountingVoice()
    first = reference_renderer(first_voice, ReferenceCache(tmp_path, "tones v1"))(texts)
    again_voice = _CountingVoice()
    cache = ReferenceCache(tmp_path, "tones v1")
    again = reference_renderer(again_voice, cache)(texts + ["七"])
    assert first_voice.read == texts and again_voice.read == ["七"]  # only the new text is synthesised
    assert (cache.hits, cache.misses, cache.writes) == (3, 1, 1)
    for a, b in zip(first, again):
        assert (a.text, a.duration_ms, a.onset_ms, a.offset_ms) == (b.text, b.duration_ms, b.onset_ms, b.offset_ms)
        assert np.array_equal(a.frames.logmel, b.frames.logmel)
        assert np.array_equal(a.frames.energy_db, b.frames.energy_db)
    # another voice (or version, or pace) shares nothing; a forced re-reading reads nothing back
    other = _CountingVoice()
    reference_renderer(other, ReferenceCache(tmp_path, "tones v2"))(texts[:1])
    forced = _CountingVoice()
    reference_renderer(forced, ReferenceCache(tmp_path, "tones v1", read=False))(texts[:1])
    assert other.read == texts[:1] and forced.read == texts[:1]


def test_a_damaged_cache_entry_is_a_miss_not_an_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from subtoolkit.align.reference import reference_renderer
    from subtoolkit.align.refcache import ReferenceCache

    cache = ReferenceCache(tmp_path, "tones v1")
    reference_renderer(_CountingVoice(), cache)(["一二三"])
    entry = next(tmp_path.rglob("*.npz"))
    entry.write_bytes(entry.read_bytes()[:100])  # cut short, as by a full disk
    voice = _CountingVoice()
    got = reference_renderer(voice, ReferenceCache(tmp_path, "tones v1"))(["一二三"])
    assert voice.read == ["一二三"] and len(got[0].frames) > 0
