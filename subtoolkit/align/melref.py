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
  longer frame), interpolated between frames.

The features differ from the vocoded reading's as much as two analyses of slightly shifted
windows do (``tests/test_align_melref.py`` measures it), and the alignments they give meet the
same bars as the vocoded reference's (``tests/test_align_voices.py``, neural conditions).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from importlib.resources import files

import numpy as np

from subtoolkit.audio.features import HOP_S, N_MELS, Frames, analyse

MODEL_HOP_MS = 12.5
"""One mel frame of the acoustic model: 300 samples at 24 kHz."""
MODEL_RATE = 24_000
MODEL_BANDS = 80
OUTPUTS = N_MELS + 2
"""What the map gives per frame: the 40 log mel bands, the energy (dB), the loudness (dB)."""
MAP_REVISION = 1
"""Bumped whenever the shipped map or the way it is applied changes: the reference cache keys on it."""
MAP_FILE = "neural-mel-map.txt"
PEAK_DB = 3.0
"""How far a 12.5 ms frame's mean power peaks under the 5 ms envelope that
:func:`~subtoolkit.align.reference.sound_edges` reads: the edges are sought that much nearer the
frames' peak (measured on the sample's narration: with it the ends' mean errors are −3 and +5 ms,
without it −6 and +10 ms; ``bench/fit_mel_map.py`` prints them)."""
"""The fitted map in the package's assets: (80 + 1) rows × :data:`OUTPUTS` columns, as text."""


@lru_cache(maxsize=1)
def shipped_map() -> np.ndarray:
    """The fitted map shipped with the package (see :func:`fit_map`)."""
    text = files("subtoolkit.assets").joinpath(MAP_FILE).read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    m = np.array([[float(v) for v in line.split()] for line in rows], dtype=np.float64)
    if m.shape != (MODEL_BANDS + 1, OUTPUTS):
        raise ValueError(f"{MAP_FILE} holds a {m.shape} table, not {(MODEL_BANDS + 1, OUTPUTS)}")
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
    return np.asarray(mel, dtype=np.float64) @ table[:-1] + table[-1]


def loudness_db(x: np.ndarray) -> np.ndarray:
    """Mean power (dB) of each 12.5 ms frame of 24 kHz audio, the frames the mel's."""
    hop = int(MODEL_RATE * MODEL_HOP_MS / 1000)
    n = len(x) // hop
    return 10 * np.log10(np.mean(np.asarray(x[: n * hop], dtype=np.float64).reshape(n, hop) ** 2, axis=1) + 1e-12)


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
    starts, rows, lengths = [], [], []
    at = 0.0
    for mel, pause_ms in phrases:
        starts.append(at)
        lengths.append(len(mel))
        rows.append(_mapped(mel, table))
        at += len(mel) * MODEL_HOP_MS + pause_ms
    duration = at
    hop_ms = HOP_S * 1000
    n = max(1, int(np.ceil(round(duration * MODEL_RATE / 1000) / (MODEL_RATE * HOP_S))))
    floor_mel, floor_energy = floor_features()
    logmel = np.tile(floor_mel, (n, 1))
    energy = np.full(n, floor_energy)
    onset = offset = 0.0
    if rows and sum(lengths):
        mapped = np.vstack(rows)
        first = np.cumsum([0, *lengths[:-1]])
        s = np.asarray(starts)
        centre = np.arange(n) * hop_ms + hop_ms / 2
        p = np.clip(np.searchsorted(s, centre, side="right") - 1, 0, len(s) - 1)
        length = np.asarray(lengths)[p]
        inside = (centre >= s[p]) & (centre < s[p] + length * MODEL_HOP_MS) & (length > 0)
        u = np.clip((centre - s[p] - MODEL_HOP_MS / 2) / MODEL_HOP_MS, 0, np.maximum(length - 1, 0))
        lo = np.floor(u).astype(np.int64)
        hi = np.minimum(lo + 1, np.maximum(length - 1, 0))
        frac = (u - lo)[:, None]
        at_rows = mapped[np.minimum(first[p] + lo, len(mapped) - 1)] * (1 - frac) + \
            mapped[np.minimum(first[p] + hi, len(mapped) - 1)] * frac
        k = np.flatnonzero(inside)
        logmel[k] = np.logaddexp(at_rows[k, :N_MELS], floor_mel)
        energy[k] = 10 * np.log10(10 ** (at_rows[k, N_MELS] / 10) + 10 ** (floor_energy / 10))
        onset, offset = _edges(mapped[:, N_MELS + 1], np.concatenate(
            [st + np.arange(ln) * MODEL_HOP_MS for st, ln in zip(starts, lengths)]), edge_db)
    frames = Frames(energy.astype(np.float32), np.zeros(n, dtype=np.float32), logmel.astype(np.float32))
    return frames, duration, onset, offset


def _edges(loud: np.ndarray, begins: np.ndarray, edge_db: float) -> tuple[float, float]:
    """First and last ms of sound: where the frames' loudness crosses ``edge_db`` below its peak,
    the crossing placed between the two frames by their levels (a frame's level is its middle's)."""
    thr = float(loud.max()) + edge_db
    above = np.flatnonzero(loud > thr)
    if not len(above):
        return 0.0, 0.0
    a, b = int(above[0]), int(above[-1])

    def cross(i: int, j: int) -> float:
        """Where the level passes ``thr`` between frame ``i`` (below) and ``j`` (above), in ms."""
        frac = (thr - loud[i]) / (loud[j] - loud[i]) if loud[j] != loud[i] else 0.5
        mid_i, mid_j = begins[i] + MODEL_HOP_MS / 2, begins[j] + MODEL_HOP_MS / 2
        return float(mid_i + np.clip(frac, 0.0, 1.0) * (mid_j - mid_i))

    onset = cross(a - 1, a) if a > 0 and begins[a] - begins[a - 1] == MODEL_HOP_MS else float(begins[a])
    last = len(loud) - 1
    offset = cross(b + 1, b) if b < last and begins[b + 1] - begins[b] == MODEL_HOP_MS else \
        float(begins[b] + MODEL_HOP_MS)
    return onset, offset


def targets(audio: np.ndarray, mel_frames: int) -> np.ndarray:
    """What the map is fitted to reproduce for one phrase's vocoded ``audio`` (24 kHz, ``mel_frames``
    × 300 samples): per mel frame, the analysis's 40 log mel bands and energy at the frame's
    middle (interpolated from the 10 ms grid), and the frame's loudness."""
    from subtoolkit.align.reference import analyse_references

    ref = analyse_references([("", np.asarray(audio, dtype=np.float32), MODEL_RATE)])[0]
    f = ref.frames
    grid = np.column_stack([f.logmel, f.energy_db]).astype(np.float64)
    hop_ms = HOP_S * 1000
    centre = (np.arange(mel_frames) + 0.5) * MODEL_HOP_MS
    u = np.clip((centre - hop_ms / 2) / hop_ms, 0, len(grid) - 1)
    lo = np.floor(u).astype(np.int64)
    hi = np.minimum(lo + 1, len(grid) - 1)
    frac = (u - lo)[:, None]
    at = grid[lo] * (1 - frac) + grid[hi] * frac
    return np.column_stack([at, loudness_db(audio)[:mel_frames]])


def fit_map(pairs: Sequence[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """Least-squares map from mel frames (and a constant) to :func:`targets`, over phrases given
    as (mel (frames × 80), the vocoder's audio of it). Frames quieter than 60 dB below the
    loudest are left out: there the analysis reads the dither, which :func:`features_from_mels`
    adds by itself, and the vocoder's faint noise would only bend the fit."""
    xs, ys = [], []
    for mel, audio in pairs:
        xs.append(np.asarray(mel, dtype=np.float64))
        ys.append(targets(audio, len(mel)))
    x, y = np.vstack(xs), np.vstack(ys)
    keep = y[:, N_MELS + 1] > y[:, N_MELS + 1].max() - 60
    a = np.column_stack([x[keep], np.ones(int(keep.sum()))])
    table, *_ = np.linalg.lstsq(a, y[keep], rcond=None)
    return table
