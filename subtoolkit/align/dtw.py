"""Banded dynamic time warping that can leave things out on either side.

Rows are frames of the recording, columns frames of the synthetic reference. The path moves by
(1,1), (1,2) or (2,1), so locally the talent may read anywhere between half and twice the
reference's pace; every cell on the band depends only on earlier *rows*, so a whole row is one
handful of numpy operations instead of a Python loop over cells.

Two escapes make it usable on real sessions:

- **garbage**: at chosen columns (the end of a sentence, the end of a block) the path may stay
  put while it consumes recording frames at a flat cost: a cough, a slate, an untrimmed retake
  matched to nothing rather than smeared over the neighbouring words;
- **skips**: the reference is cut into units (blocks); the path may jump over whole units at a
  penalty, which is how a paragraph the talent did not read comes out *unplaced* instead of being
  squeezed into the pause between its neighbours.

The band is given per row (``lo[i]`` nondecreasing, fixed width), so the same code runs the wide
first pass around the diagonal and the narrow second pass around the first one's path.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

INF = 1e18
STEP_11, STEP_12, STEP_21, GARBAGE, SKIP, START, RESTART = 1, 2, 3, 4, 5, 6, 7


@dataclass(frozen=True)
class Units:
    """Skippable stretches of the reference: unit ``u`` is columns ``[starts[u], starts[u+1])``."""

    starts: np.ndarray
    penalties: np.ndarray

    def ends(self, n: int) -> np.ndarray:
        return np.append(self.starts[1:], n) - 1


@dataclass(frozen=True)
class Restarts:
    """Stretches the talent may read again (sentences): the path may jump from any of a
    sentence's ``sources`` (the ends of its cues) back to its start, at ``penalty``. The rows of
    the abandoned reading become garbage: a retake aligns to its last reading."""

    starts: np.ndarray
    """First column of each sentence, increasing."""
    sources: np.ndarray
    """Columns a restart may come from, increasing; ``source_of[k]`` is the sentence of ``sources[k]``."""
    source_of: np.ndarray
    penalty: float


@dataclass
class Path:
    """Where every recording frame went: a reference column, or ``-1`` for garbage."""

    col_of_row: np.ndarray
    cost_of_row: np.ndarray
    first_row: np.ndarray  # per column: first row matched to it, -1 if none (skipped)
    last_row: np.ndarray
    skipped_units: list[int] = field(default_factory=list)
    total: float = 0.0
    retakes: list[tuple[int, int, int]] = field(default_factory=list)
    """(first row, last row + 1, sentence start column) of each abandoned reading."""


def band_costs(r: np.ndarray, s: np.ndarray, lo: np.ndarray, width: int, a: int, b: int) -> np.ndarray:
    """Euclidean distances for rows ``a..b`` over their bands, ``INF`` past the reference's end."""
    n = len(s)
    c0 = int(lo[a])
    c1 = min(n, int(lo[b - 1]) + width)
    block = r[a:b] @ s[c0:c1].T  # one BLAS call for the whole chunk
    r2 = np.einsum("ij,ij->i", r[a:b], r[a:b])[:, None]
    s2 = np.einsum("ij,ij->i", s[c0:c1], s[c0:c1])[None, :]
    full = r2 + s2  # sqrt(max(|r|² + |s|² - 2 r·s, 0)), the same steps, in place: fewer fresh pages
    block *= 2.0
    full -= block
    np.sqrt(np.maximum(full, 0.0, out=full), out=full)
    if c1 - c0 == width and lo[a] == lo[b - 1] == c0:  # every row's band is the whole of it (the first level)
        return full.astype(np.float64)
    # each row's band is a window of the padded distances: a strided copy per row, not a
    # gather of every cell (the first level's band is the whole matrix)
    padded = np.full((b - a, c1 - c0 + width), INF)
    padded[:, : c1 - c0] = full
    windows = np.lib.stride_tricks.sliding_window_view(padded, width, axis=1)
    return windows[np.arange(b - a), lo[a:b] - c0]


def diagonal_band(m: int, n: int, half: int) -> tuple[np.ndarray, int]:
    """Band around the straight line from (0, 0) to (m-1, n-1), ``half`` columns either side."""
    width = min(n, 2 * half + 1)
    centre = np.arange(m) * (n - 1) / max(m - 1, 1)
    lo = np.clip(np.round(centre - half).astype(np.int64), 0, n - width)
    return np.maximum.accumulate(lo), width


def path_band(centre: np.ndarray, n: int, half: int) -> tuple[np.ndarray, int]:
    """Band of ``half`` columns either side of a given per-row centre (kept nondecreasing)."""
    width = min(n, 2 * half + 1)
    lo = np.clip(np.round(np.maximum.accumulate(centre) - half).astype(np.int64), 0, n - width)
    return np.maximum.accumulate(lo), width


def warp(
    r: np.ndarray,
    s: np.ndarray,
    lo: np.ndarray,
    width: int,
    *,
    garbage: float | np.ndarray,
    garbage_cols: np.ndarray,
    units: Units | None = None,
    restarts: Restarts | None = None,
    chunk: int = 256,
) -> Path:
    """The cheapest monotone path through the band, with garbage rows and skipped units.

    ``garbage`` is the cost of one recording frame matched to nothing (one value, or one per
    row); it should sit between a good match and a random one. Columns in ``garbage_cols`` allow
    it; the path may also start late (leading garbage) and end early in rows (trailing garbage at a unit end). With
    ``restarts``, a sentence may be read more than once; the last reading is the one matched.
    """
    m, n = len(r), len(s)
    if m == 0 or n == 0:
        raise ValueError("nothing to align")
    lo = np.asarray(lo, dtype=np.int64)
    g_row = np.broadcast_to(np.asarray(garbage, dtype=np.float64), (m,))
    g_before = np.concatenate([[0.0], np.cumsum(g_row)])  # garbage cost of rows [0, i)
    if units is None:
        units = Units(np.array([0]), np.array([0.0]))
    u_starts = np.asarray(units.starts, dtype=np.int64)
    u_ends = units.ends(n)
    pen = np.asarray(units.penalties, dtype=np.float64)
    cum_pen = np.concatenate([[0.0], np.cumsum(pen)])  # cost of skipping units [0, u)
    pen_list = pen.tolist()
    distinct = bool(np.all(np.diff(u_starts) > 0))  # no two units start on one column
    g_cols = np.unique(np.concatenate([np.asarray(garbage_cols, dtype=np.int64), u_ends]))
    w = width
    p = w + 2
    d1 = np.full(w + 2 * p, INF)
    d2 = np.full(w + 2 * p, INF)
    c1 = np.full(w + 2 * p, INF)
    cur_c = np.full(w + 2 * p, INF)
    bp = np.zeros((m, w), dtype=np.int8)
    skip_from: dict[tuple[int, int], tuple[int, int]] = {}  # (row, band cell) -> (snapshot, unit skipped into)
    snapshots: list[tuple[int, int, np.ndarray]] = []  # (first unit, previous row's lo, its costs at unit ends)
    restart_rows: dict[int, tuple[np.ndarray, np.ndarray]] = {}  # row -> (band cells restarted into, sources)
    sources_of: dict[tuple[int, int, int], tuple[np.ndarray, ...]] = {}
    rs_first_l: list[int] = []
    rs_last_l: list[int] = []
    if restarts is not None and len(restarts.starts):
        rs_starts = np.asarray(restarts.starts, dtype=np.int64)
        rs_src = np.asarray(restarts.sources, dtype=np.int64)
        rs_seg = np.searchsorted(np.asarray(restarts.source_of), np.arange(len(rs_starts)))  # first source of each
        rs_first_l = np.searchsorted(rs_starts, lo).tolist()
        rs_last_l = np.searchsorted(rs_starts, lo + w).tolist()
    else:
        restarts = None
    # which unit starts, unit ends and garbage columns fall in each row's band, found once; the
    # per-row numbers as plain ints and floats (a numpy scalar costs more to read than to use)
    u_first = np.searchsorted(u_starts, lo).tolist()
    u_last = np.searchsorted(u_starts, lo + w).tolist()
    ue_first = np.searchsorted(u_ends, lo).tolist()
    g_first = np.searchsorted(g_cols, lo).tolist()
    g_last = np.searchsorted(g_cols, lo + w).tolist()
    lo_l = lo.tolist()
    g_row_l = g_row.tolist()
    g_before_l = g_before.tolist()
    costs: np.ndarray | None = None
    costs_at = 0
    lo_prev = lo_prev2 = lo_l[0]
    for i in range(m):
        if costs is None or i - costs_at >= len(costs):
            costs_at = i
            costs = band_costs(r, s, lo, w, i, min(m, i + chunk))
        c = costs[i - costs_at]
        li = lo_l[i]
        s1 = min(li - lo_prev, p) if i > 0 else p
        s2 = min(li - lo_prev2, p) if i > 1 else p
        cur_c[p : p + w] = c
        diag = d1[p + s1 - 1 : p + s1 - 1 + w]  # (1,1)
        wide = d1[p + s1 - 2 : p + s1 - 2 + w] + cur_c[p - 1 : p - 1 + w]  # (1,2) via (i, j-1)
        tall = d2[p + s2 - 1 : p + s2 - 1 + w] + c1[p + s1 : p + s1 + w]  # (2,1) via (i-1, j)
        best = np.minimum(diag, wide)
        code = (wide < diag).view(np.int8) + np.int8(STEP_11)
        better = tall < best
        np.minimum(best, tall, out=best)
        code[better] = STEP_21
        uf, ul = u_first[i], u_last[i]
        # a late start: rows before i were garbage, units before u were skipped (the unit
        # starts are distinct columns, so one comparison per unit, all at once)
        if ul - uf > 4 and distinct:  # (a loop is cheaper for the one or two units of a narrow band)
            ks = u_starts[uf:ul] - li
            alt = g_before_l[i] + cum_pen[uf:ul]
            late = alt < best[ks]
            best[ks[late]] = alt[late]
            code[ks[late]] = START
        else:
            for u in range(uf, ul):
                k = int(u_starts[u]) - li
                alt_v = g_before_l[i] + cum_pen[u]
                if alt_v < best[k]:
                    best[k] = alt_v
                    code[k] = START
        # skips: arrive at the start of unit u from the end of unit u' <= u-2
        if i > 0 and ul > uf and ul >= 3 and ue_first[i - 1] <= ul - 3:
            u_lo = ue_first[i - 1]  # first unit whose end is in the previous band
            # the running minimum is a sequential scan: plain floats, one unit at a time (the
            # same additions in the same order as ever, so the same path to the last bit)
            ua = max(u_lo + 1, 2)
            e_prev2 = u_ends[ua - 2 : ul - 2] - lo_prev
            inside = (e_prev2 >= 0) & (e_prev2 < w)
            ends_d = np.where(inside, d1[p + _clamp(e_prev2, w)], INF).tolist()
            ks_a = u_starts[ua:ul] - li
            ks_l = ks_a.tolist()
            pen_l = pen_list[ua - 1 : ul - 1]
            best_k = best[_clamp(ks_a, w)].tolist()
            q = INF
            snap = -1
            for z in range(len(ks_l)):
                e_val = ends_d[z]
                if e_val < q:
                    q = e_val
                if q < INF:
                    q_u = q + pen_l[z]
                    k = ks_l[z]
                    if 0 <= k < w and q_u < best_k[z]:
                        best[k] = q_u
                        code[k] = SKIP
                        # remember where from: the cheapest end of an earlier unit, found if the
                        # path comes through here (the costs it needs are kept, not the answer)
                        if snap < 0:
                            snap = len(snapshots)
                            k_end = u_ends[u_lo : ul - 2] - lo_prev
                            snapshots.append((u_lo, lo_prev,
                                              np.where(k_end < w, d1[p + _clamp(k_end, w)], INF)))
                        skip_from[(i, k)] = (snap, ua + z)
                    q = q_u
        if restarts is not None and i > 0 and rs_last_l[i] > rs_first_l[i]:
            _restart_into(best, code, restart_rows, sources_of, d1, p, w, i, li, lo_prev, rs_first_l[i],
                          rs_last_l[i], rs_starts, rs_src, rs_seg, restarts.penalty)
        best += c
        row = best
        # garbage: stay on a garbage column, consuming this recording frame
        gf, gl = g_first[i], g_last[i]
        if i > 0 and gl > gf:
            k = g_cols[gf:gl] - li
            stay = d1[p + s1 + k] + g_row_l[i]
            better = stay < row[k]
            row[k[better]] = stay[better]
            code[k[better]] = GARBAGE
        bp[i] = code
        d2, d1 = d1, d2
        d1[p : p + w] = row
        c1, cur_c = cur_c, c1
        lo_prev2, lo_prev = lo_prev, li
    # the end: the last row on the end of some unit, later units skipped
    li = int(lo[m - 1])
    best_end, end_col = INF, -1
    for u in range(len(u_starts)):
        k = int(u_ends[u]) - li
        if 0 <= k < w:
            v = d1[p + k] + (cum_pen[-1] - cum_pen[u + 1])
            if v < best_end:
                best_end, end_col = v, int(u_ends[u])
    if end_col < 0 or best_end >= INF:
        raise ValueError("no path through the band")
    def skip_source(cell: tuple[int, int]) -> int:
        snap, u = skip_from[cell]
        u_lo, _, ends_cost = snapshots[snap]
        return _skip_source(ends_cost, u_ends, pen, u, u_lo)

    def restart_source(i: int, k: int) -> int:
        cells, sources = restart_rows[i]
        return int(sources[int(np.flatnonzero(cells == k)[0])])

    path = _backtrack(bp, skip_source, restart_source, lo, m=m, n=n, end_col=end_col, u_starts=u_starts, u_ends=u_ends,
                      total=best_end)
    rows = np.flatnonzero(path.col_of_row >= 0)
    path.cost_of_row[rows] = np.sqrt(np.sum((r[rows] - s[path.col_of_row[rows]]) ** 2, axis=1))
    return path


def _clamp(k: np.ndarray, w: int) -> np.ndarray:
    """``k`` held to the band's cells ``0..w-1`` (np.clip's overhead is ten times the work here)."""
    return np.minimum(np.maximum(k, 0), w - 1)


def _restart_into(best, code, restart_rows, sources_of, d1, p, w, i, li, lo_prev, kf, kl,  # type: ignore[no-untyped-def]
                  starts, src, seg, penalty):
    """Arrive at the start of sentences ``kf..kl-1`` (in this row's band) from the end of one of
    their cues in the previous row: the talent started the sentence again. The cells restarted
    into and the source each came from are kept per row (``restart_rows``), all sentences at once.

    What depends only on the band's place (which sources fall in the previous row's band) is
    found once per place (``sources_of``): the first level's band is the same for every row."""
    key = (kf, kl, lo_prev)
    where = sources_of.get(key)
    if where is None:
        a, b = int(seg[kf]), int(seg[kl]) if kl < len(seg) else len(src)
        cols = src[a:b]
        k_prev = cols - lo_prev
        if not ((k_prev >= 0) & (k_prev < w)).any():
            where = sources_of[key] = ()
        else:
            bounds = seg[kf:kl] - a
            # a source outside the previous band reads that row's padding: INF, as a cell it cannot come from
            at = p + np.minimum(np.maximum(k_prev, -p), w + p - 1)
            where = sources_of[key] = (cols, at, bounds, np.diff(np.append(bounds, len(cols))), np.arange(len(cols)))
    if not where:
        return
    cols, at, bounds, sizes, order = where
    vals = d1[at]
    lowest = np.minimum.reduceat(vals, bounds)
    mins = lowest + penalty
    kk = starts[kf:kl] - li
    better = np.flatnonzero((mins < best[kk]) & (mins < INF))
    if not len(better):
        return
    # each sentence's cheapest source, the first of equal ones (as an argmin over its sources picks)
    first = np.minimum.reduceat(np.where(vals == np.repeat(lowest, sizes), order, len(vals)), bounds)[better]
    cells = kk[better]
    best[cells] = mins[better]
    code[cells] = RESTART
    restart_rows[i] = (cells, cols[first])


def _skip_source(ends_cost: np.ndarray, u_ends: np.ndarray, pen: np.ndarray, u: int, u_lo: int) -> int:
    """The end column of the unit a skip into unit ``u`` comes from (cheapest, penalties included;
    the nearest on a tie). ``ends_cost[v - u_lo]`` is what the previous row cost at the end of unit
    ``v`` (``INF`` outside its band); ``u_lo`` is the first unit whose end is in that band.

    The penalties are summed outwards from ``u`` (a cumulative sum, added in the same order as a
    loop over the units would), so the choice is the same to the last bit.
    """
    v = np.arange(u - 2, u_lo - 1, -1)  # nearest first
    if not len(v):
        return -1
    acc = np.cumsum(pen[v + 1])
    vals = np.where(ends_cost[v - u_lo] < INF, ends_cost[v - u_lo] + acc, INF)
    j = int(np.argmin(vals))  # the first of equal minima: the nearest unit, as the loop kept
    return int(u_ends[v[j]]) if vals[j] < INF else -1


def _backtrack(bp, skip_source, restart_source, lo, *, m, n, end_col, u_starts, u_ends,  # type: ignore[no-untyped-def]
               total):
    col_of_row = np.full(m, -1, dtype=np.int64)
    first = np.full(n, -1, dtype=np.int64)
    last = np.full(n, -1, dtype=np.int64)
    retakes: list[tuple[int, int, int]] = []
    abandoned = -1  # while >= 0: walking back through an abandoned reading of the sentence starting there

    def visit(i: int, j: int) -> None:
        if abandoned >= 0:
            return
        col_of_row[i] = j
        if last[j] < 0:
            last[j] = i
        first[j] = i

    i, j = m - 1, end_col
    while i >= 0:
        if abandoned >= 0 and j < abandoned:  # back before the sentence: its first reading is over
            retakes[-1] = (i + 1, retakes[-1][1], abandoned)
            abandoned = -1
        k = j - int(lo[i])
        code = int(bp[i, k])
        if code == GARBAGE:
            i -= 1
            continue
        visit(i, j)
        if code == STEP_11:
            i, j = i - 1, j - 1
        elif code == STEP_12:
            visit(i, j - 1)
            i, j = i - 1, j - 2
        elif code == STEP_21:
            visit(i - 1, j)
            i, j = i - 2, j - 1
        elif code == SKIP:
            i, j = i - 1, skip_source((i, k))
        elif code == RESTART:
            if abandoned < 0:
                retakes.append((0, i, j))
            abandoned = j
            i, j = i - 1, restart_source(i, k)
        elif code == START:
            break
        else:  # pragma: no cover - every reachable cell has a code
            raise AssertionError(f"broken path at row {i}, column {j}")
    if abandoned >= 0:  # the abandoned reading began the recording
        retakes[-1] = (max(i, 0), retakes[-1][1], abandoned)
    skipped = [u for u in range(len(u_starts)) if first[u_starts[u] : u_ends[u] + 1].max() < 0]
    return Path(col_of_row, np.full(m, np.nan), first, last, skipped, float(total), retakes[::-1])
