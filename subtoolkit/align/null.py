"""What a right and a wrong pairing cost in *this* session: the aligner's yardstick.

A distance between a recording's frames and the synthetic reading means nothing on its own: a
talent whose voice is far from the reference voice matches the right words at a cost that, for
espeak reading itself, would mean "wrong text". So every cost the aligner uses (what an
unmatched stretch of recording costs, what leaving a block out costs, how confident a placed block
is) is measured against two samples taken from the session itself:

- **wrong pairings** (the null): windows of the recording warped, with the same steps and the
  same freedom to start and stop anywhere, onto the synthetic reading *played backwards*. The
  backwards reading has the very frames, voice and room of the forwards one but no order a
  recording could follow, so the best path through it is what a search finds where there is
  nothing to find;
- **right pairings**: the same windows warped onto the forwards reading, either anywhere in it
  (before anything is known) or around where the previous level put them.

The gap between the two is this session's contrast: a garbage row costs the midpoint, and a block
is as credible as its cost is far below the null, in the null's own standard deviations at the
block's length.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

WINDOW_ROWS = 24
"""Rows per sampled window; the confidence of a block of another length is scaled from it."""
WINDOWS = 32


@dataclass(frozen=True)
class NullModel:
    """Per-row warping costs of right and wrong pairings in one session, at one level."""

    match: float
    """Median per-row cost of the recording's windows on the reading (the right pairing)."""
    null_mean: float
    """Mean per-row cost of the windows on the reading played backwards (no right pairing)."""
    null_std: float
    rows: int
    match_high: float = float("nan")
    """The 90th percentile of the right pairings' costs: where the recording's worse windows lie."""
    window_rows: tuple[int, ...] = ()
    """Middle row of each sampled window, in order, and what its right pairing cost."""
    window_costs: tuple[float, ...] = ()

    @property
    def garbage(self) -> float:
        """Cost of a recording row matched to nothing: halfway between right and wrong, so a
        stretch goes unmatched when it sits nearer the wrong pairings than the right; and never
        below what nine in ten of the recording's own windows cost on their right words, so a voice
        far from the reference (little contrast) is not thrown away for being far."""
        mid = self.match + 0.5 * self.contrast
        return mid if np.isnan(self.match_high) else max(mid, self.match_high)

    @property
    def contrast(self) -> float:
        """How much cheaper a right pairing is than a wrong one, per row (never below a null sd)."""
        return max(self.null_mean - self.match, self.null_std)

    def garbage_rows(self, m: int, neighbours: int = 3) -> np.ndarray:
        """Garbage cost per recording row: :attr:`garbage`, raised where the recording's own
        nearby windows cost more on their right words (another voice in a mixed recording: an
        interviewee, a second talent), so a voice far from the reference is matched, not dropped."""
        out = np.full(m, self.garbage)
        if not self.window_rows or m == 0:
            return out
        at = np.asarray(self.window_rows, dtype=np.float64)
        costs = np.asarray(self.window_costs)
        rows = np.arange(m, dtype=np.float64)
        k = min(neighbours, len(at))
        nearest = np.argsort(np.abs(rows[:, None] - at[None, :]), axis=1)[:, :k] if m * len(at) <= 4_000_000 else None
        if nearest is None:  # long recordings: windows are dense enough that the one nearest will do
            idx = np.clip(np.searchsorted(at, rows), 0, len(at) - 1)
            local = costs[idx]
        else:
            local = np.max(costs[nearest], axis=1)
        return np.maximum(out, local)

    def z(self, cost: float, rows: int) -> float:
        """How many null standard deviations (for a stretch of ``rows`` rows) ``cost`` is below
        the null mean: 0 is what a search finds where there is nothing to find."""
        sd = self.null_std * np.sqrt(self.rows / max(rows, 1))
        return float((self.null_mean - cost) / max(sd, 1e-9))


def subsequence_costs(windows: np.ndarray, segments: np.ndarray) -> np.ndarray:
    """Per-row cost of the cheapest path of each window through its segment.

    ``windows`` (K, W, d) against ``segments`` (K, B, d); the path may begin and end at any
    column and moves by (1,1), (1,2) or (2,1), as the aligner's does. All K at once.
    """
    k, w, _ = windows.shape
    b = segments.shape[1]
    inf = np.float32(1e30)
    s2 = np.einsum("kbd,kbd->kb", segments, segments)

    def cost(i: int) -> np.ndarray:
        r = windows[:, i, :]
        d2 = np.einsum("kd,kd->k", r, r)[:, None] + s2 - 2.0 * np.einsum("kd,kbd->kb", r, segments)
        return np.sqrt(np.maximum(d2, 0.0)).astype(np.float32)

    pad = np.full((k, 2), inf, dtype=np.float32)
    c_prev = cost(0)
    d_prev2 = np.full((k, b), inf, dtype=np.float32)
    d_prev = c_prev.copy()
    for i in range(1, w):
        c = cost(i)
        p1 = np.concatenate([pad, d_prev], axis=1)  # p1[:, j + 2] = d_prev[:, j]
        p2 = np.concatenate([pad, d_prev2], axis=1)
        cp = np.concatenate([pad[:, :1], c], axis=1)  # cp[:, j + 1] = c[:, j]
        cpp = np.concatenate([pad[:, :1], c_prev], axis=1)
        diag = p1[:, 1:-1]  # d_prev[j-1]
        wide = p1[:, :-2] + cp[:, :-1]  # d_prev[j-2] + c[j-1]
        tall = p2[:, 1:-1] + cpp[:, 1:]  # d_prev2[j-1] + c_prev[j]
        d = c + np.minimum(np.minimum(diag, wide), tall)
        d_prev2, d_prev, c_prev = d_prev, d, c
    return d_prev.min(axis=1) / w


def measure(
    rec: np.ndarray,
    ref: np.ndarray,
    rng: np.random.Generator,
    *,
    centre: np.ndarray | None = None,
    rows: int = WINDOW_ROWS,
    windows: int = WINDOWS,
    half: int | None = None,
) -> NullModel:
    """The null model of ``rec`` (rows) against ``ref`` (columns) at one level.

    Without ``centre`` each window's right pairing is searched in the whole reading; with it
    (the column each row sits on, from a coarser level) in ``half`` columns either side. The
    wrong pairing is always searched in a stretch of the backwards reading as wide.
    """
    m, n = len(rec), len(ref)
    w = max(2, min(rows, m // 2, n // 2))
    if m < 4 or n < 4:
        return NullModel(0.0, 1.0, 1.0, w)
    starts = np.sort(rng.integers(0, m - w + 1, windows))
    win = np.stack([rec[a : a + w] for a in starts]).astype(np.float32)
    back = ref[::-1]
    if centre is None:
        width = n
        fwd = np.broadcast_to(ref, (len(starts), n, ref.shape[1]))
    else:
        width = min(n, 2 * (half or 3 * w) + w)
        mid = np.asarray([centre[min(a + w // 2, len(centre) - 1)] for a in starts])
        lo = np.clip(np.round(mid - width / 2).astype(np.int64), 0, n - width)
        fwd = np.stack([ref[a : a + width] for a in lo])
    lo_b = rng.integers(0, n - width + 1, len(starts))
    bwd = np.stack([back[a : a + width] for a in lo_b])
    right = subsequence_costs(win, np.ascontiguousarray(fwd, dtype=np.float32))
    wrong = subsequence_costs(win, bwd.astype(np.float32))
    return NullModel(float(np.median(right)), float(np.mean(wrong)), float(np.std(wrong)) + 1e-6, w,
                     float(np.percentile(right, 90)), tuple(int(a + w // 2) for a in starts),
                     tuple(float(c) for c in right))

