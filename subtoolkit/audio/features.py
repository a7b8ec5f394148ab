"""Frame-level features of mono audio: energy, voicing and MFCCs on one 10 ms grid.

Everything the aligner compares lives on the same grid whatever the sample rate of the input:
frames are defined in seconds (25 ms windows every 10 ms) and the mel filterbank stops at
7.6 kHz, so a 16 kHz recording and a 24 kHz synthetic reference give comparable vectors without
resampling either. Plain numpy; no model, no download.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

HOP_S = 0.010
"""Frame hop: the time resolution of every boundary the aligner reports before refinement."""
WIN_S = 0.025
VOICING_WIN_S = 0.035
"""Long enough for two periods of a 60 Hz voice."""
N_MELS = 40
N_CEPS = 13  # c0..c12; c0 (loudness) is dropped before comparison
MEL_LOW, MEL_HIGH = 60.0, 7600.0
FFT_ROWS = 512


@dataclass(frozen=True)
class Frames:
    """Per-frame measurements of one signal.

    ``logmel`` holds the log energies of 40 mel bands, shape (frames, 40), from which
    :func:`cepstra` makes MFCCs, optionally with the bands shifted to undo a difference in vocal
    tract length between two voices. ``energy_db`` is the frame's mean power in dB (full scale =
    0 dB) in the speech band, after
    pre-emphasis: rumble and hum, which carry most of a room's noise and none of its words, barely
    move it, while the hiss of an s- still does. ``voicing`` is the peak of
    the normalised autocorrelation in the pitch range (near 1 for vowels, low for breath and
    hiss).
    """

    energy_db: np.ndarray
    voicing: np.ndarray
    logmel: np.ndarray

    def __len__(self) -> int:
        return int(self.energy_db.shape[0])


def frame_count(samples: int, rate: int) -> int:
    """Frames on the grid for ``samples`` (the last partial window is padded, not dropped)."""
    hop = rate * HOP_S
    return max(1, int(np.ceil(samples / hop)))


def _frames(x: np.ndarray, rate: int, win_s: float) -> np.ndarray:
    """A strided (frames, window) view, windows centred on k·hop + hop/2 (zero-padded at the ends)."""
    hop = int(round(rate * HOP_S))
    win = int(round(rate * win_s))
    n = frame_count(len(x), rate)
    pad_left = (win - hop) // 2
    padded = np.zeros(n * hop + win, dtype=np.float32)
    seg = x[: n * hop + win - pad_left]
    padded[pad_left : pad_left + len(seg)] = seg
    return np.lib.stride_tricks.as_strided(padded, shape=(n, win), strides=(padded.strides[0] * hop, padded.strides[0]))


@lru_cache(maxsize=8)
def _mel_bank(rate: int, n_fft: int) -> np.ndarray:
    def mel(f: np.ndarray | float) -> np.ndarray:
        return 2595.0 * np.log10(1.0 + np.asarray(f) / 700.0)

    def hz(m: np.ndarray) -> np.ndarray:
        return 700.0 * (10 ** (m / 2595.0) - 1.0)

    high = min(MEL_HIGH, rate / 2 - 1)
    points = hz(np.linspace(mel(MEL_LOW), mel(high), N_MELS + 2))
    freqs = np.fft.rfftfreq(n_fft, 1.0 / rate)
    bank = np.zeros((N_MELS, len(freqs)), dtype=np.float32)
    for m in range(N_MELS):
        lo, mid, hi = points[m], points[m + 1], points[m + 2]
        up = (freqs - lo) / max(mid - lo, 1e-9)
        down = (hi - freqs) / max(hi - mid, 1e-9)
        bank[m] = np.clip(np.minimum(up, down), 0.0, None)
    return bank


@lru_cache(maxsize=2)
def _dct(n_in: int, n_out: int) -> np.ndarray:
    k = np.arange(n_out)[:, None]
    n = np.arange(n_in)[None, :]
    m = np.cos(np.pi * k * (2 * n + 1) / (2 * n_in)) * np.sqrt(2.0 / n_in)
    m[0] /= np.sqrt(2.0)
    return m.T.astype(np.float32)


def pre_emphasised(f: np.ndarray) -> np.ndarray:
    """Frames with their DC removed and pre-emphasis applied: energy and MFCCs are both read from
    these, and the speech detector's energy must equal :func:`analyse`'s to the bit."""
    centred = f - f.mean(axis=1, keepdims=True)
    emph = np.empty_like(centred)
    emph[:, 0] = centred[:, 0]
    emph[:, 1:] = centred[:, 1:] - 0.97 * centred[:, :-1]
    return emph


def analyse(x: np.ndarray, rate: int, *, chunk: int = 4096, with_voicing: bool = True) -> Frames:
    """Energy, voicing and MFCCs of ``x`` (float32 in [-1, 1]) on the 10 ms grid.

    Works through the signal in chunks of frames so that an hour of audio never needs more than a
    few megabytes of FFT buffers at once. ``with_voicing=False`` skips the pitch analysis (zeros), for
    the synthetic reference, whose silences are known without it.
    """
    x = np.asarray(x, dtype=np.float32)
    frames = _frames(x, rate, WIN_S)
    n, win = frames.shape
    n_fft = 1 << int(np.ceil(np.log2(win)))
    window = np.hamming(win).astype(np.float32)
    bank = _mel_bank(rate, n_fft)
    energy = np.empty(n, dtype=np.float32)
    voicing = np.zeros(n, dtype=np.float32)
    logmel = np.empty((n, N_MELS), dtype=np.float32)
    freqs = np.fft.rfftfreq(n_fft, 1.0 / rate)
    band = (freqs >= 100.0) & (freqs <= MEL_HIGH)
    parseval = 1.0 / (n_fft * float(np.sum(window**2)))  # mean power per sample, by Parseval
    power = np.empty((min(chunk, n), n_fft // 2 + 1), dtype=np.float32)  # reused by every chunk
    for a in range(0, n, chunk):
        m = min(chunk, n - a)
        # the spectra a few hundred frames at a time, into the chunk's buffer: temporaries of a
        # megabyte stay in the cache and in the allocator's free lists (at 4096 frames each was
        # fresh memory from the kernel, 30,000 page faults per 4 minutes of audio, half the time)
        for b in range(0, m, FFT_ROWS):
            e = min(b + FFT_ROWS, m)
            emph = pre_emphasised(frames[a + b : a + e])  # float32 already: centring makes the one copy
            power[b:e] = np.abs(np.fft.rfft(emph * window, n_fft, axis=1)) ** 2
            energy[a + b : a + e] = 10.0 * np.log10(2.0 * parseval * np.sum(power[b:e, band], axis=1) + 1e-10)
        mel = power[:m] @ bank.T  # one product per chunk, as before: the same sums to the bit
        logmel[a : a + m] = np.log(mel + 1e-8)
    if with_voicing:
        voicing = voicing_at(x, rate, np.arange(n))
    return Frames(energy, voicing, logmel)


def voicing_at(x: np.ndarray, rate: int, idx: np.ndarray, *, chunk: int = FFT_ROWS) -> np.ndarray:
    """Voicing of the frames ``idx`` (10 ms grid): the peak of the normalised autocorrelation at
    pitch lags (60–400 Hz), near 1 for a vowel, low for breath, hiss and rumble.

    Only the frames asked for are analysed: the speech detector asks for the loud ones. A few
    hundred frames at a time (:data:`FFT_ROWS`; each frame's numbers do not depend on it).
    """
    x = np.asarray(x, dtype=np.float32)
    out = np.zeros(len(idx), dtype=np.float32)
    if not len(idx):
        return out
    # pitch lives below 400 Hz: halve the rate (a two-tap average is low-pass enough for a
    # periodicity measure) and the autocorrelation costs a quarter
    x2, rate2 = (0.5 * (x[0 : len(x) - 1 : 2] + x[1::2]), rate // 2) if rate >= 16000 else (x, rate)
    frames = _frames(x2, rate2, VOICING_WIN_S)
    vwin = frames.shape[1]
    window = np.hanning(vwin).astype(np.float32)
    lag_lo, lag_hi = int(rate2 / 400), int(rate2 / 60)
    n_ac = 1 << int(np.ceil(np.log2(vwin + lag_hi + 2)))  # no circular wrap at the lags we read
    # Boersma's correction: divide by the window's own autocorrelation, so a perfectly periodic
    # frame scores 1 at its period whatever the overlap of the shifted window
    w_ac = np.fft.irfft(np.abs(np.fft.rfft(window, n_ac)) ** 2, n_ac)
    w_ac = (w_ac / w_ac[0])[lag_lo - 1 : lag_hi + 2]
    idx = np.minimum(np.asarray(idx, dtype=np.int64), len(frames) - 1)
    for a in range(0, len(idx), chunk):
        lf = frames[idx[a : a + chunk]].astype(np.float32)
        lf -= lf.mean(axis=1, keepdims=True)
        spec = np.fft.rfft(lf * window, n_ac, axis=1)
        ac = np.fft.irfft(np.abs(spec) ** 2, n_ac, axis=1)
        r0 = ac[:, 0] + 1e-9
        # only interior peaks count: low-frequency noise (rumble, pink room tone) correlates
        # strongly at short lags too, but falls off monotonically instead of peaking at a pitch
        seg = ac[:, lag_lo - 1 : lag_hi + 2] / w_ac
        mid = seg[:, 1:-1]
        peak = (mid >= seg[:, :-2]) & (mid > seg[:, 2:])
        out[a : a + len(lf)] = np.max(np.where(peak, mid, 0.0), axis=1) / r0
    return np.clip(out, 0.0, 1.0)


def cepstra(logmel: np.ndarray, shift: float = 0.0) -> np.ndarray:
    """MFCCs c1..c12 (c0, the loudness, is left out) of log-mel frames.

    ``shift`` moves the spectrum along the mel axis by that many bands before the cosine
    transform: a crude vocal tract length normalisation. Formants scale with the length of the
    vocal tract, and on the mel scale (nearly logarithmic above 1 kHz) a scaling is nearly a
    shift, so a voice a little higher or lower than the reference reads more like it.

    >>> lm = np.tile(np.linspace(0, 1, N_MELS, dtype=np.float32), (2, 1))
    >>> cepstra(lm).shape, bool(np.allclose(cepstra(lm, 0.0), cepstra(lm)))
    ((2, 12), True)
    """
    x = np.asarray(logmel, dtype=np.float32)
    if shift:
        k = np.arange(x.shape[1], dtype=np.float64)
        src = np.clip(k + shift, 0, x.shape[1] - 1)
        lo = np.floor(src).astype(np.int64)
        hi = np.minimum(lo + 1, x.shape[1] - 1)
        frac = (src - lo).astype(np.float32)
        x = x[:, lo] * (1 - frac) + x[:, hi] * frac
    return (x @ _dct(N_MELS, N_CEPS))[:, 1:].astype(np.float32)


def pool(vectors: np.ndarray, factor: int) -> np.ndarray:
    """Average consecutive groups of ``factor`` frames (the coarse grid of the first pass)."""
    if factor <= 1:
        return vectors
    n = len(vectors)
    full = n // factor
    out = vectors[: full * factor].reshape(full, factor, -1).mean(axis=1)
    if n % factor:
        out = np.vstack([out, vectors[full * factor :].mean(axis=0, keepdims=True)])
    return out.astype(np.float32)
