"""The room's decay read from a session's own edges (subtoolkit.align.decay), on energy envelopes
built here: syllables that start at once and end either at once (a dry booth) or in a free decay
at a known rate (a room), over a noise floor."""

from __future__ import annotations

import numpy as np

from subtoolkit.align.decay import direct_end, noise_db, room_of
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


def test_a_room_is_read_at_its_rate_and_its_tail_taken_off() -> None:
    e, speech, direct = _session(rate=2.0)
    room = room_of([(e, speech)])
    assert room is not None and abs(room.rate - 2.0) < 0.3
    noise = noise_db(e, speech)
    assert abs(noise - FLOOR) < 1.0
    taken = []
    for a, b, d in zip(speech.starts, speech.ends, direct):
        assert b - d >= 15  # the detector's end is the tail's foot, 150 ms and more after the voice
        end = direct_end(e, int(b), room, int(a), noise)
        assert end >= d - 1  # never into the voice
        taken.append(b - end)
    # the walk stops at the first frame the scatter pushes two spreads under the line, so it takes
    # off part of a tail more often than all of it: at least 50 ms in the median
    assert np.median(taken) >= 5


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
