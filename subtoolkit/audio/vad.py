"""Speech and pauses in a recording, from frame energy and voicing.

A pause is where the aligner gets its firmest footing: the end of one sentence and the start of
the next are wherever the talent stopped and started again, to the frame. So the detector has to
be right about *edges*, and wrong about nothing that looks like speech to an energy meter but is
not: breaths, lip noise and room tone. Mandarin makes this tractable, because every syllable has
a voiced nucleus: a stretch of energy with no periodicity in it (a breath, a hiss) is not speech,
while the unvoiced consonant that opens a syllable (s-, sh-, c-, q-) is kept by letting a run
start a little before its first voiced frame.

Thresholds adapt to each recording: the noise floor is a low percentile of frame energy, the
speech level a high one, so a quiet booth and a noisy room both work without settings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from subtoolkit.audio.features import Frames


@dataclass(frozen=True)
class VadSettings:
    """Numbers in frames of 10 ms."""

    min_pause: int = 12
    """Shorter silences are stop closures inside words, not pauses."""
    bridge: int = 3
    """Energy dips this short do not split a stretch of sound."""
    lead: int = 18
    """Unvoiced sound kept before the first voiced frame (an aspirated affricate lasts ~150 ms)."""
    tail: int = 12
    """Unvoiced sound kept after the last voiced frame."""
    min_voiced: int = 3
    """A stretch with fewer voiced frames is a breath or a click, not speech."""
    voicing: float = 0.5
    """Normalised autocorrelation peak above which a frame is voiced."""
    floor_percentile: float = 1.0
    level_percentile: float = 97.0
    edge_db: float = 3.0
    """Sound this far above the noise floor may belong to a word (its soft onset or release)."""
    core_db: float = 8.0
    """Sound this far above the floor is loud enough to be checked for a voice."""
    min_dynamic_db: float = 12.0
    """A recording whose loud frames are less than this above its quiet ones has no speech."""


@dataclass(frozen=True)
class Speech:
    """Speech runs of one signal as frame ranges ``[starts[k], ends[k])``, sorted and disjoint."""

    starts: np.ndarray
    ends: np.ndarray
    floor_db: float
    level_db: float
    threshold_db: float = float("nan")
    """Frames of a run below this are silence inside a word (a stop closure): not compared."""

    @property
    def frames(self) -> int:
        return int(np.sum(self.ends - self.starts))

    def mask(self, n: int) -> np.ndarray:
        m = np.zeros(n, dtype=bool)
        for a, b in zip(self.starts, self.ends):
            m[a:b] = True
        return m

    def sounding(self, energy_db: np.ndarray) -> np.ndarray:
        """Frames inside runs that carry sound: what the aligner compares."""
        return self.mask(len(energy_db)) & (energy_db > self.threshold_db)

    def __len__(self) -> int:
        return int(len(self.starts))


def _runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and end (exclusive) indices of the True runs of ``mask``."""
    d = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return np.flatnonzero(d == 1), np.flatnonzero(d == -1)


def _close(mask: np.ndarray, gap: int) -> np.ndarray:
    """Fill False runs of at most ``gap`` frames that lie between True runs."""
    if gap <= 0 or not mask.any():
        return mask
    out = mask.copy()
    starts, ends = _runs(~mask)
    for a, b in zip(starts, ends):
        if a > 0 and b < len(mask) and b - a <= gap:
            out[a:b] = True
    return out


def detect(frames: Frames, settings: VadSettings = VadSettings(), voicing_of: Callable[[np.ndarray], np.ndarray] | None = None) -> Speech:
    """Speech runs of a signal; empty when it holds no speech (silence or steady noise).

    ``voicing_of(frame indices)`` computes voicing on demand, for the frames loud enough to need
    it; without it ``frames.voicing`` is used.
    """
    e = frames.energy_db.astype(np.float64)
    n = len(e)
    empty = Speech(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), float("nan"), float("nan"))
    if n == 0:
        return empty
    # the floor is what the quietest tenth of a second sounds like: narration always has some
    # pause, and a moving average keeps short dips inside speech from passing for the floor
    k = min(5, n)
    smooth = 10.0 * np.log10(np.convolve(10.0 ** (e / 10.0), np.ones(k) / k, mode="valid") + 1e-12)
    floor = float(np.percentile(smooth, settings.floor_percentile))
    level = float(np.percentile(e, settings.level_percentile))
    if level - floor < settings.min_dynamic_db or level < -70.0:
        return Speech(empty.starts, empty.ends, floor, level)
    low = max(floor + settings.edge_db, level - 45.0)
    high = max(floor + settings.core_db, level - 35.0)
    active = _close(e > low, settings.bridge)
    loud_enough = e > high
    if voicing_of is not None:
        idx = np.flatnonzero(loud_enough)
        v = np.zeros(n, dtype=np.float32)
        v[idx] = voicing_of(idx)
    else:
        v = frames.voicing
    voiced = loud_enough & (v > settings.voicing)
    starts, ends = _runs(active)
    loud = e > low
    keep_s: list[int] = []
    keep_e: list[int] = []
    for a, b in zip(starts, ends):
        v = np.flatnonzero(voiced[a:b])
        if len(v) < settings.min_voiced:
            continue  # breath, click, hum: energy without a voice
        first, last = a + int(v[0]), a + int(v[-1]) + 1
        # walk out from the voice while the sound stays above the floor, without bridging:
        # noise that brushes the threshold next to a word must not lengthen it
        s0 = first
        while s0 > max(a, first - settings.lead) and loud[s0 - 1]:
            s0 -= 1
        e0 = last
        while e0 < min(b, last + settings.tail) and loud[e0]:
            e0 += 1
        keep_s.append(s0)
        keep_e.append(e0)
    if not keep_s:
        return Speech(empty.starts, empty.ends, floor, level)
    # merge runs separated by less than a pause
    ms, me = [keep_s[0]], [keep_e[0]]
    for a, b in zip(keep_s[1:], keep_e[1:]):
        if a - me[-1] < settings.min_pause:
            me[-1] = max(me[-1], b)
        else:
            ms.append(a)
            me.append(b)
    return Speech(np.asarray(ms, dtype=np.int64), np.asarray(me, dtype=np.int64), floor, level, low)
