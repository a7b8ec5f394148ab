"""Where the voice ends under a room's reverberation: the session's decay read from itself, the
voice's own release read from the dry reference.

In a room, the sound after the talent stops is the room's: energy that falls at the room's rate
(a straight line in dB, 60 dB in one reverberation time) until it sinks under the noise floor. The
speech detector hears that tail as part of the word, so a cue ending on a pause would end where the
tail meets the floor, 100–200 ms after the voice in a small room. The truth of an end is the
voice's, so the tail is taken off; but only the room's part of it: a voice whose own release is
slow (the neural voice fades over 100 ms and more) still sounds through the first part of the
fall, and the end of *that* is the cue's end.

The room's rate is measured on the recording, at the ends of its speech runs (every pause is a
free decay): each run's falling edge, read between 5 and 20 dB under its top the way ISO 3382
reads a decay, falls at most as fast as the room lets it (a voice may fade more slowly than the
room, never faster), so the room's rate is the fastest edges' rate: a high percentile of the edges'
slopes, not a constant fitted to a voice. Whether there is a room to take off is read the same
way: a room slows a sound's end but not its onset, so only a session whose fastest ends fall more
slowly than nearly all its onsets rise has one (:func:`room_of`); a dry booth, clean or noisy,
keeps its ends as they were.

Where the voice ends (:func:`voice_end`): the cue's reference reading is dry, and its sound's end
is known. Played at the recorded pace through the room read above (energy in a room is the dry
energy summed with the room's exponential memory: each frame keeps ``10^(-rate/10)`` of the last),
it predicts the recording's envelope over the cue's last sound and tail. The lag at which the
prediction best fits the recording (least squares in dB, over the frames clear of the noise, the
level free) carries the reference's end onto the recording. The whole fall is fitted, so no single
jittery frame decides it, and the voice's own release is in the prediction, so it is not taken
for the room's.

This replaced a walk back along the decay line from the tail's foot, which stopped early on one
jittery frame (an espeak block end 160 ms late) and walked on into a release as slow as the room's
(neural block ends 145 ms early). Measured (tests/test_align_voices.py, ``-s``): cue ends, median /
p95 ms, the espeak talent in a 0.3 s room 41/148 before, 17-22/45-139 after (espeak is not
bit-exact from run to run); the neural talent 86/146 before, 33/77 after; every block end within
45 ms (was up to 160). The noise under a decay is now the pauses' median frame, not their mean,
which breaths had put 15-19 dB over the floor.

When the edges are too few to tell (:attr:`SessionEdges.too_few`: the same neural talent built with
another seed showed 2 free decays, 3 are needed, and sessions in a 0.5 s room 0-2, the tails
bridging most pauses), the aligned cues tell instead (:func:`room_from_cues`): each cue's dry
reading is fitted to the recording's fall at its end, dry and through rooms from 0.1 to 0.8 s,
with its onsets (reversed in time, where no room acts) as the null. Measured on such sessions
built outside the suite, cue ends median / p95 ms before → after: the neural talent with another
seed 99/211 → 38/222 (one cue 490 ms off either way, a placement error), an espeak voice in a
0.5 s room 191/348 → 42/62, the neural voice in it 171/244 → 65/174; dry neural sessions (clean,
and at 20 dB noise) stay judged dry. Every session of the suite has edges enough and is unchanged.

Edges enough in number can still be too close to tell: with four or five falls the ``FASTEST``
percentile is the fastest two, and the espeak talent's fastest ends in its 0.3 s room fall about as
fast as its slowest onsets rise (1.85-1.89 against 1.82-1.94 dB per frame). In 3 of 40 renderings
(espeak's noise seeded 1-40) that read "dry" and nothing was taken off: cue ends median / p95
116-120 / 182-189 ms. A verdict that leaving out any single fall or onset turns over is therefore
"too few" too, and the cues decide: those three 19-20 / 58-79 ms, all 40 median 16-23, p95 40-139 ms.
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


@dataclass(frozen=True)
class SessionEdges:
    """Every free decay's and every onset's slope in a session (:func:`edge_slopes`,
    :func:`rise_slopes`), read once: they decide both whether the session has a room
    (:meth:`room`) and whether they were too few to decide it (:attr:`too_few`)."""

    falls: np.ndarray
    rises: np.ndarray

    @classmethod
    def of(cls, pairs: Sequence[tuple[np.ndarray, Speech]]) -> SessionEdges:
        falls = np.vstack([edge_slopes(e, s) for e, s in pairs]) if pairs else np.zeros((0, 2))
        rises = np.vstack([rise_slopes(e, s) for e, s in pairs]) if pairs else np.zeros((0, 2))
        return cls(falls, rises)

    @property
    def too_few(self) -> bool:
        """Too few free decays or onsets to judge (rather than a session judged dry): the aligned
        cues tell instead (:func:`room_from_cues`). That is fewer than ``MIN_EDGES`` of either, or
        a verdict that one edge decides: leaving out any single fall or onset turns it over. With
        four or five falls the ``FASTEST`` percentile is the fastest two, and in a small room the
        fastest ends fall about as fast as the slowest onsets rise, so one edge's noise decided the
        verdict (see the module docstring)."""
        if len(self.falls) < MIN_EDGES or len(self.rises) < MIN_EDGES:
            return True
        falls, rises = self.falls[:, 0], self.rises[:, 0]
        verdict = _slower(falls, rises)
        return (any(_slower(np.delete(falls, i), rises) != verdict for i in range(len(falls)))
                or any(_slower(falls, np.delete(rises, i)) != verdict for i in range(len(rises))))

    def room(self) -> Room | None:
        """The session's room; ``None`` when it has none to take off, or too few edges to tell.

        A room slows a sound's end, never its onset (the direct sound arrives first; the reverberation
        only builds up behind it). So the ends are the room's only when even the fastest of them (the
        ``FASTEST`` percentile) fall more slowly than all but the slowest onsets rise (the same
        percentile from the other side); in a dry booth the voice's own releases are as fast as its
        onsets and nothing is taken off. Each side needs ``MIN_EDGES`` edges."""
        if self.too_few or not _slower(self.falls[:, 0], self.rises[:, 0]):
            return None
        return Room(float(np.percentile(self.falls[:, 0], FASTEST)), float(np.median(self.falls[:, 1])))


def _slower(falls: np.ndarray, rises: np.ndarray) -> bool:
    """Whether the fastest falls (the ``FASTEST`` percentile) fall more slowly than all but the
    slowest onsets rise (the same percentile from the other side): a room's ends."""
    return float(np.percentile(falls, FASTEST)) < float(np.percentile(rises, 100.0 - FASTEST))


def room_of(pairs: Sequence[tuple[np.ndarray, Speech]]) -> Room | None:
    """The room of the session whose tracks' energy and speech runs are ``pairs``
    (:meth:`SessionEdges.room`)."""
    return SessionEdges.of(pairs).room()


def noise_db(energy_db: np.ndarray, speech: Speech) -> float:
    """The room noise's power (dB) over the recording's pauses: what a decay's foot sinks into. The
    median frame's, not the mean: the pauses also hold breaths and the tails themselves, which
    would put the mean 15 dB and more over the floor."""
    pause = ~speech.mask(len(energy_db))
    if not pause.any():
        return float(speech.floor_db)
    return float(10.0 * np.log10(np.median(10.0 ** (energy_db[pause].astype(np.float64) / 10.0)) + 1e-12))


def reverberated(energy_db: np.ndarray, rate: float) -> np.ndarray:
    """Dry energy (dB per frame) as the room would give it back: each frame's power summed with
    what the room still holds of the frames before, which loses ``rate`` dB a frame."""
    keep = 10.0 ** (-rate / 10.0)
    p = 10.0 ** (np.asarray(energy_db, dtype=np.float64) / 10.0)
    out = np.empty_like(p)
    acc = 0.0
    for i, v in enumerate(p):
        acc = acc * keep + v
        out[i] = acc
    return 10.0 * np.log10(out + 1e-30)


def at_pace(energy_db: np.ndarray, pace: float, extra: int) -> np.ndarray:
    """Frames of ``energy_db`` played ``pace`` times as long, on the same 10 ms grid, and ``extra``
    frames of its last level after them (room for the tail)."""
    m = len(energy_db)
    t = np.arange(int(np.ceil(m * pace)) + extra) / pace
    return np.interp(np.minimum(t, m - 1), np.arange(m), np.asarray(energy_db, dtype=np.float64))


def voice_end(energy_db: np.ndarray, frame: int, stop: int, room: Room, noise: float,
              ref_energy_db: np.ndarray, ref_end: float, pace: float) -> float | None:
    """Where the voice ends (a frame, fractional) of a cue whose sound the aligner ended at ``frame``
    (exclusive), after ``stop``, in a ``room``: the cue's dry reference reading (its energy per
    frame, its sound ending at frame ``ref_end``), at the recorded ``pace`` and through the room
    (:func:`reverberated`), laid where it best fits the recording's last sound and tail; ``None``
    when there is too little sound to fit.

    The fit reads the recording with the noise's power (``noise``, dB) taken off, over the frames
    more than ``TOP_DB`` clear of it (nearer, the noise's own fluctuation is a sizeable part of
    each frame), back from the last of them over twice the frames the room takes to bring the cue's
    loudest sound down to there: as much of the held sound as of the fall, so the level is pinned
    by the one and the lag by the other. Each lag is scored by the mean squared difference in dB,
    the level free (its best value is the mean difference); the best lag is refined between its
    neighbours by a parabola."""
    tail = _tail(energy_db, frame, stop, noise)
    if tail is None or len(ref_energy_db) < 3:
        return None
    d, clear = tail
    z = int(clear[-1])
    width = 2 * int(np.ceil((float(d[: z + 1].max()) - noise - TOP_DB) / room.rate))
    idx = clear[clear >= z - width]
    if len(idx) < 3:
        return None
    end = ref_end * pace
    lags, scores = _scores(d, idx, at_pace(ref_energy_db, pace, width + 1), end, room.rate, width)
    if not len(lags):
        return None
    best = int(np.argmin(scores))
    at = float(lags[best])  # the reference's frame laid on the recording's frame z
    if 0 < best < len(lags) - 1:
        a, b, c = scores[best - 1], scores[best], scores[best + 1]
        if a - 2 * b + c > 0:
            at += 0.5 * (a - c) / (a - 2 * b + c)
    return stop + z + (end - at)


def _tail(energy_db: np.ndarray, frame: int, stop: int, noise: float) -> tuple[np.ndarray, np.ndarray] | None:
    """The recording's frames ``stop``..``frame`` with the noise's power taken off (dB), and those
    more than ``TOP_DB`` clear of it; ``None`` when fewer than three are."""
    frame = min(int(frame), len(energy_db))
    if frame - stop < 3:
        return None
    lin = 10.0 ** (np.asarray(energy_db[stop:frame], dtype=np.float64) / 10.0) - 10.0 ** (noise / 10.0)
    d = 10.0 * np.log10(np.maximum(lin, 1e-30))
    clear = np.flatnonzero(d >= noise + TOP_DB)
    return (d, clear) if len(clear) >= 3 else None


def _scores(d: np.ndarray, idx: np.ndarray, played: np.ndarray, end: float, rate: float | None,
            reach: int) -> tuple[np.ndarray, np.ndarray]:
    """Per lag (the reference's frame, played at the recorded pace with ``reach + 1`` frames after it
    (:func:`at_pace`), laid on the recording's frame ``idx[-1]``, within ``reach`` of the reference's
    ``end``): the mean squared difference in dB between the recording's frames ``idx`` of ``d`` and
    the reference through a room of ``rate`` (dry when ``None``), the level free."""
    z = int(idx[-1])
    rev = played if rate is None else reverberated(played, rate)
    y = d[idx]
    lags = np.arange(max(int(z - idx[0]), int(end) - reach), min(len(rev) - 1, int(np.ceil(end)) + reach) + 1)
    scores = np.empty(len(lags))
    for i, lag in enumerate(lags):
        r = y - rev[idx - z + lag]
        scores[i] = float(np.mean((r - r.mean()) ** 2))
    return lags, scores


RT60_GRID_MS = (100, 150, 200, 250, 300, 350, 400, 500, 600, 800)
"""Reverberation times tried when the edges cannot tell (a search grid from a booth's to a hall's, not
a fitted value): their rates are ``600 / RT60`` dB per 10 ms frame."""
Z_ONE_SIDED = 1.645
"""The one-sided 5 % point of the normal distribution: the rank test's significance level."""


@dataclass(frozen=True)
class Edge:
    """One cue edge at a pause for :func:`room_from_cues`: the recording's energy up to the sound's
    end (``frame``, exclusive, after ``stop``; an onset is given reversed in time), the noise (dB),
    the dry reading's energy and the end of its sound in its frames (reversed likewise), the pace."""

    energy_db: np.ndarray
    frame: int
    stop: int
    noise: float
    ref_energy_db: np.ndarray
    ref_end: float
    pace: float


def _gains(edges: Sequence[Edge]) -> tuple[np.ndarray, np.ndarray]:
    """Per edge, the dry fit's best residual and the best residual through each room of the grid.

    Each edge is read over the same frames for every room (so the residuals compare): back from its
    last frame clear of the noise over twice its own fall from the last frame within ``TOP_DB`` of
    its loudest."""
    rates = [600.0 / ms for ms in RT60_GRID_MS]
    dry, wet = [], []
    for e in edges:
        tail = _tail(e.energy_db, e.frame, e.stop, e.noise)
        if tail is None or len(e.ref_energy_db) < 3:
            continue
        d, clear = tail
        z = int(clear[-1])
        top = int(np.flatnonzero(d[: z + 1] >= float(d[: z + 1].max()) - TOP_DB)[-1])
        width = max(3, 2 * (z - top))
        idx = clear[clear >= z - width]
        if len(idx) < 3:
            continue
        end = e.ref_end * e.pace
        played = at_pace(e.ref_energy_db, e.pace, width + 1)  # the same for every room tried
        row = [_scores(d, idx, played, end, r, width)[1] for r in [None, *rates]]
        if any(len(x) == 0 for x in row):
            continue
        dry.append(float(row[0].min()))
        wet.append([float(x.min()) for x in row[1:]])
    return np.asarray(dry), np.asarray(wet).reshape(-1, len(rates))


def room_from_cues(ends: Sequence[Edge], onsets: Sequence[Edge]) -> Room | None:
    """The session's room read from its aligned cues, for a session whose free decays are too few
    for :func:`room_of` to tell (a long reverberation bridges most pauses); ``None`` if it shows none.

    Each cue's dry reading is fitted to the recording's fall at its end, dry and through each room
    of :data:`RT60_GRID_MS`; the room that leaves the least residual over all ends is the
    session's. It is taken only if it explains the ends better than the same search explains the
    onsets, reversed in time (the null: a room cannot act there, so whatever a reversed room gains
    at the onsets is the voices' and the paces' mismatch): the per-cue log ratios of best-room to
    dry residual must be lower at the ends than at the onsets by a one-sided rank test at 5 %."""
    dry_e, wet_e = _gains(ends)
    dry_o, wet_o = _gains(onsets)
    if len(dry_e) < MIN_EDGES or len(dry_o) < MIN_EDGES:
        return None
    k = int(np.argmin(wet_e.sum(axis=0)))
    ends_gain = np.log(wet_e[:, k] / np.maximum(dry_e, 1e-9))
    onset_gain = np.log(wet_o[:, int(np.argmin(wet_o.sum(axis=0)))] / np.maximum(dry_o, 1e-9))
    if _rank_z(ends_gain, onset_gain) <= Z_ONE_SIDED:
        return None
    return Room(600.0 / RT60_GRID_MS[k], float(np.sqrt(np.median(wet_e[:, k]))))


def _rank_z(a: np.ndarray, b: np.ndarray) -> float:
    """The Mann-Whitney statistic for ``a`` lying below ``b``, as a normal deviate (ties averaged)."""
    both = np.concatenate([a, b])
    order = both.argsort()
    ranks = np.empty(len(both))
    ranks[order] = np.arange(1, len(both) + 1)
    for v in np.unique(both):
        same = both == v
        ranks[same] = ranks[same].mean()
    n1, n2 = len(a), len(b)
    u = float(ranks[:n1].sum()) - n1 * (n1 + 1) / 2
    sd = np.sqrt(n1 * n2 * (n1 + n2 + 1) / 12.0)
    return float((n1 * n2 / 2 - u) / sd) if sd > 0 else 0.0
