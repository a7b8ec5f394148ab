"""Where the direct sound ends under a room's reverberation: the session's decay read from itself.

In a room, the sound after the talent stops is the room's: energy that falls at the room's rate
(a straight line in dB, 60 dB in one reverberation time) until it sinks under the noise floor. The
speech detector hears that tail as part of the word, so a cue ending on a pause would end where the
tail meets the floor, 100–200 ms after the voice in a small room. The truth of an end is the
voice's, so the tail is taken off.

The room's rate is measured on the recording, at the ends of its speech runs (every pause is a
free decay): each run's falling edge, read between 5 and 20 dB under its top the way ISO 3382
reads a decay, falls at most as fast as the room lets it (a voice may fade more slowly than the
room, never faster), so the room's rate is the fastest edges' rate: a high percentile of the edges'
slopes, not a constant fitted to a voice. Whether there is a room to take off is read the same
way: a room slows a sound's end but not its onset, so only a session whose fastest ends fall more
slowly than nearly all its onsets rise has one (:func:`room_of`); a dry booth, clean or noisy,
keeps its ends as they were. Then each cue end walks back along a free decay at that rate, from
the last frame clear of the noise, to where the energy leaves the line (:func:`direct_end`).

Measured (tests/test_align_voices.py, figures printed with ``-s``): the espeak talent in a 0.3 s
room had its cue ends 117 ms late in the median, 35–55 ms after; every dry condition is unchanged.
The walk stops at the first frame the scatter pushes off the line, so a tail is sometimes only
partly taken off (a block end can still be 150 ms late), and a voice whose own release is as slow
as the room (the neural voice in the same room) can lose up to ~150 ms of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from subtoolkit.audio.vad import Speech

TOP_DB = 5.0
"""The decay is read from this far under the edge's top (above it, the voice's own release)..."""
BOTTOM_DB = 20.0
"""...down to this far: the widest range a 25 dB room noise leaves (T20's -25 dB would need more)."""
MIN_EDGES = 3
"""Free decays needed to read a rate: fewer, and one odd edge would decide it."""
FASTEST = 90.0
"""Percentile of the edges' slopes read as the room's rate: the fastest decays, not the very fastest
(one edge cut by a closing gap)."""


def falling_edge(e: np.ndarray, a: int, b: int) -> int:
    """First frame of the run ``[a, b)``'s falling edge: walking back from its last frame while the
    energy rises (looking back), i.e. the frames over which it only falls."""
    f = b - 1
    while f > a and e[f - 1] >= e[f]:
        f -= 1
    return f


def edge_slopes(energy_db: np.ndarray, speech: Speech) -> np.ndarray:
    """(dB per frame, rms residual in dB) of every run's free decay, read the way a room's decay is
    (ISO 3382's T20 reads -5 to -25 dB): the edge followed on past the run's end while it still falls,
    and a line fitted to its frames between ``TOP_DB`` and ``BOTTOM_DB`` under its top. An edge that
    does not fall that far before the floor stops it (a noisy room) says nothing: the noise, not the
    room, shaped it."""
    out = []
    n = len(energy_db)
    for a, b in zip(speech.starts, speech.ends):
        f = falling_edge(energy_db, int(a), int(b))
        z = int(b)
        while z < n and energy_db[z] <= energy_db[z - 1]:
            z += 1
        seg = energy_db[f:z]
        top = float(seg[0])
        if top - float(seg[-1]) < BOTTOM_DB:
            continue
        inside = np.flatnonzero((seg <= top - TOP_DB) & (seg >= top - BOTTOM_DB))
        if len(inside) < 3:  # too steep for a line: it falls at least this fast
            below = int(np.flatnonzero(seg < top - BOTTOM_DB)[0])
            out.append((BOTTOM_DB / max(1, below), 0.0))
            continue
        x, y = inside.astype(np.float64), seg[inside].astype(np.float64)
        fit = np.polyfit(x, y, 1)
        if fit[0] < 0:
            out.append((-float(fit[0]), float(np.sqrt(np.mean((np.polyval(fit, x) - y) ** 2)))))
    return np.asarray(out, dtype=np.float64).reshape(-1, 2)


@dataclass(frozen=True)
class Room:
    """The session's decay as its pauses show it."""

    rate: float
    """dB per 10 ms frame (60 dB over one reverberation time): the fastest edges'."""
    spread: float
    """How far (dB) a frame of a free decay strays from the straight line: the edges' rms residual."""


def rise_slopes(energy_db: np.ndarray, speech: Speech) -> np.ndarray:
    """The same reading of every run's rising edge (the recording played backwards)."""
    n = len(energy_db)
    back = Speech(n - speech.ends[::-1], n - speech.starts[::-1], speech.floor_db, speech.level_db)
    return edge_slopes(energy_db[::-1].copy(), back)


def room_of(pairs: Sequence[tuple[np.ndarray, Speech]]) -> Room | None:
    """The session's room; ``None`` when it has none to take off, or too few edges to tell.

    A room slows a sound's end, never its onset (the direct sound arrives first; the reverberation
    only builds up behind it). So the ends are the room's only when even the fastest of them (the
    ``FASTEST`` percentile) fall more slowly than all but the slowest onsets rise (the same
    percentile from the other side); in a dry booth the voice's own releases are as fast as its
    onsets and nothing is taken off. Each side needs ``MIN_EDGES`` edges."""
    falls = np.vstack([edge_slopes(e, s) for e, s in pairs]) if pairs else np.zeros((0, 2))
    rises = np.vstack([rise_slopes(e, s) for e, s in pairs]) if pairs else np.zeros((0, 2))
    if len(falls) < MIN_EDGES or len(rises) < MIN_EDGES:
        return None
    fastest = float(np.percentile(falls[:, 0], FASTEST))
    if fastest >= float(np.percentile(rises[:, 0], 100.0 - FASTEST)):
        return None
    return Room(fastest, float(np.median(falls[:, 1])))


def noise_db(energy_db: np.ndarray, speech: Speech) -> float:
    """The room noise's mean power (dB) over the recording's pauses: what a decay's foot sinks into."""
    pause = ~speech.mask(len(energy_db))
    if not pause.any():
        return float(speech.floor_db)
    return float(10.0 * np.log10(np.mean(10.0 ** (energy_db[pause].astype(np.float64) / 10.0)) + 1e-12))


def direct_end(energy_db: np.ndarray, frame: int, room: Room, stop: int, noise: float) -> int:
    """Where the direct sound ends before ``frame`` (an end the aligner placed, exclusive); not
    before ``stop``.

    The room noise's power is taken off each frame first (``noise``, dB), so what is left is the
    decay's own energy; its foot, less than ``TOP_DB`` over the noise (where the noise's own
    fluctuation is a sizeable part of each frame), is stepped over. Then,
    from the last frame clear of it, walk back along a free decay at the room's
    rate for as long as the energy is not below that line by more than two of its spreads (a release
    steeper than the room lies above it). Where the energy falls below the line the sound was held
    at the voice's level, which the room's decay started from: the direct sound ended there."""
    frame = min(int(frame), len(energy_db))
    if frame - 1 <= stop:
        return frame
    lin = 10.0 ** (energy_db[stop:frame].astype(np.float64) / 10.0) - 10.0 ** (noise / 10.0)
    d = 10.0 * np.log10(np.maximum(lin, 1e-12))
    t = len(d) - 1
    while t > 0 and d[t] < noise + TOP_DB:
        t -= 1
    anchor, last = t, float(d[t])
    tol = 2.0 * room.spread
    while t - 1 >= 0 and d[t - 1] >= last + room.rate * (anchor - t + 1) - tol:
        t -= 1
    return stop + t + 1 if t < anchor else frame
