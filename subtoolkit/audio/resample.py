"""Band-limited resampling of float samples, for analysis (the aligner's rates)."""

from __future__ import annotations

import numpy as np


def resample(x: np.ndarray, rate: int, target: int) -> np.ndarray:
    """Band-limited resampling by truncating the spectrum (exact for a short, whole signal).

    The signal is zero-padded to a length whose FFT is fast and whose resampled length is a
    whole number (a multiple of ``rate / gcd`` times a power of two): an arbitrary length can be
    a large prime, and its FFT a hundred times slower.
    """
    from math import gcd

    n_out = int(round(len(x) * target / rate))
    if n_out == 0:
        return np.zeros(0, dtype=np.float32)
    g = gcd(rate, target)
    step = rate // g
    n_pad = step * (1 << int(np.ceil(np.log2(max(1, -(-len(x) // step))))))
    m = n_pad * target // rate
    spec = np.fft.rfft(x, n_pad)[: m // 2 + 1]
    return (np.fft.irfft(spec, m)[:n_out] * (m / n_pad)).astype(np.float32)
