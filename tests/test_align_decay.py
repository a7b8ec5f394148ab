"""The room's decay read from a session's own edges (subtoolkit.align.decay), on energy envelopes
built here: syllables that start at once and end either at once (a dry booth) or in a free decay
at a known rate (a room), over a noise floor."""

from __future__ import annotations

import numpy as np
import pytest

from subtoolkit.align.decay import Edge, Room, SessionEdges, noise_db, reverberated, room_from_cues, room_of, voice_end
from subtoolkit.audio.vad import Speech

FLOOR = -60.0


def _session(rate: float | None, seed: int = 3) -> tuple[np.ndarray, Speech, list[int]]:
    """Ten 40-frame words at -20 dB, 40-frame pauses; each word's direct sound stops at a known
    frame, then (``rate``) decays at ``rate`` dB per frame into the noise. Returns the energy, the
    runs a detector 3 dB over the floor would find, and the direct ends."""
    rng = np.random.default_rng(seed)
    n = 10 * 120 + 80
    power = np.full(n, 10 ** (FLOOR / 10))
    starts, ends, direct = [], [], []
    for k in range(10):
        a = 20 + 120 * k
        b = a + 40
        body = -20.0 + rng.normal(0, 1.0, 40)
        power[a:b] += 10 ** (body / 10)
        if rate is not None:
            tail = -20.0 - rate * np.arange(1, 70)
            power[b:b + 69] += 10 ** (tail / 10)
        direct.append(b)
    e = 10 * np.log10(power) + rng.normal(0, 0.3, n)
    above = e > FLOOR + 3
    for k in range(10):
        a = 20 + 120 * k
        z = a
        while z < n and (above[z] or z < a + 40):
            z += 1
        starts.append(a)
        ends.append(z)
    speech = Speech(np.asarray(starts), np.asarray(ends), FLOOR, -20.0, FLOOR + 3)
    return e.astype(np.float32), speech, direct


def test_a_room_is_read_at_its_rate() -> None:
    e, speech, direct = _session(rate=2.0)
    room = room_of([(e, speech)])
    assert room is not None and abs(room.rate - 2.0) < 0.3
    noise = noise_db(e, speech)
    assert abs(noise - FLOOR) < 1.0
    for b, d in zip(speech.ends, direct):
        assert b - d >= 15  # the detector's end is the tail's foot, 150 ms and more after the voice


def test_pauses_with_breaths_do_not_raise_the_noise_floor() -> None:
    e, speech, _ = _session(rate=2.0)
    loud = e.copy()
    for b in speech.ends[:-1]:  # a breath 30 dB over the floor in every pause
        loud[int(b) + 20 : int(b) + 45] = FLOOR + 30
    assert abs(noise_db(loud, speech) - FLOOR) < 1.0


def _take(release: float, seed: int, rate: float | None = 1.8
          ) -> tuple[np.ndarray, Speech, np.ndarray, list[int], list[int], list[int]]:
    """Ten words whose own release falls at ``release`` dB a frame for 15 frames (a voice that fades),
    recorded in a room of ``rate`` dB a frame (``None``: a dry booth) over a noise 45 dB under the
    voice. Returns the energy, the runs, the dry energy (each word's reading), the words' starts,
    the runs' ends and the true ends (where the dry voice is 40 dB under its level, the rule of the
    tests' sessions, or its last frame)."""
    rng = np.random.default_rng(seed)
    n_word, gap = 40, 80
    dry = np.full(10 * (n_word + gap) + 40, -200.0)
    truth = []
    for k in range(10):
        a = 20 + (n_word + gap) * k
        dry[a : a + n_word] = -20.0 + rng.normal(0, 1.0, n_word)
        fall = -20.0 - release * np.arange(1, 16)
        dry[a + n_word : a + n_word + 15] = fall
        under = np.flatnonzero(fall <= -60.0)
        truth.append(a + n_word + (int(under[0]) if len(under) else 15))
    wet = dry if rate is None else reverberated(dry, rate) + 10 * np.log10(1 - 10 ** (-rate / 10))
    power = 10 ** (wet / 10) + 10 ** (-65.0 / 10)
    e = (10 * np.log10(power) + rng.normal(0, 0.5, len(power))).astype(np.float32)
    above = e > -62.0
    starts, ends = [], []
    for k in range(10):
        a = 20 + (n_word + gap) * k
        z = a
        while z < len(e) and (above[z] or z < a + n_word):
            z += 1
        starts.append(a)
        ends.append(z)
    speech = Speech(np.asarray(starts), np.asarray(ends), -65.0, -20.0, -62.0)
    return e, speech, dry, starts, ends, truth


def _room_take(release: float, seed: int) -> tuple[list[float], float]:
    """The ends :func:`voice_end` gives in a 1.8 dB-a-frame room (:func:`_take`), less the true
    ones (frames), with each word's dry reading as the reference; and the room's rate as read."""
    e, speech, dry, starts, ends, truth = _take(release, seed)
    room = room_of([(e, speech)]) or Room(1.8, 0.5)
    noise = noise_db(e, speech)
    errs = []
    for a, b, t in zip(starts, ends, truth):
        ref = dry[a - 10 : t + 10].copy()
        got = voice_end(e, b, a, room, noise, np.maximum(ref, -75.0), float(t - (a - 10)), 1.0)
        assert got is not None
        errs.append(got - t)
    return errs, room.rate


def _edges_of(e: np.ndarray, speech: Speech, dry: np.ndarray, starts: list[int], ends: list[int],
              truth: list[int]) -> tuple[list[Edge], list[Edge]]:
    """The words' ends and (reversed in time, from the word's end back to the pause's middle) onsets,
    each with its dry reading, as the aligner hands them to :func:`room_from_cues`."""
    noise = noise_db(e, speech)
    end_edges, onset_edges = [], []
    for a, b, t in zip(starts, ends, truth):
        ref = np.maximum(dry[a - 10 : t + 10], -75.0)
        end_edges.append(Edge(e, b, a, noise, ref, float(t - (a - 10)), 1.0))
        lo = max(0, a - 40)
        onset_edges.append(Edge(e[lo:b][::-1].copy(), b - lo, 0, noise, ref[::-1].copy(), float(len(ref) - 10), 1.0))
    return end_edges, onset_edges


@pytest.mark.parametrize("release", [6.0, 1.8])
def test_a_room_the_edges_cannot_tell_is_read_from_the_cues(release: float) -> None:
    """When too few pauses show a free decay, the aligned cues' dry readings tell the room: their
    ends' falls are explained by it, their onsets (the null) are not."""
    e, speech, dry, starts, ends, truth = _take(release, seed=7)
    room = room_from_cues(*_edges_of(e, speech, dry, starts, ends, truth))
    assert room is not None and 1.5 <= room.rate <= 2.4  # the grid's neighbours of 1.8


@pytest.mark.parametrize("release", [6.0, 1.8])
def test_a_dry_booth_is_not_read_as_a_room_from_the_cues(release: float) -> None:
    """Dry, a voice fading as slowly as the room above is its reading's own shape: no room."""
    e, speech, dry, starts, ends, truth = _take(release, seed=8, rate=None)
    assert room_from_cues(*_edges_of(e, speech, dry, starts, ends, truth)) is None


@pytest.mark.parametrize("release", [6.0, 1.8])
def test_the_voice_end_is_found_under_the_tail_whatever_its_own_release(release: float) -> None:
    """A sharp release (6 dB a frame, espeak's) and one as slow as the room itself (the neural
    voice's): the room's tail is taken off, the voice's own release is not (the walk along the
    decay line that this replaced took it for the room's and ended such words 150 ms early)."""
    errs, rate = _room_take(release, seed=int(release * 10))
    assert abs(rate - 1.8) < 0.4
    assert np.max(np.abs(errs)) <= 3, errs  # within 30 ms, every word


def test_a_dry_booth_has_no_room_and_nothing_is_taken_off() -> None:
    e, speech, _ = _session(rate=None)
    assert room_of([(e, speech)]) is None


def test_a_voice_fading_slowly_in_a_dry_booth_is_not_a_room() -> None:
    """Ends that fall slowly but onsets that rise as slowly: the voice's own shape, not a room."""
    e, speech, _ = _session(rate=2.0)
    backwards = e[::-1].copy()  # every onset now rises as slowly as the ends fall
    n = len(e)
    mirrored = Speech(n - speech.ends[::-1], n - speech.starts[::-1], FLOOR, -20.0, FLOOR + 3)
    both = np.concatenate([e, backwards])
    runs = Speech(np.concatenate([speech.starts, mirrored.starts + n]),
                  np.concatenate([speech.ends, mirrored.ends + n]), FLOOR, -20.0, FLOOR + 3)
    assert room_of([(both, runs)]) is None


def test_a_room_verdict_that_one_edge_turns_over_is_left_to_the_cues() -> None:
    """The falls and onsets (dB per frame) of an espeak talent in a 0.3 s room whose edges said
    "dry" by 0.01 dB/frame: without its fastest fall the verdict is a room. Too close to tell, so
    no room from the edges and the cues decide; a verdict no single edge turns over stands."""
    rises = np.column_stack([[1.6, 1.85, 2.0, 2.2, 2.4, 2.6, 2.8, 3.0, 3.3, 3.6, 4.0], np.zeros(11)])
    close = SessionEdges(np.column_stack([[1.27, 1.51, 1.64, 1.95], np.zeros(4)]), rises)
    assert close.too_few and close.room() is None
    roomy = SessionEdges(np.column_stack([[1.14, 1.39, 1.56, 1.64], np.zeros(4)]), rises)
    assert not roomy.too_few and roomy.room() is not None
    dry = SessionEdges(np.column_stack([[2.9, 3.1, 3.4, 3.8], np.zeros(4)]), rises)
    assert not dry.too_few and dry.room() is None
