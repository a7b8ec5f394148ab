"""Carry the cue boundaries of a synthetic reading over to the recording: the alignment itself.

How, in five moves:

1. **Sound only.** Both sides lose their silences: the recording's pauses (found by
   :mod:`subtoolkit.audio.vad`, breaths and clicks excluded) and the synthetic voice's. What is
   left are two streams of sounding frames (MFCCs pooled to 20 ms, never across a pause) whose
   only difference is *how* the words were said: pace, voice, room. A pause, however long,
   becomes a single *join* between two rows. The talent's spectra are shifted along the mel
   axis to meet the reference voice's (a crude vocal tract length normalisation) and both
   sides are mean- and variance-normalised.
2. **Coarse DTW**, first at 640 ms over the whole matrix (no assumption about which part of the
   script was recorded), then at 80 ms in a band around that path, with whole blocks skippable
   and garbage allowed at sentence ends: which stretch of the recording is which block, and
   which blocks are not in it at all. A block a level leaves out is dropped before the next, so
   the boundary beside it is refined like any other.
3. **Re-cut for the pace.** The estimator's durations are the prior: a block the talent reads so
   much slower that one of its cues could no longer be shown within the profile's maximum is cut
   again for the pace measured, and only those cues are synthesised anew.
4. **Fine DTW** (20 ms) in a narrow band around the coarse path: where each cue begins and ends
   in the recording's sound.
5. **Pause anchoring.** A cue boundary the text says is a pause (a sentence end, a comma) moves
   to the nearest join within a tolerance: the talent's own stop and start, to the 10 ms frame,
   rather than DTW's estimate of it. The quiet onset or release that room noise hides is given
   back from the synthetic reading, at the recorded pace.

Each block then gets a confidence from three independent pieces of evidence (how well its sound
matched, whether its pace is plausible next to the others, whether its pauses fell on pauses).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from subtoolkit.align.decay import Edge, SessionEdges, noise_db, room_from_cues, voice_end
from subtoolkit.align.dtw import Path, Restarts, Units, diagonal_band, path_band, warp
from subtoolkit.align.null import NullModel, measure
from subtoolkit.audio.features import HOP_S, Frames, analyse, cepstra, pool, voicing_at
from subtoolkit.align.plan import CuePlan, estimated_span_ms, narration_blocks, plan_block_at_pace, plan_narration
from subtoolkit.align.reference import CueReference
from subtoolkit.audio.vad import Speech, VadSettings, detect
from subtoolkit.model import Script
from subtoolkit.subtitles.profiles import Profile
from subtoolkit.subtitles.timing import SpeechModel

FRAME_MS = int(round(HOP_S * 1000))
Z_BAD, Z_GOOD = 1.0, 4.0
"""A block's match evidence, in standard deviations of this session's null model below what a
search through wrong pairings finds (:mod:`subtoolkit.align.null`): at 1 a wrong pairing does as
well about one time in six, so it says nothing; at 4 about one time in thirty thousand. These are
odds, the same for every voice; the costs they are read on are the session's own."""
NULL_WINDOW_S = 1.2
"""Length of the recording windows the null model samples (a phrase: long enough to have an
order that a wrong pairing lacks)."""
FULL_MATRIX_CELLS = 8_000_000
"""Up to this many cells the first level compares everything with everything: no assumption
about which part of the script the recordings hold (one section of a whole film is fine)."""
Render = Callable[[Sequence[str]], list[CueReference]]


@dataclass(frozen=True)
class Track:
    """One recording file, analysed, with its place on the recordings' clock."""

    name: str
    frames: Frames
    speech: Speech
    offset_ms: int
    duration_ms: int

    @property
    def speech_ms(self) -> int:
        return self.speech.frames * FRAME_MS


def analyse_track(samples: np.ndarray, rate: int, *, name: str = "", offset_ms: int = 0, vad: VadSettings = VadSettings()) -> Track:
    frames = analyse(samples, rate, with_voicing=False)
    speech = detect(frames, vad, voicing_of=lambda idx: voicing_at(samples, rate, idx))
    return Track(name, frames, speech, offset_ms, int(round(len(samples) / rate * 1000)))


@dataclass(frozen=True)
class Settings:
    """Knobs of the aligner; the defaults are what the tests and the benchmark measure."""

    fine: int = 2
    """10 ms frames per fine row (20 ms)."""
    coarse: int = 4
    """Fine rows per coarse row (80 ms)."""
    first: int = 8
    """Coarse rows per row of the first level at most (640 ms); it is finer when the whole
    matrix is small enough."""
    band_s: float = 60.0
    """Half-width of the first level's band when the whole matrix is too big for it."""
    coarse_half_s: float = 20.0
    """Half-width of the coarse band around the first level's path."""
    fine_half: int = 25
    """Half-width of the fine band around the coarse path, in fine rows (±0.5 s)."""
    skip_share: float = 0.25
    """Penalty for leaving a block out, per column of it, as a share of the session's contrast
    (what a wrong pairing costs per row more than a right one; see :mod:`subtoolkit.align.null`)."""
    min_skip_s: float = 1.0
    """A block is never cheaper to leave out than one of this much sound."""
    snap: dict[str, int] = field(
        default_factory=lambda: {"paragraph": 20, "sentence": 20, "clause": 15, "comma": 15, "enum": 6, "word": 3}
    )
    """How far (fine rows) a boundary may move to reach a pause, by the break in the text."""
    low_confidence: float = 0.5
    min_unmatched_s: float = 0.5
    """Unmatched sound shorter than this (a click, a breath the detector kept) goes unreported."""
    replans: int = 2
    replan_margin_ms: float = 150.0


@dataclass(frozen=True)
class AlignedCue:
    """A narration cue's speech on the recordings' clock (ms)."""

    plan: CuePlan
    start_ms: int
    end_ms: int
    start_on_pause: bool
    end_on_pause: bool


@dataclass(frozen=True)
class BlockAlignment:
    """What the aligner found for one narration block."""

    block: int
    placed: bool
    confidence: float
    start_ms: int | None = None
    end_ms: int | None = None
    pace: float | None = None
    """Recorded duration over the estimator's (1.25: the talent took 25 % longer)."""
    evidence: dict[str, float] = field(default_factory=dict)
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Unmatched:
    """A stretch of the recording matched to no text: an abandoned reading (``retake_of`` the
    block read again after it), or sound that is not in the script (a cough, a slate, talk)."""

    start_ms: int
    end_ms: int
    retake_of: int | None = None


@dataclass(frozen=True)
class Alignment:
    """The placed narration cues on the recordings' clock, and a verdict for every block."""

    cues: tuple[AlignedCue, ...]
    blocks: tuple[BlockAlignment, ...]
    tracks: tuple[Track, ...]
    low_confidence: float = 0.5
    replanned: tuple[int, ...] = ()
    unmatched: tuple[Unmatched, ...] = ()
    voice_shift: float = 0.0
    """Mel bands the talent's spectra were shifted by to meet the reference voice's (the median
    over the recording: each stretch of a few seconds has its own)."""

    @property
    def unplaced(self) -> list[int]:
        return [b.block for b in self.blocks if not b.placed]

    @property
    def doubtful(self) -> list[int]:
        return [b.block for b in self.blocks if b.placed and b.confidence < self.low_confidence]


# ---------------------------------------------------------------------------------------------
# the two streams


def _pool_rows(feats: np.ndarray, idx: np.ndarray, factor: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Average ``feats[idx]`` in groups of ``factor``; the first and last frame of each group."""
    k = len(idx)
    heads = np.arange(0, k, factor)
    sums = np.add.reduceat(feats[idx], heads, axis=0)
    counts = np.diff(np.append(heads, k))[:, None]
    tails = np.minimum(heads + factor, k) - 1
    return sums / counts, idx[heads], idx[tails]


class _Recording:
    """Sounding frames of all tracks back to back, pooled to fine rows within each speech run."""

    def __init__(self, tracks: Sequence[Track], factor: int, shifts: Sequence[np.ndarray] | None = None) -> None:
        feats, t0, t1, runs, track_of = [], [], [], [], []
        shifts = shifts if shifts is not None else [np.zeros(len(t.frames)) for t in tracks]
        spoken = (np.concatenate([sh[t.speech.sounding(t.frames.energy_db)] for t, sh in zip(tracks, shifts)])
                  if tracks else np.zeros(0))
        self.shift = float(np.median(spoken)) if len(spoken) else 0.0
        base = [_shifted_cepstra(t.frames.logmel, sh) for t, sh in zip(tracks, shifts)]
        masks = [t.speech.sounding(t.frames.energy_db) for t in tracks]
        stats = np.vstack([b[m] for b, m in zip(base, masks)]) if tracks else np.zeros((0, 12))
        mean, std = (stats.mean(axis=0), stats.std(axis=0) + 1e-6) if len(stats) else (0.0, 1.0)
        run_id = 0
        # the room's decay, read on the session's own pauses (subtoolkit.align.decay): where each
        # run's direct sound ends, its reverberant tail taken off
        edges = SessionEdges.of([(t.frames.energy_db, t.speech) for t in tracks])
        self.room = edges.room()
        self.undecided = self.room is None and edges.too_few
        """Too few free decays to tell a room from the edges: the aligned cues will tell (:meth:`settle_room`)."""
        self.energy = [t.frames.energy_db for t in tracks]
        self.offsets = [t.offset_ms for t in tracks]
        self.noise = [noise_db(t.frames.energy_db, t.speech) for t in tracks]
        for n, (t, b, mask) in enumerate(zip(tracks, base, masks)):
            normed = ((b - mean) / std).astype(np.float32)
            for a, e in zip(t.speech.starts, t.speech.ends):
                idx = a + np.flatnonzero(mask[a:e])
                if not len(idx):
                    continue
                f, first, last = _pool_rows(normed, idx, factor)
                feats.append(f)
                t0.append(t.offset_ms + FRAME_MS * first)
                t1.append(t.offset_ms + FRAME_MS * (last + 1))
                runs.append(np.full(len(f), run_id))
                track_of.append(np.full(len(f), n))
                run_id += 1
        empty = np.zeros(0, dtype=np.int64)
        self.feats = np.vstack(feats).astype(np.float32) if feats else np.zeros((0, 12), dtype=np.float32)
        self.t0 = np.concatenate(t0).astype(np.int64) if t0 else empty
        self.t1 = np.concatenate(t1).astype(np.int64) if t1 else empty
        self.run = np.concatenate(runs).astype(np.int64) if runs else empty
        self.track = np.concatenate(track_of).astype(np.int64) if track_of else empty
        self.bounds = [(t.offset_ms, t.offset_ms + t.duration_ms) for t in tracks]
        inner = np.flatnonzero(np.diff(self.run) != 0) + 1
        self.joins = np.concatenate([[0], inner, [len(self.run)]]).astype(np.int64)
        self.depth_db = _depth(tracks)

    def __len__(self) -> int:
        return len(self.run)

    def before_start(self, row: int) -> int:
        """Earliest time a cue starting at join ``row`` may reach back to (the silence before it)."""
        if row > 0 and self.track[row - 1] == self.track[row]:
            return int(self.t1[row - 1]) + FRAME_MS
        return int(self.bounds[self.track[row]][0])

    def direct_end(self, row: int, end_ms: int, start_ms: int, ref_energy_db: np.ndarray, ref_end_ms: float,
                   pace: float) -> int | None:
        """Where the voice ends of a cue the aligner ended at ``end_ms`` (its last row ``row - 1``)
        when the recording has a room: its dry reference reading (energy, end of its sound) laid on
        the recording's last sound and tail through the room (:mod:`subtoolkit.align.decay`); not
        before ``start_ms``. ``None`` in a dry session, or with too little sound to tell."""
        if self.room is None:
            return None
        n = int(self.track[row - 1])
        off = self.offsets[n]
        frame = (end_ms - off) // FRAME_MS
        stop = max(0, (start_ms - off) // FRAME_MS)
        end = voice_end(self.energy[n], frame, stop, self.room, self.noise[n], ref_energy_db,
                        ref_end_ms / FRAME_MS, pace)
        return None if end is None else max(start_ms, off + int(round(FRAME_MS * end)))

    def settle_room(self, cues: Sequence[tuple[int, int, bool, int, bool]], ref: _Reference, pace: float) -> None:
        """Read the room from the aligned cues (``(cue, first row, starts on a pause, row after the
        last, ends on a pause)``) when the edges were too few to tell (:func:`~subtoolkit.align.decay.room_from_cues`):
        each cue's dry reading against the recording's fall at its end, and (the null) its onset."""
        self.undecided = False
        ends: list[Edge] = []
        onsets: list[Edge] = []
        for k, srow, s_join, erow, e_join in cues:
            n = int(self.track[srow])
            if int(self.track[erow - 1]) != n:
                continue
            e, off, noise = self.energy[n], self.offsets[n], self.noise[n]
            a = (int(self.t0[srow]) - off) // FRAME_MS
            b = (int(self.t1[erow - 1]) - off) // FRAME_MS
            ref_e, ref_end = ref.tails[k]
            if e_join:
                ends.append(Edge(e, b, a, noise, ref_e, ref_end / FRAME_MS, pace))
            if s_join:  # reversed in time, from the cue's end back to the quietest frame before it
                lo = (self.before_start(srow) - off) // FRAME_MS
                lo = lo + int(np.argmin(e[lo:a])) if a > lo else a
                onsets.append(Edge(e[lo:b][::-1].copy(), b - lo, 0, noise, ref_e[::-1].copy(),
                                   len(ref_e) - ref.heads[k] / FRAME_MS, pace))
        self.room = room_from_cues(ends, onsets)

    def after_end(self, row: int) -> int:
        """Latest time a cue ending before join ``row`` may reach forward to."""
        if row < len(self.run) and self.track[row] == self.track[row - 1]:
            return int(self.t0[row]) - FRAME_MS
        return int(self.bounds[self.track[row - 1]][1])


class _Reference:
    """Sounding frames of the cues' synthetic readings, back to back, pooled per cue.

    The reference keeps only frames loud enough that the recording would show them too (the same
    depth below the speech level as the recording's threshold), and remembers, per cue, how much
    quieter sound it dropped at each end: the soft onset of an s- or h-, the fading release of a
    final vowel. In a recording that sound is under the room noise, so the aligner gives it back
    at pauses, at the recorded pace, instead of cutting every cue short by its release.
    """

    def __init__(self, refs: Sequence[CueReference], depth_db: float, factor: int) -> None:
        energies = np.concatenate([r.frames.energy_db for r in refs]) if refs else np.zeros(0)
        level = float(np.percentile(energies, 97)) if len(energies) else 0.0
        keep_db = level - depth_db
        kept = [np.flatnonzero(r.frames.energy_db > keep_db) for r in refs]
        ceps = [cepstra(r.frames.logmel) for r in refs]
        stats = np.vstack([c[k] for c, k in zip(ceps, kept)]) if refs else np.zeros((0, 12))
        mean, std = (stats.mean(axis=0), stats.std(axis=0) + 1e-6) if len(stats) else (0.0, 1.0)
        feats, cols, lead, tail = [], [0], [], []
        for r, c, keep in zip(refs, ceps, kept):
            if len(keep):
                normed = ((c - mean) / std).astype(np.float32)
                f, _, _ = _pool_rows(normed, keep, factor)
                feats.append(f)
            cols.append(cols[-1] + (len(feats[-1]) if len(keep) else 0))
            if len(keep) and r.offset_ms > r.onset_ms:
                # ms of sound before the first frame a noisy recording would show, and after the last
                lead.append(float(np.clip(keep[0] * FRAME_MS - r.onset_ms, -30, 300)))
                tail.append(float(np.clip(r.offset_ms - (keep[-1] + 1) * FRAME_MS, -30, 300)))
            else:
                lead.append(0.0)
                tail.append(0.0)
        self.feats = np.vstack(feats).astype(np.float32) if feats else np.zeros((0, 12), dtype=np.float32)
        self.cue_col = np.asarray(cols, dtype=np.int64)
        self.hidden_lead = np.asarray(lead)
        self.hidden_tail = np.asarray(tail)
        self.tails = [(r.frames.energy_db, r.offset_ms) for r in refs]
        """Per cue, the reading's energy and the end of its sound: its release, for a room's tails."""
        self.heads = [r.onset_ms for r in refs]

    def __len__(self) -> int:
        return int(self.cue_col[-1])


def _depth(tracks: Sequence[Track]) -> float:
    """How far below its speech level a recording's threshold sits (the reference keeps as much)."""
    depths = [t.speech.level_db - t.speech.threshold_db for t in tracks if len(t.speech)]
    return float(np.median(depths)) if depths else 40.0


SHIFTS = np.arange(-4.0, 4.01, 0.5)
"""Mel-band shifts tried between the talent and the reference voice (about ±25 % in formants)."""


def _shifted_cepstra(logmel: np.ndarray, shifts: np.ndarray) -> np.ndarray:
    """MFCCs of ``logmel`` with each frame's own band shift (constant over long stretches)."""
    out = np.empty((len(logmel), 12), dtype=np.float32)
    for value in np.unique(shifts):
        rows = shifts == value
        out[rows] = cepstra(logmel[rows], float(value))
    return out


VOICE_CHUNK_S = 3.0
"""Sound per voice-shift decision: a few sentences, enough to know whose voice it is."""
MAX_VOICE_CHUNKS = 64
SHIFT_SAMPLE = 60
"""Frames of each stretch compared with the reference per shift tried."""


def _voice_shifts(tracks: Sequence[Track], ref: _Reference, rng: np.random.Generator) -> list[np.ndarray]:
    """Per frame of each track, the band shift that makes its voice nearest to the reference's.

    Decided for stretches of a few seconds of sound at a time, so a recording with several voices
    (a film mix: narrator, interviewees; a session with two talents) has each met the reference
    on its own terms. For each stretch, the median distance of a sample of its frames to the
    nearest reference frame is lowest when formants line up. Sounds, not words, are compared, so
    the choice does not depend on the alignment.
    """
    out = [np.zeros(len(t.frames)) for t in tracks]
    if len(ref) == 0:
        return out
    sounding = [np.flatnonzero(t.speech.sounding(t.frames.energy_db)) for t in tracks]
    total = sum(len(i) for i in sounding)
    if total == 0:
        return out
    per_chunk = max(int(VOICE_CHUNK_S / HOP_S), -(-total // MAX_VOICE_CHUNKS))
    cols = ref.feats[:: max(1, len(ref.feats) // 1500)]
    c2 = np.sum(cols**2, axis=1)[None, :]
    chunks: list[tuple[int, int, int]] = []  # (track, first frame, end frame) of each stretch
    samples: list[np.ndarray] = []
    for n, (t, idx) in enumerate(zip(tracks, sounding)):
        # stretches of whole speech runs holding at least per_chunk sounding frames (the last may be short)
        cuts = [0]
        for e in t.speech.ends:
            count = int(np.searchsorted(idx, e))
            if count - cuts[-1] >= per_chunk:
                cuts.append(count)
        if cuts[-1] < len(idx):
            if len(cuts) > 1 and len(idx) - cuts[-1] < per_chunk // 2:
                cuts[-1] = len(idx)
            else:
                cuts.append(len(idx))
        for a, b in zip(cuts, cuts[1:]):
            chunk = idx[a:b]
            samples.append(t.frames.logmel[chunk[rng.integers(0, len(chunk), SHIFT_SAMPLE)]])
            chunks.append((n, 0 if a == 0 else int(idx[a]), len(t.frames) if b == len(idx) else int(idx[b])))
    if not chunks:
        return out
    sample = np.vstack(samples)
    scores = np.empty((len(SHIFTS), len(chunks)))
    d2 = np.empty((len(sample), len(cols)), dtype=np.float32)  # one buffer for every shift's distances
    for k, shift in enumerate(SHIFTS):  # one product per shift for all stretches at once
        c = cepstra(sample, float(shift)).reshape(len(chunks), SHIFT_SAMPLE, -1)
        c = (c - c.mean(axis=1, keepdims=True)) / (c.std(axis=1, keepdims=True) + 1e-6)  # each stretch its own level
        r = c.reshape(len(sample), -1).astype(np.float32)
        # |r|² + |c|² - 2 r·c, the same operations in the same order, written into the buffer
        np.add(np.sum(r**2, axis=1)[:, None], c2, out=d2)
        d2 -= (2 * r) @ cols.T
        nearest = np.sqrt(np.maximum(d2.min(axis=1), 0.0)).reshape(len(chunks), SHIFT_SAMPLE)
        scores[k] = np.median(nearest, axis=1)
    best = SHIFTS[np.argmin(scores, axis=0)]
    for (n, lo, hi), value in zip(chunks, best):
        out[n][lo:hi] = value
    return out


# ---------------------------------------------------------------------------------------------
# the passes


def _blocks_of(plans: Sequence[CuePlan], ref: _Reference) -> tuple[list[int], np.ndarray, np.ndarray]:
    """Blocks in plan order, and the reference columns where each begins and ends."""
    order: list[int] = []
    starts: list[int] = []
    ends: list[int] = []
    for k, p in enumerate(plans):
        if not order or order[-1] != p.block:
            order.append(p.block)
            starts.append(int(ref.cue_col[k]))
            ends.append(int(ref.cue_col[k + 1]))
        else:
            ends[-1] = int(ref.cue_col[k + 1])
    return order, np.asarray(starts, dtype=np.int64), np.asarray(ends, dtype=np.int64)


def _restarts(plans: Sequence[CuePlan], ref: _Reference, factor: int, penalty: float) -> Restarts | None:
    """The sentences a talent may read again, on a level's columns (see :class:`~subtoolkit.align.dtw.Restarts`)."""
    starts: list[int] = []
    sources: list[int] = []
    begun = True
    for k, p in enumerate(plans):
        a, b = int(ref.cue_col[k]), int(ref.cue_col[k + 1])
        if begun:
            starts.append(a // factor)
            begun = False
        if b > a:
            sources.append((b - 1) // factor)
        if p.brk in ("paragraph", "sentence") or k + 1 == len(plans) or plans[k + 1].block != p.block:
            begun = True
    if not starts or not sources:
        return None
    first = np.unique(np.asarray(starts, dtype=np.int64))
    src = np.asarray(sources, dtype=np.int64)
    owner = np.searchsorted(first, src, side="right") - 1
    keep = owner >= 0
    src, owner = src[keep], owner[keep]
    have = np.unique(owner)  # sentences with at least one place a restart may come from
    if not len(have):
        return None
    return Restarts(first[have], src, np.searchsorted(have, owner), penalty)


def _garbage_cols(plans: Sequence[CuePlan], ref: _Reference) -> np.ndarray:
    ends = ref.cue_col[1:] - 1
    return np.asarray([ends[k] for k, p in enumerate(plans) if p.brk in ("paragraph", "sentence", "clause") and ends[k] >= 0], dtype=np.int64)


@dataclass
class _Coarse:
    """The first pass: for every fine recording row, the fine reference column it sits on."""

    centre: np.ndarray
    placed: set[int]
    retakes: list[tuple[int, int, int]] = field(default_factory=list)
    """(first fine row, last fine row + 1, block) of each abandoned reading this level's path saw.
    The fine band (±0.5 s around this level's path) cannot hold a restart to a sentence begun
    seconds earlier, so the fine pass only sees an abandoned reading as garbage; which sentence it
    was a reading of is known here."""


def _centre(col_of_row: np.ndarray, factor: int, rows: int) -> np.ndarray:
    """Per fine row, the column a path (at ``factor`` × coarser rows) is on; garbage rows hold
    the column they stay at. A skip stays a jump between two rows, so the fine band jumps too."""
    col = col_of_row.astype(np.float64)
    col[col < 0] = np.nan
    ok = ~np.isnan(col)
    if not ok.any():
        return np.zeros(rows)
    idx = np.arange(len(col))
    filled = col[np.maximum.accumulate(np.where(ok, idx, 0))]  # forward fill
    first = int(np.flatnonzero(ok)[0])
    filled[:first] = col[first]
    return np.repeat(filled * factor + (factor - 1) / 2, factor)[:rows]


def _level_pass(plans: list[CuePlan], ref: _Reference, rec: _Recording, factor: int, centre: np.ndarray | None, half_s: float, settings: Settings, rng: np.random.Generator) -> _Coarse:
    """One pyramid level: both streams pooled by ``factor`` fine rows, DTW with skips and garbage
    in a band around ``centre`` (fine columns per fine row) or, without one, around the diagonal
    (the whole matrix when it is small enough)."""
    f = factor
    r4, s4 = pool(rec.feats, f), pool(ref.feats, f)
    centre4 = None if centre is None else pool(centre[:, None], f)[:, 0] / f
    null = measure(r4, s4, rng, centre=centre4, rows=_window_rows(settings, f))
    blocks, starts, ends = _blocks_of(plans, ref)
    good = ends > starts
    starts4 = starts[good] // f
    keep = np.concatenate([[True], np.diff(starts4) > 0])  # a block shorter than a frame here rides along
    starts4 = starts4[keep]
    units_blocks = [b for b, g in zip(blocks, good) if g]
    units_blocks = [b for b, k in zip(units_blocks, keep) if k]
    len4 = np.diff(np.append(starts4, len(s4)))
    units = Units(starts4, _skip_penalties(len4, null, settings, f))
    frame_s = HOP_S * settings.fine * f
    if centre is None:
        if len(r4) * len(s4) <= FULL_MATRIX_CELLS:
            lo, w = np.zeros(len(r4), dtype=np.int64), len(s4)
        else:
            lo, w = diagonal_band(len(r4), len(s4), int(max(half_s / frame_s, 0.3 * len(s4), 1.25 * len4.max())))
    else:
        lo, w = path_band(centre4, len(s4), int(half_s / frame_s))
    restarts = _restarts(plans, ref, f, null.garbage - null.match)
    path = warp(r4, s4, lo, w, garbage=null.garbage_rows(len(r4)), garbage_cols=np.unique(_garbage_cols(plans, ref) // f),
                units=units, restarts=restarts)
    placed = {b for u, b in enumerate(units_blocks) if u not in path.skipped_units}
    # blocks too short for a frame of their own at this level stand or fall with their neighbour
    for b, gd in zip(blocks, good):
        if gd and b not in units_blocks:
            placed.add(b)
    first_col = ref.cue_col[:-1] // f
    retakes = []
    for a, b, col in path.retakes:
        k = int(min(np.searchsorted(first_col, col, side="left"), len(plans) - 1))
        retakes.append((a * f, min(b * f, len(rec)), plans[k].block))
    return _Coarse(_centre(path.col_of_row, f, len(rec)), placed, retakes)


def _window_rows(settings: Settings, factor: int) -> int:
    """Rows of the null model's windows at a level: about a phrase (:data:`NULL_WINDOW_S`)."""
    return max(3, int(round(NULL_WINDOW_S / (HOP_S * settings.fine * factor))))


def _skip_penalties(lengths: np.ndarray, null: NullModel, settings: Settings, factor: int) -> np.ndarray:
    """What leaving each unit out costs, per column it holds: a share of the contrast, and at
    least the garbage margin (what a right row saves by being matched instead of thrown away):
    where right and wrong pairings are close (a voice far from the reference), the order of the
    whole script is the evidence, and dropping a block must not be the cheap way out. Never less
    than for a block of ``min_skip_s`` (a short block is as much the script as a long one)."""
    floor = settings.min_skip_s / (HOP_S * settings.fine * factor)
    per_col = max(settings.skip_share * null.contrast, null.garbage - null.match)
    return np.maximum(lengths, floor) * per_col


def _fine_pass(plans: list[CuePlan], ref: _Reference, rec: _Recording, centre: np.ndarray, settings: Settings,
               rng: np.random.Generator) -> tuple[Path, set[int], NullModel]:
    r, s = rec.feats, ref.feats
    null = measure(r, s, rng, centre=centre, rows=_window_rows(settings, 1))
    blocks, starts, ends = _blocks_of(plans, ref)
    good = ends > starts
    u_starts = starts[good]
    units_blocks = [b for b, gd in zip(blocks, good) if gd]
    lengths = np.diff(np.append(u_starts, len(s)))
    units = Units(u_starts, _skip_penalties(lengths, null, settings, 1))
    lo, w = path_band(centre, len(s), settings.fine_half)
    restarts = _restarts(plans, ref, 1, null.garbage - null.match)
    path = warp(r, s, lo, w, garbage=null.garbage_rows(len(r)), garbage_cols=_garbage_cols(plans, ref), units=units,
                restarts=restarts)
    placed = {b for u, b in enumerate(units_blocks) if u not in path.skipped_units}
    return path, placed, null


def _nearest(joins: np.ndarray, point: int, lo: int, hi: int, tol: int) -> int | None:
    a, b = max(lo, point - tol), min(hi, point + tol)
    if a > b:
        return None
    cand = joins[(joins >= a) & (joins <= b)]
    if not len(cand):
        return None
    return int(cand[np.argmin(np.abs(cand - point))])


def _cue_times(plans: list[CuePlan], ref: _Reference, path: Path, rec: _Recording, placed: set[int], settings: Settings) -> list[AlignedCue]:
    """Rows of each placed cue, then boundaries moved onto the pauses the text predicts."""
    spans: list[tuple[int, int, int]] = []  # (plan index, first row, last row)
    for k, p in enumerate(plans):
        if p.block not in placed:
            continue
        a, b = int(ref.cue_col[k]), int(ref.cue_col[k + 1])
        if b <= a:  # no sound in the synthetic reading: sits where the next cue starts
            row = int(path.first_row[min(a, len(path.first_row) - 1)])
            spans.append((k, max(row, 0), max(row, 0) - 1))
            continue
        spans.append((k, int(path.first_row[a]), int(path.last_row[b - 1])))
    if not spans:
        return []
    m = len(rec)
    joins = rec.joins
    matched = path.col_of_row >= 0
    pace = float(np.sum(matched)) / max(1, len(np.unique(path.col_of_row[matched])))
    starts: list[tuple[int, bool]] = []  # (row, is a join)
    ends: list[tuple[int, bool]] = []  # (row after the cue's last, is a join)
    for n, (k, first, last) in enumerate(spans):
        p = plans[k]
        if n == 0:
            j = _nearest(joins, first, 0, max(first, last), settings.snap["paragraph"])
            starts.append((j, True) if j is not None and j < m else (first, False))
        if n == len(spans) - 1:
            j = _nearest(joins, last + 1, first + 1, m, settings.snap["paragraph"])
            ends.append((j, True) if j is not None else (last + 1, False))
            break
        nk, nfirst, nlast = spans[n + 1]
        brk = p.brk if plans[nk].block == p.block else "paragraph"
        tol = settings.snap.get(brk, 3)
        e, s = last + 1, nfirst
        if s <= e:  # contiguous: one boundary
            j = _nearest(joins, s, first + 1, max(first + 1, nlast), tol)
            ends.append((j, True) if j is not None else (s, False))
            starts.append((j, True) if j is not None else (s, False))
        else:  # unmatched sound between: each side finds its own pause
            j1 = _nearest(joins, e, first + 1, s, tol)
            j2 = _nearest(joins, s, j1 if j1 is not None else e, max(s, nlast), tol)
            ends.append((j1, True) if j1 is not None else (e, False))
            starts.append((j2, True) if j2 is not None and j2 < m else (s, False))
    rows = [(k, min(max(sr, 0), m - 1), sj, min(max(er, 1), m), ej)  # (cue, first row, join, row after, join)
            for (k, _, _), (sr, sj), (er, ej) in zip(spans, starts, ends)]
    if rec.undecided:  # too few free decays to tell a room: the aligned cues tell (subtoolkit.align.decay)
        rec.settle_room(rows, ref, pace)
    out: list[AlignedCue] = []
    for k, srow, s_join, erow, e_join in rows:
        start = int(rec.t0[srow])
        end = int(rec.t1[erow - 1])
        if s_join:  # give back the quiet onset the room noise hides, within the pause
            start = max(rec.before_start(srow), start - int(round(ref.hidden_lead[k] * pace)))
        direct = rec.direct_end(erow, end, start, *ref.tails[k], pace)
        if direct is not None:  # in a room: the reading's own release laid on the recording's tail (also
            # inside a run: the tail fills short pauses), never later than the dry rule would end it
            end = min(direct, end + int(round(ref.hidden_tail[k] * pace)))
            end = min(rec.after_end(erow), end) if e_join else end
        elif e_join:
            end = min(rec.after_end(erow), end + int(round(ref.hidden_tail[k] * pace)))
        out.append(AlignedCue(plans[k], start, max(end, start), s_join, e_join))
    return out


def _judge(plans: list[CuePlan], ref: _Reference, rec: _Recording, path: Path, cues: list[AlignedCue], placed: set[int],
           null: NullModel, estimates: dict[int, float], rng: np.random.Generator) -> list[BlockAlignment]:
    """Confidence per block from sound match, pace and pauses; the unplaced ones, said so."""
    blocks = list(dict.fromkeys(p.block for p in plans))
    matched = path.col_of_row >= 0
    by_block: dict[int, list[int]] = {}
    for k, p in enumerate(plans):
        by_block.setdefault(p.block, []).append(k)
    col_block = np.full(len(ref), -1, dtype=np.int64)
    for b, ks in by_block.items():
        col_block[ref.cue_col[ks[0]] : ref.cue_col[ks[-1] + 1]] = b
    row_block = np.where(matched, col_block[np.maximum(path.col_of_row, 0)], -1)
    ratios: dict[int, float] = {}
    for b in blocks:
        ks = by_block[b]
        cols = int(ref.cue_col[ks[-1] + 1] - ref.cue_col[ks[0]])
        rows = int(np.sum(row_block == b))
        if b in placed and cols > 0 and rows > 0:
            ratios[b] = rows / cols
    med_ratio = float(np.median(list(ratios.values()))) if ratios else 1.0
    cues_of: dict[int, list[AlignedCue]] = {}
    for c in cues:
        cues_of.setdefault(c.plan.block, []).append(c)
    out: list[BlockAlignment] = []
    for b in blocks:
        mine = cues_of.get(b, [])
        if b not in placed or not mine:
            out.append(BlockAlignment(b, False, 0.0, notes=("not found in the recording",)))
            continue
        block_costs = path.cost_of_row[row_block == b]
        c = float(np.mean(block_costs)) if len(block_costs) else null.null_mean
        # how far below what a search through wrong pairings finds, in the session null model's
        # standard deviations at this block's length (a long block is stronger evidence)
        z = null.z(c, len(block_costs))
        q_abs = (z - Z_BAD) / (Z_GOOD - Z_BAD)
        q_cost = float(np.clip(q_abs, 0.0, 1.0))
        ratio = ratios.get(b, med_ratio)
        dev = abs(float(np.log(ratio / med_ratio)))
        q_pace = float(np.clip(1.0 - max(0.0, dev - np.log(1.3)) / np.log(1.6), 0.0, 1.0))
        expected = [x for x in mine if x.plan.expects_pause]
        on = sum(1 for x in expected if x.end_on_pause) + (1 if mine[0].start_on_pause else 0)
        q_pause = on / (len(expected) + 1)
        conf = q_cost * q_pace * (0.5 + 0.5 * q_pause)
        start, end = mine[0].start_ms, mine[-1].end_ms
        est = estimates.get(b, 0.0)
        pace = (end - start) / est if est > 0 else None
        notes = []
        if q_cost < 0.5:
            notes.append("the recording sounds unlike this text here")
        if q_pace < 0.5:
            notes.append(f"read at {1 / (ratio / med_ratio):.1f}× the pace of the other blocks")
        if q_pause < 0.5 and expected:
            notes.append("few of its sentence ends fell on pauses")
        out.append(BlockAlignment(b, True, round(conf, 3), start, end, round(pace, 3) if pace else None,
                                  {"match": round(q_cost, 3), "pace": round(q_pace, 3), "pauses": round(q_pause, 3),
                                   "z": round(z, 2)}, tuple(notes)))
    return out


def _block_knots(old_plans: list[CuePlan], old_ref: _Reference, new_plans: list[CuePlan], new_ref: _Reference) -> tuple[np.ndarray, np.ndarray]:
    """Knots mapping old reference columns to new ones: each block's start and end, linear inside
    it; blocks the new plan dropped collapse to a point."""
    ob, os_, oe = _blocks_of(old_plans, old_ref)
    nb, ns, ne = _blocks_of(new_plans, new_ref)
    where = {b: k for k, b in enumerate(ob)}
    old_k: list[float] = []
    new_k: list[float] = []
    for k, b in enumerate(nb):
        j = where[b]
        old_k += [float(os_[j]), float(oe[j])]
        new_k += [float(ns[k]), float(ne[k])]
    return np.asarray(old_k), np.asarray(new_k)


def _col_to_row(centre: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """First recording row whose band centre reaches each column."""
    return np.minimum(np.searchsorted(np.maximum.accumulate(centre), cols), len(centre) - 1)


def _long_cues(plans: list[CuePlan], ref: _Reference, rec: _Recording, centre: np.ndarray, placed: set[int], limit_ms: float) -> set[int]:
    """Blocks with a cue that would last longer than ``limit_ms`` at the pace the map shows."""
    out: set[int] = set()
    m = len(rec)
    for k, p in enumerate(plans):
        if p.block not in placed or ref.cue_col[k + 1] <= ref.cue_col[k]:
            continue
        a, b = _col_to_row(centre, np.array([ref.cue_col[k], ref.cue_col[k + 1] - 1], dtype=float))
        if rec.t1[min(b, m - 1)] - rec.t0[min(a, m - 1)] > limit_ms:
            out.add(p.block)
    return out


def align(
    script: Script,
    tracks: Sequence[Track],
    render: Render,
    profile: Profile,
    *,
    fps: Fraction = Fraction(25),
    model: SpeechModel | None = None,
    settings: Settings = Settings(),
    blocks: Sequence[int] | None = None,
    plans: list[CuePlan] | None = None,
) -> Alignment:
    """Align the narration blocks of ``script`` to ``tracks`` (the recordings, in order).

    ``render`` turns cue texts into synthetic readings (see :mod:`subtoolkit.align.reference`).
    ``plans`` may bring the cues of :func:`~subtoolkit.align.plan.plan_narration` made earlier
    (the CLI plans and synthesises while the recordings decode). Raises ValueError when there is
    nothing to align (no narration, or no speech at all).
    """
    model = model or SpeechModel.from_profile(profile)
    chosen = narration_blocks(script) if blocks is None else list(blocks)
    if not chosen:
        raise ValueError("the script has no narration to align")
    if sum(len(t.speech) for t in tracks) == 0:
        raise ValueError("the recordings hold no speech")
    rng = np.random.default_rng(0)
    plans = plans if plans is not None else plan_narration(script, profile, model, fps, chosen)
    estimates = {b: estimated_span_ms([p for p in plans if p.block == b]) for b in chosen}
    ref = _Reference(render([p.source for p in plans]), _depth(tracks), settings.fine)
    if len(ref) == 0:
        raise ValueError("the synthetic reading has no sound")
    rec = _Recording(tracks, settings.fine, _voice_shifts(tracks, ref, rng))
    if len(rec) < 10:
        raise ValueError("the recordings hold no speech")
    centre = np.zeros(len(rec))
    unplaced: list[int] = []
    limit = profile.max_ms - (profile.close_gap_frames + 1) * 1000 / float(fps)
    paces: dict[int, float] = {}
    replanned: list[int] = []

    def rebuild(new_plans: list[CuePlan]) -> None:
        """Switch to another cut (or subset) of the narration, carrying the band's centre over."""
        nonlocal plans, ref, centre
        if not new_plans:
            raise ValueError("none of the narration was found in the recordings")
        new_ref = _Reference(render([p.source for p in new_plans]), rec.depth_db, settings.fine)
        old_knots, new_knots = _block_knots(plans, ref, new_plans, new_ref)
        centre = np.interp(centre, old_knots, new_knots)
        plans, ref = new_plans, new_ref

    def keep_placed(placed: set[int]) -> None:
        """Blocks a level left out are unplaced for good; later levels align the rest, so a
        boundary next to a skipped block is refined like any other."""
        gone = [b for b in dict.fromkeys(p.block for p in plans) if b not in placed]
        if gone:
            unplaced.extend(gone)
            rebuild([p for p in plans if p.block in placed])

    def recut(long_blocks: set[int], measured: dict[int, float]) -> None:
        new_plans: list[CuePlan] = []
        for b in dict.fromkeys(p.block for p in plans):
            if b in long_blocks:
                paces[b] = max(paces.get(b, 1.0) * 1.1, measured.get(b, 1.0) * 1.12)
                new_plans.extend(plan_block_at_pace(b, script.blocks[b], profile, model, fps, paces[b]))
                if b not in replanned:
                    replanned.append(b)
            else:
                new_plans.extend(p for p in plans if p.block == b)
        rebuild(new_plans)

    # the first level compares everything with everything, as finely as that stays affordable:
    # pooling 640 ms blurs a voice far from the reference into anyone's
    factor = settings.coarse
    while factor < settings.coarse * settings.first and (len(rec) // factor) * (len(ref) // factor) > FULL_MATRIX_CELLS:
        factor *= 2
    first = _level_pass(plans, ref, rec, factor, None, settings.band_s, settings, rng)
    centre = first.centre
    keep_placed(first.placed)
    coarse = _level_pass(plans, ref, rec, settings.coarse, centre, settings.coarse_half_s, settings, rng)
    centre = coarse.centre
    keep_placed(coarse.placed)

    # the estimator's pace is the prior: blocks read too slowly for their cues are re-cut
    long_blocks = _long_cues(plans, ref, rec, centre, {p.block for p in plans}, limit - settings.replan_margin_ms)
    if long_blocks:
        measured = {}
        for b in long_blocks:
            ks = [k for k, p in enumerate(plans) if p.block == b]
            a, z = _col_to_row(centre, np.array([ref.cue_col[ks[0]], ref.cue_col[ks[-1] + 1] - 1], dtype=float))
            measured[b] = max(1.0, float(rec.t1[z] - rec.t0[a]) / max(estimates[b], 1.0))
        recut(long_blocks, measured)

    for attempt in range(settings.replans):
        path, placed, null = _fine_pass(plans, ref, rec, centre, settings, rng)
        cues = _cue_times(plans, ref, path, rec, placed, settings)
        result = _judge(plans, ref, rec, path, cues, placed, null, estimates, rng)
        too_long = {c.plan.block for c in cues if c.end_ms - c.start_ms > limit}
        if not too_long or attempt == settings.replans - 1:
            break
        centre = _centre(path.col_of_row, 1, len(rec))  # the fine path is the map for the next try
        measured = {b.block: (b.pace or 1.0) for b in result if b.block in too_long}
        recut(too_long, measured)
    judged = {b.block: b for b in result}
    for b in unplaced:
        judged[b] = BlockAlignment(b, False, 0.0, notes=("not found in the recording",))
    ordered = tuple(judged[b] for b in chosen if b in judged)
    unmatched = _unmatched(path, plans, ref, rec, settings, null, coarse.retakes)
    return Alignment(tuple(cues), ordered, tuple(tracks), settings.low_confidence, tuple(replanned), unmatched,
                     rec.shift)


def _sentence_cols(plans: list[CuePlan], ref: _Reference, col: int) -> tuple[int, int, int]:
    """The reference columns of the sentence holding column ``col``, and its block."""
    k = int(min(max(np.searchsorted(ref.cue_col, col, side="right") - 1, 0), len(plans) - 1))
    a = k
    while a > 0 and plans[a - 1].block == plans[k].block and plans[a - 1].brk not in ("sentence", "paragraph"):
        a -= 1
    b = k
    while b + 1 < len(plans) and plans[b].block == plans[k].block and plans[b].brk not in ("sentence", "paragraph"):
        b += 1
    return int(ref.cue_col[a]), int(ref.cue_col[b + 1]), plans[k].block


def _drop_slivers(rec: _Recording, a: int, b: int, shorter_ms: float) -> tuple[int, int]:
    """Rows ``a..b`` less a leading or trailing piece of a speech run that goes on outside them
    and lasts less than ``shorter_ms`` inside them."""
    if a > 0 and rec.run[a] == rec.run[a - 1]:
        e = a
        while e < b and rec.run[e] == rec.run[a]:
            e += 1
        if rec.t1[e - 1] - rec.t0[a] < shorter_ms:
            a = e
    if b > a and b < len(rec) and rec.run[b - 1] == rec.run[b]:
        e = b
        while e > a and rec.run[e - 1] == rec.run[b - 1]:
            e -= 1
        if rec.t1[b - 1] - rec.t0[e] < shorter_ms:
            b = e
    return a, b


def _unmatched(path: Path, plans: list[CuePlan], ref: _Reference, rec: _Recording, settings: Settings,
               null: NullModel, coarse_retakes: Sequence[tuple[int, int, int]] = ()) -> tuple[Unmatched, ...]:
    """Abandoned readings, and other sound left unmatched for at least ``min_unmatched_s``.

    The abandoned readings are those the fine path restarted from, then those the coarse path
    did (``coarse_retakes``, in fine rows): the rows the fine path left unmatched there, whole
    but for slivers of neighbouring words, since the coarse path saw them read as the sentence.
    A long first sentence read in full and abandoned is one such: the fine band cannot reach back
    from its end to its start, and the speech-run trimming below would cut most of it away.
    An unmatched stretch just before a sentence that it matches as well as the recording's right
    pairings do is an abandoned reading of it (the path took the later one): a retake.
    """
    from subtoolkit.align.null import subsequence_costs

    out: list[Unmatched] = []
    taken = np.zeros(len(rec), dtype=bool)
    for a, b, col in path.retakes:
        if b <= a:
            continue
        cue = int(np.searchsorted(ref.cue_col, col, side="right") - 1)
        out.append(Unmatched(int(rec.t0[a]), int(rec.t1[b - 1]), plans[min(cue, len(plans) - 1)].block))
        taken[a:b] = True
    free = path.col_of_row < 0
    for a, b, block in coarse_retakes:
        if b <= a or taken[a:b].any():
            continue
        # rows the fine path matched stay matched: each unmatched stretch in there is reported
        d = np.diff(np.concatenate([[0], free[a:b].astype(np.int8), [0]]))
        for s0, s1 in zip(np.flatnonzero(d == 1) + a, np.flatnonzero(d == -1) + a):
            # the coarse rows are a few fine rows wide: unmatched rows of the same speech run just
            # outside them are the same reading
            while s0 > 0 and free[s0 - 1] and not taken[s0 - 1] and rec.run[s0 - 1] == rec.run[s0]:
                s0 -= 1
            while s1 < len(rec) and free[s1] and not taken[s1] and rec.run[s1] == rec.run[s1 - 1]:
                s1 += 1
            taken[s0:s1] = True
            # the end of a word the fine path let go early (a sliver of a speech run matched on
            # its other side) belongs to that word; a long stretch of a run is the reading itself
            s0, s1 = _drop_slivers(rec, s0, s1, settings.min_unmatched_s * 1000)
            if s1 > s0 and rec.t1[s1 - 1] - rec.t0[s0] >= settings.min_unmatched_s * 1000:
                out.append(Unmatched(int(rec.t0[s0]), int(rec.t1[s1 - 1]), block))
    free = free & ~taken
    d = np.diff(np.concatenate([[0], free.astype(np.int8), [0]]))
    for a, b in zip(np.flatnonzero(d == 1), np.flatnonzero(d == -1)):
        # the ends of words the path let go early or took late belong to those words, not to the
        # stretch; a longer piece of a speech run that goes on outside it is sound of its own (an
        # abandoned start read on after a short pause that the speech detector bridged)
        a, b = _drop_slivers(rec, a, b, settings.min_unmatched_s * 1000)
        if b <= a or rec.t1[b - 1] - rec.t0[a] < settings.min_unmatched_s * 1000:
            continue
        retake_of = None
        after = np.flatnonzero(path.col_of_row[b:] >= 0)
        if len(after):
            c0, c1, block = _sentence_cols(plans, ref, int(path.col_of_row[b + after[0]]))
            if c1 - c0 >= 2 and b - a >= 2:
                cost = float(subsequence_costs(rec.feats[None, a:b], ref.feats[None, c0:c1])[0])
                if cost <= null.garbage:
                    retake_of = block
        out.append(Unmatched(int(rec.t0[a]), int(rec.t1[b - 1]), retake_of))
    return _one_per_reading(sorted(out, key=lambda u: u.start_ms), path, rec)


def _one_per_reading(found: list[Unmatched], path: Path, rec: _Recording) -> tuple[Unmatched, ...]:
    """Pieces of one abandoned reading (retakes of one block with no matched sound between them:
    the reading's own pauses split it) reported as one stretch."""
    out: list[Unmatched] = []
    for u in found:
        prev = out[-1] if out else None
        if prev is not None and u.retake_of is not None and prev.retake_of == u.retake_of:
            between = (rec.t0 >= prev.end_ms) & (rec.t1 <= u.start_ms)
            if not np.any(path.col_of_row[between] >= 0):
                out[-1] = Unmatched(prev.start_ms, max(prev.end_ms, u.end_ms), u.retake_of)
                continue
        out.append(u)
    return tuple(out)
