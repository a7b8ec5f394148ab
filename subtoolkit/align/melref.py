"""The neural reference's features straight from the acoustic model's mel spectrogram: no vocoder.

The aligner never listens to its reference; it compares frame features (log mel energies, the
speech-band energy, the ends of the sound: :class:`~subtoolkit.align.reference.CueReference`).
The neural voice makes audio in two steps, a FastSpeech2 acoustic model (phrase → 80-band mel
spectrogram, 12.5 ms a frame) and a MB-MelGAN vocoder (mel → 24 kHz samples), and the vocoder
costs about 13 times the acoustic model (measured: 84 % of a first alignment's CPU against 6 %).
Since the mel spectrogram already *is* a spectral description of the sound, the features are
derived from it directly:

- the model's mel is normalised with its training set's per-band statistics (which the voice does
  not ship), on 80 Slaney-scale bands of a 2048-point STFT at 24 kHz; the analysis uses 40 HTK-scale
  bands of a 25 ms window at 16 kHz, in natural-log power. Rather than reconstruct a spectrum
  through guessed statistics, one linear map (80 bands and a constant → the 40 log mel bands, the
  energy in dB, and the frame's loudness for the sound's ends) is fitted once, by least squares, on
  the voice's own vocoded readings analysed exactly as :func:`~subtoolkit.align.reference.analyse_references`
  analyses audio (:func:`fit_map`; ``bench/fit_mel_map.py`` makes the shipped table from
  narration the tests and benchmarks do not read). The map is linear in the log domain, so it
  commutes with the interpolation from the model's 12.5 ms grid to the analysis's 10 ms grid;
- the silences between phrases (which the voice lays as digital zeros) and the reference's dither
  are added as the analysis of the dither alone, power-summed (:func:`floor_features`);
- the sound's first and last ms: where the fitted loudness of a 12.5 ms frame crosses
  :data:`~subtoolkit.align.reference.EDGE_DB` below its peak (:data:`PEAK_DB` nearer, for the
  longer frame), interpolated between frames. Each phrase's own ends, found the same way, also
  silence the frames whose analysis window cannot reach its sound: the model's 50 ms mel windows
  smear an onset into them, and a clean recording's deep threshold was crossed there 10-20 ms
  early (cue starts on the neural voice, median / p95: 12/27 ms with the smear, 6/22 without;
  the vocoded reading gives 3/10).

The features differ from the vocoded reading's as much as two analyses of slightly shifted
windows do (``tests/test_align_melref.py`` measures it), and the alignments they give meet the
same bars as the vocoded reference's (``tests/test_align_voices.py``, neural conditions).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from importlib.resources import files

import numpy as np

from subtoolkit.audio.features import HOP_S, N_MELS, WIN_S, Frames, analyse, cepstra

MODEL_HOP_MS = 12.5
"""One mel frame of the acoustic model: 300 samples at 24 kHz."""
MODEL_RATE = 24_000
MODEL_BANDS = 80
CONTEXT = 1
"""Mel frames each side that the map reads with a frame's own: the model's spectrogram frames
are 50 ms windows, the analysis's 25 ms, and the neighbours let the map sharpen the onsets a
little (cepstral distance to the vocoded reading 1.64 → 1.51 on held-out narration)."""
INPUTS = MODEL_BANDS * (2 * CONTEXT + 1)
OUTPUTS = N_MELS + 2
"""What the map gives per frame: the 40 log mel bands, the energy (dB), the loudness (dB)."""
MAP_REVISION = 5
"""Bumped whenever the shipped map or the way it is applied changes: the reference cache keys on it."""
MAP_FILE = "neural-mel-map.txt"
"""The fitted map in the package's assets, as text: :data:`INPUTS` + 1 rows of the map and two rows
of the energy's quantile knots, :data:`OUTPUTS` columns (:func:`shipped_map`)."""
KNOTS = OUTPUTS
"""Quantiles of the energy the map gives, and of the energy the analysis measured, over the fitted
frames (two more rows of the table): a least-squares map pulls every prediction toward the mean,
so the soft starts and ends of a phrase came out 3–9 dB louder than measured, the reference kept
frames a recording shows under its noise, and cues came out 25 ms late and 16 ms early on the
neural voice itself; mapping the predicted energy's distribution onto the measured one restores
the range."""
PEAK_DB = 3.0
"""How far a 12.5 ms frame's mean power peaks under the 5 ms envelope that
:func:`~subtoolkit.align.reference.sound_edges` reads: the edges are sought that much nearer the
frames' peak (measured on the sample's narration: with it the ends' mean errors are −3 and +5 ms,
without it −6 and +10 ms; ``bench/fit_mel_map.py`` prints them)."""


@lru_cache(maxsize=1)
def shipped_map() -> np.ndarray:
    """The fitted map shipped with the package (see :func:`fit_map`): :data:`INPUTS` + 1 rows of the
    map, then the energy's two rows of quantile knots (:data:`KNOTS`)."""
    text = files("subtoolkit.assets").joinpath(MAP_FILE).read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    m = np.array([[float(v) for v in line.split()] for line in rows], dtype=np.float64)
    if m.shape != (INPUTS + 3, OUTPUTS):
        raise ValueError(f"{MAP_FILE} holds a {m.shape} table, not {(INPUTS + 3, OUTPUTS)}")
    return m


@lru_cache(maxsize=4)
def floor_features(rate: int = 16_000) -> tuple[np.ndarray, float]:
    """The log mel bands and energy (dB) of the reference's dither alone: what the analysis of a
    vocoded reading shows in its silences."""
    from subtoolkit.align.reference import DITHER_DB

    noise = np.random.default_rng(0).normal(0.0, 10 ** (DITHER_DB / 20), rate).astype(np.float32)
    f = analyse(noise, rate, with_voicing=False)
    return f.logmel.mean(axis=0).astype(np.float64), float(10 * np.log10(np.mean(10 ** (f.energy_db / 10))))


def _mapped(mel: np.ndarray, table: np.ndarray) -> np.ndarray:
    """The map's outputs for mel frames, the energy carried through its quantile knots."""
    out = _with_context(mel) @ table[:INPUTS] + table[INPUTS]
    if len(table) > INPUTS + 1:
        out[:, N_MELS] = np.interp(out[:, N_MELS], table[INPUTS + 1], table[INPUTS + 2])
    return out


def _with_context(mel: np.ndarray) -> np.ndarray:
    """Each frame with its :data:`CONTEXT` neighbours each side (the phrase's ends repeated)."""
    mel = np.asarray(mel, dtype=np.float64)
    padded = np.vstack([np.repeat(mel[:1], CONTEXT, axis=0), mel, np.repeat(mel[-1:], CONTEXT, axis=0)])
    return np.hstack([padded[k : k + len(mel)] for k in range(2 * CONTEXT + 1)])


def loudness_db(x: np.ndarray, frames: int) -> np.ndarray:
    """Mean power (dB) of each 12.5 ms stretch of 24 kHz audio, one per mel frame: samples
    ``300 j`` to ``300 (j + 1)``. (The mel frame itself is centred on sample ``300 j``, its window
    reaching 25 ms either side; the loudness the map gives for it is that of the stretch after,
    which places the sound's ends best: ``bench/fit_mel_map.py``.)"""
    hop = int(MODEL_RATE * MODEL_HOP_MS / 1000)
    padded = np.zeros(frames * hop, dtype=np.float64)
    seg = np.asarray(x[: frames * hop], dtype=np.float64)
    padded[: len(seg)] = seg
    return 10 * np.log10(np.mean(padded.reshape(frames, hop) ** 2, axis=1) + 1e-12)


def _on_grid(rows: np.ndarray, centres_ms: np.ndarray) -> np.ndarray:
    """``rows`` (one per mel frame, frame ``j`` centred at ``12.5 j`` ms) linearly interpolated at
    ``centres_ms`` (clamped to the first and last frame)."""
    u = np.clip(centres_ms / MODEL_HOP_MS, 0, len(rows) - 1)
    lo = np.floor(u).astype(np.int64)
    hi = np.minimum(lo + 1, len(rows) - 1)
    frac = (u - lo)[:, None]
    return rows[lo] * (1 - frac) + rows[hi] * frac


def features_from_mels(phrases: Sequence[tuple[np.ndarray, int]], table: np.ndarray | None = None,
                       edge_db: float | None = None) -> tuple[Frames, float, float, float]:
    """A cue's frames on the analysis grid, its length and the ends of its sound (ms), from its
    phrases' mel spectrograms and the silence after each (:meth:`~subtoolkit.tts.neural.NeuralEngine.mels_sync`).

    The frames are those :func:`~subtoolkit.align.reference.analyse_references` would give the
    vocoded reading: as many (the audio is ``frames × 12.5 ms`` a phrase, plus the pauses), on
    the same 10 ms grid.
    """
    from subtoolkit.align.reference import EDGE_DB

    table = shipped_map() if table is None else table
    edge_db = EDGE_DB + PEAK_DB if edge_db is None else edge_db
    spans: list[tuple[float, float, np.ndarray]] = []  # (start ms, end ms, mapped rows) per phrase
    at = 0.0
    for mel, pause_ms in phrases:
        end = at + len(mel) * MODEL_HOP_MS
        if len(mel):
            spans.append((at, end, _mapped(mel, table)))
        at = end + pause_ms
    duration = at
    hop_ms = HOP_S * 1000
    n = max(1, int(np.ceil(round(duration * MODEL_RATE / 1000) / (MODEL_RATE * HOP_S))))
    floor_mel, floor_energy = floor_features()
    logmel = np.tile(floor_mel, (n, 1))
    energy = np.full(n, floor_energy)
    centre = np.arange(n) * hop_ms + hop_ms / 2
    loud, mids, lows, highs = [], [], [], []
    for a, b, rows in spans:
        k = np.flatnonzero((centre >= a) & (centre < b))
        at_rows = _on_grid(rows, centre[k] - a)
        logmel[k] = np.logaddexp(at_rows[:, :N_MELS], floor_mel)
        energy[k] = 10 * np.log10(10 ** (at_rows[:, N_MELS] / 10) + 10 ** (floor_energy / 10))
        loud.append(rows[:, N_MELS + 1])
        mids.append(a + (np.arange(len(rows)) + 0.5) * MODEL_HOP_MS)  # the loudness's stretches
        lows.append(np.full(len(rows), a))
        highs.append(np.full(len(rows), b))
    onset = offset = 0.0
    if spans:
        all_loud = np.concatenate(loud)
        peak = float(all_loud.max())
        onset, offset = _edges(all_loud, np.concatenate(mids), np.concatenate(lows),
                               np.concatenate(highs), edge_db)
        # the model's 50 ms mel windows smear each phrase's onset and release into frames whose 25 ms
        # analysis window cannot reach the sound: those read the dither alone, as the vocoded
        # reading's analysis shows them (left in, they crossed a clean recording's deep threshold
        # 10-20 ms early, and cue starts came out 12 ms late in the median)
        reach = WIN_S * 1000 / 2
        for (a, b, _), lp, mp, lo, hi in zip(spans, loud, mids, lows, highs):
            if not np.any(lp > peak + edge_db):
                continue
            on_p, off_p = _edges(lp, mp, lo, hi, edge_db, peak)
            k = np.flatnonzero((centre >= a) & (centre < b))
            silent = k[(centre[k] + reach <= on_p) | (centre[k] - reach >= off_p)]
            logmel[silent] = floor_mel
            energy[silent] = floor_energy
    frames = Frames(energy.astype(np.float32), np.zeros(n, dtype=np.float32), logmel.astype(np.float32))
    return frames, duration, onset, offset


def _edges(loud: np.ndarray, mids: np.ndarray, lows: np.ndarray, highs: np.ndarray, edge_db: float,
           peak: float | None = None) -> tuple[float, float]:
    """First and last ms of sound: where the frames' loudness (each at its centre ``mids``, inside
    its phrase's ``lows``–``highs``) crosses ``edge_db`` below its peak (``peak`` when given: the
    cue's, for one phrase of it), placed between two frames
    of a phrase by their levels; half a frame out from a phrase's first or last frame."""
    thr = (float(loud.max()) if peak is None else peak) + edge_db
    above = np.flatnonzero(loud > thr)
    if not len(above):
        return 0.0, 0.0
    a, b = int(above[0]), int(above[-1])
    half = MODEL_HOP_MS / 2

    def cross(i: int, j: int) -> float:
        """Where the level passes ``thr`` between frame ``i`` (below) and ``j`` (above), in ms."""
        frac = (thr - loud[i]) / (loud[j] - loud[i]) if loud[j] != loud[i] else 0.5
        return float(mids[i] + np.clip(frac, 0.0, 1.0) * (mids[j] - mids[i]))

    same_before = a > 0 and lows[a - 1] == lows[a]
    same_after = b < len(loud) - 1 and lows[b + 1] == lows[b]
    onset = cross(a - 1, a) if same_before else max(float(lows[a]), float(mids[a] - half))
    offset = cross(b + 1, b) if same_after else min(float(highs[b]), float(mids[b] + half))
    return onset, offset


def targets(audio: np.ndarray, mel_frames: int) -> tuple[np.ndarray, np.ndarray]:
    """What the map is fitted to reproduce for one phrase's vocoded ``audio`` (24 kHz, ``mel_frames``
    × 300 samples): the analysis's 40 log mel bands and energy on its 10 ms grid, and each mel
    frame's loudness (:func:`loudness_db`)."""
    from subtoolkit.align.reference import analyse_references

    f = analyse_references([("", np.asarray(audio, dtype=np.float32), MODEL_RATE)])[0].frames
    return np.column_stack([f.logmel, f.energy_db]).astype(np.float64), loudness_db(audio, mel_frames)


def fit_map(pairs: Sequence[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """Least-squares map from mel frames (and a constant) to :func:`targets`, over phrases given
    as (mel (frames × 80), the vocoder's audio of it): the analysis's features against the mel
    interpolated onto its 10 ms grid (as :func:`features_from_mels` applies it), the loudness
    against the mel frames themselves. Frames quieter than 60 dB below the loudest are left out:
    there the analysis reads the dither, which :func:`features_from_mels` adds by itself, and the
    vocoder's faint noise would only bend the fit."""
    hop_ms = HOP_S * 1000
    xg, yg, xm, ym = [], [], [], []
    for mel, audio in pairs:
        mel = _with_context(mel)
        grid, loud = targets(audio, len(mel))
        xg.append(_on_grid(mel, np.arange(len(grid)) * hop_ms + hop_ms / 2))
        yg.append(grid)
        xm.append(mel)
        ym.append(loud)
    table = np.zeros((INPUTS + 3, OUTPUTS))
    for x, y, cols in ((np.vstack(xg), np.vstack(yg), slice(0, N_MELS + 1)),
                       (np.vstack(xm), np.concatenate(ym)[:, None], slice(N_MELS + 1, OUTPUTS))):
        level = y[:, -1]
        keep = level > level.max() - 60
        a = np.column_stack([x[keep], np.ones(int(keep.sum()))])
        table[: INPUTS + 1, cols], *_ = np.linalg.lstsq(a, y[keep], rcond=None)
        if cols.start == 0:  # the energy's quantiles, predicted and measured, over the same frames
            q = np.linspace(1, 99, KNOTS)  # the extremes are single frames: left out
            table[INPUTS + 1] = np.percentile(a @ table[: INPUTS + 1, N_MELS], q)
            table[INPUTS + 2] = np.percentile(y[keep, N_MELS], q)
    return table


def distances_to_reading(
    reading: Frames, frames: Frames, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """How near mel-derived ``frames`` come to the analysed vocoded ``reading`` of the same text.

    Per frame the aligner keeps (within 40 dB of the reading's loud frames): the standardised
    cepstral distance to the same frame of the reading, and to a random other frame of it — the
    scale a useful map must beat; and the mask of kept frames. The fit's check and the tests
    measure the map by these two distributions, so they share one definition."""
    keep = reading.energy_db > np.percentile(reading.energy_db, 97) - 40
    a, b = cepstra(reading.logmel)[keep], cepstra(frames.logmel)[keep]
    mean, std = a.mean(axis=0), a.std(axis=0)
    a, b = (a - mean) / std, (b - mean) / std
    near = np.sqrt(((a - b) ** 2).sum(axis=1))
    far = np.sqrt(((a - a[rng.permutation(len(a))]) ** 2).sum(axis=1))
    return near, far, keep
